"""The recording pages in the browser: start, fill, save, sign, correct, discard, files, the read
view, and the assessments panels of the case and concern pages. Bad input comes back with a 400,
the message at its field and everything typed still in the form."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, AssessmentAttachment, InstrumentVersion
from infohus.assessments.selectors.access import assessment_for_user
from infohus.assessments.services import recording
from infohus.assessments.tests.factories import (
    make_assessment,
    published,
    small_definition,
)
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern
from infohus.cases.tests.factories import grant_break_glass, make_concern, make_person

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n"


def url(name: str, *args: int) -> str:
    return reverse(f"assessments:{name}", args=args)


def _page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:2000]
    return str(response.content.decode())


def _draft(version: InstrumentVersion, author: User, case: Case, *, compartment: str = "general",
           answers: dict[str, Any] | None = None, signed: bool = False, **kwargs: Any) -> Assessment:
    return make_assessment(version=version, author=author, case=case, compartment=compartment,
                           answers=answers if answers is not None else {"summary": "Back in school"},
                           signed=signed, assessed_on=TODAY - timedelta(days=2), **kwargs)


def _attach(assessment: Assessment, name: str = "skema.pdf", key: str = "form") -> AssessmentAttachment:
    attachment = AssessmentAttachment(assessment=assessment, field_key=key, original_name=name,
                                      content_type="application/pdf", size=len(PDF))
    attachment.file.save("test-form.pdf", ContentFile(PDF), save=True)
    return attachment


def _helped_version() -> InstrumentVersion:
    """The small instrument with help texts on a section and on a field."""
    definition = small_definition(slug="test-helped")
    definition["sections"][0]["help_en"] = "What the family and the school worry about."
    definition["sections"][0]["fields"][0]["help_en"] = "One sentence the whole team can agree on."
    return published(definition)


@pytest.fixture
def triage_version() -> InstrumentVersion:
    return published(small_definition(slug="test-triage", name_en="Test analysis", use="triage"))


FULL_POST = {
    "a-summary": "Back in school", "a-story": "Met at home.\nThe mother was there.",
    "a-harm": "He threatens a teacher.\n\nHe carries a knife.", "a-areas": ["family", "school"],
    "a-overall": "0", "a-met_on": str(TODAY - timedelta(days=3)),
    "a-scale-person": "7", "a-scale-parent": "4", "a-scale-mentor": "5",
}


def _edit_post(assessment: Assessment, action: str = "save", **answers: Any) -> dict[str, Any]:
    return {"revision": str(assessment.revision), "assessed_on": str(assessment.assessed_on), "action": action,
            **answers}


# --- start ---------------------------------------------------------------------------------------

def test_start_page_offers_the_case_instruments_and_preselects_one(
        signed_in: ClientFor, team_case: Case, small_version: InstrumentVersion,
        triage_version: InstrumentVersion) -> None:
    page = _page(signed_in("mads").get(url("case_start", team_case.pk) + f"?version={small_version.pk}"))
    assert f'<option value="{small_version.pk}" selected>Test instrument (version 1)</option>' in page
    assert "Test analysis" not in page
    assert '<option value="general" selected>' in page
    assert 'value="health"' not in page  # mads sees only general
    assert f'value="{TODAY.isoformat()}"' in page
    assert reverse("cases:case_detail", args=[team_case.pk]) in page


def test_starting_makes_a_draft_in_the_instruments_compartment_and_opens_it(
        signed_in: ClientFor, team_case: Case, small_version: InstrumentVersion) -> None:
    response = signed_in("mads").post(url("case_start", team_case.pk), {
        "instrument_version": small_version.pk, "compartment": "", "assessed_on": str(TODAY - timedelta(days=1))})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == url("assessment_edit", assessment.pk)
    assert (assessment.case, assessment.compartment, assessment.status) == (team_case, "general", "draft")
    assert assessment.assessed_on == TODAY - timedelta(days=1)


def test_an_instrument_usually_in_a_compartment_one_does_not_see_asks_for_one(
        signed_in: ClientFor, team_case: Case) -> None:
    health = published(small_definition(slug="test-health", default_compartment="health"))
    data = {"instrument_version": health.pk, "compartment": "", "assessed_on": str(TODAY)}
    page = _page(signed_in("mads").post(url("case_start", team_case.pk), data), 400)
    assert "usually recorded in the compartment “Health (psychiatry)”, which you do not see" in page
    assert not Assessment.objects.exists()
    assert signed_in("signe").post(url("case_start", team_case.pk), data).status_code == 302
    assert Assessment.objects.get().compartment == "health"


@pytest.mark.parametrize("change, message", [
    ({"compartment": "health"}, "Select a valid choice."),
    ({"assessed_on": str(TODAY + timedelta(days=1))}, "The date cannot be in the future."),
    ({"instrument_version": ""}, "This field is required."),
])
def test_start_refuses_bad_input_at_the_field(signed_in: ClientFor, team_case: Case,
                                              small_version: InstrumentVersion, change: dict[str, str],
                                              message: str) -> None:
    data = {"instrument_version": small_version.pk, "compartment": "general", "assessed_on": str(TODAY), **change}
    page = _page(signed_in("mads").post(url("case_start", team_case.pk), data), 400)
    assert message in page and 'class="form-error-message"' in page
    assert not Assessment.objects.exists()


def test_outsider_cannot_start_and_a_break_the_glass_reader_may_not(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assert signed_in("otto").get(url("case_start", team_case.pk)).status_code == 404
    grant_break_glass(team_case, people["ida"])
    ida = signed_in("ida")
    assert ida.get(url("case_start", team_case.pk)).status_code == 403
    assert ida.post(url("case_start", team_case.pk), {"instrument_version": small_version.pk,
                                                      "assessed_on": str(TODAY)}).status_code == 403
    assert not Assessment.objects.exists()


def test_the_info_house_starts_an_analysis_on_a_concern(signed_in: ClientFor, small_version: InstrumentVersion,
                                                         triage_version: InstrumentVersion) -> None:
    concern = make_concern(person=make_person())
    ida = signed_in("ida")
    page = _page(ida.get(url("concern_start", concern.pk)))
    assert "Test analysis" in page and "Test instrument" not in page
    assert reverse("cases:triage_concern", args=[concern.pk]) in page
    response = ida.post(url("concern_start", concern.pk), {"instrument_version": triage_version.pk,
                                                           "compartment": "police", "assessed_on": str(TODAY)})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == url("assessment_edit", assessment.pk)
    assert (assessment.concern, assessment.case, assessment.compartment) == (concern, None, "police")
    assert signed_in("carl").get(url("concern_start", concern.pk)).status_code == 403


# --- the edit page ---------------------------------------------------------------------------------

def test_the_edit_page_has_an_input_for_every_kind_with_its_help(signed_in: ClientFor, people: dict[str, User],
                                                                 team_case: Case) -> None:
    assessment = _draft(_helped_version(), people["carl"], team_case,
                        answers={"summary": "Back in school", "overall": 4, "scale": {"parent": 6},
                                 "harm": ["One", "Two"], "areas": ["school"]})
    page = _page(signed_in("carl").get(url("assessment_edit", assessment.pk)))
    assert '<input type="hidden" name="revision" value="1">' in page
    assert 'id="a-summary" name="a-summary" value="Back in school" aria-describedby="a-summary-help"' in page
    assert 'id="a-summary-help">One sentence the whole team can agree on.' in page
    assert 'aria-describedby="section-worries-help"' in page and "What the family and the school worry" in page
    assert 'name="a-story"' in page and "One\nTwo</textarea>" in page
    assert 'type="checkbox" id="a-areas-1" name="a-areas" value="school" checked' in page
    # The 0–10 scale: eleven radio buttons and "not answered", in a fieldset with a legend.
    assert len(re.findall(r'type="radio" id="a-overall-\d+" name="a-overall"', page)) == 11
    assert 'id="a-overall-none" name="a-overall" value=""' in page
    assert 'id="a-overall-4" name="a-overall" value="4" checked' in page
    assert '<legend class="form-label">Overall' in page
    assert 'type="number"' not in page
    # One radio group per participant.
    for participant in ("person", "parent", "mentor"):
        assert len(re.findall(rf'name="a-scale-{participant}" value="\d+"', page)) == 11
    assert 'id="a-scale-parent-6" name="a-scale-parent" value="6" checked' in page
    assert 'type="date" id="a-met_on" name="a-met_on"' in page
    assert '<button class="button button-secondary" type="submit" name="action" value="save">' in page
    assert 'name="action" value="sign"' in page


def test_the_licensed_record_has_domain_rows_certification_and_an_upload_form(
        signed_in: ClientFor, people: dict[str, User], team_case: Case,
        licensed_version: InstrumentVersion) -> None:
    assessment = _draft(licensed_version, people["carl"], team_case,
                        answers={"domains": [{"domain": "Beliefs", "judgement": "Moderate"}]})
    _attach(assessment, "VERA skema.pdf")
    page = _page(signed_in("carl").get(url("assessment_edit", assessment.pk)))
    assert 'name="a-domains-domain-0" value="Beliefs"' in page
    for n in (1, 2, 3):
        assert f'name="a-domains-domain-{n}" value=""' in page
    assert 'name="a-domains-domain-4"' not in page
    for part in ("holder", "reference", "expires_on"):
        assert f'name="a-certification-{part}"' in page
    assert f'action="{url("file_add", assessment.pk)}" enctype="multipart/form-data"' in page
    assert '<input type="hidden" name="field_key" value="form">' in page
    assert "VERA skema.pdf" in page


def test_saving_turns_every_input_into_its_answer(signed_in: ClientFor, people: dict[str, User],
                                                  team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _draft(small_version, people["carl"], team_case, answers={})
    response = signed_in("mads").post(url("assessment_edit", assessment.pk), _edit_post(assessment, **FULL_POST))
    assert response.status_code == 302 and response["Location"] == url("assessment_edit", assessment.pk)
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.answers == {
        "summary": "Back in school", "story": "Met at home.\nThe mother was there.",
        "harm": ["He threatens a teacher.", "He carries a knife."], "areas": ["family", "school"],
        "overall": 0, "met_on": FULL_POST["a-met_on"], "scale": {"person": 7, "parent": 4, "mentor": 5},
    }
    assert saved.status == "draft" and saved.revision == 2


def test_saving_the_licensed_record_keeps_domains_and_certification(
        signed_in: ClientFor, people: dict[str, User], team_case: Case,
        licensed_version: InstrumentVersion) -> None:
    assessment = _draft(licensed_version, people["carl"], team_case, answers={})
    expires = str(TODAY + timedelta(days=200))
    data = _edit_post(assessment, **{
        "a-instrument": "VERA-2R", "a-domains-domain-0": "Beliefs", "a-domains-judgement-0": "Moderate",
        "a-domains-domain-1": "", "a-domains-judgement-1": "", "a-domains-domain-2": "Context",
        "a-domains-judgement-2": "Low", "a-certification-holder": "Signe Aldal",
        "a-certification-reference": "VERA-0042", "a-certification-expires_on": expires})
    assert signed_in("carl").post(url("assessment_edit", assessment.pk), data).status_code == 302
    answers = Assessment.objects.get(pk=assessment.pk).answers
    assert answers["domains"] == [{"domain": "Beliefs", "judgement": "Moderate"},
                                  {"domain": "Context", "judgement": "Low"}]
    assert answers["certification"] == {"holder": "Signe Aldal", "reference": "VERA-0042", "expires_on": expires}


@pytest.mark.parametrize("field, value, at, message", [
    ("a-overall", "seven", "a-overall", "Give a whole number from 0 to 10."),
    ("a-overall", "11", "a-overall", "The scale goes from 0 to 10; 11 is outside it."),
    ("a-scale-parent", "11", "a-scale", "A parent: The scale goes from 0 to 10; 11 is outside it."),
    ("a-met_on", str(TODAY + timedelta(days=1)), "a-met_on", "The date cannot be in the future."),
    ("assessed_on", str(TODAY + timedelta(days=1)), "assessed_on", "The date cannot be in the future."),
    ("assessed_on", "yesterday", "assessed_on", "Give a date as YYYY-MM-DD."),
])
def test_bad_input_comes_back_at_its_field_with_everything_typed(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion,
        field: str, value: str, at: str, message: str) -> None:
    assessment = _draft(small_version, people["carl"], team_case)
    data = {**_edit_post(assessment, **FULL_POST), "a-summary": "Typed, not yet saved", field: value}
    page = _page(signed_in("carl").post(url("assessment_edit", assessment.pk), data), 400)
    assert f'class="form-error-message" id="{at}-error">{message}</span>' in page
    assert "Nothing was saved" in page and 'data-error-summary' in page
    assert 'value="Typed, not yet saved"' in page
    assert "Met at home.\nThe mother was there.</textarea>" in page
    assert 'value="school" checked' in page and 'value="family" checked' in page
    assert 'id="a-scale-mentor-5" name="a-scale-mentor" value="5" checked' in page
    if field != "a-overall":
        assert 'id="a-overall-0" name="a-overall" value="0" checked' in page
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert fresh.answers == {"summary": "Back in school"} and fresh.revision == 1


def test_a_value_that_is_none_of_the_radio_buttons_is_shown_as_sent(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _draft(small_version, people["carl"], team_case)
    page = _page(signed_in("carl").post(url("assessment_edit", assessment.pk),
                                        _edit_post(assessment, **{"a-overall": "seven"})), 400)
    assert "You sent “seven”." in page
    assert 'href="#a-overall-none">Overall: Give a whole number from 0 to 10.</a>' in page


def test_signing_without_a_required_answer_is_refused_and_the_draft_kept(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _draft(small_version, people["carl"], team_case)
    data = {**_edit_post(assessment, "sign", **FULL_POST), "a-summary": "", "a-scale-person": "",
            "a-scale-parent": "", "a-scale-mentor": ""}
    page = _page(signed_in("carl").post(url("assessment_edit", assessment.pk), data), 400)
    assert "The assessment was not signed, and nothing was saved" in page
    assert 'id="a-summary-error">This must be answered before the assessment is signed.' in page
    assert 'id="a-scale-error">This must be answered before the assessment is signed.' in page
    assert 'href="#a-summary">In short:' in page
    assert 'id="a-overall-0" name="a-overall" value="0" checked' in page
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert fresh.status == "draft" and fresh.answers == {"summary": "Back in school"}


def test_an_expired_certification_is_refused_with_the_typed_rows_kept(
        signed_in: ClientFor, people: dict[str, User], team_case: Case,
        licensed_version: InstrumentVersion) -> None:
    assessment = _draft(licensed_version, people["carl"], team_case)
    _attach(assessment)
    expired = str(assessment.assessed_on - timedelta(days=1))
    data = _edit_post(assessment, "sign", **{
        "a-instrument": "VERA-2R", "a-domains-domain-0": "Beliefs", "a-domains-judgement-0": "Moderate",
        "a-certification-holder": "Signe Aldal", "a-certification-reference": "VERA-0042",
        "a-certification-expires_on": expired})
    page = _page(signed_in("carl").post(url("assessment_edit", assessment.pk), data), 400)
    assert "An assessment by an assessor without a valid certification cannot be recorded." in page
    assert f'name="a-certification-expires_on" value="{expired}"' in page
    assert 'name="a-domains-domain-0" value="Beliefs"' in page and "Moderate</textarea>" in page
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def test_signing_from_the_page_signs_and_shows_the_read_view(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _draft(small_version, people["carl"], team_case)
    response = signed_in("mads").post(url("assessment_edit", assessment.pk),
                                      _edit_post(assessment, "sign", **FULL_POST))
    assert response.status_code == 302 and response["Location"] == url("assessment_detail", assessment.pk)
    signed = Assessment.objects.get(pk=assessment.pk)
    assert signed.is_signed and signed.signed_by == people["mads"]


def test_a_save_after_someone_elses_is_409_with_both_versions(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _draft(small_version, people["carl"], team_case)
    opened_at = assessment.revision
    recording.save_draft(access=assessment_for_user(people["mads"], assessment.pk, purpose="t", audit=False),
                         actor=people["mads"], expected_revision=opened_at, raw_answers={"summary": "Mads's summary"},
                         assessed_on=assessment.assessed_on)
    data = {**_edit_post(assessment, **FULL_POST), "revision": str(opened_at), "a-summary": "Carl's summary"}
    page = _page(signed_in("carl").post(url("assessment_edit", assessment.pk), data), 409)
    assert "Someone else saved this assessment after you opened it" in page
    assert 'data-testid="current-answers"' in page and "Mads&#x27;s summary" in page
    assert 'value="Carl&#x27;s summary"' in page
    assert f'name="revision" value="{opened_at + 1}"' in page
    assert Assessment.objects.get(pk=assessment.pk).answers == {"summary": "Mads's summary"}


def test_a_signed_assessment_is_never_shown_for_editing(signed_in: ClientFor, people: dict[str, User],
                                                        team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _draft(small_version, people["carl"], team_case, signed=True)
    carl = signed_in("carl")
    response = carl.get(url("assessment_edit", signed.pk))
    assert response.status_code == 302 and response["Location"] == url("assessment_detail", signed.pk)
    response = carl.post(url("assessment_edit", signed.pk), _edit_post(signed, **FULL_POST))
    assert response.status_code == 302 and response["Location"] == url("assessment_detail", signed.pk)
    assert Assessment.objects.get(pk=signed.pk).answers == {"summary": "Back in school"}


def test_a_break_the_glass_reader_reads_but_gets_no_form(signed_in: ClientFor, people: dict[str, User],
                                                         team_case: Case, small_version: InstrumentVersion) -> None:
    draft = _draft(small_version, people["carl"], team_case)
    grant_break_glass(team_case, people["ida"])
    ida = signed_in("ida")
    page = _page(ida.get(url("assessment_detail", draft.pk)))
    assert "Back in school" in page
    assert url("assessment_edit", draft.pk) not in page and url("assessment_discard", draft.pk) not in page
    assert ida.get(url("assessment_edit", draft.pk)).status_code == 403
    assert ida.post(url("assessment_edit", draft.pk), _edit_post(draft, **FULL_POST)).status_code == 403
    assert ida.post(url("assessment_discard", draft.pk)).status_code == 403
    assert Assessment.objects.get(pk=draft.pk).answers == {"summary": "Back in school"}


# --- the read view ---------------------------------------------------------------------------------

def test_the_read_view_shows_the_answers_by_section_and_who_signed(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _draft(small_version, people["mads"], team_case, signed=True,
                    answers={"summary": "Back in school", "overall": 3, "scale": {"person": 7, "parent": 4}})
    earlier = _draft(small_version, people["carl"], team_case, signed=True)
    page = _page(signed_in("carl").get(url("assessment_detail", signed.pk)))
    assert "<h2 id=\"section-worries\">Worries</h2>" in page and "Where things stand" in page
    assert "3 / 10" in page and "The person: 7 / 10" in page and "A parent: 4 / 10" in page
    assert 'data-testid="signed-by">Mads Kjærholm' in page
    assert "Test instrument, version 1" in page and "General" in page
    assert url("assessment_pdf", signed.pk) in page
    assert f'action="{url("assessment_compare", signed.pk)}"' in page and f'<option value="{earlier.pk}"' in page
    assert url("assessment_correct", signed.pk) in page and url("assessment_edit", signed.pk) not in page
    assert reverse("cases:case_detail", args=[team_case.pk]) in page
    assert AuditEvent.objects.filter(action="assessment.viewed", object_id=str(signed.pk)).count() == 1


def test_a_correction_and_what_it_corrects_link_to_each_other(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _draft(small_version, people["carl"], team_case, signed=True)
    carl = signed_in("carl")
    response = carl.post(url("assessment_correct", signed.pk))
    correction = Assessment.objects.get(amends=signed)
    assert response.status_code == 302 and response["Location"] == url("assessment_edit", correction.pk)
    assert correction.answers == signed.answers and correction.assessed_on == signed.assessed_on
    corrects = f'data-testid="corrects"><a href="{url("assessment_detail", signed.pk)}"'
    assert corrects in _page(carl.get(url("assessment_detail", correction.pk)))
    page = _page(carl.get(url("assessment_detail", signed.pk)))
    assert 'data-testid="corrected-by"' in page and url("assessment_detail", correction.pk) in page


def test_the_health_compartment_is_read_by_the_psychiatry_liaison_only(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    health = _draft(small_version, people["signe"], team_case, compartment="health", signed=True)
    assert signed_in("mads").get(url("assessment_detail", health.pk)).status_code == 404
    assert signed_in("carl").get(url("assessment_detail", health.pk)).status_code == 404
    assert "Back in school" in _page(signed_in("signe").get(url("assessment_detail", health.pk)))
    assert signed_in("otto").get(url("assessment_detail", health.pk)).status_code == 404


def test_discarding_a_draft_goes_back_to_the_case_or_the_concern(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion,
        triage_version: InstrumentVersion) -> None:
    draft = _draft(small_version, people["carl"], team_case)
    response = signed_in("carl").post(url("assessment_discard", draft.pk))
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_detail", args=[team_case.pk])
    assert not Assessment.objects.filter(pk=draft.pk).exists()

    concern = make_concern(person=make_person())
    at_triage = make_assessment(version=triage_version, author=people["ida"], concern=concern)
    response = signed_in("per").post(url("assessment_discard", at_triage.pk))
    assert response["Location"] == reverse("cases:triage_concern", args=[concern.pk])
    assert not Assessment.objects.filter(pk=at_triage.pk).exists()


def test_a_signed_assessment_is_not_discarded(signed_in: ClientFor, people: dict[str, User], team_case: Case,
                                              small_version: InstrumentVersion) -> None:
    signed = _draft(small_version, people["carl"], team_case, signed=True)
    response = signed_in("carl").post(url("assessment_discard", signed.pk))
    assert response.status_code == 302 and response["Location"] == url("assessment_detail", signed.pk)
    assert Assessment.objects.filter(pk=signed.pk).exists()


# --- files ------------------------------------------------------------------------------------------

def test_the_licensed_form_is_attached_downloaded_and_removed(
        signed_in: ClientFor, people: dict[str, User], team_case: Case,
        licensed_version: InstrumentVersion) -> None:
    draft = _draft(licensed_version, people["carl"], team_case)
    carl = signed_in("carl")
    assert 'type="file"' in _page(carl.get(url("file_add", draft.pk)))
    response = carl.post(url("file_add", draft.pk), {"field_key": "form",
                                                     "file": SimpleUploadedFile("VERA skema.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == url("assessment_edit", draft.pk) + "#files-form"
    attachment = AssessmentAttachment.objects.get(assessment=draft)
    assert "VERA skema.pdf" in _page(carl.get(url("assessment_detail", draft.pk)))

    download = signed_in("mads").get(url("file_download", draft.pk, attachment.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;") and "VERA" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="assessment.file_read", actor_id=people["mads"].pk).count() == 1

    response = carl.post(url("file_remove", draft.pk, attachment.pk))
    assert response.status_code == 302 and not AssessmentAttachment.objects.exists()


def test_a_file_we_do_not_accept_comes_back_with_a_message(signed_in: ClientFor, people: dict[str, User],
                                                           team_case: Case,
                                                           licensed_version: InstrumentVersion) -> None:
    draft = _draft(licensed_version, people["carl"], team_case)
    page = _page(signed_in("carl").post(url("file_add", draft.pk), {
        "field_key": "form", "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")}), 400)
    assert "is not a type we accept" in page
    assert not AssessmentAttachment.objects.exists()


def test_files_are_reached_only_through_their_own_assessment(
        signed_in: ClientFor, people: dict[str, User], team_case: Case,
        licensed_version: InstrumentVersion) -> None:
    mine = _draft(licensed_version, people["carl"], team_case)
    health = _draft(licensed_version, people["signe"], team_case, compartment="health")
    secret = _attach(health, "health.pdf")
    mads = signed_in("mads")
    assert mads.get(url("file_download", mine.pk, secret.pk)).status_code == 404
    assert mads.get(url("file_download", health.pk, secret.pk)).status_code == 404
    assert signed_in("signe").get(url("file_download", health.pk, secret.pk)).status_code == 200
    assert signed_in("carl").post(url("file_remove", mine.pk, secret.pk)).status_code == 302
    assert AssessmentAttachment.objects.filter(pk=secret.pk).exists()


def test_files_of_a_signed_assessment_stay(signed_in: ClientFor, people: dict[str, User], team_case: Case,
                                           licensed_version: InstrumentVersion) -> None:
    signed = _draft(licensed_version, people["carl"], team_case, signed=True)
    kept = _attach(signed)
    carl = signed_in("carl")
    assert carl.get(url("file_add", signed.pk))["Location"] == url("assessment_detail", signed.pk)
    assert carl.post(url("file_add", signed.pk), {"field_key": "form", "file": SimpleUploadedFile(
        "x.pdf", PDF)})["Location"] == url("assessment_detail", signed.pk)
    assert carl.post(url("file_remove", signed.pk, kept.pk))["Location"] == url("assessment_detail", signed.pk)
    assert list(signed.attachments.all()) == [kept]


# --- panels on the case and concern pages -----------------------------------------------------------

def test_the_case_page_lists_the_assessments_each_reader_may_see(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    general = _draft(small_version, people["carl"], team_case, signed=True)
    health = _draft(small_version, people["signe"], team_case, compartment="health")
    case_url = reverse("cases:case_detail", args=[team_case.pk])
    mads_page = _page(signed_in("mads").get(case_url))
    assert 'id="assessments-heading"' in mads_page
    assert url("assessment_detail", general.pk) in mads_page and url("assessment_detail", health.pk) not in mads_page
    assert url("case_start", team_case.pk) in mads_page and url("case_progress", team_case.pk) in mads_page
    signe_page = _page(signed_in("signe").get(case_url))
    assert url("assessment_detail", health.pk) in signe_page and "Health (psychiatry)" in signe_page

    grant_break_glass(team_case, people["ida"])
    ida_page = _page(signed_in("ida").get(case_url))
    assert url("assessment_detail", general.pk) in ida_page and url("case_start", team_case.pk) not in ida_page
    # The panel adds no audit event of its own to the page's read.
    assert not AuditEvent.objects.filter(action="assessment.viewed").exists()


def test_the_concern_page_offers_the_triage_instruments(signed_in: ClientFor, people: dict[str, User],
                                                        triage_version: InstrumentVersion) -> None:
    concern = make_concern(person=make_person())
    analysis = make_assessment(version=triage_version, author=people["ida"], concern=concern)
    page = _page(signed_in("ida").get(reverse("cases:triage_concern", args=[concern.pk])))
    assert url("assessment_detail", analysis.pk) in page and url("concern_start", concern.pk) in page
    Concern.objects.filter(pk=concern.pk).update(status=Concern.Status.DECIDED)
    page = _page(signed_in("per").get(reverse("cases:triage_concern", args=[concern.pk])))
    assert url("assessment_detail", analysis.pk) in page and url("concern_start", concern.pk) not in page


# --- query counts -----------------------------------------------------------------------------------
# Every signed-in request: session, user, TOTP device, memberships, and the session saved at the end
# (savepoint, update, release): 7. Every audit event: savepoint, last row of the chain, insert,
# release (4), and the chain's advisory lock on PostgreSQL (5).

def _audit(events: int = 1) -> int:
    return events * (5 if connection.vendor == "postgresql" else 4)


# The assessment with its version, instrument and people, the case, the reader's team entry (3),
# the audited read, fields, files, corrections, and the assessments to compare with (4).
DETAIL_QUERIES = 7 + 3 + _audit() + 4
# The assessment, the case, the team entry (3), the audited read, fields and files (2).
EDIT_QUERIES = 7 + 3 + _audit() + 2


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _grow(version: InstrumentVersion, author: User, case: Case, assessment: Assessment, n: int) -> None:
    for i in range(n):
        _attach(assessment, f"form-{i}.pdf")
    for _i in range(n):
        _draft(version, author, case, signed=True, amends=assessment if assessment.is_signed else None)


@pytest.mark.parametrize("page, limit", [("assessment_detail", DETAIL_QUERIES), ("assessment_edit", EDIT_QUERIES)])
def test_assessment_pages_do_not_grow_with_answers_and_files(
        signed_in: ClientFor, people: dict[str, User], team_case: Case, licensed_version: InstrumentVersion,
        page: str, limit: int, django_assert_max_num_queries: Any) -> None:
    signed = page == "assessment_detail"
    assessment = _draft(licensed_version, people["carl"], team_case, signed=signed, answers={
        "instrument": "VERA-2R", "domains": [{"domain": "Beliefs", "judgement": "Moderate"}]})
    _grow(licensed_version, people["carl"], team_case, assessment, 2)
    client = signed_in("mads")
    with django_assert_max_num_queries(limit):
        few = _count(client, url(page, assessment.pk))
    Assessment.objects.filter(pk=assessment.pk).update(answers={
        "instrument": "VERA-2R", "domains": [{"domain": f"Domain {i}", "judgement": "Low"} for i in range(20)]})
    _grow(licensed_version, people["carl"], team_case, assessment, 20)
    with django_assert_max_num_queries(limit):
        many = _count(client, url(page, assessment.pk))
    assert many == few


def test_the_panels_add_a_fixed_number_of_queries(signed_in: ClientFor, people: dict[str, User], team_case: Case,
                                                  small_version: InstrumentVersion,
                                                  triage_version: InstrumentVersion) -> None:
    client = signed_in("per")
    concern = make_concern(person=make_person())
    case_url, concern_url = reverse("cases:case_detail", args=[team_case.pk]), reverse(
        "cases:triage_concern", args=[concern.pk])
    for _i in range(3):
        _draft(small_version, people["carl"], team_case)
        make_assessment(version=triage_version, author=people["ida"], concern=concern)
    counts = (_count(client, case_url), _count(client, concern_url))
    for _i in range(30):
        _draft(small_version, people["carl"], team_case, signed=True)
        make_assessment(version=triage_version, author=people["ida"], concern=concern, signed=True)
    assert (_count(client, case_url), _count(client, concern_url)) == counts

