"""A hidden (unpublished) organisation or project stays hidden: not findable through its
projects' search text, and not brought back by a public proposal."""

import pytest

from infohus.directory.importer import slug_for_title
from infohus.directory.models import Project, Submission
from infohus.directory.selectors import search_projects
from infohus.directory.services import ModerationError, approve_submission
from infohus.directory.tests.factories import make_organisation, make_project
from infohus.directory.tests.moderation_helpers import make_submission


def test_a_hidden_organisations_name_does_not_find_its_projects(db: None) -> None:
    hidden = make_organisation("Zyxhidden Forening", published=False)
    make_project("Samtaler for unge", organisation=hidden)
    shown = make_organisation("Synlig Forening")
    make_project("Dialog i lokalområdet", organisation=shown)

    assert search_projects("zyxhidden").count() == 0
    assert search_projects("synlig").count() == 1


def test_approving_a_proposal_for_a_hidden_project_is_refused(people: dict) -> None:  # type: ignore[type-arg]
    project = make_project("Samtaler på tværs", published=False)
    Project.objects.filter(pk=project.pk).update(slug=slug_for_title("Samtaler på tværs"))  # the import key
    submission = make_submission(title="Samtaler på tværs")

    with pytest.raises(ModerationError, match="hidden"):
        approve_submission(submission=submission, actor=people["dorte"])

    assert not Project.objects.get(title="Samtaler på tværs").is_published
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING


def test_approving_a_proposal_for_a_hidden_organisation_is_refused(people: dict) -> None:  # type: ignore[type-arg]
    hidden = make_organisation("Foreningen Broen", published=False)
    submission = make_submission(title="Et nyt projekt", organisation_name="Foreningen Broen")

    with pytest.raises(ModerationError, match="hidden"):
        approve_submission(submission=submission, actor=people["dorte"])

    hidden.refresh_from_db()
    assert not hidden.is_published
