"""The token and integration pages in the web authorisation matrix (tests/authz.py:Row).

Everyone signed in has their own tokens; only a system administrator (sofie) manages
integrations. A token can be revoked only by its owner: carl's token is refused to everyone
else with 404, and an integration's token, which belongs to no person, to everyone on the
personal page."""

import itertools
from typing import Any

from infohus.accounts.models import Membership
from infohus.api.models import ApiToken
from infohus.api.services import issue_token
from infohus.api.tests.factories import make_integration
from tests.authz import EVERYONE, Row, allowed

SOFIE = allowed("sofie")
_names = itertools.count()


def _carls_token(world: dict[str, Any]) -> ApiToken:
    carl = world["people"]["carl"]
    membership = Membership.objects.filter(user=carl, is_active=True).order_by("pk").first()
    assert membership is not None
    return issue_token(membership=membership, name="carl's script", scopes=["cases:read"], days=5, actor=carl).token


def _integration_token(world: dict[str, Any]) -> ApiToken:
    found = make_integration(world["people"], f"Matrix system {next(_names)}")
    membership = found.account.memberships.get()
    return issue_token(membership=membership, name="nightly", scopes=["cases:read"], days=5,
                       actor=world["people"]["sofie"], integration=found).token


def carls_token(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _carls_token(world).pk}


def an_integrations_token(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _integration_token(world).pk}


def integration(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_integration(world["people"], f"Matrix system {next(_names)}").pk}


def integration_and_token(world: dict[str, Any]) -> dict[str, Any]:
    token = _integration_token(world)
    return {"pk": token.integration_id, "token_pk": token.pk}


ROWS = [
    Row("api_tokens:token_list", EVERYONE),
    Row("api_tokens:token_new", EVERYONE),
    Row("api_tokens:token_revoke", allowed("carl"), kwargs=carls_token, note="only the owner; others get 404"),
    Row("api_tokens:token_revoke", allowed("carl"), kwargs=carls_token, method="POST"),
    Row("api_tokens:token_revoke", allowed(), kwargs=an_integrations_token, method="POST",
        note="an integration's token is no one's personal token: 404 for all, sofie included"),
    Row("api_tokens:integration_list", SOFIE),
    Row("api_tokens:integration_new", SOFIE),
    Row("api_tokens:integration_detail", SOFIE, kwargs=integration),
    Row("api_tokens:integration_token_new", SOFIE, kwargs=integration),
    Row("api_tokens:integration_token_revoke", SOFIE, kwargs=integration_and_token),
    Row("api_tokens:integration_token_revoke", SOFIE, kwargs=integration_and_token, method="POST"),
    Row("api_tokens:integration_switch_off", SOFIE, kwargs=integration),
    Row("api_tokens:integration_switch_off", SOFIE, kwargs=integration, method="POST"),
]
