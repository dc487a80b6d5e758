"""Bounded input types for the routers of the desk's API.

The pages' forms bound every value before a service saw it (Django's fields refuse a NUL
character, a text longer than its column, a date a browser cannot send); the API's input is
bounded the same way here, so that a refusal is a 422 at the field and never a database error.
"""

from datetime import date
from typing import Annotated, Any, Literal

from django.db.models import TextChoices
from ninja import Path
from pydantic import Field

MAX_ID = 2**63 - 1  # BigAutoField
MAX_VERSION = 2**31 - 1
NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
VersionSeen = Annotated[int, Field(ge=1, le=MAX_VERSION, description="The version of the record you last read")]


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
