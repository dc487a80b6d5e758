"""Retention of proposals sent through "Get involved" (the kind directory_submission): a year after
an editor last handled a proposal, the proposer's details and the editors' notes are erased; the
project it published and a proposal still waiting for an editor stay as they are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from infohus.accounts.models import User
from infohus.directory.models import ContactPoint, ModerationStep, Submission
from infohus.directory.services import approve_submission, reject_submission
from infohus.directory.tests.moderation_helpers import make_submission
from infohus.privacy.retention import SUBMISSION
from infohus.privacy.services.retention import run_retention

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=400)


def handled_long_ago(submission: Submission) -> Submission:
    Submission.objects.filter(pk=submission.pk).update(updated_at=LONG_AGO)
    return submission


def proposer_details(submission: Submission) -> tuple[str, str, str, str]:
    submission.refresh_from_db()
    return (submission.proposer_name, submission.proposer_email, submission.contact, submission.client_address_hash)


def test_a_year_after_it_was_handled_the_proposers_details_go(people: dict[str, User]) -> None:
    editor = people["dorte"]
    accepted = make_submission(title="Broen")
    approve_submission(submission=accepted, actor=editor, note="Karen rang to confirm")
    refused = make_submission(title="Afvist")
    reject_submission(submission=refused, actor=editor, reason="Karen Testesen's project is not about prevention")
    waiting = handled_long_ago(make_submission(title="Venter"))
    recent = make_submission(title="Ny")
    reject_submission(submission=recent, actor=editor, reason="Not prevention")
    for submission in (accepted, refused):
        handled_long_ago(submission)

    run = run_retention()

    assert run.counts[SUBMISSION] == 2
    assert proposer_details(accepted) == ("", "", "", "") == proposer_details(refused)
    assert not ModerationStep.objects.filter(submission__in=[accepted, refused]).exclude(note="").exists()
    assert ModerationStep.objects.filter(submission__in=[accepted, refused]).count() >= 4, "the steps stay"
    assert proposer_details(waiting)[0] == "Karen Testesen"
    assert proposer_details(recent)[0] == "Karen Testesen"
    accepted.refresh_from_db()
    assert accepted.summary and accepted.published_project is not None
    assert ContactPoint.objects.filter(project=accepted.published_project).exists(), "what was published stays"
    assert run_retention().counts[SUBMISSION] == 0, "nothing is erased twice"


def test_a_dry_run_counts_and_erases_nothing(people: dict[str, User]) -> None:
    refused = make_submission()
    reject_submission(submission=refused, actor=people["dorte"], reason="Not prevention")
    handled_long_ago(refused)

    assert run_retention(dry_run=True).counts[SUBMISSION] == 1
    assert proposer_details(refused)[0] == "Karen Testesen"
