"""The trainer's start page lists the planned runs they train on, the soonest first, with the
places taken; runs of other organisations, held or cancelled runs do not appear. One query."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.core.start_pages import filled_sections
from infohus.core.tests.test_start_pages import START_QUERIES
from infohus.training.models import CourseRun, Enrolment
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()


def section(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    return html[start:html.index("</section>", start)]


def test_a_trainer_sees_upcoming_runs_soonest_first(signed_in: ClientFor, people: dict[str, User]) -> None:
    tina = people["tina"]
    course = make_course(created_by=tina, title="PSP-uddannelse")
    later = make_run(course, starts_on=TODAY + timedelta(days=40), capacity=12)
    sooner = make_run(course, starts_on=TODAY + timedelta(days=10), capacity=20)
    make_enrolment(sooner, people["carl"])
    make_enrolment(sooner, name="Ekstern Deltager")
    make_enrolment(sooner, name="Trukket Tilbage", status=Enrolment.Status.WITHDRAWN)
    held = make_run(course, starts_on=TODAY - timedelta(days=40), status=CourseRun.Status.HELD)
    cancelled = make_run(course, starts_on=TODAY + timedelta(days=5), status=CourseRun.Status.CANCELLED)
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    elsewhere = make_run(make_course(created_by=tina, organisation=aarhus), starts_on=TODAY + timedelta(days=3))

    html = section(signed_in("tina").get("/desk/").content.decode(), "Upcoming course runs")

    def link(run: CourseRun) -> str:
        return reverse("training:run_detail", args=[run.pk])

    assert html.index(link(sooner)) < html.index(link(later))
    assert "2 of 20 places" in html and "0 of 12 places" in html
    for hidden in (held, cancelled, elsewhere):
        assert link(hidden) not in html


@pytest.mark.parametrize("rows", [2, 20])
def test_the_trainers_page_does_not_grow_with_the_runs(signed_in: ClientFor, people: dict[str, User], rows: int,
                                                       django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    client.get("/desk/")
    course = make_course(created_by=people["tina"])
    for n in range(rows):
        run = make_run(course, starts_on=TODAY + timedelta(days=n + 1))
        make_enrolment(run, name="Ekstern")

    # The overdue section makes one query per requirement kept (at most five): here one.
    make_requirement(created_by=people["tina"])
    with django_assert_max_num_queries(START_QUERIES + filled_sections(Role.TRAINER)):
        html = client.get("/desk/").content.decode()

    assert len(re.findall(r'href="/desk/training/runs/\d+/"', html)) == min(rows, 10)


def test_a_trainer_sees_the_requirements_someone_is_overdue_for(signed_in: ClientFor, people: dict[str, User]) -> None:
    """rikke (resource person of a prison) has no completed course: overdue for the requirement
    of resource persons; nobody is overdue for a requirement of another kind of organisation."""
    overdue = make_requirement(created_by=people["tina"])
    nobody = make_requirement(created_by=people["tina"], name="Skoler", organisation_kind=Organisation.Kind.SCHOOL,
                              role=Role.COMMUNITY_COORDINATOR)

    html = section(signed_in("tina").get("/desk/").content.decode(), "Overdue requirements")

    assert reverse("training:compliance", args=[overdue.pk]) in html
    assert f"{overdue.name} · 1 overdue" in html
    assert reverse("training:compliance", args=[nobody.pk]) not in html
