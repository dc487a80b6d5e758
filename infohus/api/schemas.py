"""The pieces every router of the desk's API shares: strict input, paging, versions."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from ninja import Schema
from pydantic import ConfigDict, Field, create_model

MAX_PAGE_SIZE = 100


class Input(Schema):
    """Base of every request body: an unknown field is refused rather than ignored, so that a
    misspelt field name never reads as "left as it was"."""

    model_config = ConfigDict(extra="forbid")


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000, description="1 is the first page")
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The schema of one page of a list: count, page, pages, results."""
    fields: dict[str, Any] = {"count": (int, ...), "page": (int, ...), "pages": (int, ...),
                              "results": (list[item], ...)}  # type: ignore[valid-type]
    return create_model(name, __base__=Schema, **fields)


def page_of(queryset: QuerySet[Any, Any], paging: Paging, convert: Any = None) -> dict[str, Any]:
    """One page of an ordered queryset. A page past the end is empty rather than an error, so
    that a client walking the pages stops on an empty one as well as on `pages`."""
    paginator = Paginator(queryset, paging.page_size)
    pages = paginator.num_pages if paginator.count else 0
    if paging.page > max(pages, 1):
        rows: list[Any] = []
    else:
        rows = list(paginator.page(paging.page).object_list)
    return {
        "count": paginator.count, "page": paging.page, "pages": pages,
        "results": [convert(row) for row in rows] if convert else rows,
    }


class ErrorDetail(Schema):
    status: int = Field(description="The HTTP status again, for clients that lose it")
    code: str = Field(description="A stable code: unauthenticated, missing_scope, forbidden, not_found, invalid, "
                                  "stale_version, rate_limited, malformed_json, unsupported_media_type, …")
    message: str = Field(description="What went wrong, in English")
    fields: dict[str, list[str]] = Field(description="Messages by the input at fault; empty when none is")
    current_version: int | None = Field(None, description="On 409 only: the version the record has now")


class ErrorOut(Schema):
    """Every error of the API has this shape (infohus/api/errors.py). desk.py documents it for the
    answers of the checks around every operation; an operation names its own (409, say) with it."""

    error: ErrorDetail


class Version(Input):
    """The version of the record the caller last read; a write with an older one answers 409."""

    version: int = Field(ge=1)
