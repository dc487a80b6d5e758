"""Interventions through the desk's API: the provider's list and a case's, one intervention with
its plan, starting one on a case, advice consultations, goals and ending with a version. The same
need-to-know, services and audit events as the pages."""

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.assessments.models import Assessment
from infohus.assessments.tests.factories import make_assessment, published
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Note
from infohus.cases.tests.factories import grant_break_glass, make_case, make_person
from infohus.cases.tests.triage_helpers import audit_queries
from infohus.interventions import api_interventions
from infohus.interventions.models import Goal, Intervention, LendingRequest, Outcome
from infohus.interventions.tests.factories import make_goal, make_intervention, make_lending, make_profile, make_session
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Every call: the token, its last use, the memberships of its user.
TOKEN = 3
AUDIT_EVENT = audit_queries(1)
BRA_FILE = Path(__file__).resolve().parents[2] / "assessments" / "instruments" / "balanced-risk-assessment.json"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


@pytest.fixture
def mentoring(people: dict[str, User], case: Case) -> Intervention:
    return make_intervention(case=case, provider_user=people["mads"], created_by=people["carl"],
                             description="Weekly meetings.")


# --- lists --------------------------------------------------------------------------------------

def test_the_provider_lists_the_active_interventions_they_provide(
        people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    overdue = make_intervention(case=case, provider_user=people["mads"], created_by=people["carl"])
    make_session(overdue, held_on=TODAY - timedelta(days=10), next_appointment=TODAY - timedelta(days=3))
    make_intervention(case=case, provider_user=people["carl"])
    make_intervention(case=case, provider_user=people["mads"], status=Intervention.Status.ENDED)

    response = api_client(people["mads"]).get("/api/v1/interventions")

    assert response.status_code == 200
    body = json_of(response)
    assert [row["id"] for row in body["results"]] == [overdue.pk, mentoring.pk]
    first = body["results"][0]
    assert first["overdue"] is True
    assert first["next_appointment_on"] == str(TODAY - timedelta(days=3))
    assert first["case"] == {"id": case.pk, "reference": case.reference}
    assert first["provider"]["user"] == "Mads Kjærholm"
    listed = AuditEvent.objects.get(action="intervention.listed")
    assert listed.purpose == "api: interventions you provide"
    assert listed.details == {"interventions": [overdue.pk, mentoring.pk]}


def test_a_team_member_lists_the_interventions_of_a_case(
        people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    ended = make_intervention(case=case, provider_user=people["carl"], status=Intervention.Status.ENDED,
                              started_on=TODAY - timedelta(days=60))

    response = api_client(people["signe"]).get("/api/v1/interventions", {"case": case.pk})

    assert [row["id"] for row in json_of(response)["results"]] == [mentoring.pk, ended.pk]
    assert AuditEvent.objects.filter(action="case.viewed", purpose="api: interventions of a case").exists()


def test_a_case_outside_the_need_to_know_is_404(people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    response = api_client(people["otto"]).get("/api/v1/interventions", {"case": case.pk})

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="case.refused", actor_id=people["otto"].pk).exists()


@pytest.mark.parametrize("username", ["anders", "rasmus", "tina", "kamal"])
def test_roles_that_neither_work_on_cases_nor_mentor_are_refused(people: dict[str, User], username: str) -> None:
    assert api_client(people[username]).get("/api/v1/interventions").status_code == 403


@pytest.mark.parametrize("rows", [1, 12])
def test_the_provider_s_list_costs_the_same_queries_whatever_its_length(
        people: dict[str, User], case: Case, rows: int, django_assert_max_num_queries: Any) -> None:
    for n in range(rows):
        i = make_intervention(case=case, provider_user=people["mads"], created_by=people["carl"])
        make_session(i, next_appointment=TODAY + timedelta(days=n))
    client = api_client(people["mads"])
    # count, the page with case, providers and organisation joined, the audit of the list.
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT_EVENT):
        response = client.get("/api/v1/interventions", {"page_size": 100})
    assert json_of(response)["count"] == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_a_case_s_list_costs_the_same_queries_whatever_its_length(
        people: dict[str, User], case: Case, rows: int, django_assert_max_num_queries: Any) -> None:
    for _ in range(rows):
        make_intervention(case=case, provider_user=people["mads"], created_by=people["carl"])
    client = api_client(people["carl"])
    # the case and the team place; the audit of the read; the interventions with their providers;
    # the organisations that run them.
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT_EVENT + 1 + 1):
        response = client.get("/api/v1/interventions", {"case": case.pk, "page_size": 100})
    assert json_of(response)["count"] == rows


# --- one intervention -----------------------------------------------------------------------------

def test_one_intervention_with_its_plan(people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    goal = make_goal(mentoring, what="Goes to school every day.")

    response = api_client(people["mads"]).get(f"/api/v1/interventions/{mentoring.pk}")

    assert response.status_code == 200
    body = json_of(response)
    assert (body["kind"], body["status"], body["description"], body["version"]) == (
        "mentoring", "active", "Weekly meetings.", 1)
    assert [g["id"] for g in body["goals"]] == [goal.pk]
    assert body["may_write"] is True and body["lending"] is None


def test_the_read_is_audited_as_the_page_audits_it(
        people: dict[str, User], mentoring: Intervention, signed_in: Any) -> None:
    signed_in("carl").get(f"/desk/interventions/{mentoring.pk}/")
    api_client(people["carl"]).get(f"/api/v1/interventions/{mentoring.pk}")

    page, api = AuditEvent.objects.filter(action="intervention.viewed").order_by("seq")
    assert (api.object_id, api.person_id, api.details) == (page.object_id, page.person_id, page.details)
    assert (page.purpose, api.purpose) == ("intervention: read", "api: intervention: read")


def test_outside_the_need_to_know_an_intervention_is_404(people: dict[str, User], mentoring: Intervention) -> None:
    response = api_client(people["otto"]).get(f"/api/v1/interventions/{mentoring.pk}")

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="intervention.refused", actor_id=people["otto"].pk).exists()


def test_a_break_the_glass_reader_reads_and_may_not_write(people: dict[str, User], mentoring: Intervention,
                                                          case: Case) -> None:
    grant_break_glass(case, people["per"])

    body = json_of(api_client(people["per"]).get(f"/api/v1/interventions/{mentoring.pk}"))

    assert body["may_write"] is False


@pytest.mark.parametrize("goals", [1, 15])
def test_one_intervention_costs_the_same_queries_whatever_its_plan(
        people: dict[str, User], mentoring: Intervention, goals: int, django_assert_max_num_queries: Any) -> None:
    for _ in range(goals):
        make_goal(mentoring)
    client = api_client(people["carl"])
    # the intervention with its providers, the case and the team place; the audit of the read; the
    # goals; the lending request with whether the reader may open it.
    with django_assert_max_num_queries(TOKEN + 3 + AUDIT_EVENT + 1 + 1):
        response = client.get(f"/api/v1/interventions/{mentoring.pk}")
    assert len(json_of(response)["goals"]) == goals


# --- starting -------------------------------------------------------------------------------------

def test_a_team_member_starts_an_intervention(people: dict[str, User], case: Case) -> None:
    response = _post(api_client(people["carl"]), "/api/v1/interventions", {
        "case": case.pk, "kind": "mentoring", "provider_user": people["mads"].pk, "description": "Weekly."})

    assert response.status_code == 201, response.content
    body = json_of(response)
    made = Intervention.objects.get(pk=body["id"])
    assert (made.case_id, made.provider_user_id, made.started_on, made.organisation_id) == (
        case.pk, people["mads"].pk, TODAY, case.owner_id)
    assert body["warnings"] == []
    started = AuditEvent.objects.get(action="intervention.started")
    assert (started.object_id, started.person_id) == (str(made.pk), str(case.person_id))


def test_a_treatment_referral_outside_the_programme_s_ages_warns(people: dict[str, User]) -> None:
    young = make_case(lead=people["carl"], person=make_person(birth_date=TODAY - timedelta(days=15 * 365)))

    response = _post(api_client(people["carl"]), "/api/v1/interventions", {
        "case": young.pk, "kind": "treatment_referral", "treatment": "motivational",
        "provider_organisation": org("Psykiatrien").pk})

    assert response.status_code == 201
    assert len(json_of(response)["warnings"]) == 1
    assert "18–34" in json_of(response)["warnings"][0]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "mentoring"}, "provider_user"),
    ({"kind": "mentoring", "provider_user": 1}, "provider_user"),
    ({"kind": "treatment_referral", "provider_organisation": 1}, "treatment"),
    ({"kind": "project_referral", "provider_organisation": 1}, "provider_project"),
    ({"kind": "mentoring", "provider_organisation": 1, "started_on": "2001-01-01"}, "started_on"),
    ({"kind": "magic", "provider_organisation": 1}, "kind"),
    ({"kind": "mentoring", "provider_organisation": 1, "budget": 5}, "budget"),
])
def test_bad_input_to_a_start_is_refused_at_its_field(
        people: dict[str, User], case: Case, body: dict[str, Any], field: str) -> None:
    if body.get("provider_user") == 1:
        body["provider_user"] = people["otto"].pk  # neither on the team nor in Aarhus's corps
    if body.get("provider_organisation") == 1:
        body["provider_organisation"] = case.owner_id

    response = _post(api_client(people["carl"]), "/api/v1/interventions", {"case": case.pk, **body})

    assert response.status_code == 422, response.content
    assert field in json_of(response)["error"]["fields"]
    assert not Intervention.objects.exists()


def test_only_the_team_of_an_open_case_starts_one(people: dict[str, User], case: Case) -> None:
    grant_break_glass(case, people["per"])
    body = {"case": case.pk, "kind": "mentoring", "provider_organisation": case.owner_id}

    assert _post(api_client(people["otto"]), "/api/v1/interventions", body).status_code == 404
    assert _post(api_client(people["per"]), "/api/v1/interventions", body).status_code == 403
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert _post(api_client(people["carl"]), "/api/v1/interventions", body).status_code == 403
    assert not Intervention.objects.exists()


# --- advice consultations ---------------------------------------------------------------------------

def test_an_anonymous_advice_consultation_holds_no_case(people: dict[str, User]) -> None:
    response = _post(api_client(people["mads"]), "/api/v1/advice-consultations",
                     {"advice_for": "next_of_kin", "duration_minutes": 30, "notes": "A mother called."})

    assert response.status_code == 201
    body = json_of(response)
    assert (body["case"], body["anonymous"], body["status"], body["outcome"]) == (None, True, "ended", "advice_given")
    assert body["organisation"] == org("Aarhus").name


def test_an_advice_consultation_on_a_case_needs_its_team(people: dict[str, User], case: Case) -> None:
    body = {"advice_for": "professional", "duration_minutes": 30, "case": case.pk}

    assert _post(api_client(people["otto"]), "/api/v1/advice-consultations", body).status_code == 404
    response = _post(api_client(people["carl"]), "/api/v1/advice-consultations", body)
    assert response.status_code == 201
    assert json_of(response)["case"]["id"] == case.pk


@pytest.mark.parametrize(("body", "field"), [
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 2000}, "duration_minutes"),
    ({"held_on": str(TODAY + timedelta(days=1))}, "held_on"),
    ({"advice_for": "neighbour"}, "advice_for"),
])
def test_bad_input_to_an_advice_consultation_is_refused(people: dict[str, User], body: dict[str, Any],
                                                        field: str) -> None:
    response = _post(api_client(people["mads"]), "/api/v1/advice-consultations",
                     {"advice_for": "professional", "duration_minutes": 30, **body})

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]


# --- goals ----------------------------------------------------------------------------------------

def test_a_goal_is_added_and_changed(people: dict[str, User], mentoring: Intervention) -> None:
    client = api_client(people["mads"])

    added = _post(client, f"/api/v1/interventions/{mentoring.pk}/goals", {
        "what": "Goes to school.", "by_when": str(TODAY + timedelta(days=60)), "how_we_know": "The school says so."})
    goal_id = json_of(added)["id"]
    changed = client.patch(f"/api/v1/interventions/{mentoring.pk}/goals/{goal_id}", {"status": "achieved"},
                           content_type="application/json")

    assert added.status_code == 201 and changed.status_code == 200
    assert (json_of(changed)["status"], json_of(changed)["what"]) == ("achieved", "Goes to school.")
    actions = list(AuditEvent.objects.filter(object_type="intervention.goal").values_list("action", flat=True)
                   .order_by("seq"))
    assert actions == ["intervention.goal_added", "intervention.goal_changed"]


def test_a_goal_without_a_date_or_a_measure_is_refused(people: dict[str, User], mentoring: Intervention) -> None:
    response = _post(api_client(people["carl"]), f"/api/v1/interventions/{mentoring.pk}/goals", {
        "what": "Goes to school.", "by_when": str(TODAY), "how_we_know": "   "})

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"how_we_know"}
    assert not Goal.objects.exists()


def test_a_goal_carries_on_a_line_of_a_signed_balanced_risk_assessment_of_the_case_only(
        people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    bra = published(json.loads(BRA_FILE.read_text()))
    signed = make_assessment(version=bra, author=people["carl"], case=case, signed=True,
                             answers={"goals": ["Back in school"]})
    elsewhere = make_assessment(version=bra, author=people["carl"], case=make_case(lead=people["carl"]),
                                signed=True)
    client = api_client(people["carl"])
    goal = {"what": "Back in school", "by_when": str(TODAY + timedelta(days=30)), "how_we_know": "Attendance."}

    carried = _post(client, f"/api/v1/interventions/{mentoring.pk}/goals", {**goal, "from_assessment": signed.pk})
    refused = _post(client, f"/api/v1/interventions/{mentoring.pk}/goals", {**goal, "from_assessment": elsewhere.pk})

    assert json_of(carried)["from_assessment"] == signed.pk
    assert refused.status_code == 422
    assert "from_assessment" in json_of(refused)["error"]["fields"]
    assert Assessment.objects.count() == 2


def test_a_goal_of_another_intervention_is_404(people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    other = make_goal(make_intervention(case=case, provider_user=people["carl"]))

    response = api_client(people["carl"]).patch(f"/api/v1/interventions/{mentoring.pk}/goals/{other.pk}",
                                                {"status": "achieved"}, content_type="application/json")

    assert response.status_code == 404


def test_outside_the_team_no_goal_is_added(people: dict[str, User], mentoring: Intervention) -> None:
    goal = {"what": "x", "by_when": str(TODAY), "how_we_know": "y"}

    assert _post(api_client(people["otto"]), f"/api/v1/interventions/{mentoring.pk}/goals", goal).status_code == 404
    assert not Goal.objects.exists()


# --- ending ----------------------------------------------------------------------------------------

def test_an_intervention_ends_with_its_version(people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    response = _post(api_client(people["carl"]), f"/api/v1/interventions/{mentoring.pk}/end", {
        "version": 1, "outcome": "goals_met", "reason": "Back in school with a job."})

    assert response.status_code == 200
    body = json_of(response)
    assert (body["status"], body["outcome"], body["ended_on"], body["version"]) == ("ended", "goals_met", str(TODAY), 2)
    assert Note.objects.filter(case=case, text__contains="Back in school with a job.").exists()
    assert AuditEvent.objects.filter(action="intervention.ended", object_id=str(mentoring.pk)).exists()


def test_a_stale_version_answers_409_and_changes_nothing(people: dict[str, User], mentoring: Intervention) -> None:
    # A session logged meanwhile moves the version on.
    logged = _post(api_client(people["mads"]), f"/api/v1/interventions/{mentoring.pk}/sessions",
                   {"duration_minutes": 45})
    assert logged.status_code == 201

    response = _post(api_client(people["carl"]), f"/api/v1/interventions/{mentoring.pk}/end", {
        "version": 1, "outcome": "goals_met", "reason": "Done."})

    assert response.status_code == 409
    assert (json_of(response)["error"]["code"], json_of(response)["error"]["current_version"]) == (
        "stale_version", 2)
    mentoring.refresh_from_db()
    assert mentoring.status == Intervention.Status.ACTIVE
    assert not AuditEvent.objects.filter(action="intervention.ended").exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "advice_given"}, "outcome"),
    ({"reason": " "}, "reason"),
    ({"ended_on": "2001-01-01"}, "ended_on"),
    ({"version": "one"}, "version"),
])
def test_bad_input_to_an_end_is_refused(people: dict[str, User], mentoring: Intervention, body: dict[str, Any],
                                        field: str) -> None:
    response = _post(api_client(people["carl"]), f"/api/v1/interventions/{mentoring.pk}/end",
                     {"version": 1, "outcome": "goals_met", "reason": "Done.", **body})

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]


def test_the_outcomes_an_intervention_ends_with_are_the_model_s_but_advice_given() -> None:
    assert set(get_args(api_interventions.EndingOutcome)) == set(Outcome.values) - {Outcome.ADVICE_GIVEN}


def test_ending_a_lent_mentor_s_intervention_ends_the_lending(people: dict[str, User], case: Case) -> None:
    otto = make_profile(people["otto"])
    lent = make_lending(case=case, lending_organisation=org("Randers"), status=LendingRequest.Status.ACCEPTED,
                        offered_mentor=otto)
    assert lent.intervention is not None

    response = _post(api_client(people["carl"]), f"/api/v1/interventions/{lent.intervention.pk}/end", {
        "version": 1, "outcome": "partly_met", "reason": "Moved on."})

    assert response.status_code == 200
    lent.refresh_from_db()
    assert lent.status == LendingRequest.Status.ENDED

