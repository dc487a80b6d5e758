"""The start pages' sections that interventions fill: a mentor's mentees and a parent coach's
families (their active interventions, overdue follow-ups first), and a mentor coach's open
requests to lend a mentor. One query each, however many there are."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.cases.models import TeamMember
from infohus.cases.tests.factories import make_case
from infohus.core.start_pages import filled_sections
from infohus.core.tests.test_start_pages import START_QUERIES
from infohus.interventions.models import Intervention, InterventionKind, LendingRequest
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile, make_session

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()


def detail(intervention: Intervention) -> str:
    return reverse("interventions:intervention_detail", args=[intervention.pk])


def section(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    return html[start:html.index("</section>", start)]


def test_a_mentor_sees_their_mentees_overdue_follow_ups_first(signed_in: ClientFor, people: dict[str, User]) -> None:
    mads = people["mads"]
    soon = make_intervention(case=make_case(lead=people["carl"], team={mads: "general"}), provider_user=mads)
    make_session(soon, held_on=TODAY - timedelta(days=2), next_appointment=TODAY + timedelta(days=5))
    overdue = make_intervention(case=make_case(lead=people["carl"], team={mads: "general"}), provider_user=mads)
    make_session(overdue, held_on=TODAY - timedelta(days=30), next_appointment=TODAY - timedelta(days=9))
    ended = make_intervention(case=make_case(lead=people["carl"], team={mads: "general"}), provider_user=mads,
                              status=Intervention.Status.ENDED)
    left = make_case(lead=people["carl"], team={mads: "general"})
    gone = make_intervention(case=left, provider_user=mads)
    TeamMember.objects.filter(case=left, user=mads).update(is_active=False)

    html = section(signed_in("mads").get("/desk/").content.decode(), "Your mentees")

    assert html.index(detail(overdue)) < html.index(detail(soon))
    assert f"follow-up overdue since {TODAY - timedelta(days=9):%Y-%m-%d}" in html
    assert f"next appointment {TODAY + timedelta(days=5):%Y-%m-%d}" in html
    assert overdue.case is not None and overdue.case.reference in html
    assert detail(ended) not in html and detail(gone) not in html
    assert "will appear here" not in html
    assert reverse("interventions:my_interventions") in html


def test_a_parent_coach_sees_the_families_they_coach(signed_in: ClientFor, people: dict[str, User]) -> None:
    pia = people["pia"]
    coaching = make_intervention(case=make_case(lead=people["carl"], team={pia: "general"}), provider_user=pia,
                                 kind=InterventionKind.PARENT_COACHING)

    html = section(signed_in("pia").get("/desk/").content.decode(), "Families you coach")

    assert detail(coaching) in html and "Parent or relative coaching" in html and "no appointment set" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_mentees_section_is_one_query(signed_in: ClientFor, people: dict[str, User], rows: int,
                                          django_assert_num_queries: Any) -> None:
    client = signed_in("mads")
    client.get("/desk/")
    for n in range(rows):
        i = make_intervention(case=make_case(lead=people["carl"], team={people["mads"]: "general"}),
                              provider_user=people["mads"])
        make_session(i, next_appointment=TODAY + timedelta(days=n - 15))

    with django_assert_num_queries(START_QUERIES + filled_sections(Role.MENTOR)):
        response = client.get("/desk/")

    assert response.content.decode().count('href="/desk/interventions/') >= min(rows, 10)


def _centre() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.NATIONAL_CENTRE)


def test_a_mentor_coach_sees_the_open_requests_to_lend(signed_in: ClientFor, people: dict[str, User]) -> None:
    carl = people["carl"]
    sent = make_lending(case=make_case(lead=carl), lending_organisation=_centre())
    offered = make_lending(case=make_case(lead=carl), lending_organisation=_centre(),
                           status=LendingRequest.Status.OFFERED, offered_mentor=make_profile(people["morten"]))
    declined = make_lending(case=make_case(lead=carl), lending_organisation=_centre(),
                            status=LendingRequest.Status.DECLINED)
    elsewhere = make_lending(case=make_case(lead=carl), lending_organisation=Organisation.objects.get(
        name__startswith="Randers"))

    html = section(signed_in("morten").get("/desk/").content.decode(), "Lending requests")

    for shown in (sent, offered):
        assert reverse("interventions:lending_detail", args=[shown.pk]) in html and shown.reference in html
    assert "Aarhus Kommune (demo)" in html
    for hidden in (declined, elsewhere):
        assert hidden.reference not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_lending_section_is_one_query(signed_in: ClientFor, people: dict[str, User], rows: int,
                                          django_assert_num_queries: Any) -> None:
    client = signed_in("morten")
    client.get("/desk/")
    for _n in range(rows):
        make_lending(case=make_case(lead=people["carl"]), lending_organisation=_centre())

    with django_assert_num_queries(START_QUERIES + filled_sections(Role.MENTOR_COACH)):
        html = client.get("/desk/").content.decode()

    assert html.count('href="/desk/lending/') >= min(rows, 10)
