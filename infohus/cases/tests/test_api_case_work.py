"""Tasks, reviews and consents of a case through the API, with the page's rules: a task for
someone on the team, marked done by them or a manager; reviews and consents by the lead or a case
manager, never dated in the future."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, ConsentRecord, Review, Task
from infohus.cases.tests.factories import make_case
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


# --- tasks ----------------------------------------------------------------------------------------

def test_a_member_gives_a_task_to_someone_on_the_team(people: dict[str, User], case: Case) -> None:
    response = _post(api_client(people["mads"]), f"/api/v1/cases/{case.pk}/tasks",
                     {"title": "Call the school", "due_on": str(TODAY + timedelta(days=3)), "assignee": "carl"})

    assert response.status_code == 201
    task = Task.objects.get()
    assert (task.assignee, task.created_by) == (people["carl"], people["mads"])
    assert json_of(response)["assignee"]["username"] == "carl"


def test_a_task_for_someone_off_the_team_answers_422(people: dict[str, User], case: Case) -> None:
    response = _post(api_client(people["carl"]), f"/api/v1/cases/{case.pk}/tasks",
                     {"title": "Call the school", "due_on": str(TODAY), "assignee": "otto"})

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"assignee"}
    assert not Task.objects.exists()


def test_the_assignee_marks_the_task_done_others_may_not(people: dict[str, User], case: Case) -> None:
    task = Task.objects.create(case=case, title="Visit", due_on=TODAY, assignee=people["carl"])
    mine = Task.objects.create(case=case, title="Call", due_on=TODAY, assignee=people["mads"])
    mads = api_client(people["mads"])

    refused = _post(mads, f"/api/v1/cases/{case.pk}/tasks/{task.pk}/done")
    done = _post(mads, f"/api/v1/cases/{case.pk}/tasks/{mine.pk}/done")

    assert refused.status_code == 403
    assert done.status_code == 200
    assert json_of(done)["done_at"] is not None
    assert Task.objects.get(pk=task.pk).done_at is None
    assert AuditEvent.objects.filter(action="case.task_done", object_id=str(mine.pk)).exists()


def test_a_task_of_another_case_is_not_found_here(people: dict[str, User], case: Case) -> None:
    other = make_case(lead=people["carl"])
    task = Task.objects.create(case=other, title="Visit", due_on=TODAY, assignee=people["carl"])

    response = _post(api_client(people["carl"]), f"/api/v1/cases/{case.pk}/tasks/{task.pk}/done")

    assert response.status_code == 422  # as on the page: "There is no such task on this case."
    assert Task.objects.get(pk=task.pk).done_at is None


# --- reviews --------------------------------------------------------------------------------------

def test_the_lead_records_a_review_and_the_next_one_moves_on(people: dict[str, User], case: Case) -> None:
    response = _post(api_client(people["carl"]), f"/api/v1/cases/{case.pk}/reviews",
                     {"held_on": str(TODAY), "summary": "Back in school three days a week."})

    assert response.status_code == 201
    assert Review.objects.get().summary == "Back in school three days a week."
    case.refresh_from_db()
    assert case.next_review_on is not None and case.next_review_on > TODAY
    assert case.version == 2


def test_a_review_in_the_future_or_by_a_member_is_refused(people: dict[str, User], case: Case) -> None:
    future = _post(api_client(people["carl"]), f"/api/v1/cases/{case.pk}/reviews",
                   {"held_on": str(TODAY + timedelta(days=1)), "summary": "Not yet."})
    member = _post(api_client(people["mads"]), f"/api/v1/cases/{case.pk}/reviews",
                   {"held_on": str(TODAY), "summary": "Fine."})

    assert set(json_of(future)["error"]["fields"]) == {"held_on"}
    assert member.status_code == 403
    assert not Review.objects.exists()


# --- consents -------------------------------------------------------------------------------------

def test_the_lead_records_and_withdraws_a_consent(people: dict[str, User], case: Case) -> None:
    client = api_client(people["carl"])
    given = _post(client, f"/api/v1/cases/{case.pk}/consents",
                  {"given_by": "The mother", "scope": "Talks with the school", "given_on": str(TODAY)})
    consent_id = json_of(given)["id"]

    withdrawn = _post(client, f"/api/v1/cases/{case.pk}/consents/{consent_id}/withdraw",
                      {"withdrawn_on": str(TODAY)})
    again = _post(client, f"/api/v1/cases/{case.pk}/consents/{consent_id}/withdraw", {"withdrawn_on": str(TODAY)})

    assert given.status_code == 201
    assert json_of(withdrawn)["withdrawn_on"] == str(TODAY)
    assert again.status_code == 404  # only a consent not yet withdrawn can be withdrawn
    assert AuditEvent.objects.filter(action="case.consent_withdrawn", object_id=str(consent_id)).exists()


def test_consents_are_for_the_lead_and_not_dated_in_the_future(people: dict[str, User], case: Case) -> None:
    body = {"given_by": "The mother", "scope": "Talks with the school", "given_on": str(TODAY)}
    future = _post(api_client(people["carl"]), f"/api/v1/cases/{case.pk}/consents",
                   {**body, "given_on": str(TODAY + timedelta(days=2))})

    assert _post(api_client(people["mads"]), f"/api/v1/cases/{case.pk}/consents", body).status_code == 403
    assert _post(api_client(people["otto"]), f"/api/v1/cases/{case.pk}/consents", body).status_code == 404
    assert set(json_of(future)["error"]["fields"]) == {"given_on"}
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("anders", 403), ("otto", 404)])
def test_tasks_reviews_and_withdrawals_are_refused_by_role_and_outside(people: dict[str, User], case: Case, who: str,
                                                                      status: int) -> None:
    task = Task.objects.create(case=case, title="Visit", due_on=TODAY, assignee=people["mads"])
    consent = ConsentRecord.objects.create(case=case, given_by="The mother", scope="School", given_on=TODAY,
                                           recorded_by=people["carl"])
    client = api_client(people[who])

    answers = [response.status_code for response in (
        _post(client, f"/api/v1/cases/{case.pk}/tasks", {"title": "Call", "due_on": str(TODAY), "assignee": "mads"}),
        _post(client, f"/api/v1/cases/{case.pk}/tasks/{task.pk}/done"),
        _post(client, f"/api/v1/cases/{case.pk}/reviews", {"held_on": str(TODAY), "summary": "Fine."}),
        _post(client, f"/api/v1/cases/{case.pk}/consents/{consent.pk}/withdraw", {"withdrawn_on": str(TODAY)}),
    )]

    assert answers == [status] * 4
    assert Task.objects.get().done_at is None
    assert not Review.objects.exists()
    assert ConsentRecord.objects.get().withdrawn_on is None


def test_a_member_cannot_withdraw_and_a_withdrawal_before_the_consent_is_refused(people: dict[str, User],
                                                                                case: Case) -> None:
    consent = ConsentRecord.objects.create(case=case, given_by="The mother", scope="School", given_on=TODAY,
                                           recorded_by=people["carl"])
    url = f"/api/v1/cases/{case.pk}/consents/{consent.pk}/withdraw"

    member = _post(api_client(people["mads"]), url, {"withdrawn_on": str(TODAY)})
    early = _post(api_client(people["carl"]), url, {"withdrawn_on": str(TODAY - timedelta(days=1))})

    assert member.status_code == 403
    assert early.status_code == 422
    assert ConsentRecord.objects.get().withdrawn_on is None
