"""What the assessments and interventions API modules share: ids that fit the database, text
without NUL, the documented error answers, and how a refusal that names its fields becomes the
API's error shape. (Nothing here is about assessments: it could live in infohus.api.schemas.)

PostgreSQL refuses a NUL character in text and in JSON, and an integer id beyond 32 bits; both
are refused here as invalid input (422) rather than reaching the database as a 500.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from ninja.params import P, PathEx
from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema, field_validator

from infohus.api.errors import ApiError
from infohus.api.schemas import Input

MAX_ID = 2_147_483_647
NUL_MESSAGE = "Text cannot contain the NUL character."
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    # pydantic would also read a number as a timestamp; the document promises a date's text.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("Give a date as YYYY-MM-DD.")


# Types of a JSON body's values, taken as the document gives them: a number is not a date, text or
# a boolean is not a number, a number is not a boolean.
Day = Annotated[date, BeforeValidator(_iso_day)]
Whole = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
DbId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# An id in a query string arrives as text.
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in the path, as a type: `assessment_id: PathId`.
PathId = PathEx[int, P(ge=1, le=MAX_ID)]


def only(values: Iterable[str]) -> AfterValidator:
    """With listed(): text that must be one of the values, e.g. a model's TextChoices.values:

        Mode = Annotated[str, only(Session.Mode.values), listed(Session.Mode.values)]

    (A TextChoices class as the type would put its values in the document under its own name,
    and the models' many classes named Status would overwrite each other there.)"""
    allowed = tuple(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"Choose one of: {', '.join(allowed)}.")
        return value

    return AfterValidator(check)


def listed(values: Iterable[str]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(values)})


def refuse_nul(value: Any) -> Any:
    """The value unchanged, or ValueError when a string anywhere in it holds a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(NUL_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_nul(item)
    return value


class Body(Input):
    """A request body: unknown fields refused, and no NUL in any text."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


class Filters(Schema):
    """Query parameters of a list: no NUL in any text."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


class DeskErrorDetail(Schema):
    status: int
    code: str = Field(description="A stable code: invalid, forbidden, not_found, stale_version, …")
    message: str
    fields: dict[str, list[str]] = Field(description="Messages by the input at fault")
    current_version: int | None = Field(None, description="On 409: the version the record has now")


class DeskErrorOut(Schema):
    error: DeskErrorDetail


# Every operation may answer these: no or a bad token (401), a missing scope or capability
# (403), input that does not validate (422), too many calls (429).
COMMON_ERRORS = frozenset({401, 403, 422, 429})
# An operation with a body also: a body that is not JSON (400), or not sent as JSON (415).
BODY_ERRORS = (400, 415)


def answers(ok: dict[int, Any], *errors: int) -> dict[Any, Any]:
    """The response map of an operation: its successes, and the error shape for the errors it may give."""
    return {**ok, COMMON_ERRORS | frozenset(errors): DeskErrorOut}


def known_query(request: HttpRequest, *schemas: type[Schema]) -> None:
    """Refuse a query parameter that none of the operation's query schemas declares (422), as an
    unknown field of a body is refused: a misspelt filter must not read as "no filter"."""
    allowed = {field.alias or name for schema in schemas for name, field in schema.model_fields.items()}
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(422, "invalid", "The request's input is not valid.",
                       fields={name or "(empty name)": ["This operation takes no such query parameter."]
                               for name in unknown})


def refused(field_errors: dict[str, str], message: str = "The change was refused.") -> ApiError:
    """A refusal that names its fields (AnswersRefused, a form's choice) as a 422."""
    return ApiError(422, "invalid", message, fields={key: [text] for key, text in field_errors.items()})
