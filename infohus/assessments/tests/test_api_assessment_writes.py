"""Recording assessments through the desk's API: start, save, sign, discard, correct, and the
files of attachment fields. The same services, checks and audit events as the pages; a stale
version answers 409 and changes nothing; refused answers name their fields."""

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, AssessmentAttachment, InstrumentVersion
from infohus.assessments.services.instruments import new_draft
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern
from infohus.cases.tests.factories import make_concern, make_person
from infohus.cases.tests.triage_helpers import audit_queries
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Every call: the token, its last use, the memberships of its user.
TOKEN = 3
AUDIT_EVENT = audit_queries(1)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n"
FULL = {"summary": "Back in school", "scale": {"person": 4}}


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, body, content_type="application/json")


def _draft(case: Case, version: InstrumentVersion, author: User, **fields: Any) -> Assessment:
    fields.setdefault("answers", {"summary": "Back in school"})
    return make_assessment(version=version, author=author, case=case,
                           assessed_on=TODAY - timedelta(days=2), **fields)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- starting --------------------------------------------------------------------------------------

def test_a_team_member_starts_a_draft_in_the_instrument_s_usual_compartment(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    response = _post(api_client(people["mads"]), "/api/v1/assessments",
                     {"case": team_case.pk, "instrument_version": small_version.pk})

    assert response.status_code == 201
    body = json_of(response)
    made = Assessment.objects.get(pk=body["id"])
    assert (made.case_id, made.compartment, made.status, made.assessed_on) == (team_case.pk, "general", "draft", TODAY)
    assert made.created_by == people["mads"]
    assert body["version"] == 1 and body["may_write"] is True
    started = _events("assessment.started")[-1]
    assert (started.object_id, started.person_id, started.purpose) == (str(made.pk), str(team_case.person_id),
                                                                       "assessment")
    opened = _events("case.viewed")[-1]
    assert opened.purpose == "api: assessment: start on a case"


def test_the_start_writes_the_same_audit_events_as_the_page(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, signed_in: Any) -> None:
    signed_in("carl").post(f"/desk/cases/{team_case.pk}/assessments/new/", {
        "instrument_version": small_version.pk, "compartment": "general", "assessed_on": str(TODAY)})
    _post(api_client(people["carl"]), "/api/v1/assessments",
          {"case": team_case.pk, "instrument_version": small_version.pk, "compartment": "general"})

    page, api = _events("assessment.started")
    assert (api.actor_id, api.person_id, api.purpose) == (page.actor_id, page.person_id, page.purpose)
    assert api.details == page.details


def test_triage_starts_an_assessment_on_a_concern(people: dict[str, User]) -> None:
    triage = published(small_definition(slug="test-triage", use="triage"))
    concern = make_concern(person=make_person())

    response = _post(api_client(people["ida"]), "/api/v1/assessments",
                     {"concern": concern.pk, "instrument_version": triage.pk})

    assert response.status_code == 201
    assert json_of(response)["concern"] == concern.pk


def test_outside_the_team_the_case_is_404(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    response = _post(api_client(people["otto"]), "/api/v1/assessments",
                     {"case": team_case.pk, "instrument_version": small_version.pk})

    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_a_closed_case_takes_no_new_assessment(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    Case.objects.filter(pk=team_case.pk).update(status=Case.Status.CLOSED)

    response = _post(api_client(people["carl"]), "/api/v1/assessments",
                     {"case": team_case.pk, "instrument_version": small_version.pk})

    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_a_concern_already_decided_takes_no_new_assessment(people: dict[str, User]) -> None:
    triage = published(small_definition(slug="test-triage", use="triage"))
    concern = make_concern(person=make_person(), status=Concern.Status.DECIDED)

    response = _post(api_client(people["ida"]), "/api/v1/assessments",
                     {"concern": concern.pk, "instrument_version": triage.pk})

    assert response.status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"compartment": "health"}, "compartment"),
    ({"assessed_on": str(TODAY + timedelta(days=1))}, "assessed_on"),
    ({"compartment": "secret"}, "compartment"),
    ({"mood": "good"}, "mood"),
    ({"concern": 1}, "__all__"),
])
def test_bad_input_to_a_start_is_refused_at_its_field(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, body: dict[str, Any],
        field: str) -> None:
    response = _post(api_client(people["carl"]), "/api/v1/assessments",
                     {"case": team_case.pk, "instrument_version": small_version.pk, **body})

    assert response.status_code == 422, response.content
    assert field in json_of(response)["error"]["fields"]
    assert not Assessment.objects.exists()


def test_only_the_latest_published_version_of_an_instrument_used_here_starts(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = new_draft(actor=None, based_on=small_version)
    triage = published(small_definition(slug="test-triage", use="triage"))
    client = api_client(people["carl"])

    for version in (draft, triage):
        response = _post(client, "/api/v1/assessments", {"case": team_case.pk, "instrument_version": version.pk})
        assert response.status_code == 422
        assert "instrument_version" in json_of(response)["error"]["fields"]


def test_a_start_needs_the_write_scope(people: dict[str, User], team_case: Case,
                                       small_version: InstrumentVersion) -> None:
    client = api_client(people["carl"], scopes=["assessments:read"])

    response = _post(client, "/api/v1/assessments", {"case": team_case.pk, "instrument_version": small_version.pk})

    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "missing_scope"


def test_a_body_that_is_not_json_is_refused(people: dict[str, User], team_case: Case) -> None:
    response = api_client(people["carl"]).post("/api/v1/assessments", {"case": team_case.pk})

    assert response.status_code == 415


# --- saving and signing ----------------------------------------------------------------------------

def test_a_save_keeps_the_answers_and_moves_the_version_on(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = _put(api_client(people["mads"]), f"/api/v1/assessments/{draft.pk}", {
        "version": 1, "answers": {"summary": "Goes to football", "overall": "7", "harm": ["a", " ", "b"]}})

    assert response.status_code == 200
    body = json_of(response)
    assert body["answers"] == {"summary": "Goes to football", "overall": 7, "harm": ["a", "b"]}
    assert body["version"] == 2 and body["status"] == "draft"
    assert body["assessed_on"] == str(draft.assessed_on)
    saved = _events("assessment.saved")[-1]
    assert saved.details["fields"] == ["harm", "overall", "summary"]


def test_a_stale_version_answers_409_and_changes_nothing(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])
    _put(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}", {"version": 1, "answers": {"summary": "One"}})

    response = _put(api_client(people["mads"]), f"/api/v1/assessments/{draft.pk}",
                    {"version": 1, "answers": {"summary": "Two"}})

    assert response.status_code == 409
    error = json_of(response)["error"]
    assert (error["code"], error["current_version"]) == ("stale_version", 2)
    draft.refresh_from_db()
    assert draft.answers == {"summary": "One"}


def test_answers_that_do_not_fit_are_refused_at_their_fields(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = _put(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}", {
        "version": 1, "answers": {"overall": 11, "areas": ["moon"], "unknown": "x", "scale": {"person": 3}}})

    assert response.status_code == 422
    fields = json_of(response)["error"]["fields"]
    assert set(fields) == {"overall", "areas", "unknown"}
    assert fields["overall"] == ["The scale goes from 0 to 10; 11 is outside it."]
    draft.refresh_from_db()
    assert (draft.answers, draft.revision) == ({"summary": "Back in school"}, 1)


@pytest.mark.parametrize(("body", "field"), [
    ({"version": 1, "assessed_on": 0}, "assessed_on"),
    ({"version": 1, "assessed_on": "27/11/2026"}, "assessed_on"),
    ({"version": "1"}, "version"),
    ({"version": True}, "version"),
    ({"version": 1, "answers": ["summary"]}, "answers"),
    ({"version": 1, "revision": 1}, "revision"),
])
def test_values_of_another_type_than_documented_are_refused(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, body: dict[str, Any],
        field: str) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = _put(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}", body)

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]


def test_a_save_writes_the_events_the_page_writes(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, signed_in: Any) -> None:
    by_page = _draft(team_case, small_version, people["carl"])
    by_api = _draft(team_case, small_version, people["carl"])
    browser = signed_in("carl")
    followed = browser.post(f"/desk/assessments/{by_page.pk}/edit/", {
        "revision": "1", "assessed_on": str(by_page.assessed_on), "action": "save", "a-summary": "Saved"}, follow=True)
    assert followed.status_code == 200
    _put(api_client(people["carl"]), f"/api/v1/assessments/{by_api.pk}",
         {"version": 1, "answers": {"summary": "Saved"}})

    def trail(pk: int) -> list[tuple[str, str]]:
        return [(e.action, e.purpose.removeprefix("api: ")) for e in
                AuditEvent.objects.filter(object_type="assessment", object_id=str(pk)).order_by("seq")]

    assert trail(by_api.pk) == [("assessment.saved", "assessment"), ("assessment.viewed", "assessment: read")]
    assert [action for action, _purpose in trail(by_page.pk)] == ["assessment.saved", "assessment.viewed"]


def test_text_with_a_nul_character_is_refused(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = _put(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}",
                    {"version": 1, "answers": {"summary": "a\u0000b"}})

    assert response.status_code == 422
    assert "answers" in json_of(response)["error"]["fields"]


def test_signing_needs_every_required_answer(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = _post(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}/sign",
                     {"version": 1, "answers": {"summary": "Back in school"}})

    assert response.status_code == 422
    assert json_of(response)["error"]["fields"] == {
        "scale": ["This must be answered before the assessment is signed."]}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_signed_assessment_never_changes(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])
    client = api_client(people["carl"])

    signed = _post(client, f"/api/v1/assessments/{draft.pk}/sign", {"version": 1, "answers": FULL})
    again = _put(client, f"/api/v1/assessments/{draft.pk}", {"version": 2, "answers": {"summary": "Changed"}})
    discarded = client.delete(f"/api/v1/assessments/{draft.pk}")

    assert signed.status_code == 200
    assert (json_of(signed)["status"], json_of(signed)["signed_by"]) == ("signed", "Carl Brink")
    assert again.status_code == 422
    assert discarded.status_code == 422
    draft.refresh_from_db()
    assert draft.answers == FULL
    assert _events("assessment.signed")[-1].object_id == str(draft.pk)


def test_an_expired_certification_stops_the_signature(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion) -> None:
    draft = _draft(team_case, licensed_version, people["carl"], answers={})
    AssessmentAttachment(assessment=draft, field_key="form", original_name="form.pdf", content_type="application/pdf",
                         size=len(PDF)).file.save("form.pdf", ContentFile(PDF), save=True)
    expired = {"holder": "Carl Brink", "reference": "VERA-123", "expires_on": str(TODAY - timedelta(days=30))}

    response = _post(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}/sign", {
        "version": 1, "answers": {"instrument": "VERA-2R", "certification": expired}})

    assert response.status_code == 422
    assert "certification" in json_of(response)["error"]["fields"]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_someone_outside_the_compartment_cannot_save(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    health = _draft(team_case, small_version, people["signe"], compartment="health")

    response = _put(api_client(people["carl"]), f"/api/v1/assessments/{health.pk}",
                    {"version": 1, "answers": {"summary": "x"}})

    assert response.status_code == 404


def test_a_save_is_refused_to_a_team_member_of_a_closed_case(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])
    Case.objects.filter(pk=team_case.pk).update(status=Case.Status.CLOSED)

    response = _put(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}",
                    {"version": 1, "answers": {"summary": "x"}})

    assert response.status_code == 403


@pytest.mark.parametrize("answered", [1, 6])
def test_a_save_costs_the_same_number_of_queries_whatever_the_answers(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, answered: int,
        django_assert_max_num_queries: Any) -> None:
    draft = _draft(team_case, small_version, people["carl"])
    answers = dict(list({"summary": "a", "story": "b", "harm": ["c"], "areas": ["school"], "overall": 3,
                         "met_on": str(TODAY)}.items())[:answered])
    client = api_client(people["carl"])
    # the assessment, the case and the team place; the service's atomic block (savepoint, release):
    # the fields, the update, its re-read with the version and instrument the audit event names,
    # the audit event; then the written assessment read back as on a read (audited, with its
    # fields, files, corrections and those to compare with), and its author's name.
    with django_assert_max_num_queries(TOKEN + 3 + 2 + 1 + 2 + 2 + AUDIT_EVENT + AUDIT_EVENT + 4 + 1):
        response = _put(client, f"/api/v1/assessments/{draft.pk}", {"version": 1, "answers": answers})
    assert response.status_code == 200


# --- discarding and correcting ----------------------------------------------------------------------

def test_a_draft_is_discarded(people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = api_client(people["carl"]).delete(f"/api/v1/assessments/{draft.pk}")

    assert response.status_code == 204
    assert not Assessment.objects.filter(pk=draft.pk).exists()
    assert _events("assessment.discarded")[-1].object_id == str(draft.pk)


def test_a_correction_starts_from_the_signed_answers(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _draft(team_case, small_version, people["carl"], answers=FULL, signed=True)

    response = api_client(people["mads"]).post(f"/api/v1/assessments/{signed.pk}/corrections",
                                               content_type="application/json")

    assert response.status_code == 201
    body = json_of(response)
    assert (body["corrects"], body["status"], body["answers"]) == (signed.pk, "draft", FULL)
    assert _events("assessment.started")[-1].details["corrects"] == signed.pk


def test_a_draft_cannot_be_corrected(people: dict[str, User], team_case: Case,
                                     small_version: InstrumentVersion) -> None:
    draft = _draft(team_case, small_version, people["carl"])

    response = api_client(people["carl"]).post(f"/api/v1/assessments/{draft.pk}/corrections",
                                               content_type="application/json")

    assert response.status_code == 422


# --- files ----------------------------------------------------------------------------------------

def _file_body(content: bytes = PDF, name: str = "form.pdf") -> dict[str, Any]:
    return {"field_key": "form", "name": name, "content_base64": base64.b64encode(content).decode()}


def test_a_file_is_attached_read_and_removed(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion) -> None:
    draft = _draft(team_case, licensed_version, people["carl"], answers={})
    client = api_client(people["carl"])

    added = _post(client, f"/api/v1/assessments/{draft.pk}/files", _file_body())
    assert added.status_code == 201, added.content
    file_id = json_of(added)["id"]
    read = client.get(f"/api/v1/assessments/{draft.pk}/files/{file_id}")
    removed = client.delete(f"/api/v1/assessments/{draft.pk}/files/{file_id}")

    assert (json_of(added)["name"], json_of(added)["content_type"]) == ("form.pdf", "application/pdf")
    assert base64.b64decode(json_of(read)["content_base64"]) == PDF
    assert removed.status_code == 204
    assert not AssessmentAttachment.objects.filter(pk=file_id).exists()
    actions = [e.action for e in AuditEvent.objects.filter(object_type="assessment", object_id=str(draft.pk))
               .order_by("seq")]
    assert actions == ["assessment.file_attached", "assessment.file_read", "assessment.file_removed"]


@pytest.mark.parametrize(("body", "field"), [
    ({"content_base64": "not base64!"}, "content_base64"),
    ({"name": "form.exe"}, "content_base64"),
    ({"content_base64": base64.b64encode(b"plain text, not a PDF").decode()}, "content_base64"),
])
def test_a_file_that_is_not_accepted_is_refused(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion, body: dict[str, Any],
        field: str) -> None:
    draft = _draft(team_case, licensed_version, people["carl"], answers={})

    response = _post(api_client(people["carl"]), f"/api/v1/assessments/{draft.pk}/files", {**_file_body(), **body})

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    assert not AssessmentAttachment.objects.exists()


def test_a_file_of_an_assessment_outside_the_compartment_is_404(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion) -> None:
    health = _draft(team_case, licensed_version, people["signe"], answers={}, compartment="health")
    attachment = AssessmentAttachment(assessment=health, field_key="form", original_name="form.pdf",
                                      content_type="application/pdf", size=len(PDF))
    attachment.file.save("form.pdf", ContentFile(PDF), save=True)

    response = api_client(people["carl"]).get(f"/api/v1/assessments/{health.pk}/files/{attachment.pk}")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="assessment.file_read").exists()
