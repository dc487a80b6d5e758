"""Aggregates of concerns, triage decisions and cases, for the insights dashboard (the only way
insights reads these tables).

Nothing here returns a row about a person: each function groups and counts in the database and
gives back (month, category, count) figures, so a dashboard costs the same few queries however
many concerns there are. The months are calendar months in the site's time zone; a period is
`start` (the first day of its first month) up to `end` (the first day after its last month).

`area` is a queryset of organisation ids (None: the whole country), used as a subquery. A concern
belongs to an area when the area's Info house triages it, when the person lives there, or when it
was reported from one of the area's organisations. A case belongs to the area of its owner.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from django.db import connection, connections
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.cases.models import Case, Concern, ExtremismKind, TriageDecision
from infohus.core.replica import statistics_database

type Area = QuerySet[Any, Any] | None
type ConcernDimension = Literal["source", "extremism", "outcome"]

TELEPHONE = "telephone"
NOT_KNOWN = "not_known"
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month
    category: str
    count: int


@dataclass(frozen=True)
class Spread:
    """The days from receipt to decision of the concerns decided in a month (or the period, month
    None): how many, and the quartiles (the median in the middle), interpolated like
    PostgreSQL's percentile_cont."""

    month: date | None
    concerns: int
    lower_quartile: float
    median: float
    upper_quartile: float


# --- the shared parts ------------------------------------------------------------------------------

def aware(day: date) -> datetime:
    """Midnight at the start of the day in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_key(field: str) -> Any:
    """The first day of the month of a date or time (local time). date_trunc on PostgreSQL, which
    groups about twice as fast over a million concerns as year * 100 + month did (bench/README.md)."""
    return TruncMonth(field, output_field=DateField())


def month_of(key: date | datetime | str) -> date:
    """The month as a date; raw SQL on SQLite gives the text of it."""
    if isinstance(key, str):
        return date.fromisoformat(key[:10])
    return key.date() if isinstance(key, datetime) else key


def _per_month(queryset: QuerySet[Any, Any], field: str, category: Any) -> list[MonthCount]:
    rows = (queryset.order_by().annotate(month_number=month_key(field), category=category)
            .values("month_number", "category").annotate(n=Count("pk")).order_by("month_number", "category"))
    return [MonthCount(month_of(r["month_number"]), r["category"], r["n"]) for r in rows]


def concern_area(area: Area, prefix: str = "") -> Q:
    if area is None:
        return Q()
    return (Q(**{f"{prefix}info_house_id__in": area}) | Q(**{f"{prefix}reporter_organisation_id__in": area})
            | Q(**{f"{prefix}person__municipality_id__in": area}))


def concerns_received(*, start: date, end: date, area: Area) -> QuerySet[Concern]:
    return Concern.objects.filter(concern_area(area), received_at__gte=aware(start), received_at__lt=aware(end))


def decisions_made(*, start: date, end: date, area: Area) -> QuerySet[TriageDecision]:
    return TriageDecision.objects.filter(concern_area(area, "concern__"), decided_on__gte=start, decided_on__lt=end)


# --- concerns ---------------------------------------------------------------------------------------

def concern_categories(by: ConcernDimension) -> list[tuple[str, str]]:
    """The categories of a breakdown, (value, label) in the order of the tables: fixed, so that a
    category with no concerns still shows (as a suppressed count)."""
    if by == "source":
        return [*((value, str(label)) for value, label in Organisation.Kind.choices),
                (TELEPHONE, str(_("By telephone"))), (NOT_KNOWN, str(_("Not known")))]
    if by == "extremism":
        return [(value, str(label)) for value, label in ExtremismKind.choices]
    open_statuses = [(v, str(label)) for v, label in Concern.Status.choices if v != Concern.Status.DECIDED]
    return [*open_statuses, *((v, str(label)) for v, label in TriageDecision.Kind.choices)]


def _concern_category(by: ConcernDimension) -> Any:
    if by == "source":
        # The reporter's kind of organisation; a telephone concern comes from outside the platform.
        return Choose(When(channel=Concern.Channel.TELEPHONE, then=Value(TELEPHONE)),
                      When(reporter_organisation__isnull=False, then=F("reporter_organisation__kind")),
                      default=Value(NOT_KNOWN))
    if by == "extremism":
        return F("extremism")
    # Where the concern ended up: the Info house's decision, or the status while there is none.
    return Coalesce(F("decision__kind"), F("status"))


def concerns_by_month(*, by: ConcernDimension, start: date, end: date, area: Area) -> list[MonthCount]:
    """Concerns received per month, by source, kind of extremism or outcome. One query."""
    return _per_month(concerns_received(start=start, end=end, area=area), "received_at", _concern_category(by))


# --- triage decisions -------------------------------------------------------------------------------

def decision_kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in TriageDecision.Kind.choices]


def decisions_by_month(*, start: date, end: date, area: Area) -> list[MonthCount]:
    """Triage decisions per month of the decision, by kind. One query."""
    return _per_month(decisions_made(start=start, end=end, area=area), "decided_on", F("kind"))


class DaysBetween(Func):
    """Whole days from the second date to the first."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "  # PostgreSQL: date - date is a number of days

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return (f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)",
                (*later_params, *earlier_params))


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Expression | str, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


QUARTILES = (0.25, 0.5, 0.75)


def _days_to_decision(*, start: date, end: date, area: Area, by_month: bool) -> QuerySet[TriageDecision, Any]:
    return (decisions_made(start=start, end=end, area=area).order_by()
            .values(month_key=month_key("decided_on") if by_month else Value(0, output_field=IntegerField()),
                    days=DaysBetween(F("decided_on"), TruncDate("concern__received_at"))))


def days_to_decision(*, start: date, end: date, area: Area, by_month: bool) -> list[Spread]:
    """The spread of the days from receipt to decision, per month of the decision (or for the
    period), computed in the database: one query on either database."""
    base = _days_to_decision(start=start, end=end, area=area, by_month=by_month)
    if connection.vendor == "postgresql":
        quartiles = {"q1": PercentileCont("days", 0.25), "q2": PercentileCont("days", 0.5),
                     "q3": PercentileCont("days", 0.75)}
        rows = base.values("month_key").annotate(n=Count("pk"), **quartiles).order_by("month_key")  # type: ignore[misc]
        return [Spread(month_of(r["month_key"]) if by_month else None, r["n"], r["q1"], r["q2"], r["q3"]) for r in rows]
    return _sqlite_spread(base, by_month=by_month)


def _sqlite_spread(base: QuerySet[TriageDecision, Any], *, by_month: bool) -> list[Spread]:
    """SQLite has no percentile function: number the days in order within each month (a window
    function) and pick, for each quartile, the two values it lies between; Python only
    interpolates between those two numbers."""
    inner, params = base.query.sql_with_params()
    picks = []
    for q in QUARTILES:
        position = f"CAST((n - 1) * {q!r} AS INTEGER)"
        picks.append(f"MAX(CASE WHEN rn = {position} + 1 THEN days END)")
        picks.append(f"MAX(CASE WHEN rn = {position} + 2 THEN days END)")
    # Only constants and Django's own compiled query (with its parameters kept apart) go into the SQL.
    sql = ("WITH ranked AS (SELECT month_key, days, "  # noqa: S608
           "ROW_NUMBER() OVER (PARTITION BY month_key ORDER BY days) AS rn, "
           f"COUNT(*) OVER (PARTITION BY month_key) AS n FROM ({inner}) AS base) "
           f"SELECT month_key, n, {', '.join(picks)} FROM ranked GROUP BY month_key, n ORDER BY month_key")
    # On the statistics replica when the dashboard reads there (infohus/core/replica.py).
    with connections[statistics_database()].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Spread(month_of(key) if by_month else None, n, *_interpolated(n, values)) for key, n, *values in rows]


def _interpolated(n: int, values: Sequence[int | None]) -> tuple[float, float, float]:
    result = []
    for index, q in enumerate(QUARTILES):
        low, high = values[2 * index], values[2 * index + 1]
        assert low is not None
        fraction = (n - 1) * q - int((n - 1) * q)
        result.append(float(low) + fraction * (float(high) - low) if fraction and high is not None else float(low))
    return result[0], result[1], result[2]


# --- cases ---------------------------------------------------------------------------------------------

def case_outcomes() -> list[tuple[str, str]]:
    return [*((value, str(label)) for value, label in Case.Outcome.choices), (NOT_RECORDED, str(_("Not recorded")))]


def _cases(area: Area) -> QuerySet[Case]:
    return Case.objects.all() if area is None else Case.objects.filter(owner_id__in=area)


def cases_opened_by_month(*, start: date, end: date, area: Area) -> list[MonthCount]:
    """Cases opened per month (category "opened"). One query."""
    opened = _cases(area).filter(opened_at__gte=aware(start), opened_at__lt=aware(end))
    return _per_month(opened, "opened_at", Value("opened"))


def cases_closed_by_month(*, start: date, end: date, area: Area) -> list[MonthCount]:
    """Cases closed per month, by outcome. One query."""
    closed = _cases(area).filter(closed_at__gte=aware(start), closed_at__lt=aware(end))
    outcome = Choose(When(outcome="", then=Value(NOT_RECORDED)), default=F("outcome"))
    return _per_month(closed, "closed_at", outcome)


def cases_open_at(moment: date, *, area: Area) -> int:
    """Cases open at the start of the day: opened before it and not closed before it. One query."""
    at = aware(moment)
    return _cases(area).filter(opened_at__lt=at).exclude(closed_at__lt=at).count()
