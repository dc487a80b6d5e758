"""The caller checks and small references shared by the community operations of the desk's API
(the bounded input types are in infohus.api.fields)."""

from typing import Any, cast

from django.http import HttpRequest
from ninja import Schema

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership, require_capability
from infohus.accounts.roles import Capability
from infohus.api.auth import scope
from infohus.api.scopes import Scope

READ, WRITE = scope(Scope.COMMUNITY_READ), scope(Scope.COMMUNITY_WRITE)


def coordinator(request: HttpRequest) -> User:
    """The caller, who must act in a role that does community work (403 otherwise)."""
    require_capability(request, Capability.COMMUNITY)
    return cast(User, request.user)


def acting_organisation(request: HttpRequest) -> Organisation:
    """The organisation a new record is kept by: that of the token's role (as the pages use the
    role the person acts in)."""
    membership = active_membership(request)
    assert membership is not None  # coordinator() let the call through
    return membership.organisation


class CommunityOrganisationRef(Schema):
    id: int
    name: str


class CommunityPersonRef(Schema):
    """A platform user: a coordinator, an owner, the one who recorded something."""

    username: str
    name: str


def organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def person_ref(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.get_username(), "name": user.get_full_name() or user.get_username()}
