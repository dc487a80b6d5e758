"""Recording services: start, save a draft, sign, correct, discard, files. Each write is checked
against the holder the access selectors gave, refused with a message where it does not fit,
and leaves the assessment as it was when refused."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, AssessmentAttachment, InstrumentVersion
from infohus.assessments.selectors.access import AssessmentAccess, Holder, assessment_for_user, holder_for_case
from infohus.assessments.services import recording
from infohus.assessments.services.instruments import new_draft
from infohus.assessments.services.recording import AnswersRefused, StaleAssessment
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case
from infohus.cases.tests.factories import grant_break_glass

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n"

FULL = {"summary": "Back in school", "story": "Met at home.", "harm": "He threatens a teacher.\nHe carries a knife.",
        "areas": ["school"], "overall": "6", "met_on": str(TODAY - timedelta(days=3)),
        "scale": {"person": "7", "parent": "4", "mentor": "5"}}


def _holder(people: dict[str, User], who: str, case: Case) -> Holder:
    return holder_for_case(people[who], case.pk, purpose="test", audit=False)


def _access(people: dict[str, User], who: str, assessment: Assessment) -> AssessmentAccess:
    return assessment_for_user(people[who], assessment.pk, purpose="test", audit=False)


def _start(people: dict[str, User], case: Case, version: InstrumentVersion, who: str = "carl",
           compartment: str = "general", **kwargs: Any) -> Assessment:
    return recording.start_assessment(holder=_holder(people, who, case), actor=people[who], version=version,
                                      compartment=compartment, **kwargs)


def _save(people: dict[str, User], assessment: Assessment, raw: dict[str, Any], who: str = "carl",
          revision: int | None = None) -> Assessment:
    return recording.save_draft(access=_access(people, who, assessment), actor=people[who],
                                expected_revision=assessment.revision if revision is None else revision,
                                raw_answers=raw, assessed_on=assessment.assessed_on)


def _sign(people: dict[str, User], assessment: Assessment, raw: dict[str, Any], who: str = "carl") -> Assessment:
    return recording.sign(access=_access(people, who, assessment), actor=people[who],
                          expected_revision=assessment.revision, raw_answers=raw, assessed_on=assessment.assessed_on)


def _pdf(name: str = "skema.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _unchanged(assessment: Assessment) -> None:
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert (fresh.answers, fresh.revision, fresh.status, fresh.assessed_on) == (
        assessment.answers, assessment.revision, assessment.status, assessment.assessed_on)


# --- start -------------------------------------------------------------------------------------------

def test_a_team_member_starts_a_draft_and_it_is_audited(people: dict[str, User], team_case: Case,
                                                        small_version: InstrumentVersion) -> None:
    assessment = _start(people, team_case, small_version, assessed_on=TODAY - timedelta(days=1))
    assert assessment.status == Assessment.Status.DRAFT and assessment.answers == {}
    assert assessment.case == team_case and assessment.person_id == team_case.person_id
    assert assessment.assessed_on == TODAY - timedelta(days=1) and assessment.revision == 1
    event = AuditEvent.objects.get(action="assessment.started")
    assert event.object_id == str(assessment.pk) and event.person_id == str(team_case.person_id)
    assert event.details["instrument"] == "test-instrument" and event.details["version"] == 1


def test_a_version_that_is_not_published_cannot_be_used(people: dict[str, User], team_case: Case,
                                                        small_version: InstrumentVersion) -> None:
    draft = new_draft(actor=None, based_on=small_version)
    with pytest.raises(ValidationError, match="not published"):
        _start(people, team_case, draft)
    assert not Assessment.objects.exists()


def test_a_triage_instrument_is_not_started_on_a_case(people: dict[str, User], team_case: Case) -> None:
    triage = published(small_definition(slug="test-triage", use="triage"))
    with pytest.raises(ValidationError, match="not used here"):
        _start(people, team_case, triage)


def test_a_compartment_the_writer_does_not_see_is_refused(people: dict[str, User], team_case: Case,
                                                          small_version: InstrumentVersion) -> None:
    with pytest.raises(PermissionDenied):
        _start(people, team_case, small_version, who="mads", compartment="health")
    assert _start(people, team_case, small_version, who="signe", compartment="health").compartment == "health"


def test_a_date_in_the_future_is_refused_at_the_date(people: dict[str, User], team_case: Case,
                                                     small_version: InstrumentVersion) -> None:
    with pytest.raises(AnswersRefused) as refused:
        _start(people, team_case, small_version, assessed_on=TODAY + timedelta(days=1))
    assert refused.value.field_errors == {"assessed_on": "The date cannot be in the future."}


def test_a_break_the_glass_reader_cannot_start_one(people: dict[str, User], team_case: Case,
                                                   small_version: InstrumentVersion) -> None:
    grant_break_glass(team_case, people["ida"])
    with pytest.raises(PermissionDenied):
        _start(people, team_case, small_version, who="ida")


# --- drafts ------------------------------------------------------------------------------------------

def test_a_draft_keeps_answers_in_their_shapes_and_required_ones_may_wait(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _start(people, team_case, small_version)
    saved = _save(people, assessment, {"story": "Met at home.", "overall": "6", "scale": {"person": "7"}})
    assert saved.answers == {"story": "Met at home.", "overall": 6, "scale": {"person": 7}}
    assert saved.revision == 2 and saved.status == Assessment.Status.DRAFT
    assert AuditEvent.objects.get(action="assessment.saved").details["fields"] == ["overall", "scale", "story"]


def test_answers_that_do_not_fit_are_refused_and_nothing_is_saved(people: dict[str, User], team_case: Case,
                                                                  small_version: InstrumentVersion) -> None:
    assessment = _save(people, _start(people, team_case, small_version), {"summary": "First"})
    with pytest.raises(AnswersRefused) as refused:
        _save(people, assessment, {"summary": "Second", "overall": "eleven", "met_on": str(TODAY + timedelta(days=2)),
                                   "scale": {"parent": "11"}})
    assert set(refused.value.field_errors) == {"overall", "met_on", "scale"}
    _unchanged(assessment)
    assert AuditEvent.objects.filter(action="assessment.saved").count() == 1  # the first save only


def test_signing_with_a_required_answer_missing_is_refused_and_the_draft_kept(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _save(people, _start(people, team_case, small_version), {"summary": "Kept as it was"})
    raw = {**FULL, "summary": "", "scale": {"person": "", "parent": ""}}
    with pytest.raises(AnswersRefused) as refused:
        _sign(people, assessment, raw)
    assert set(refused.value.field_errors) == {"summary", "scale"}
    _unchanged(assessment)
    assert not AuditEvent.objects.filter(action="assessment.signed").exists()


def test_signing_keeps_the_answers_and_who_signed(people: dict[str, User], team_case: Case,
                                                  small_version: InstrumentVersion) -> None:
    assessment = _start(people, team_case, small_version)
    signed = _sign(people, assessment, FULL, who="mads")
    assert signed.is_signed and signed.signed_by == people["mads"] and signed.signed_at is not None
    assert signed.answers["scale"] == {"person": 7, "parent": 4, "mentor": 5}
    assert signed.answers["harm"] == ["He threatens a teacher.", "He carries a knife."]
    assert AuditEvent.objects.filter(action="assessment.signed", object_id=str(signed.pk)).exists()


def test_a_save_from_an_older_revision_changes_nothing(people: dict[str, User], team_case: Case,
                                                       small_version: InstrumentVersion) -> None:
    opened = _start(people, team_case, small_version)
    theirs = _save(people, opened, {"summary": "Carl's words"})
    with pytest.raises(StaleAssessment) as stale:
        _save(people, opened, {"summary": "Mads's words"}, who="mads", revision=opened.revision)
    assert stale.value.current.answers == {"summary": "Carl's words"}
    assert stale.value.current.revision == theirs.revision
    _unchanged(theirs)


# --- signed assessments never change ---------------------------------------------------------------

def test_a_signed_assessment_refuses_every_change(people: dict[str, User], team_case: Case,
                                                  licensed_version: InstrumentVersion) -> None:
    signed = make_assessment(version=licensed_version, author=people["carl"], case=team_case, signed=True,
                             answers={"instrument": "VERA-2R"})
    attachment = AssessmentAttachment.objects.create(assessment=signed, field_key="form", file=_pdf(),
                                                     original_name="skema.pdf", content_type="application/pdf",
                                                     size=len(PDF))
    access = _access(people, "carl", signed)
    actor = people["carl"]
    attempts = [
        lambda: recording.save_draft(access=access, actor=actor, expected_revision=signed.revision,
                                     raw_answers={"instrument": "ERG"}, assessed_on=TODAY),
        lambda: recording.sign(access=access, actor=actor, expected_revision=signed.revision,
                               raw_answers={"instrument": "ERG"}, assessed_on=TODAY),
        lambda: recording.discard_draft(access=access, actor=actor),
        lambda: recording.attach_file(access=access, actor=actor, field_key="form", upload=_pdf()),
        lambda: recording.remove_file(access=access, actor=actor, attachment_pk=attachment.pk),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="signed assessment cannot be changed"):
            attempt()
    _unchanged(signed)
    assert list(signed.attachments.all()) == [attachment]


# --- corrections ------------------------------------------------------------------------------------

def test_a_correction_names_the_assessment_and_starts_from_its_answers(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _sign(people, _start(people, team_case, small_version, who="signe", compartment="health"), FULL,
                   who="signe")
    correction = recording.start_assessment(holder=_holder(people, "signe", team_case), actor=people["signe"],
                                            version=small_version, compartment="general", amends=signed)
    assert correction.amends == signed and correction.status == Assessment.Status.DRAFT
    assert correction.answers == signed.answers
    assert correction.compartment == "health"  # the compartment of what it corrects, whatever was asked
    assert AuditEvent.objects.get(action="assessment.started", object_id=str(correction.pk)).details[
        "corrects"] == signed.pk
    _sign(people, correction, {**FULL, "summary": "Corrected"}, who="signe")
    assert Assessment.objects.get(pk=signed.pk).answers["summary"] == "Back in school"


def test_only_a_signed_assessment_of_the_same_instrument_is_corrected(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion,
        licensed_version: InstrumentVersion) -> None:
    draft = _start(people, team_case, small_version)
    with pytest.raises(ValidationError, match="Only a signed assessment"):
        recording.start_assessment(holder=_holder(people, "carl", team_case), actor=people["carl"],
                                   version=small_version, compartment="general", amends=draft)
    signed = _sign(people, _start(people, team_case, small_version), FULL)
    with pytest.raises(ValidationError, match="same instrument"):
        recording.start_assessment(holder=_holder(people, "carl", team_case), actor=people["carl"],
                                   version=licensed_version, compartment="general", amends=signed)


# --- discard and files ------------------------------------------------------------------------------

def test_a_draft_is_discarded_with_its_files(people: dict[str, User], team_case: Case,
                                             licensed_version: InstrumentVersion) -> None:
    draft = _start(people, team_case, licensed_version)
    attachment = recording.attach_file(access=_access(people, "carl", draft), actor=people["carl"],
                                       field_key="form", upload=_pdf())
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    recording.discard_draft(access=_access(people, "carl", draft), actor=people["carl"])
    assert not Assessment.objects.filter(pk=draft.pk).exists()
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(action="assessment.discarded", object_id=str(draft.pk)).exists()


def test_the_licensed_form_is_attached_under_a_random_name_and_read_through_access(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion) -> None:
    draft = _start(people, team_case, licensed_version)
    attachment = recording.attach_file(access=_access(people, "carl", draft), actor=people["carl"],
                                       field_key="form", upload=_pdf("VERA skema.pdf"))
    assert attachment.original_name == "VERA skema.pdf" and attachment.content_type == "application/pdf"
    assert "VERA" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert attachment.size == len(PDF)

    read = recording.file_for_reader(access=_access(people, "mads", draft), actor=people["mads"],
                                     attachment_pk=attachment.pk)
    assert read == attachment
    assert AuditEvent.objects.filter(action="assessment.file_read", actor_id=people["mads"].pk).exists()
    assert recording.file_for_reader(access=_access(people, "mads", draft), actor=people["mads"],
                                     attachment_pk=attachment.pk + 1000) is None


def test_a_file_of_a_type_we_do_not_accept_is_refused_at_the_field(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion) -> None:
    draft = _start(people, team_case, licensed_version)
    access = _access(people, "carl", draft)
    with pytest.raises(AnswersRefused) as refused:
        recording.attach_file(access=access, actor=people["carl"], field_key="form",
                              upload=SimpleUploadedFile("run.exe", b"MZ\x90\x00"))
    assert list(refused.value.field_errors) == ["form"]
    with pytest.raises(ValidationError, match="takes no file there"):
        recording.attach_file(access=access, actor=people["carl"], field_key="instrument", upload=_pdf())
    assert not draft.attachments.exists()


def test_a_file_is_removed_from_a_draft(people: dict[str, User], team_case: Case,
                                        licensed_version: InstrumentVersion) -> None:
    draft = _start(people, team_case, licensed_version)
    attachment = recording.attach_file(access=_access(people, "carl", draft), actor=people["carl"],
                                       field_key="form", upload=_pdf())
    recording.remove_file(access=_access(people, "carl", draft), actor=people["carl"], attachment_pk=attachment.pk)
    assert not draft.attachments.exists()
    with pytest.raises(ValidationError, match="not attached"):
        recording.remove_file(access=_access(people, "carl", draft), actor=people["carl"],
                              attachment_pk=attachment.pk)


def test_a_licensed_record_signs_only_with_its_form_and_a_valid_certification(
        people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion) -> None:
    draft = _start(people, team_case, licensed_version, assessed_on=TODAY - timedelta(days=10))
    expired = {"holder": "Signe Aldal", "reference": "VERA-0042", "expires_on": str(TODAY - timedelta(days=11))}
    raw = {"instrument": "VERA-2R, version 2", "certification": expired,
           "domains": [{"domain": "Beliefs", "judgement": "Moderate"}]}
    with pytest.raises(AnswersRefused) as refused:
        _sign(people, draft, raw)
    assert set(refused.value.field_errors) == {"certification", "form"}
    assert "expired" in refused.value.field_errors["certification"]

    recording.attach_file(access=_access(people, "carl", draft), actor=people["carl"], field_key="form",
                          upload=_pdf())
    valid = {**expired, "expires_on": str(TODAY + timedelta(days=100))}
    signed = _sign(people, Assessment.objects.get(pk=draft.pk), {**raw, "certification": valid})
    assert signed.is_signed and signed.answers["domains"] == [{"domain": "Beliefs", "judgement": "Moderate"}]
