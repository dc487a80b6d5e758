"""Authorisation-matrix rows of the single sign-on addresses. Signing in through a provider is
open to everyone (the provider and the mappings decide who gets in); the rows use a provider
configured for a loopback provider that is started once for the matrix."""

from typing import Any

from infohus.sso.models import Provider
from infohus.sso.tests.provider import LoopbackProvider, configure
from tests.authz import EVERYONE, PUBLIC, Row

_shared: list[LoopbackProvider] = []


def _provider(world: dict[str, Any]) -> dict[str, Any]:
    if not _shared:
        _shared.append(LoopbackProvider().start())  # a daemon thread, for the rest of the test run
    loopback = _shared[0]
    provider = Provider.objects.filter(slug="matrix-idp").first() or configure(loopback, slug="matrix-idp")
    return {"slug": provider.slug}


ROWS = [
    Row("sso:begin", PUBLIC, kwargs=_provider, ok=frozenset({302}),
        note="anonymous visitors go to the provider; people already signed in go on to their page"),
    Row("sso:callback", PUBLIC, kwargs=_provider, ok=frozenset({400}),
        note="without a sign-in started in this browser every visitor gets the plain-words refusal; "
             "the flow itself is in test_sign_in and test_bad_input"),
    Row("sso:sign_out", EVERYONE, ok=frozenset({200}), note="the choice of where to sign out"),
    Row("sso:sign_out", PUBLIC, method="POST", ok=frozenset({302})),
    Row("sso:signed_out", PUBLIC, ok=frozenset({302})),
]
