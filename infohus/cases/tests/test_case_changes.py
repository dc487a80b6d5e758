"""Changes to a case: notes, attachments, tasks, reviews, consents, close and reopen, and edits
of the case and the person that never overwrite someone else's save."""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, CaseAttachment, ConsentRecord, NetworkMember, Note, Person, Task
from infohus.cases.selectors.need_to_know import case_access
from infohus.cases.services import cases as services
from infohus.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["per"]: "general,police"})


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


# --- notes ----------------------------------------------------------------------------------

def test_team_member_adds_a_note_which_is_audited(signed_in: Callable[[str], Client], case: Case,
                                                  people: dict[str, User]) -> None:
    response = signed_in("mads").post(reverse("cases:case_note_add", args=[case.pk]),
                                      {"compartment": "general", "text": "Football on Tuesday went well."})
    assert response.status_code == 302
    note = Note.objects.get(case=case)
    assert note.author == people["mads"]
    event = AuditEvent.objects.get(action="case.note_added")
    assert event.person_id == str(case.person_id) and event.purpose == "case work"


def test_note_in_a_compartment_the_writer_does_not_see_is_refused(signed_in: Callable[[str], Client], case: Case,
                                                                  people: dict[str, User]) -> None:
    response = signed_in("mads").post(reverse("cases:case_note_add", args=[case.pk]),
                                      {"compartment": "police", "text": "Trying to write into police."})
    assert response.status_code == 200
    assert not Note.objects.exists()
    access = case_access(people["mads"], case.pk, purpose="test")
    with pytest.raises(PermissionDenied):
        services.add_note(access=access, actor=people["mads"], compartment="police", text="x")


def test_forged_note_outside_the_need_to_know_is_404_and_writes_nothing(signed_in: Callable[[str], Client],
                                                                        people: dict[str, User]) -> None:
    theirs = make_case(lead=people["ida"])
    response = signed_in("otto").post(reverse("cases:case_note_add", args=[theirs.pk]),
                                      {"compartment": "general", "text": "Forged."})
    assert response.status_code == 404
    assert not Note.objects.exists()
    assert not AuditEvent.objects.filter(action="case.note_added").exists()
    assert AuditEvent.objects.filter(action="case.refused", actor_id=people["otto"].pk).exists()


# --- attachments ----------------------------------------------------------------------------

def _pdf(name: str = "plan.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"x" * size, content_type="application/pdf")


def test_attachment_is_served_only_to_those_who_see_its_compartment(signed_in: Callable[[str], Client],
                                                                    case: Case) -> None:
    per = signed_in("per")
    response = per.post(reverse("cases:case_attachment_add", args=[case.pk]),
                        {"compartment": "police", "file": _pdf()})
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    assert "plan" not in attachment.file.name  # stored under a random name
    url = reverse("cases:case_attachment", args=[case.pk, attachment.pk])
    download = per.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    assert signed_in("mads").get(url).status_code == 404
    assert signed_in("otto").get(url).status_code == 404
    assert AuditEvent.objects.filter(action="case.attachment_read").count() == 1


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream"), "is not a type we accept"),
    (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
     "does not contain what its name says"),
    (SimpleUploadedFile("notes.odt", b"PK\x03\x04 not an OpenDocument file"), "does not contain what its name says"),
])
def test_disallowed_attachments_are_refused(signed_in: Callable[[str], Client], case: Case,
                                            upload: SimpleUploadedFile, message: str) -> None:
    response = signed_in("carl").post(reverse("cases:case_attachment_add", args=[case.pk]),
                                      {"compartment": "general", "file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_oversized_attachment_is_refused(signed_in: Callable[[str], Client], case: Case, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 50)
    response = signed_in("carl").post(reverse("cases:case_attachment_add", args=[case.pk]),
                                      {"compartment": "general", "file": _pdf(size=200)})
    assert "each file may be at most 50" in response.content.decode()
    assert not CaseAttachment.objects.exists()


# --- tasks, reviews, consents ---------------------------------------------------------------

def test_task_for_someone_on_the_team_and_marked_done_by_them(signed_in: Callable[[str], Client], case: Case,
                                                              people: dict[str, User]) -> None:
    due = timezone.localdate() + timedelta(days=5)
    response = signed_in("carl").post(reverse("cases:case_task_add", args=[case.pk]),
                                      {"title": "Meet the parents", "due_on": due, "assignee": people["mads"].pk})
    assert response.status_code == 302
    task = Task.objects.get()
    assert signed_in("per").post(reverse("cases:case_task_done", args=[case.pk, task.pk])).status_code == 403
    task.refresh_from_db()
    assert task.done_at is None
    signed_in("mads").post(reverse("cases:case_task_done", args=[case.pk, task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None


def test_task_cannot_go_to_someone_off_the_team(signed_in: Callable[[str], Client], case: Case,
                                                people: dict[str, User]) -> None:
    response = signed_in("carl").post(reverse("cases:case_task_add", args=[case.pk]), {
        "title": "x", "due_on": timezone.localdate(), "assignee": people["otto"].pk})
    assert response.status_code == 200
    assert not Task.objects.exists()


def test_review_moves_the_next_review_on_by_the_interval(signed_in: Callable[[str], Client], case: Case) -> None:
    held = timezone.localdate() - timedelta(days=1)
    signed_in("carl").post(reverse("cases:case_review_add", args=[case.pk]),
                           {"held_on": held, "summary": "Good progress at school."})
    case.refresh_from_db()
    assert case.next_review_on == services.add_months(held, 3)
    assert case.version == 2


def test_review_in_the_future_is_refused(signed_in: Callable[[str], Client], case: Case) -> None:
    response = signed_in("carl").post(reverse("cases:case_review_add", args=[case.pk]), {
        "held_on": timezone.localdate() + timedelta(days=2), "summary": "x"})
    assert response.status_code == 200
    assert not case.reviews.exists()


def test_add_months_keeps_to_the_end_of_short_months() -> None:
    assert services.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert services.add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_consent_given_and_withdrawn(signed_in: Callable[[str], Client], case: Case) -> None:
    carl = signed_in("carl")
    today = timezone.localdate()
    carl.post(reverse("cases:case_consent_add", args=[case.pk]),
              {"given_by": "The person", "scope": "Sharing with the school", "given_on": today})
    consent = ConsentRecord.objects.get()
    carl.post(reverse("cases:case_consent_withdraw", args=[case.pk, consent.pk]), {"withdrawn_on": today})
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    assert list(AuditEvent.objects.filter(action__startswith="case.consent").values_list("action", flat=True)
                .order_by("seq")) == ["case.consent_given", "case.consent_withdrawn"]


# --- close and reopen -----------------------------------------------------------------------

def test_close_with_outcome_and_reason_then_reopen(signed_in: Callable[[str], Client], case: Case) -> None:
    carl = signed_in("carl")
    response = carl.post(reverse("cases:case_close", args=[case.pk]), {
        "version": case.version, "outcome": Case.Outcome.GOALS_MET, "reason": "Back in school, new friends."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Case.Status.CLOSED, Case.Outcome.GOALS_MET)
    # a closed case takes no new notes
    carl.post(reverse("cases:case_note_add", args=[case.pk]), {"compartment": "general", "text": "Late note"})
    assert not Note.objects.exists()

    carl.post(reverse("cases:case_reopen", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.closed_at is None and case.outcome == ""
    assert AuditEvent.objects.get(action="case.reopened").details["previous_outcome"] == Case.Outcome.GOALS_MET


def test_close_needs_outcome_and_reason(signed_in: Callable[[str], Client], case: Case) -> None:
    response = signed_in("carl").post(reverse("cases:case_close", args=[case.pk]),
                                      {"version": case.version, "outcome": "", "reason": ""})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_mentor_cannot_close(signed_in: Callable[[str], Client], case: Case) -> None:
    response = signed_in("mads").post(reverse("cases:case_close", args=[case.pk]), {
        "version": case.version, "outcome": Case.Outcome.OTHER, "reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


# --- optimistic concurrency -----------------------------------------------------------------

def _person_post(person: Person, version: int, **changes: Any) -> dict[str, Any]:
    data = {
        "version": version, "first_name": person.first_name, "last_name": person.last_name,
        "birth_date": person.birth_date, "identifier_country": "DK", "identifier": "", "gender": person.gender,
        "municipality": "", "languages": "", "phone": "", "email": "", "address": "",
        "network-TOTAL_FORMS": "1", "network-INITIAL_FORMS": "0", "network-MIN_NUM_FORMS": "0",
        "network-MAX_NUM_FORMS": "50",
        "network-0-id": "", "network-0-name": "", "network-0-relation": "", "network-0-contact": "",
    }
    data.update(changes)
    return data


def test_person_edit_saves_person_and_network(signed_in: Callable[[str], Client], case: Case) -> None:
    person = case.person
    response = signed_in("carl").post(reverse("cases:case_person_edit", args=[case.pk]), _person_post(
        person, person.version, phone="+45 11 22 33 44", identifier="170507-1234", **{
            "network-0-name": "Amina", "network-0-relation": "mother", "network-0-contact": "+45 99 88 77 66"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.version == 2 and person.phone == "+45 11 22 33 44"
    assert person.identifier_encrypted and "1705071234" not in person.identifier_encrypted
    assert NetworkMember.objects.get(person=person).relation == "mother"
    assert AuditEvent.objects.get(action="person.edited").person_id == str(person.pk)


def test_invalid_identifier_is_refused_and_input_kept(signed_in: Callable[[str], Client], case: Case) -> None:
    person = case.person
    response = signed_in("carl").post(reverse("cases:case_person_edit", args=[case.pk]), _person_post(
        person, person.version, identifier="991399-1234", phone="+45 12 12 12 12"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "must be a date" in page and "+45 12 12 12 12" in page
    person.refresh_from_db()
    assert person.version == 1 and person.phone == ""


def test_stale_person_edit_is_refused_and_the_input_kept(signed_in: Callable[[str], Client], case: Case) -> None:
    person = case.person
    carl, ida_like = signed_in("carl"), signed_in("carl")
    url = reverse("cases:case_person_edit", args=[case.pk])
    assert ida_like.post(url, _person_post(person, 1, languages="Danish, Somali")).status_code == 302

    response = carl.post(url, _person_post(person, 1, phone="+45 55 55 55 55"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record" in page
    assert "+45 55 55 55 55" in page              # the user's own input
    assert "Danish, Somali" in page               # the current values
    assert 'name="version" value="2"' in page     # a second save applies on top of the current record
    person.refresh_from_db()
    assert person.languages == "Danish, Somali" and person.phone == ""


def test_stale_case_edit_is_refused_and_the_input_kept(signed_in: Callable[[str], Client], case: Case,
                                                       people: dict[str, User]) -> None:
    url = reverse("cases:case_edit", args=[case.pk])
    carl = signed_in("carl")
    first = {"version": 1, "review_every_months": 6, "next_review_on": "", "lead": people["carl"].pk}
    assert carl.post(url, first).status_code == 302
    response = carl.post(url, {**first, "review_every_months": 2})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record" in page
    assert 'value="2"' in page and 'data-testid="current-values"' in page
    case.refresh_from_db()
    assert case.review_every_months == 6 and case.version == 2


def test_stale_close_is_refused(signed_in: Callable[[str], Client], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=5)
    response = signed_in("carl").post(reverse("cases:case_close", args=[case.pk]), {
        "version": 1, "outcome": Case.Outcome.OTHER, "reason": "Moved away."})
    assert response.status_code == 409
    assert "Moved away." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
