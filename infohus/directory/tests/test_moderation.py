"""Moderation: a directory editor edits, approves, rejects or asks for changes; every step is
recorded; the proposer hears about each decision; nobody else may moderate."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from infohus.audit.models import AuditEvent
from infohus.directory.importer import slug_for_title
from infohus.directory.models import ModerationStep, Organisation, Project, Submission
from infohus.directory.services import ModerationError, contact_from_text, reject_submission, request_changes
from infohus.directory.tests.moderation_helpers import (  # noqa: F401
    fresh_rate_limit_fixture,
    in_english,
    make_submission,
    proposal_post,
    visitor_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limit")]

A = ModerationStep.Action


@pytest.fixture
def editor(signed_in: Callable[[str], Client]) -> Client:
    return in_english(signed_in("dorte"))


def _actions(submission: Submission) -> list[str]:
    return list(submission.steps.values_list("action", flat=True))


def _audit(submission: Submission) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="directory.submission", object_id=str(submission.pk))
                .order_by("seq").values_list("action", flat=True))


def test_submission_goes_through_moderation_to_publication(
    visitor: Client, editor: Client, mailoutbox: list, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(reverse("directory:get_involved"), proposal_post())
    submission = Submission.objects.get()
    queue = editor.get(reverse("directory:moderation_queue"))
    assert "Samtaler på tværs" in queue.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("directory:submission_approve", args=[submission.pk]),
                               {"approve-note": "Welcome to the network."})

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    project = Project.objects.get()
    assert submission.published_project == project
    assert project.is_published
    assert project.title == "Samtaler på tværs"
    assert project.slug == slug_for_title("Samtaler på tværs")  # the importer's key: one project, not two
    assert project.organisation is not None and project.organisation.name == "Foreningen Broen"
    assert project.organisation.is_published
    assert [c.code for c in project.countries.all()] == ["DK"]
    assert project.website == "https://broen.example.org"
    assert project.prevention_level == "targeted"
    assert {tag.slug for tag in project.tags.all()} == {"young-people", "mentoring"}
    contact = project.contacts.get()
    assert (contact.name, contact.role, contact.email, contact.phone) == (
        "Jens Jensen", "Project lead", "jens@broen.example.org", "+4533123456")
    assert contact.address == "Nørregade 1, 1165 København K"
    assert "Jens Jensen" in contact.original_text
    assert "Samtaler på tværs" in project.search_document and "Jens Jensen" in project.search_document
    assert _actions(submission) == [A.SUBMITTED, A.APPROVED]
    assert submission.steps.get(action=A.APPROVED).actor.username == "dorte"
    assert _audit(submission) == ["directory.submission_received", "directory.submission_approved"]
    assert [m.to for m in mailoutbox] == [["karen@example.org"], ["karen@example.org"]]
    assert "now published" in mailoutbox[1].body and "Welcome to the network." in mailoutbox[1].body


def test_organisation_proposal_publishes_the_organisation(editor: Client) -> None:
    submission = make_submission(kind=Submission.Kind.ORGANISATION, organisation_name="Dialogue Centre Aarhus")
    editor.post(reverse("directory:submission_approve", args=[submission.pk]))
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.slug, organisation.website) == (
        "Dialogue Centre Aarhus", "dialogue-centre-aarhus", "https://broen.example.org")
    assert organisation.description == "Conversations with young people at risk."
    assert not Project.objects.exists()


def test_approving_a_known_title_updates_that_project_instead_of_duplicating_it(editor: Client) -> None:
    organisation = Organisation.objects.create(name="Foreningen Broen", slug="foreningen-broen")
    existing = Project.objects.create(title="Samtaler på tværs", slug=slug_for_title("Samtaler på tværs"),
                                      organisation=organisation,
                                      summary="Old text.")
    submission = make_submission()
    detail = editor.get(reverse("directory:submission_detail", args=[submission.pk])).content.decode()
    assert "Approving updates the existing project" in detail

    editor.post(reverse("directory:submission_approve", args=[submission.pk]))

    assert Project.objects.count() == 1 and Organisation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.summary == "Conversations with young people at risk."
    assert AuditEvent.objects.get(action="directory.submission_approved").details["project_created"] is False


def test_reject_needs_a_reason(editor: Client, mailoutbox: list, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission()
    url = reverse("directory:submission_reject", args=[submission.pk])

    response = editor.post(url, {"reject-reason": "   "})

    assert response.status_code == 400
    assert "Give a reason for the rejection" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert _actions(submission) == [A.SUBMITTED]

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {"reject-reason": "This project works on road safety, not on prevention."})

    submission.refresh_from_db()
    assert submission.status == Submission.Status.REJECTED
    assert submission.steps.get(action=A.REJECTED).note == "This project works on road safety, not on prevention."
    assert _audit(submission)[-1] == "directory.submission_rejected"
    assert "road safety" in mailoutbox[-1].body
    assert not Project.objects.exists()


def test_the_service_refuses_a_rejection_without_reason(people: dict) -> None:  # type: ignore[type-arg]
    submission = make_submission()
    with pytest.raises(ModerationError):
        reject_submission(submission=submission, actor=people["dorte"], reason=" \n ")
    assert Submission.objects.get().status == Submission.Status.PENDING


def test_changes_requested_then_resubmitted_through_the_link_goes_back_to_pending(
    editor: Client, visitor: Client, mailoutbox: list, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    submission = make_submission()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("directory:submission_request_changes", args=[submission.pk]),
                               {"changes-note": "Please name the municipalities you work in."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHANGES_REQUESTED
    body = mailoutbox[-1].body
    assert "Please name the municipalities you work in." in body
    link = re.search(r"http://testserver(/network/get-involved/changes/[^/\s]+/)", body)
    assert link is not None
    path = link.group(1)

    page = visitor.get(path)
    assert page.status_code == 200
    assert "Please name the municipalities you work in." in page.content.decode()

    data = proposal_post(summary="Conversations with young people in Aarhus and Odder.")
    response = visitor.post(path, data)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.summary == "Conversations with young people in Aarhus and Odder."
    assert _actions(submission) == [A.SUBMITTED, A.CHANGES_REQUESTED, A.SUBMITTED]
    assert _audit(submission) == ["directory.submission_received", "directory.submission_changes_requested",
                                  "directory.submission_resubmitted"]
    # The link has been used: it no longer opens the form.
    assert visitor.get(path).status_code == 404


def test_an_older_link_stops_working_when_changes_are_requested_again(
    people: dict, visitor: Client  # type: ignore[type-arg]
) -> None:
    submission = make_submission()
    links: list[str] = []
    request_changes(submission=submission, actor=people["dorte"], note="First.", link_for=links.append)  # type: ignore[arg-type]
    first_token = links[0]
    visitor.post(reverse("directory:resubmit", args=[first_token]), proposal_post())
    request_changes(submission=submission, actor=people["dorte"], note="Second.", link_for=links.append)  # type: ignore[arg-type]

    assert visitor.get(reverse("directory:resubmit", args=[first_token])).status_code == 404
    assert visitor.get(reverse("directory:resubmit", args=[links[1]])).status_code == 200


def test_a_forged_link_is_refused(visitor: Client) -> None:
    submission = make_submission()
    response = visitor.get(reverse("directory:resubmit", args=[f"{submission.pk}:forged:token"]))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


def test_editor_corrections_are_recorded(editor: Client) -> None:
    submission = make_submission()
    data = {f"edit-{key}": value for key, value in proposal_post(title="Samtaler på tværs i Aarhus").items()}

    response = editor.post(reverse("directory:submission_edit", args=[submission.pk]), data)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.title == "Samtaler på tværs i Aarhus"
    step = submission.steps.get(action=A.EDITED)
    assert "title" in step.note and step.actor.username == "dorte"
    event = AuditEvent.objects.get(action="directory.submission_edited")
    assert "title" in event.details["fields"] and event.actor_username == "dorte"


def test_a_decided_submission_cannot_be_decided_again(editor: Client) -> None:
    submission = make_submission()
    editor.post(reverse("directory:submission_approve", args=[submission.pk]))

    response = editor.post(reverse("directory:submission_reject", args=[submission.pk]), {"reject-reason": "Late."},
                           follow=True)

    assert "that step is no longer possible" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert _actions(submission) == [A.SUBMITTED, A.APPROVED]


@pytest.mark.parametrize("name", ["moderation_queue", "submission_detail"])
@pytest.mark.parametrize("who", ["carl", "anders", "sofie"])
def test_non_editors_are_refused_editor_pages(signed_in: Callable[[str], Client], name: str, who: str) -> None:
    submission = make_submission()
    kwargs = {"pk": submission.pk} if name == "submission_detail" else {}
    assert signed_in(who).get(reverse(f"directory:{name}", kwargs=kwargs)).status_code == 403


def test_non_editor_cannot_approve(signed_in: Callable[[str], Client], visitor: Client) -> None:
    submission = make_submission()
    url = reverse("directory:submission_approve", args=[submission.pk])
    assert signed_in("carl").post(url).status_code == 403
    assert visitor.post(url).status_code == 302  # to sign-in
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert not Project.objects.exists()


def test_queue_lists_pending_first_oldest_first_with_counts(editor: Client, people: dict) -> None:  # type: ignore[type-arg]
    decided = make_submission(title="Decided first")
    reject_submission(submission=decided, actor=people["dorte"], reason="Out of scope.")
    older = make_submission(title="Older pending")
    newer = make_submission(title="Newer pending")
    waiting = make_submission(title="Waiting for changes")
    request_changes(submission=waiting, actor=people["dorte"], note="More please.", link_for=str)

    response = editor.get(reverse("directory:moderation_queue"))

    assert [s.pk for s in response.context["page"]] == [older.pk, newer.pk, waiting.pk, decided.pk]
    counts = {value: n for value, _, n in response.context["counts"]}
    assert counts == {"pending": 2, "changes_requested": 1, "approved": 0, "rejected": 1}
    only_pending = editor.get(reverse("directory:moderation_queue"), {"status": "pending"})
    assert [s.pk for s in only_pending.context["page"]] == [older.pk, newer.pk]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Queries of a signed-in editor's page before the page's own: the session, the user, their
# second-factor device, their memberships; after it, the session's save (savepoint, update,
# release).
SIGNED_IN_OVERHEAD = 4 + 3


def test_queue_queries_do_not_grow_with_the_number_of_submissions(
    editor: Client, django_assert_max_num_queries  # type: ignore[no-untyped-def]
) -> None:
    url = reverse("directory:moderation_queue")
    make_submission(title="Only one")
    # counts per status, the paginator's count, the page's rows with their countries
    with django_assert_max_num_queries(SIGNED_IN_OVERHEAD + 3):
        editor.get(url)
    one = _queries(editor, url)
    for n in range(19):
        make_submission(title=f"Project {n}", organisation_name=f"Organisation {n}", country_code="SE")
    with django_assert_max_num_queries(SIGNED_IN_OVERHEAD + 3):
        response = editor.get(url)
    assert len(response.context["page"]) == 20
    assert _queries(editor, url) == one


def test_submission_detail_queries_are_pinned(
    editor: Client, people: dict, django_assert_max_num_queries  # type: ignore[no-untyped-def, type-arg]
) -> None:
    submission = make_submission()
    request_changes(submission=submission, actor=people["dorte"], note="More, please.", link_for=str)
    url = reverse("directory:submission_detail", args=[submission.pk])
    # the submission; its tags; its steps; their actors; the organisation and the project that
    # approval would update; the countries and tags of the correction form
    with django_assert_max_num_queries(SIGNED_IN_OVERHEAD + 8):
        response = editor.get(url)
    assert "More, please." in response.content.decode()


def test_contact_text_is_read_into_fields() -> None:
    fields = contact_from_text("Anna Berg\nanna@example.se\n08-123 456 78", "SE")
    assert fields["name"] == "Anna Berg"
    assert fields["email"] == "anna@example.se"
    assert fields["phone"] == "+46812345678"
    assert fields["phone_original"] == "08-123 456 78"
