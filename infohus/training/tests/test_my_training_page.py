"""Every signed-in person's own training: their enrolments (with the certificate once completed and
the questionnaire before and after when the run has one) and, for each active requirement that
applies to one of their memberships, their latest completion and due date in words. Nobody
else's data, and a query count that does not grow with enrolments."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.assessments.tests.factories import published, small_definition
from infohus.training.models import CourseKind, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.compliance import add_months
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()
URL = reverse("training:my_training")
# The request (session, user, second factor: 3; the session saved at the end: 3), the enrolments
# with whether each was answered (1), the memberships (1), the requirements that apply (1).
MINE_QUERIES = 9


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def enrolment(user: User, trainer: User, *, kind: str = CourseKind.RESOURCE_PERSON, completed: bool = False,
              title: str = "", questionnaire: bool = False, **fields: Any) -> Enrolment:
    extra: dict[str, Any] = {"title": title} if title else {}
    course = make_course(kind=kind, units=1, created_by=trainer, **extra)
    version = published(small_definition(slug="test-training-questions", use="training")) if questionnaire else None
    run = make_run(course, starts_on=TODAY - timedelta(days=40), questionnaire=version)
    return make_enrolment(run, user, completed_on=run.ends_on if completed else None, **fields)


def test_own_enrolments_with_certificate_and_questionnaire(signed_in: ClientFor, people: People) -> None:
    tina, rikke = people["tina"], people["rikke"]
    done = enrolment(rikke, tina, completed=True, title="Ressourcepersonkursus", questionnaire=True)
    assert done.run.questionnaire is not None
    QuestionnaireAnswer.objects.create(enrolment=done, phase=Phase.PRE, questionnaire=done.run.questionnaire,
                                       answers={}, recorded_by=rikke)
    waiting = enrolment(rikke, tina, title="Opfølgning", kind=CourseKind.RESOURCE_PERSON_FOLLOW_UP,
                        questionnaire=True)
    enrolment(rikke, tina, title="Trukket", status=Enrolment.Status.WITHDRAWN)
    enrolment(people["carl"], tina, completed=True, title="Carls eget kursus")

    page = page_of(signed_in("rikke").get(URL))

    assert "Ressourcepersonkursus" in page and "Opfølgning" in page and "Trukket" in page
    assert "Carls eget kursus" not in page
    certificate = reverse("training:certificate", args=[done.run.pk, done.pk])
    assert page.count('data-testid="certificate"') == 1 and certificate in page
    assert "Answered before the course" in page
    assert reverse("training:answers_record", args=[done.run.pk, done.pk, "post"]) in page
    assert reverse("training:answers_record", args=[waiting.run.pk, waiting.pk, "pre"]) in page
    assert reverse("training:answers_record", args=[waiting.run.pk, waiting.pk, "post"]) not in page
    assert "Withdrawn" in page and "Not completed" in page


def test_the_requirements_that_apply_with_due_dates_in_words(signed_in: ClientFor, people: People) -> None:
    tina, rikke = people["tina"], people["rikke"]
    applies = make_requirement(created_by=tina, name="Ressourcepersoner")
    make_requirement(created_by=tina, name="Ikke aktiv", is_active=False)
    make_requirement(created_by=tina, name="Mentorer", role="mentor",
                     organisation_kind=Organisation.Kind.MUNICIPALITY)

    page = page_of(signed_in("rikke").get(URL))
    assert "Ressourcepersoner" in page and "Ikke aktiv" not in page and "Mentorer" not in page
    assert re.search(rf'data-requirement="{applies.pk}" data-status="overdue"', page)
    assert "no course completed yet" in page and "Statsfængslet Østjylland (demo)" in page

    latest = add_months(TODAY + timedelta(days=12), -6)
    make_enrolment(make_run(make_course(kind=CourseKind.RESOURCE_PERSON_FOLLOW_UP, units=1, created_by=tina),
                            starts_on=latest), rikke, completed_on=latest)
    page = page_of(signed_in("rikke").get(URL))
    due = add_months(latest, 6)
    assert re.search(rf'data-requirement="{applies.pk}" data-status="due_soon"', page)
    assert f"By {due:%Y-%m-%d}" in page and f"in {(due - TODAY).days} days" in page
    assert latest.strftime("%Y-%m-%d") in page


def test_a_person_without_requirements_or_courses(signed_in: ClientFor, people: People) -> None:
    make_requirement(created_by=people["tina"])
    page = page_of(signed_in("anders").get(URL))
    assert "No recurring requirement applies to your roles." in page
    assert "You are not enrolled on any course." in page


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_queries_do_not_grow_with_enrolments_or_requirements(signed_in: ClientFor, people: People,
                                                            django_assert_max_num_queries: Any) -> None:
    client = signed_in("rikke")
    counts = []
    for total in (1, 15):
        for n in range(total):
            enrolment(people["rikke"], people["tina"], completed=bool(n % 2), questionnaire=True,
                      title=f"Kursus {total}-{n}")
            make_requirement(created_by=people["tina"], name=f"Krav {total}-{n}")
        with django_assert_max_num_queries(MINE_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(URL))
        counts.append(len(queries))
        assert f"Kursus {total}-{total - 1}" in page and f"Krav {total}-{total - 1}" in page
    assert counts[0] == counts[1]
