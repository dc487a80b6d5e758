"""Fixtures of the single sign-on tests: a loopback provider with people of its own, and an
Infohus provider configured for it that maps "aarhus"/"randers" and three roles."""

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from infohus.accounts.models import User
from infohus.accounts.people import ORGANISATIONS
from infohus.accounts.roles import Role
from infohus.sso.models import Provider
from infohus.sso.tests.provider import Identity, LoopbackProvider, configure

ORGANISATION = {org.key: org.name for org in ORGANISATIONS}
ORGANISATIONS_MAPPED = {"aarhus": ORGANISATION["aarhus"], "randers": ORGANISATION["randers"],
                        "odder": ORGANISATION["odder"]}
ROLES_MAPPED = {"case_worker": Role.CASE_WORKER, "mentor": Role.MENTOR, "coordinator": Role.INFOHOUSE_COORDINATOR}


@pytest.fixture(autouse=True)
def _loopback_issuers_allowed(settings: Any) -> None:
    settings.SSO_ALLOW_HTTP_LOOPBACK = True


@pytest.fixture
def loopback() -> Iterator[LoopbackProvider]:
    with LoopbackProvider() as provider:
        # carl's identity at his municipality's provider: same e-mail address as his account.
        provider.add(Identity("carl-sub", "Carl Brink", email="carl@demo.infohus.invalid"))
        provider.add(Identity("mads-sub", "Mads Kjærholm", email="mads@demo.infohus.invalid", role="mentor"))
        provider.add(Identity("newcomer-sub", "Nina Nyborg", email="nina@aarhus.invalid", role="mentor",
                              preferred_username="nina"))
        yield provider


@pytest.fixture
def provider(people: dict[str, User], loopback: LoopbackProvider) -> Provider:
    """Link existing accounts only, second factor required from the provider."""
    return configure(loopback, organisations=ORGANISATIONS_MAPPED, roles=ROLES_MAPPED, require_mfa=True)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def sign_in_through(loopback: LoopbackProvider) -> Callable[..., Any]:
    """sign_in_through(client, provider, subject) runs the whole flow; the callback's response."""

    def run(client: Client, provider: Provider, subject: str, *, next_url: str = "") -> Any:
        started = client.get(f"/accounts/sso/{provider.slug}/begin/", {"next": next_url} if next_url else {})
        assert started.status_code == 302, started.content[:500]
        callback = loopback.approve(started["Location"], subject)
        return client.get(path_of(callback))

    return run
