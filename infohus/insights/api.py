"""The statistics part of the desk's JSON API (mounted by infohus.api.desk): the analyst's
dashboard as JSON.

Who: those who may analyse (ANALYSE), as for the dashboard page, with a token that carries
statistics:read. The figures come from the same cached selector as the page
(selectors/dashboard.py `cached_blocks`), after the same small-cell suppression, for a filter
checked by the page's own form: a hidden cell has no value here either, only its mark and the
reason. No personal data is read, so nothing is audited per call, as for the page. Research
extracts are not offered here: they stay DPO-only downloads on the pages.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from infohus.accounts.permissions import require_capability
from infohus.accounts.roles import Capability
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.scopes import Scope
from infohus.insights.forms_dashboard import DashboardFilterForm
from infohus.insights.selectors.dashboard import (
    Block,
    Dashboard,
    Figure,
    Filter,
    cached_blocks,
    cached_table,
    default_filter,
)

router = Router(tags=["statistics"])
MAX_ID = 2**63 - 1  # BigAutoField
READ = scope(Scope.STATISTICS_READ)

NO_EXTRACTS = ("Only suppressed aggregates are offered; pseudonymised research extracts are not in the API and "
               "stay downloads on the pages for the data protection officer.")
FILTER_HELP = ("Without any filter parameter: the last twelve months, this one included, for the whole country. "
               "With one, `from` and `to` are both needed, as on the dashboard page.")


# --- what is sent ---------------------------------------------------------------------------------

class StatisticsFigureOut(Schema):
    """One published cell. A hidden cell has no value: only the mark a page prints and why."""

    text: str = Field(description='What the page prints: the count, "<5" (small), "–" (secondary) or "hidden"')
    value: int | float | None = Field(description="The number; null when the cell is hidden")
    reason: Literal["", "small", "secondary", "withheld", "few"] = Field(
        description='Why the cell is hidden: "small" (below the threshold), "secondary" (would give a small one '
                    'away), "withheld" (the whole table), "few" (a quartile over too few concerns); "" when shown')


class StatisticsColumnOut(Schema):
    key: str
    label: str


class StatisticsRowOut(Schema):
    key: str = Field(description="The row's key: a month as YYYY-MM, a category, or a requirement's id")
    label: str
    cells: list[StatisticsFigureOut] = Field(description="One per column, in the order of `columns`")
    total: StatisticsFigureOut | None = None


class StatisticsTableOut(Schema):
    """A table of the dashboard, suppressed exactly as the page shows it."""

    key: str
    title: str
    intro: str
    row_heading: str
    columns: list[StatisticsColumnOut]
    rows: list[StatisticsRowOut]
    unit: str = Field(description="What the numbers count")
    total_heading: str = ""
    column_totals: list[StatisticsFigureOut] | None = None
    grand_total: StatisticsFigureOut | None = None
    notes: list[str] = Field(description="How to read the marks the table uses")
    hidden: int = Field(description="How many of its figures are hidden")


class StatisticsFilterOut(Schema):
    from_month: str = Field(alias="from", description="The first month, YYYY-MM")
    to_month: str = Field(alias="to", description="The last month, YYYY-MM")
    municipality: int | None
    district: int | None
    area: str


class StatisticsOut(Schema):
    filter: StatisticsFilterOut
    threshold: int = Field(description="INSIGHTS_MIN_CELL: counts below it are hidden")
    counted_at: datetime | None = Field(description="When the figures were counted, if they come from the cache")
    hidden: int = Field(description="How many figures of all the tables are hidden")
    few_concerns: bool = Field(description="Fewer concerns than the threshold match the filter")
    tables: list[StatisticsTableOut]


class StatisticsOneTableOut(Schema):
    filter: StatisticsFilterOut
    threshold: int
    counted_at: datetime | None
    table: StatisticsTableOut


def _figure(figure: Figure) -> dict[str, Any]:
    return {"text": figure.text, "value": None if figure.hidden else figure.value, "reason": figure.reason}


def _table(block: Block) -> dict[str, Any]:
    return {
        "key": block.key, "title": block.title, "intro": block.intro, "row_heading": block.row_heading,
        "columns": [{"key": key, "label": label} for key, label in block.columns],
        "rows": [{"key": line.key, "label": line.label, "cells": [_figure(c) for c in line.cells],
                  "total": _figure(line.total) if line.total is not None else None} for line in block.lines],
        "unit": block.unit, "total_heading": block.total_heading,
        "column_totals": [_figure(c) for c in block.column_totals] if block.column_totals is not None else None,
        "grand_total": _figure(block.grand_total) if block.grand_total is not None else None,
        "notes": block.notes, "hidden": block.hidden,
    }


def _filter_out(chosen: Filter) -> dict[str, Any]:
    described = chosen.describe()
    return {"from": described["from"], "to": described["to"], "municipality": described["municipality"],
            "district": described["district"], "area": chosen.area_name()}


# --- the filter -------------------------------------------------------------------------------------

class StatisticsFilter(Schema):
    """The dashboard's filter, as its page takes it."""

    from_month: str | None = Field(None, alias="from", description="The first month, YYYY-MM")
    to_month: str | None = Field(None, alias="to", description="The last month, YYYY-MM (not after this month)")
    municipality: int | None = Field(None, ge=1, le=MAX_ID, description="A municipality's organisation id")
    district: int | None = Field(None, ge=1, le=MAX_ID, description="A police district's organisation id")


def _chosen(given: StatisticsFilter) -> Filter:
    """The filter asked for, checked by the dashboard page's own form (422 at the field)."""
    today: date = timezone.localdate()
    values = {"from": given.from_month, "to": given.to_month, "municipality": given.municipality,
              "district": given.district}
    if all(value is None for value in values.values()):
        return default_filter(today)
    form = DashboardFilterForm({key: "" if value is None else str(value) for key, value in values.items()},
                               today=today)
    if not form.is_valid():
        fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        raise ApiError(422, "invalid", "The filter is not valid.", fields=fields)
    return form.chosen()


def _analyst(request: HttpRequest) -> None:
    require_capability(request, Capability.ANALYSE)


# --- the operations ------------------------------------------------------------------------------------

@router.get("/statistics", response=StatisticsOut, auth=READ, by_alias=True, summary="Every table of the dashboard",
            description="Every table of the analyst's dashboard for a period and an area, with small counts "
                        f"hidden as on the page. {FILTER_HELP} {NO_EXTRACTS}")
def statistics_dashboard(request: HttpRequest, given: Query[StatisticsFilter]) -> dict[str, Any]:
    _analyst(request)
    chosen = _chosen(given)
    board = Dashboard(chosen)
    blocks, counted_at = cached_blocks(board, chosen)
    concerns = next(block.grand_total for block in blocks if block.key == "concerns-source")
    return {"filter": _filter_out(chosen), "threshold": board.threshold, "counted_at": counted_at,
            "hidden": sum(block.hidden for block in blocks),
            "few_concerns": concerns is not None and concerns.reason == "small",
            "tables": [_table(block) for block in blocks]}


@router.get("/statistics/{table}", response=StatisticsOneTableOut, auth=READ, by_alias=True,
            summary="One table of the dashboard",
            description="One table of the analyst's dashboard by its key (`concerns-source`, `decisions`, "
                        f"`training`, …, as listed by /statistics). {FILTER_HELP} {NO_EXTRACTS}")
def statistics_table(request: HttpRequest, table: str, given: Query[StatisticsFilter]) -> dict[str, Any]:
    _analyst(request)
    chosen = _chosen(given)
    board = Dashboard(chosen)
    try:
        block, counted_at = cached_table(board, chosen, table)
    except KeyError:
        raise Http404 from None
    return {"filter": _filter_out(chosen), "threshold": board.threshold, "counted_at": counted_at,
            "table": _table(block)}
