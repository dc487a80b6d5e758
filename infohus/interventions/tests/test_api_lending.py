"""Lending mentors between municipalities through the desk's API: each side's list, one request as
each side sees it, asking, each step with its version (409 when stale), ending, and the hours
report. Aarhus (carl leads the case of "Yusuf Kilde") borrows from Randers (rita answers; otto is
Randers's mentor). Nothing of the case or the person ever reaches the lending side."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, TeamMember
from infohus.cases.tests.factories import make_case, make_person
from infohus.cases.tests.triage_helpers import audit_queries
from infohus.interventions.models import Intervention, LendingRequest, MentorProfile
from infohus.interventions.tests.factories import make_lending, make_profile, make_session
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db
S = LendingRequest.Status
TODAY = timezone.localdate()
# Every call: the token, its last use, the memberships of its user.
TOKEN = 3
AUDIT_EVENT = audit_queries(1)


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], person=make_person("Yusuf", "Kilde", identifier="1203041234"),
                     team={people["mads"]: "general"})


@pytest.fixture
def otto(people: dict[str, User]) -> MentorProfile:
    return make_profile(people["otto"], languages="da,ar,en", age_groups="young_adults", prison_work=True)


def request_to_randers(case: Case, status: str = S.SENT, **fields: Any) -> LendingRequest:
    fields.setdefault("needs", {"languages": ["ar"], "age_group": "young_adults", "prison_work": True})
    fields.setdefault("summary", "A young man, soon released, needs a mentor who speaks Arabic.")
    return make_lending(case=case, lending_organisation=org("Randers"), status=status, **fields)


def nothing_of_the_case(text: str, case: Case) -> bool:
    return case.reference not in text and "Yusuf" not in text and "Kilde" not in text


# --- the lists -------------------------------------------------------------------------------------

def test_each_side_lists_its_requests_with_those_waiting_for_it_first(
        people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    oldest = request_to_randers(case)
    offered = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    newest = request_to_randers(case)

    carls = json_of(api_client(people["carl"]).get("/api/v1/lending-requests", {"side": "borrowing"}))
    ritas = json_of(api_client(people["rita"]).get("/api/v1/lending-requests", {"side": "lending"}))
    ritas_borrowed = json_of(api_client(people["rita"]).get("/api/v1/lending-requests", {"side": "borrowing"}))

    assert [row["id"] for row in carls["results"]] == [offered.pk, newest.pk, oldest.pk]
    assert carls["results"][0]["case"] == {"id": case.pk, "reference": case.reference}
    assert [row["id"] for row in ritas["results"]] == [newest.pk, oldest.pk, offered.pk]
    assert all(row["case"] is None for row in ritas["results"])
    assert nothing_of_the_case(str(ritas), case)
    assert ritas_borrowed["count"] == 0


def test_the_list_filters_by_status_and_needs_a_side(people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    request_to_randers(case)
    offered = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    client = api_client(people["carl"])

    filtered = json_of(client.get("/api/v1/lending-requests", {"side": "borrowing", "status": "offered"}))
    no_side = client.get("/api/v1/lending-requests")

    assert [row["id"] for row in filtered["results"]] == [offered.pk]
    assert no_side.status_code == 422


@pytest.mark.parametrize("username", ["mads", "otto", "anders", "per"])
def test_roles_that_neither_manage_cases_nor_coach_mentors_are_refused(people: dict[str, User],
                                                                       username: str) -> None:
    assert api_client(people[username]).get("/api/v1/lending-requests", {"side": "lending"}).status_code == 403


@pytest.mark.parametrize("rows", [1, 12])
def test_the_list_costs_the_same_queries_whatever_its_length(
        people: dict[str, User], case: Case, rows: int, django_assert_max_num_queries: Any) -> None:
    for _ in range(rows):
        request_to_randers(case)
    for username, side in (("carl", "borrowing"), ("rita", "lending")):
        client = api_client(people[username])
        # count, and the page with the organisations (and the borrowing side's case) joined.
        with django_assert_max_num_queries(TOKEN + 2):
            response = client.get("/api/v1/lending-requests", {"side": side, "page_size": 100})
        assert json_of(response)["count"] == rows


# --- one request -----------------------------------------------------------------------------------

def test_the_borrowing_side_sees_its_case_and_the_lending_side_does_not(
        people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    lent = request_to_randers(case)

    carls = json_of(api_client(people["carl"]).get(f"/api/v1/lending-requests/{lent.pk}"))
    ritas = api_client(people["rita"]).get(f"/api/v1/lending-requests/{lent.pk}")

    assert (carls["side"], carls["case"]["id"], carls["options"]) == ("borrowing", case.pk, [])
    body = json_of(ritas)
    assert (body["side"], body["case"], body["intervention"]) == ("lending", None, None)
    assert body["needs"] == {"languages": ["ar"], "age_group": "young_adults", "extremism_kind": "", "gender": "",
                             "prison_work": True}
    assert [o["id"] for o in body["options"]] == [otto.pk]
    assert body["options"][0]["assignable"] is True
    assert nothing_of_the_case(ritas.content.decode(), case)
    viewed = AuditEvent.objects.filter(action="lending.viewed").order_by("seq")
    assert [(e.details["side"], e.person_id) for e in viewed] == [("borrowing", str(case.person_id)), ("lending", "")]


def test_neither_side_is_404(people: dict[str, User], case: Case) -> None:
    lent = request_to_randers(case)

    response = api_client(people["morten"]).get(f"/api/v1/lending-requests/{lent.pk}")

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="lending.refused", actor_id=people["morten"].pk).exists()


def test_an_accepted_lending_shows_the_mentor_and_the_hours(
        people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    lent = request_to_randers(case, S.ACCEPTED, offered_mentor=otto)
    assert lent.intervention is not None
    make_session(lent.intervention, duration_minutes=90, lending=lent)

    body = json_of(api_client(people["rita"]).get(f"/api/v1/lending-requests/{lent.pk}"))

    assert body["hours_so_far"] == 1.5
    assert body["mentor"]["name"] == "Otto Rimmen"
    assert "Speaks Arabic" in body["mentor"]["fits"]


@pytest.mark.parametrize("mentors", [1, 8])
def test_one_request_costs_the_same_queries_whatever_the_corps(
        people: dict[str, User], case: Case, mentors: int, django_assert_max_num_queries: Any) -> None:
    for n in range(mentors):
        user = User.objects.create_user(username=f"mentor{n}", first_name=f"M{n}", last_name="Randersen")
        Membership.objects.create(user=user, organisation=org("Randers"), role=Role.MENTOR)
        make_profile(user, municipality=org("Randers"))
    lent = request_to_randers(case)
    client = api_client(people["rita"])
    # the request with its organisations, mentor and case; which side (borrowing, lending); the
    # audit of the read; the corps members and their loads.
    with django_assert_max_num_queries(TOKEN + 3 + AUDIT_EVENT + 2):
        response = client.get(f"/api/v1/lending-requests/{lent.pk}")
    assert len(json_of(response)["options"]) == mentors


# --- asking ----------------------------------------------------------------------------------------

NEW: dict[str, Any] = {"corps_role": "mentor", "needs": {"languages": ["ar", "en", "ar"], "age_group": "young_adults",
                                                        "prison_work": True},
                       "summary": "A young man, 19, soon released, needs a mentor who speaks Arabic.",
                       "hours_per_month": 6}


def test_the_case_lead_asks_to_borrow_a_mentor(people: dict[str, User], case: Case) -> None:
    response = _post(api_client(people["carl"]), "/api/v1/lending-requests",
                     {**NEW, "case": case.pk, "lending_organisation": org("Randers").pk})

    assert response.status_code == 201, response.content
    body = json_of(response)
    lent = LendingRequest.objects.get(pk=body["id"])
    assert (lent.status, lent.requesting_organisation_id, lent.case_id) == (S.SENT, case.owner_id, case.pk)
    assert lent.needs == {"languages": ["ar", "en"], "age_group": "young_adults", "prison_work": True}
    assert body["side"] == "borrowing" and body["version"] == 1
    assert AuditEvent.objects.filter(action="lending.sent", object_id=str(lent.pk)).exists()


def test_a_summary_that_names_the_person_is_refused_unless_sent_anyway(people: dict[str, User], case: Case) -> None:
    body = {**NEW, "case": case.pk, "lending_organisation": org("Randers").pk,
            "summary": "Yusuf needs a mentor who speaks Arabic."}
    client = api_client(people["carl"])

    refused = _post(client, "/api/v1/lending-requests", body)
    sent = _post(client, "/api/v1/lending-requests", {**body, "send_anyway": True})

    assert refused.status_code == 422
    assert "the first name" in json_of(refused)["error"]["fields"]["summary"][0]
    assert sent.status_code == 201
    assert LendingRequest.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"lending_organisation": "Aarhus"}, "lending_organisation"),
    ({"lending_organisation": "Østjyllands"}, "lending_organisation"),
    ({"lending_organisation": 987654}, "lending_organisation"),
    ({"needs": {"languages": ["klingon"]}}, "needs.languages.0"),
    ({"needs": {"languages": ["AR"]}}, "needs.languages.0"),
    ({"needs": {"colour": "blue"}}, "needs.colour"),
    ({"corps_role": "mentor_coach"}, "corps_role"),
    ({"summary": ""}, "summary"),
    ({"hours_per_month": 500}, "hours_per_month"),
])
def test_bad_input_to_a_request_is_refused_at_its_field(
        people: dict[str, User], case: Case, body: dict[str, Any], field: str) -> None:
    lender = body.get("lending_organisation", "Randers")
    body = {**body, "lending_organisation": org(lender).pk if isinstance(lender, str) else lender}

    response = _post(api_client(people["carl"]), "/api/v1/lending-requests", {**NEW, "case": case.pk, **body})

    assert response.status_code == 422, response.content
    assert field in json_of(response)["error"]["fields"]
    assert not LendingRequest.objects.exists()


def test_only_a_case_manager_of_the_case_asks(people: dict[str, User], case: Case) -> None:
    body = {**NEW, "case": case.pk, "lending_organisation": org("Randers").pk}

    assert _post(api_client(people["rita"]), "/api/v1/lending-requests", body).status_code == 404
    assert _post(api_client(people["mads"]), "/api/v1/lending-requests", body).status_code == 403
    assert not LendingRequest.objects.exists()


# --- the steps -------------------------------------------------------------------------------------

def _answer(username: str, people: dict[str, User], lent: LendingRequest, **body: Any) -> Any:
    return _post(api_client(people[username]), f"/api/v1/lending-requests/{lent.pk}/answer", body)


def test_offer_accept_and_end(people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    lent = request_to_randers(case)

    offered = _answer("rita", people, lent, version=1, action="offer", mentor=otto.pk)
    accepted = _answer("carl", people, lent, version=2, action="accept")
    ended = _post(api_client(people["rita"]), f"/api/v1/lending-requests/{lent.pk}/end",
                  {"version": 3, "reason": "The course is over."})

    assert [r.status_code for r in (offered, accepted, ended)] == [200, 200, 200]
    assert (json_of(offered)["status"], json_of(offered)["mentor"]["id"]) == ("offered", otto.pk)
    intervention = Intervention.objects.get(pk=json_of(accepted)["intervention"])
    assert (intervention.provider_user, intervention.case_id) == (people["otto"], case.pk)
    assert (json_of(ended)["status"], json_of(ended)["end_reason"]) == ("ended", "The course is over.")
    assert not TeamMember.objects.filter(case=case, user=people["otto"], is_active=True).exists()
    actions = list(AuditEvent.objects.filter(object_type="lending_request", object_id=str(lent.pk))
                   .values_list("action", flat=True).order_by("seq"))
    assert [a for a in actions if a != "lending.viewed"] == ["lending.offered", "lending.accepted", "lending.ended"]


def test_the_lending_side_declines_with_a_reason(people: dict[str, User], case: Case) -> None:
    lent = request_to_randers(case)

    refused = _answer("rita", people, lent, version=1, action="decline")
    declined = _answer("rita", people, lent, version=1, action="decline", reason="No Arabic speaker now.")

    assert refused.status_code == 422 and "reason" in json_of(refused)["error"]["fields"]
    assert (json_of(declined)["status"], json_of(declined)["decline_reason"]) == ("declined", "No Arabic speaker now.")


def test_the_borrowing_side_withdraws(people: dict[str, User], case: Case) -> None:
    lent = request_to_randers(case)

    response = _answer("carl", people, lent, version=1, action="withdraw")

    assert json_of(response)["status"] == "withdrawn"


def test_a_stale_version_answers_409_and_changes_nothing(
        people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    lent = request_to_randers(case)
    _answer("carl", people, lent, version=1, action="withdraw")

    response = _answer("rita", people, lent, version=1, action="offer", mentor=otto.pk)

    assert response.status_code == 409
    assert json_of(response)["error"]["current_version"] == 2
    lent.refresh_from_db()
    assert (lent.status, lent.offered_mentor) == (S.WITHDRAWN, None)


@pytest.mark.parametrize(("username", "action"), [("carl", "decline"), ("rita", "accept"), ("rita", "withdraw")])
def test_each_side_takes_only_its_own_steps(people: dict[str, User], case: Case, otto: MentorProfile, username: str,
                                            action: str) -> None:
    lent = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    body: dict[str, Any] = {"version": 1, "action": action}
    if action == "decline":
        body["reason"] = "No."

    response = _answer(username, people, lent, **body)

    assert response.status_code == 403
    lent.refresh_from_db()
    assert lent.status == S.OFFERED


@pytest.mark.parametrize("body", [
    {"action": "offer"},
    {"action": "accept", "mentor": 1},
    {"action": "withdraw", "reason": "Not needed."},
    {"action": "sulk"},
])
def test_an_answer_that_does_not_fit_its_action_is_refused(people: dict[str, User], case: Case,
                                                           body: dict[str, Any]) -> None:
    lent = request_to_randers(case)

    response = _answer("carl", people, lent, version=1, **body)

    assert response.status_code == 422


def test_a_mentor_of_another_municipality_cannot_be_offered(people: dict[str, User], case: Case) -> None:
    mads = make_profile(people["mads"])
    lent = request_to_randers(case)

    response = _answer("rita", people, lent, version=1, action="offer", mentor=mads.pk)

    assert response.status_code == 422
    assert "mentor" in json_of(response)["error"]["fields"]


def test_only_an_accepted_lending_ends(people: dict[str, User], case: Case) -> None:
    lent = request_to_randers(case)

    response = _post(api_client(people["carl"]), f"/api/v1/lending-requests/{lent.pk}/end",
                     {"version": 1, "reason": "Not needed."})

    assert response.status_code == 422


# --- hours ----------------------------------------------------------------------------------------

def test_the_hours_report_gives_aggregates_only(people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    lent = request_to_randers(case, S.ACCEPTED, offered_mentor=otto)
    assert lent.intervention is not None
    make_session(lent.intervention, duration_minutes=90, lending=lent, held_on=TODAY - timedelta(days=1))

    response = api_client(people["rita"]).get("/api/v1/lending-hours", {
        "from": str(TODAY - timedelta(days=30)), "to": str(TODAY)})

    assert response.status_code == 200
    body = json_of(response)
    assert body["total_hours"] == 1.5
    assert body["from"] == str(TODAY - timedelta(days=30))
    assert {(m["name"], m["hours_lent"], m["hours_borrowed"]) for m in body["municipalities"]} == {
        (org("Randers").name, 1.5, 0.0), (org("Aarhus").name, 0.0, 1.5)}
    assert nothing_of_the_case(response.content.decode(), case)


@pytest.mark.parametrize("query", [{"from": "2026-02-01", "to": "2026-01-01"}, {"from": "2026-01-01"},
                                   {"from": "1767225600", "to": "2026-01-01"}])
def test_the_hours_report_needs_a_period_in_order(people: dict[str, User], query: dict[str, str]) -> None:
    assert api_client(people["rita"]).get("/api/v1/lending-hours", query).status_code == 422
