"""Calling the desk's JSON API in tests: a client that sends a fresh token of a named person."""

from typing import Any

from django.test import Client

from infohus.accounts.models import Membership, User
from infohus.accounts.permissions import memberships_of
from infohus.api.scopes import Scope
from infohus.api.services import issue_token

ALL_SCOPES = list(Scope.values)


def api_client(user: User, *, scopes: list[str] | None = None, membership: Membership | None = None,
               days: int = 30) -> Client:
    """A test client whose every call carries a new token of `user` (acting in `membership`, or
    the one their pages act in when none is chosen), with all scopes unless told otherwise."""
    chosen = membership or next(iter(memberships_of(user)), None)
    assert chosen is not None, f"{user} has no active membership"
    issued = issue_token(membership=chosen, name="test", scopes=scopes or ALL_SCOPES, days=days, actor=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    client.token = issued.token  # type: ignore[attr-defined]
    return client


def json_of(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()
