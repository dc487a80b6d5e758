"""Get involved: a proposal is stored for moderation, and spam is kept out."""

import hashlib

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from infohus.audit.models import AuditEvent
from infohus.directory.models import ModerationStep, Submission
from infohus.directory.spam import MAX_REQUEST_BYTES, SUBMISSIONS_PER_WINDOW, hash_client_address
from infohus.directory.tests.moderation_helpers import (  # noqa: F401
    fresh_rate_limit_fixture,
    proposal_post,
    visitor_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limit")]

URL = "/network/get-involved/"


def test_url_names_match_the_paths() -> None:
    assert reverse("directory:get_involved") == URL
    assert reverse("directory:get_involved_thanks") == "/network/get-involved/thank-you/"


def test_form_page_hides_the_honeypot_from_people(visitor: Client) -> None:
    html = visitor.get(URL).content.decode()
    assert '<div class="directory-honeypot" aria-hidden="true">' in html
    assert 'name="hp_field_x7" value="" tabindex="-1" autocomplete="off"' in html
    assert "directory-moderation.css" in html


def test_proposal_is_stored_pending_with_a_step_an_audit_event_and_a_confirmation(
    visitor: Client, mailoutbox: list, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(URL, proposal_post(), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    assert response["Location"] == reverse("directory:get_involved_thanks")
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.PENDING
    assert submission.title == "Samtaler på tværs"
    assert submission.website == "https://broen.example.org"
    assert {tag.slug for tag in submission.target_groups.all()} == {"young-people", "mentoring"}
    assert submission.client_address_hash == hash_client_address("203.0.113.9")
    assert list(submission.steps.values_list("action", flat=True)) == [ModerationStep.Action.SUBMITTED]
    event = AuditEvent.objects.get(action="directory.submission_received")
    assert event.object_id == str(submission.pk)
    assert "karen@example.org" not in str(event.details)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["karen@example.org"]
    assert "Samtaler på tværs" in mailoutbox[0].body


def test_thank_you_page_is_public(visitor: Client) -> None:
    assert visitor.get(reverse("directory:get_involved_thanks")).status_code == 200


def test_project_proposal_needs_a_title(visitor: Client) -> None:
    response = visitor.post(URL, proposal_post(title=""))
    assert response.status_code == 200
    assert "Give the project&#x27;s title." in response.content.decode()
    assert not Submission.objects.exists()


def test_organisation_proposal_needs_no_title(visitor: Client) -> None:
    response = visitor.post(URL, proposal_post(kind=Submission.Kind.ORGANISATION, title="Ignored"))
    assert response.status_code == 302
    assert Submission.objects.get().title == ""


def test_filled_honeypot_looks_like_success_but_stores_and_sends_nothing(
    visitor: Client, mailoutbox: list, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(URL, proposal_post(hp_field_x7="+45 12345678"))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:get_involved_thanks")
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()
    assert mailoutbox == []


def test_sixth_proposal_within_an_hour_from_one_address_is_refused(visitor: Client) -> None:
    for _ in range(SUBMISSIONS_PER_WINDOW):
        assert visitor.post(URL, proposal_post(), REMOTE_ADDR="198.51.100.7").status_code == 302

    response = visitor.post(URL, proposal_post(summary="The sixth one."), REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent 5 proposals within the last hour" in html
    assert "The sixth one." in html  # what the person wrote is kept in the form
    assert Submission.objects.count() == SUBMISSIONS_PER_WINDOW
    # Another address is not affected.
    assert visitor.post(URL, proposal_post(), REMOTE_ADDR="198.51.100.8").status_code == 302


def test_rate_limit_keys_the_cache_by_the_hash_of_the_address(visitor: Client) -> None:
    visitor.post(URL, proposal_post(), REMOTE_ADDR="198.51.100.7")
    # keyed with the site's secret: a plain SHA-256 of an IPv4 address is easily reversed
    assert hash_client_address("198.51.100.7") != hashlib.sha256(b"198.51.100.7").hexdigest()
    digest = hash_client_address("198.51.100.7")
    assert cache.get(f"directory:submissions:{digest}") == 1
    assert cache.get("directory:submissions:198.51.100.7") is None


def test_invalid_posts_do_not_use_up_the_rate_limit(visitor: Client) -> None:
    for _ in range(SUBMISSIONS_PER_WINDOW + 2):
        visitor.post(URL, proposal_post(proposer_email="not an address"), REMOTE_ADDR="198.51.100.7")
    assert visitor.post(URL, proposal_post(), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_oversized_request_is_refused_with_a_clear_message(visitor: Client) -> None:
    response = visitor.post(URL, proposal_post(summary="x" * (MAX_REQUEST_BYTES + 1)))
    assert response.status_code == 413
    assert "Your proposal is larger than we can accept (at most 64 kB in all)" in response.content.decode()
    assert not Submission.objects.exists()


def test_text_longer_than_its_field_allows_is_refused(visitor: Client) -> None:
    response = visitor.post(URL, proposal_post(summary="y" * 3001))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["summary"]] == ["max_length"]
    assert "Ensure this value has at most 3000 characters" in response.content.decode()
    assert not Submission.objects.exists()


def test_consent_is_required(visitor: Client) -> None:
    data = proposal_post()
    del data["consent"]
    assert visitor.post(URL, data).status_code == 200
    assert not Submission.objects.exists()
