"""Shared by the tests of Get involved, moderation and the EU networks."""

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from infohus.directory.models import Country, Submission, Tag
from infohus.directory.services import ProposalContent, submit_proposal
from infohus.directory.spam import hash_client_address

# Test modules import these fixtures under their function names; the tests ask for them by
# their fixture names.

@pytest.fixture(name="fresh_rate_limit")
def fresh_rate_limit_fixture() -> None:
    """The rate limit lives in the cache, which outlives a test's database transaction."""
    cache.clear()


@pytest.fixture(name="visitor")
def visitor_fixture() -> Client:
    """An anonymous visitor who reads the site in English, so that tests can quote messages."""
    return in_english(Client())


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def proposal_post(**overrides: Any) -> dict[str, Any]:
    """Form data of Get involved for a project in Denmark, as a person fills it in."""
    denmark = Country.objects.get(code="DK")
    data: dict[str, Any] = {
        "proposer_name": "Karen Testesen",
        "proposer_email": "karen@example.org",
        "kind": Submission.Kind.PROJECT,
        "organisation_name": "Foreningen Broen",
        "title": "Samtaler på tværs",
        "summary": "Trained volunteers hold conversations with young people who are drifting towards extremist groups.",
        "website": "broen.example.org",
        "country": str(denmark.pk),
        "prevention_level": "targeted",
        "tags": [str(Tag.objects.get(slug="young-people").pk), str(Tag.objects.get(slug="mentoring").pk)],
        "contact": "Jens Jensen\nProject lead\njens@broen.example.org\n+45 33 12 34 56\nNørregade 1, 1165 København K",
        "consent": "on",
    }
    data.update(overrides)
    return data


def make_submission(*, title: str = "Samtaler på tværs", organisation_name: str = "Foreningen Broen",
                    kind: str = Submission.Kind.PROJECT, country_code: str = "DK") -> Submission:
    content = ProposalContent(
        kind=kind, organisation_name=organisation_name, title=title if kind == Submission.Kind.PROJECT else "",
        summary="Conversations with young people at risk.", country=Country.objects.get(code=country_code),
        website="https://broen.example.org", contact="Jens Jensen\njens@broen.example.org",
        prevention_level="targeted", tags=(Tag.objects.get(slug="young-people"),),
    )
    return submit_proposal(content=content, proposer_name="Karen Testesen", proposer_email="karen@example.org",
                           client_address_hash=hash_client_address("192.0.2.1"))
