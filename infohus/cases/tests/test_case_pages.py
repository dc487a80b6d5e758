"""The case list and the case page: need-to-know, compartments, audit, and pinned query counts."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.accounts.roles import Compartment
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Note, Task
from infohus.cases.tests.factories import make_case, make_note

pytestmark = pytest.mark.django_db

GENERAL, POLICE, HEALTH = Compartment.GENERAL.value, Compartment.POLICE.value, Compartment.HEALTH.value


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    """carl leads; mads (mentor) sees general; per (police) sees general and police; signe
    (psychiatry) sees general and health."""
    case = make_case(lead=people["carl"], team={
        people["mads"]: GENERAL, people["per"]: f"{GENERAL},{POLICE}", people["signe"]: f"{GENERAL},{HEALTH}",
    })
    make_note(case, author=people["carl"], compartment=GENERAL, text="Met the family at home.")
    make_note(case, author=people["per"], compartment=POLICE, text="Known to the police for threats.")
    make_note(case, author=people["signe"], compartment=HEALTH, text="In treatment for anxiety.")
    return case


def _page(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_lent_mentor_sees_only_general_notes(signed_in: Callable[[str], Client], case: Case) -> None:
    page = _page(signed_in("mads"), case)
    assert "Met the family at home." in page
    assert "Known to the police" not in page
    assert "In treatment" not in page


def test_police_liaison_on_the_team_sees_police_notes(signed_in: Callable[[str], Client], case: Case) -> None:
    page = _page(signed_in("per"), case)
    assert "Met the family at home." in page
    assert "Known to the police for threats." in page
    assert "In treatment" not in page


def test_psychiatry_liaison_sees_health_but_not_police(signed_in: Callable[[str], Client], case: Case) -> None:
    page = _page(signed_in("signe"), case)
    assert "In treatment for anxiety." in page
    assert "Known to the police" not in page


def test_team_entry_narrower_than_the_role_is_respected(signed_in: Callable[[str], Client],
                                                        people: dict[str, User]) -> None:
    case = make_case(lead=people["carl"], team={people["per"]: GENERAL})
    make_note(case, author=people["carl"], compartment=POLICE, text="Police-only detail.")
    assert "Police-only detail." not in _page(signed_in("per"), case)


def test_outsider_gets_404_and_the_refusal_is_audited(signed_in: Callable[[str], Client], case: Case,
                                                       people: dict[str, User]) -> None:
    response = signed_in("otto").get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action="case.refused", actor_id=people["otto"].pk)
    assert refusal.object_id == str(case.pk)
    missing = signed_in("otto").get(reverse("cases:case_detail", args=[case.pk + 1000]))
    assert missing.status_code == 404  # the same answer as for a case that does not exist


def test_reading_the_case_page_is_audited_with_person_and_purpose(signed_in: Callable[[str], Client], case: Case,
                                                                 people: dict[str, User]) -> None:
    _page(signed_in("mads"), case)
    event = AuditEvent.objects.get(action="case.viewed", actor_id=people["mads"].pk)
    assert event.person_id == str(case.person_id)
    assert event.purpose == "case page"
    assert event.details["compartments"] == [GENERAL]


def test_role_without_case_work_is_refused(signed_in: Callable[[str], Client], case: Case) -> None:
    assert signed_in("anders").get(reverse("cases:case_detail", args=[case.pk])).status_code == 403
    assert signed_in("anders").get(reverse("cases:case_list")).status_code == 403


def test_list_shows_only_the_users_cases(signed_in: Callable[[str], Client], case: Case,
                                         people: dict[str, User]) -> None:
    other = make_case(lead=people["ida"])
    page = signed_in("mads").get(reverse("cases:case_list")).content.decode()
    assert case.reference in page
    assert other.reference not in page
    assert AuditEvent.objects.filter(action="case.listed", actor_id=people["mads"].pk).exists()


def test_list_filters_status_and_overdue_reviews(signed_in: Callable[[str], Client], people: dict[str, User]) -> None:
    on_time = make_case(lead=people["carl"])
    overdue = make_case(lead=people["carl"])
    Case.objects.filter(pk=overdue.pk).update(next_review_on=timezone.localdate() - timedelta(days=3))
    closed = make_case(lead=people["carl"])
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED,
                                             next_review_on=timezone.localdate() - timedelta(days=3))
    client = signed_in("carl")
    url = reverse("cases:case_list")

    open_page = client.get(url).content.decode()
    assert on_time.reference in open_page and overdue.reference in open_page and closed.reference not in open_page
    overdue_page = client.get(url, {"overdue": "1"}).content.decode()
    assert overdue.reference in overdue_page
    assert on_time.reference not in overdue_page and closed.reference not in overdue_page
    assert 'data-testid="overdue"' in overdue_page
    closed_page = client.get(url, {"status": "closed"}).content.decode()
    assert closed.reference in closed_page and on_time.reference not in closed_page


def test_case_page_flags_an_overdue_review(signed_in: Callable[[str], Client], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(next_review_on=timezone.localdate() - timedelta(days=1))
    assert 'data-testid="review-overdue"' in _page(signed_in("carl"), case)


# --- query counts ---------------------------------------------------------------------------
# Every signed-in request: session, user, TOTP device (second factor), memberships, and at the
# end the session save (in a savepoint: 3). Every audit event: a savepoint pair, the last row of
# the chain, the insert (4), plus the advisory lock on PostgreSQL (1).

def _list_queries(client: Client, django_assert_max_num_queries, limit: int) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200


# List: request (7) + count + one page of cases joined with person, owner and lead (2) + audit (4–5).
LIST_QUERIES = 14
# Case page: request (7) + case with person/owner/lead, the reader's team entry (2) + audit (4–5)
# + notes count and page, team, tasks, reviews, consents, disclosures, attachments, network (9)
# + the assessments, interventions and lending panels (3).
CASE_QUERIES = 26


def test_case_list_queries_do_not_grow_with_cases(signed_in: Callable[[str], Client], people: dict[str, User],
                                                  django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("mads")
    make_case(lead=people["carl"], team={people["mads"]: GENERAL})
    _list_queries(client, django_assert_max_num_queries, LIST_QUERIES)
    for _ in range(29):
        make_case(lead=people["carl"], team={people["mads"]: GENERAL})
    _list_queries(client, django_assert_max_num_queries, LIST_QUERIES)


def _count_case_page(client: Client, case: Case) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    return len(queries)


def test_case_page_queries_do_not_grow_with_notes_and_tasks(signed_in: Callable[[str], Client], case: Case,
                                                            people: dict[str, User],
                                                            django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("per")
    with django_assert_max_num_queries(CASE_QUERIES):
        client.get(reverse("cases:case_detail", args=[case.pk]))
    few = _count_case_page(client, case)
    due = timezone.localdate() + timedelta(days=7)
    Note.objects.bulk_create([Note(case=case, author=people["per"], compartment=POLICE, text=f"n{i}")
                              for i in range(40)])
    Task.objects.bulk_create([Task(case=case, title=f"t{i}", due_on=due, assignee=people["mads"])
                              for i in range(20)])
    with django_assert_max_num_queries(CASE_QUERIES):
        client.get(reverse("cases:case_detail", args=[case.pk]))
    assert _count_case_page(client, case) == few
