"""Cases through the API: the list with the page's filters, a case as its page shows it to the
caller's role (compartments respected, no national identifier), and the versioned edits: edit,
close and reopen, where a stale version answers 409 and changes nothing."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.audit.models import AuditEvent
from infohus.cases.models import (
    Case,
    CaseAttachment,
    ConsentRecord,
    Disclosure,
    LegalBasis,
    NetworkMember,
    Review,
    Task,
)
from infohus.cases.tests.factories import grant_break_glass, make_case, make_person
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

GENERAL, POLICE, HEALTH = Compartment.GENERAL.value, Compartment.POLICE.value, Compartment.HEALTH.value
TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)
CPR = "1705071234"


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    """carl leads; mads (mentor) sees general; per (police) general and police; signe (psychiatry)
    general and health. The person has a CPR number on record."""
    return make_case(person=make_person(identifier=CPR), lead=people["carl"], team={
        people["mads"]: GENERAL, people["per"]: f"{GENERAL},{POLICE}", people["signe"]: f"{GENERAL},{HEALTH}",
    })


def _in_each_compartment(case: Case, people: dict[str, User]) -> None:
    for compartment in (GENERAL, POLICE, HEALTH):
        Disclosure.objects.create(person=case.person, from_organisation=case.owner, summary=f"Shared in {compartment}",
                                  legal_basis=LegalBasis.S115_SSP, purpose="Prevention", compartment=compartment,
                                  recorded_by=people["carl"])
        attachment = CaseAttachment(case=case, compartment=compartment, original_name=f"{compartment}.txt",
                                    content_type="text/plain", size=4)
        attachment.file.save("api-case.txt", ContentFile(b"file"), save=True)


# --- the list -------------------------------------------------------------------------------------

def test_list_holds_only_the_callers_cases(people: dict[str, User], case: Case) -> None:
    make_case(lead=people["rita"])

    body = json_of(api_client(people["mads"]).get("/api/v1/cases"))

    assert [c["id"] for c in body["results"]] == [case.pk]
    assert body["results"][0]["lead"] == {"username": "carl", "name": "Carl Brink"}
    assert json_of(api_client(people["otto"]).get("/api/v1/cases"))["count"] == 0
    listed = AuditEvent.objects.filter(action="case.listed", actor_id=people["mads"].pk).get()
    assert listed.details["cases"] == [case.pk]


def test_list_filters_like_the_page(people: dict[str, User], case: Case) -> None:
    closed = make_case(lead=people["carl"])
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    overdue = make_case(lead=people["carl"])
    Case.objects.filter(pk=overdue.pk).update(next_review_on=timezone.localdate() - timedelta(days=3))
    client = api_client(people["carl"])

    def ids(query: str) -> set[int]:
        return {c["id"] for c in json_of(client.get(f"/api/v1/cases{query}"))["results"]}

    assert ids("") == {case.pk, overdue.pk}
    assert ids("?status=closed") == {closed.pk}
    assert ids("?status=all") == {case.pk, overdue.pk, closed.pk}
    assert ids("?overdue=true") == {overdue.pk}
    assert client.get("/api/v1/cases?status=archived").status_code == 422


def test_list_is_for_roles_that_work_on_cases(people: dict[str, User]) -> None:
    assert api_client(people["anders"]).get("/api/v1/cases").status_code == 403
    assert api_client(people["rasmus"]).get("/api/v1/cases").status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_list_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    for _ in range(rows):
        make_case(lead=people["carl"])
    client = api_client(people["carl"])
    # the count, one page with person, owner and lead, the audit event
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT):
        response = client.get("/api/v1/cases?page_size=100")
    assert json_of(response)["count"] == rows


# --- one case -------------------------------------------------------------------------------------

def test_mentor_sees_the_general_compartment_only(people: dict[str, User], case: Case) -> None:
    _in_each_compartment(case, people)

    body = json_of(api_client(people["mads"]).get(f"/api/v1/cases/{case.pk}"))

    assert body["access"] == {"compartments": [GENERAL], "on_team": True, "may_manage": False,
                              "by_break_glass": False, "break_glass_until": None}
    assert [d["summary"] for d in body["disclosures"]] == ["Shared in general"]
    assert [a["name"] for a in body["attachments"]] == ["general.txt"]


def test_police_and_psychiatry_see_their_own_compartments(people: dict[str, User], case: Case) -> None:
    _in_each_compartment(case, people)

    police = json_of(api_client(people["per"]).get(f"/api/v1/cases/{case.pk}"))
    psychiatry = json_of(api_client(people["signe"]).get(f"/api/v1/cases/{case.pk}"))

    assert {a["name"] for a in police["attachments"]} == {"general.txt", "police.txt"}
    assert {a["name"] for a in psychiatry["attachments"]} == {"general.txt", "health.txt"}


def test_the_national_identifier_is_never_sent(people: dict[str, User], case: Case) -> None:
    response = api_client(people["carl"]).get(f"/api/v1/cases/{case.pk}")

    assert "identifier" not in str(json_of(response))
    assert CPR[:6] not in response.content.decode()


def test_reading_a_case_is_audited_like_the_page(people: dict[str, User], case: Case, signed_in: Any) -> None:
    api_client(people["mads"]).get(f"/api/v1/cases/{case.pk}")
    signed_in("mads").get(f"/desk/cases/{case.pk}/")

    api_read, page_read = AuditEvent.objects.filter(actor_id=people["mads"].pk, object_type="case").order_by("seq")
    assert (api_read.action, api_read.object_id, api_read.person_id) == (
        page_read.action, page_read.object_id, page_read.person_id) == ("case.viewed", str(case.pk),
                                                                         str(case.person_id))
    assert api_read.purpose == "api: case page"


def test_an_outsider_gets_404_and_the_refusal_is_audited(people: dict[str, User], case: Case) -> None:
    response = api_client(people["otto"]).get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 404
    assert json_of(response)["error"]["code"] == "not_found"
    assert AuditEvent.objects.filter(action="case.refused", actor_id=people["otto"].pk,
                                     object_id=str(case.pk)).exists()
    assert api_client(people["otto"]).get(f"/api/v1/cases/{case.pk + 1000}").status_code == 404


def test_a_role_that_does_not_work_on_cases_is_refused(people: dict[str, User], case: Case) -> None:
    assert api_client(people["anders"]).get(f"/api/v1/cases/{case.pk}").status_code == 403


def test_break_the_glass_reads_but_is_said_so(people: dict[str, User], case: Case) -> None:
    grant_break_glass(case, people["ida"])

    body = json_of(api_client(people["ida"]).get(f"/api/v1/cases/{case.pk}"))

    assert body["access"]["by_break_glass"] is True
    assert body["access"]["on_team"] is False
    assert body["access"]["break_glass_until"] is not None


@pytest.mark.parametrize("rows", [1, 10])
def test_case_queries_do_not_grow(people: dict[str, User], case: Case, django_assert_max_num_queries: Any,
                                  rows: int) -> None:
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    type(case.person).objects.filter(pk=case.person_id).update(municipality=aarhus)
    for i in range(rows):
        NetworkMember.objects.create(person=case.person, name=f"Relative {i}", relation="uncle")
        Task.objects.create(case=case, title=f"Task {i}", due_on=timezone.localdate(), assignee=people["mads"])
        Review.objects.create(case=case, held_on=timezone.localdate(), summary=f"Review {i}",
                              recorded_by=people["carl"])
        ConsentRecord.objects.create(case=case, given_by="Mother", scope="School", given_on=timezone.localdate(),
                                     recorded_by=people["carl"])
        _in_each_compartment(case, people)
    client = api_client(people["carl"])
    # the case with person, owner and lead; carl's place on the team; the audit event; the
    # person's municipality; team, tasks, reviews, consents, disclosures, attachments, network
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT + 1 + 7):
        body = json_of(client.get(f"/api/v1/cases/{case.pk}"))
    assert (len(body["tasks"]), len(body["person"]["network"]), len(body["team"])) == (rows, rows, 4)


# --- edit, close, reopen --------------------------------------------------------------------------

def test_lead_edits_the_case_and_the_version_moves_on(people: dict[str, User], case: Case) -> None:
    next_review = str(timezone.localdate() + timedelta(days=30))
    response = _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}",
                     {"version": 1, "review_every_months": 6, "next_review_on": next_review, "lead": "carl"})

    assert response.status_code == 200
    assert (json_of(response)["version"], json_of(response)["next_review_on"]) == (2, next_review)
    case.refresh_from_db()
    assert (case.review_every_months, case.version) == (6, 2)
    assert AuditEvent.objects.filter(action="case.edited", object_id=str(case.pk)).exists()


def test_a_stale_edit_answers_409_and_changes_nothing(people: dict[str, User], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=2)

    response = _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}",
                     {"version": 1, "review_every_months": 12, "lead": "carl"})

    assert response.status_code == 409
    assert json_of(response)["error"]["current_version"] == 2
    case.refresh_from_db()
    assert (case.review_every_months, case.version) == (3, 2)


@pytest.mark.parametrize(("change", "field"), [
    ({"lead": "mads"}, "lead"),
    ({"lead": "nobody"}, "lead"),
    ({"review_every_months": 30}, "review_every_months"),
    ({"version": 0}, "version"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_edits_answer_422(people: dict[str, User], case: Case, change: dict[str, Any], field: str) -> None:
    body = {"version": 1, "review_every_months": 6, "lead": "carl", **change}

    response = _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}", body)

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    case.refresh_from_db()
    assert case.version == 1


def test_only_a_manager_edits_and_outsiders_get_404(people: dict[str, User], case: Case) -> None:
    body = {"version": 1, "review_every_months": 6, "lead": "carl"}

    assert _send(api_client(people["mads"]), "PUT", f"/api/v1/cases/{case.pk}", body).status_code == 403
    assert _send(api_client(people["rita"]), "PUT", f"/api/v1/cases/{case.pk}", body).status_code == 404
    case.refresh_from_db()
    assert case.version == 1


def test_closing_and_reopening(people: dict[str, User], case: Case) -> None:
    client = api_client(people["carl"])

    closed = _send(client, "POST", f"/api/v1/cases/{case.pk}/close",
                   {"version": 1, "outcome": "goals_met", "reason": "Back in school, new friends."})
    reopened = _send(client, "POST", f"/api/v1/cases/{case.pk}/reopen", {"version": 2})

    assert closed.status_code == 200
    assert (json_of(closed)["status"], json_of(closed)["outcome"]) == ("closed", "goals_met")
    assert json_of(reopened)["status"] == "open"
    case.refresh_from_db()
    assert (case.status, case.version, case.outcome) == ("open", 3, "")


def test_a_stale_close_answers_409_and_the_case_stays_open(people: dict[str, User], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=4)

    response = _send(api_client(people["carl"]), "POST", f"/api/v1/cases/{case.pk}/close",
                     {"version": 3, "outcome": "goals_met", "reason": "Done."})

    assert response.status_code == 409
    case.refresh_from_db()
    assert (case.status, case.version) == ("open", 4)


def test_closing_needs_an_outcome_and_a_reason(people: dict[str, User], case: Case) -> None:
    client = api_client(people["carl"])
    no_outcome = _send(client, "POST", f"/api/v1/cases/{case.pk}/close", {"version": 1, "outcome": "won",
                                                                          "reason": "Done."})
    no_reason = _send(client, "POST", f"/api/v1/cases/{case.pk}/close", {"version": 1, "outcome": "goals_met",
                                                                         "reason": "  "})

    assert set(json_of(no_outcome)["error"]["fields"]) == {"outcome"}
    assert set(json_of(no_reason)["error"]["fields"]) == {"reason"}
    case.refresh_from_db()
    assert case.status == "open"


def test_a_team_member_who_does_not_manage_cannot_close(people: dict[str, User], case: Case) -> None:
    response = _send(api_client(people["mads"]), "POST", f"/api/v1/cases/{case.pk}/close",
                     {"version": 1, "outcome": "goals_met", "reason": "Done."})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "open"


def test_a_stale_reopen_answers_409_and_the_case_stays_closed(people: dict[str, User], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, outcome="goals_met", version=3)

    response = _send(api_client(people["carl"]), "POST", f"/api/v1/cases/{case.pk}/reopen", {"version": 2})

    assert response.status_code == 409
    case.refresh_from_db()
    assert (case.status, case.version) == ("closed", 3)


@pytest.mark.parametrize(("who", "status"), [("mads", 403), ("rita", 404), ("anders", 403)])
def test_closing_and_reopening_are_refused_by_role_and_outside(people: dict[str, User], case: Case, who: str,
                                                                status: int) -> None:
    client = api_client(people[who])
    close = _send(client, "POST", f"/api/v1/cases/{case.pk}/close", {"version": 1, "outcome": "other",
                                                                     "reason": "Moved."})
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    reopen = _send(client, "POST", f"/api/v1/cases/{case.pk}/reopen", {"version": 1})

    assert (close.status_code, reopen.status_code) == (status, status)
    assert Case.objects.get(pk=case.pk).version == 1


def test_reopening_an_open_case_is_refused(people: dict[str, User], case: Case) -> None:
    response = _send(api_client(people["carl"]), "POST", f"/api/v1/cases/{case.pk}/reopen", {"version": 1})
    assert response.status_code == 422
    assert Case.objects.get(pk=case.pk).version == 1


# --- the person -----------------------------------------------------------------------------------

def _person_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"version": 1, "first_name": "Jonas", "last_name": "Testesen", "birth_date": "2007-05-17",
                            "gender": "male", "phone": "+45 1234 5678",
                            "network": [{"name": "Hanne Testesen", "relation": "mother"}]}
    body.update(overrides)
    return body


def test_lead_edits_the_person_and_their_network(people: dict[str, User], case: Case) -> None:
    response = _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}/person", _person_body())

    assert response.status_code == 200
    body = json_of(response)
    assert (body["version"], body["gender"], body["phone"]) == (2, "male", "+45 1234 5678")
    assert [(m["name"], m["relation"]) for m in body["network"]] == [("Hanne Testesen", "mother")]
    assert "identifier" not in body
    case.person.refresh_from_db()
    assert case.person.identifier_hash != ""  # an empty identifier keeps the one on record
    assert AuditEvent.objects.filter(action="person.edited", object_id=str(case.person_id)).exists()


def test_a_relative_is_changed_and_removed_by_id(people: dict[str, User], case: Case) -> None:
    mother = NetworkMember.objects.create(person=case.person, name="Hanne", relation="mother")
    uncle = NetworkMember.objects.create(person=case.person, name="Ole", relation="uncle")

    _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}/person", _person_body(network=[
        {"id": mother.pk, "name": "Hanne Testesen", "relation": "mother"},
        {"id": uncle.pk, "name": "Ole", "delete": True}]))

    assert list(NetworkMember.objects.filter(person=case.person).values_list("name", flat=True)) == ["Hanne Testesen"]


def test_a_stale_person_edit_answers_409_and_changes_nothing(people: dict[str, User], case: Case) -> None:
    type(case.person).objects.filter(pk=case.person_id).update(version=2)

    response = _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}/person", _person_body())

    assert response.status_code == 409
    assert json_of(response)["error"]["current_version"] == 2
    case.person.refresh_from_db()
    assert (case.person.gender, case.person.phone) == ("unknown", "")
    assert not NetworkMember.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"network": [{"name": "Hanne"}]}, "network.0.relation"),
    ({"birth_date": str(timezone.localdate() + timedelta(days=1))}, "birth_date"),
    ({"identifier_country": "D1"}, "identifier_country"),
    ({"identifier": "123"}, "__all__"),
])
def test_invalid_person_edits_answer_422(people: dict[str, User], case: Case, change: dict[str, Any],
                                         field: str) -> None:
    response = _send(api_client(people["carl"]), "PUT", f"/api/v1/cases/{case.pk}/person", _person_body(**change))

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    case.person.refresh_from_db()
    assert case.person.version == 1


def test_only_a_manager_edits_the_person(people: dict[str, User], case: Case) -> None:
    assert _send(api_client(people["mads"]), "PUT", f"/api/v1/cases/{case.pk}/person",
                 _person_body()).status_code == 403
    assert _send(api_client(people["otto"]), "PUT", f"/api/v1/cases/{case.pk}/person",
                 _person_body()).status_code == 404
