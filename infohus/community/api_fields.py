"""Input types and small references shared by the community operations of the desk's API.

The pages' forms bound every value before a service saw it (Django's fields refuse a NUL
character, a text longer than its column, a date a browser cannot send); the API's input is
bounded the same way here, so that a refusal is a 422 at the field and never a database error.
"""

from datetime import date
from typing import Annotated, Any, Literal, cast

from django.db.models import TextChoices
from django.http import HttpRequest
from ninja import Path, Schema
from pydantic import Field

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership, require_capability
from infohus.accounts.roles import Capability
from infohus.api.auth import scope
from infohus.api.scopes import Scope

MAX_ID = 2**63 - 1  # BigAutoField
MAX_VERSION = 2**31 - 1
NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
VersionSeen = Annotated[int, Field(ge=1, le=MAX_VERSION, description="The version of the record you last read")]

READ, WRITE = scope(Scope.COMMUNITY_READ), scope(Scope.COMMUNITY_WRITE)


def text(max_length: int | None = None, default: Any = ..., **kwargs: Any) -> Any:
    """A text field without NUL characters, at most `max_length` long (the column's length)."""
    return Field(default, max_length=max_length, pattern=NO_NUL, **kwargs)


def path_id(description: str) -> Any:
    """A record's id in the path."""
    return Path(..., ge=1, le=MAX_ID, description=description)


def one_of(choices: type[TextChoices]) -> Any:
    """The values of a set of choices, as a Literal: listed in the operation's document where they
    are used, rather than as a shared component whose name (many are called "Kind") would clash."""
    return Literal[tuple(choices.values)]  # type: ignore[valid-type]


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
