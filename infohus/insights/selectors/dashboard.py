"""The analyst's dashboard: every table as it may be published, for a period and an area.

The figures come from each app's own statistics selectors (cases, interventions, training,
community), which count in the database; here they are laid out as tables and every count
passes through infohus.insights.suppression before anything else sees it: the page, the charts
and the downloads all read the same suppressed tables, so none of them can hold a small count.

A table whose rows and columns add up (concerns per month by source) is suppressed as a whole,
with its totals. Tables that share their row totals are suppressed together
(suppression.suppress_linked), so that a month's total is shown in all of them or in none and
no hidden count can be worked out by putting them side by side: concerns by source, by kind of
extremism and by outcome (concerns received per month); triage decisions by kind and the
decisions counted beside the time to a decision; cases closed by outcome and the "closed" column
of cases opened and closed. A table of several measures side by side (cases opened and closed) is
suppressed one column at a time, since a row total of different measures means nothing.
The time from receipt to decision is not a count: its quartiles are shown only for a month
with at least INSIGHTS_MIN_CELL decisions, with the reason where they are hidden.

No figure here is about one person: no names, no identifiers, no score.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, Final, Literal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from infohus.accounts.models import Organisation
from infohus.cases.selectors import statistics as cases
from infohus.community.selectors import statistics as community
from infohus.core.replica import statistics_reads
from infohus.insights.suppression import (
    SECONDARY_MARK,
    Shown,
    SuppressedSeries,
    SuppressedTable,
    as_series,
    footnotes,
    suppress,
    suppress_linked,
    suppress_series,
)
from infohus.interventions.selectors import statistics as interventions
from infohus.training.selectors import statistics as training

FEW: Final = "few"  # a quartile hidden because too few concerns lie behind it
type Why = Literal["", "small", "secondary", "withheld", "few"]


# --- the filter -------------------------------------------------------------------------------------

def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from the first to the last, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Filter:
    """A period of whole months and an area: a municipality, a police district, or the country."""

    first: date  # the first day of the first month
    last: date  # the first day of the last month
    municipality: Organisation | None = None
    district: Organisation | None = None

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        """The first day after the period."""
        return next_month(self.last)

    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months

    def area(self) -> QuerySet[Organisation, Any] | None:
        """The organisations of the area, as a subquery (None: the whole country). A municipality
        with its institutions; a police district with what its Info house serves."""
        if self.municipality is not None:
            m = self.municipality.pk
            return Organisation.objects.filter(Q(pk=m) | Q(parent_id=m)).values("pk")
        if self.district is not None:
            d = self.district.pk
            return Organisation.objects.filter(Q(pk=d) | Q(info_house_id=d) | Q(parent__info_house_id=d)).values("pk")
        return None

    def area_name(self) -> str:
        chosen = self.municipality or self.district
        return str(chosen) if chosen is not None else _("All of Denmark")

    def describe(self) -> dict[str, Any]:
        """The filter without names, for the audit trail and file names."""
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}",
                "municipality": self.municipality.pk if self.municipality else None,
                "district": self.district.pk if self.district else None}


def months_before(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def default_filter(today: date) -> Filter:
    """The last twelve months, this one included, for the whole country."""
    last = today.replace(day=1)
    return Filter(first=months_before(last, 11), last=last)


# --- what a page prints ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One published cell: the text a page prints, the number a chart and a download use (None
    when hidden), and why it is hidden ("small", "secondary", "few"; "" when shown)."""

    text: str
    value: int | float | None
    reason: Why = ""

    @property
    def hidden(self) -> bool:
        return self.reason != ""


def shown(cell: Shown) -> Figure:
    return Figure(cell.label, cell.value, cell.reason)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    cells: list[Figure]
    total: Figure | None = None


@dataclass(frozen=True)
class Block:
    key: str  # in the page's ids, the download's name and ?table=
    title: str
    intro: str
    row_heading: str
    columns: list[tuple[str, str]]
    lines: list[Line]
    unit: str  # what the numbers are, for the chart's axis and the download
    chart: str = "bar"  # "bar", "stacked" or "line"
    total_heading: str = ""  # the heading of the row totals, where they are shown
    column_totals: list[Figure] | None = None
    grand_total: Figure | None = None
    notes: list[str] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        every = [cell for line in self.lines for cell in line.cells]
        every += [line.total for line in self.lines if line.total is not None]
        every += self.column_totals or []
        return every + ([self.grand_total] if self.grand_total else [])

    @property
    def hidden(self) -> int:
        return sum(1 for figure in self.figures() if figure.hidden)

    def chart_data(self) -> dict[str, Any]:
        """For insights-charts.js: a hidden cell is a gap (null), never a number."""
        return {"type": self.chart, "labels": [line.label for line in self.lines], "yTitle": self.unit,
                "xTitle": self.row_heading,
                "datasets": [{"label": label, "values": [None if line.cells[n].hidden else line.cells[n].value
                                                         for line in self.lines]}
                             for n, (_key, label) in enumerate(self.columns)]}


# --- tables from counts --------------------------------------------------------------------------------

def month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def month_lines(months: Sequence[date]) -> list[tuple[str, str]]:
    return [(f"{m:%Y-%m}", month_label(m)) for m in months]


def grid(rows: Sequence[tuple[str, str]], columns: Sequence[tuple[str, str]],
         counts: dict[tuple[str, str], int]) -> list[list[int]]:
    return [[counts.get((r, c), 0) for c, _label in columns] for r, _label in rows]


def whole_table(key: str, *, title: str, intro: str, row_heading: str, rows: Sequence[tuple[str, str]],
                columns: Sequence[tuple[str, str]], counts: dict[tuple[str, str], int], unit: str,
                chart: str = "stacked", show_column_totals: bool = True,
                suppressed: SuppressedTable | None = None) -> Block:
    """A table whose rows and columns add up, suppressed with its totals (or as given, when it was
    suppressed together with the tables it shares totals with)."""
    table = (suppressed or suppress(grid(rows, columns, counts))) if rows else None
    lines = [Line(r, label, [shown(c) for c in table.cells[n]], shown(table.row_totals[n]))
             for n, (r, label) in enumerate(rows)] if table else []
    return Block(key=key, title=title, intro=intro, row_heading=row_heading, columns=list(columns), lines=lines,
                 unit=unit, chart=chart, total_heading=_("Total"),
                 column_totals=[shown(c) for c in table.column_totals] if table and show_column_totals else None,
                 grand_total=shown(table.grand_total) if table and show_column_totals else None,
                 notes=footnotes(table) if table else [])


def side_by_side(key: str, *, title: str, intro: str, row_heading: str, rows: Sequence[tuple[str, str]],
                 columns: Sequence[tuple[str, str]], counts: dict[tuple[str, str], int], unit: str,
                 chart: str = "bar", show_column_totals: bool = True) -> Block:
    """Several measures side by side: each column suppressed on its own, with its total."""
    values = grid(rows, columns, counts)
    series = [suppress_series([row[n] for row in values]) for n in range(len(columns))] if rows else []
    lines = [Line(r, label, [shown(s.values[i]) for s in series]) for i, (r, label) in enumerate(rows)]
    return Block(key=key, title=title, intro=intro, row_heading=row_heading, columns=list(columns), lines=lines,
                 unit=unit, chart=chart,
                 column_totals=[shown(s.total) for s in series] if series and show_column_totals else None,
                 notes=notes_of(series))


def notes_of(tables: Iterable[SuppressedTable | SuppressedSeries]) -> list[str]:
    """The notes for the marks of several tables, each once."""
    notes: list[str] = []
    for table in tables:
        notes += [note for note in footnotes(table) if note not in notes]
    return notes


def by_month(rows: Iterable[Any]) -> dict[tuple[str, str], int]:
    """(month, category, count) figures keyed as the tables are."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        counts[(f"{r.month:%Y-%m}", r.category)] += r.count
    return counts


# --- the dashboard -------------------------------------------------------------------------------------------

class Dashboard:
    """The tables of one filter, each computed when first asked for (a download of one table runs
    only its own queries)."""

    def __init__(self, chosen: Filter, *, today: date | None = None) -> None:
        self.filter = chosen
        self.today = today or timezone.localdate()
        self.threshold = int(settings.INSIGHTS_MIN_CELL)
        self._span: dict[str, Any] = {"start": chosen.start, "end": chosen.end, "area": chosen.area()}
        self._months = month_lines(chosen.months())

    # The figures, each read once.

    @cached_property
    def _opened(self) -> dict[tuple[str, str], int]:
        return by_month(cases.cases_opened_by_month(**self._span))

    @cached_property
    def _closed(self) -> dict[tuple[str, str], int]:
        return by_month(cases.cases_closed_by_month(**self._span))

    @cached_property
    def _concern_tables(self) -> dict[cases.ConcernDimension, SuppressedTable]:
        """Concerns by source, kind and outcome: the same concerns, so the same month totals."""
        dimensions: list[cases.ConcernDimension] = ["source", "extremism", "outcome"]
        grids = [grid(self._months, cases.concern_categories(by),
                      by_month(cases.concerns_by_month(by=by, **self._span))) for by in dimensions]
        return dict(zip(dimensions, suppress_linked(grids), strict=True))

    @cached_property
    def _decisions(self) -> list[list[int]]:
        return grid(self._months, cases.decision_kinds(), by_month(cases.decisions_by_month(**self._span)))

    @cached_property
    def _decision_tables(self) -> tuple[SuppressedTable, SuppressedSeries]:
        """Decisions by kind, and the decisions per month beside the time to a decision: its row
        totals, counted from the same figures."""
        by_kind, decided = suppress_linked([self._decisions, [[sum(row)] for row in self._decisions]])
        return by_kind, as_series(decided)

    @cached_property
    def _closed_tables(self) -> tuple[SuppressedTable, SuppressedSeries]:
        """Cases closed by outcome, and the cases closed per month in "cases opened and closed"."""
        by_outcome = grid(self._months, cases.case_outcomes(), self._closed)
        table, closed = suppress_linked([by_outcome, [[sum(row)] for row in by_outcome]])
        return table, as_series(closed)

    # The tables.

    def concerns(self, by: cases.ConcernDimension) -> Block:
        titles = {"source": (_("Concerns by source"), _("Concerns received per month, by the kind of organisation "
                                                        "that reported them, or by telephone.")),
                  "extremism": (_("Concerns by kind of extremism"), _("Concerns received per month, by the kind of "
                                                                       "extremism the reporter described.")),
                  "outcome": (_("Concerns by outcome"), _("Concerns received per month, by the Info house's "
                                                          "decision, or where they are while there is none."))}
        title, intro = titles[by]
        return whole_table(f"concerns-{by}", title=title, intro=intro, row_heading=_("Month received"),
                           rows=self._months, columns=cases.concern_categories(by), unit=_("Concerns"),
                           counts={}, suppressed=self._concern_tables[by] if self._months else None)

    def decision_time(self) -> Block:
        """Days from receipt to decision per month of the decision, and for the whole period."""
        spreads = {f"{s.month:%Y-%m}": s for s in cases.days_to_decision(by_month=True, **self._span)}
        period = cases.days_to_decision(by_month=False, **self._span)
        # Counted with the decisions by kind and suppressed with them (they are that table's row totals).
        decided = self._decision_tables[1]
        lines = [self._spread_line(key, label, spreads.get(key), decided.values[n])
                 for n, (key, label) in enumerate(self._months)]
        lines.append(self._spread_line("period", _("The whole period"), period[0] if period else None, decided.total))
        return Block(key="decision-time", title=_("Time from receipt to decision"),
                     intro=_("Days from the day a concern was received to the day the Info house decided, for the "
                             "concerns decided in each month: the median, and the quartiles around it (a quarter "
                             "took less than the lower quartile, a quarter more than the upper)."),
                     row_heading=_("Month decided"),
                     columns=[("decided", _("Concerns decided")), ("lower_quartile", _("Lower quartile (days)")),
                              ("median", _("Median (days)")), ("upper_quartile", _("Upper quartile (days)"))],
                     lines=lines, unit=_("Days"), chart="spread", notes=notes_of([decided]) + (
                         [_("Hidden: based on fewer than %(threshold)s concerns, too few for a median that says "
                            "anything about the work, and close to describing single people.")
                          % {"threshold": self.threshold}]
                         if any(line.cells[1].reason == FEW for line in lines) else []))

    def _spread_line(self, key: str, label: str, spread: cases.Spread | None, decided: Shown) -> Line:
        if decided.reason == "withheld":
            # Which quartiles are shown would tell which months are small.
            quartiles = [Figure(_("hidden"), None, "withheld")] * 3
        elif spread is None or spread.concerns < self.threshold:
            quartiles = [Figure(_("hidden"), None, FEW)] * 3
        else:
            tenths = [Decimal(str(v)).quantize(Decimal("0.1"), ROUND_HALF_UP)
                      for v in (spread.lower_quartile, spread.median, spread.upper_quartile)]
            quartiles = [Figure(formats.number_format(t, 1), float(t)) for t in tenths]
        return Line(key, label, [shown(decided), *quartiles])

    def decisions(self) -> Block:
        return whole_table("decisions", title=_("Triage decisions by kind"),
                           intro=_("The Info houses' decisions per month of the decision, by kind."),
                           row_heading=_("Month decided"), rows=self._months, columns=cases.decision_kinds(),
                           counts={}, suppressed=self._decision_tables[0], unit=_("Decisions"))

    @cached_property
    def _opened_series(self) -> SuppressedSeries:
        return suppress_series([self._opened.get((month, "opened"), 0) for month, _label in self._months])

    def cases_opened_and_closed(self) -> Block:
        opened = self._opened_series
        # The cases closed are the row totals of "cases closed, by outcome", suppressed with it.
        closed = self._closed_tables[1]
        lines = [Line(key, label, [shown(opened.values[n]), shown(closed.values[n])])
                 for n, (key, label) in enumerate(self._months)]
        return Block(key="cases-flow", title=_("Cases opened and closed"),
                     intro=_("Cases opened and cases closed in each month."), row_heading=_("Month"),
                     columns=[("opened", _("Opened")), ("closed", _("Closed"))], lines=lines, unit=_("Cases"),
                     chart="bar", column_totals=[shown(opened.total), shown(closed.total)] if lines else None,
                     notes=notes_of([opened, closed]))

    def cases_open(self) -> Block:
        """Open at the end of the period, and only there. Open at the end = open at the start +
        opened - closed, and the count at the start is public (it is the end of an earlier
        period): so a count per month would give away each month's opened - closed, and with it a
        hidden count of either. The count is shown only where the period's opened and closed
        totals are both shown, and hidden as small below the threshold."""
        count = cases.cases_open_at(self.filter.end, area=self._span["area"])
        totals = (self._opened_series.total, self._closed_tables[1].total)
        if count < self.threshold:
            figure = Figure(f"<{self.threshold}", None, "small")
        elif any(total.hidden for total in totals):
            figure = Figure(SECONDARY_MARK, None, "secondary")
        else:
            figure = Figure(str(count), count, "")
        notes = notes_of([self._opened_series, self._closed_tables[1]]) if figure.hidden else []
        return Block(key="cases-open", title=_("Open cases"),
                     intro=_("Cases open at the end of the period. Only the end is given: month by month, "
                             "the open cases would give away the hidden counts of cases opened and closed."),
                     row_heading=_("When"), columns=[("open", _("Open"))],
                     lines=[Line("end", _("At the end of the period"), [figure])] if self._months else [],
                     unit=_("Cases"), chart="bar", notes=notes)

    def cases_closed(self) -> Block:
        return whole_table("cases-outcome", title=_("Cases closed, by outcome"),
                           intro=_("Cases closed in each month, by the outcome recorded at closure."),
                           row_heading=_("Month closed"), rows=self._months, columns=cases.case_outcomes(),
                           counts=self._closed, unit=_("Cases"), suppressed=self._closed_tables[0])

    def interventions(self) -> Block:
        counts = {(r.kind, r.state): r.count for r in interventions.interventions_by_kind(**self._span)}
        return whole_table("interventions", title=_("Interventions by kind and outcome"),
                           intro=_("The interventions started in the period, by kind: still active, or ended with "
                                   "their outcome."), row_heading=_("Kind of intervention"),
                           rows=interventions.intervention_kinds(), columns=interventions.intervention_states(),
                           counts=counts, unit=_("Interventions"))

    def mentor_hours(self) -> Block:
        """Whole hours (rounded) of the sessions held by lent mentors, per municipality."""
        names: dict[str, str] = {}
        counts: dict[tuple[str, str], int] = {}
        for side, rows in (("lent", interventions.minutes_lent(**self._span)),
                           ("borrowed", interventions.minutes_borrowed(**self._span))):
            for r in rows:
                names[str(r.organisation_id)] = r.organisation
                counts[(str(r.organisation_id), side)] = (r.minutes + 30) // 60
        lines = sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))
        return side_by_side("mentor-hours", title=_("Mentor hours lent and borrowed"),
                            intro=_("Hours of sessions held by mentors and coaches lent from one municipality to "
                                    "another, per municipality (rounded to whole hours). Municipalities with no "
                                    "lending in the period are left out."), row_heading=_("Municipality"),
                            rows=lines, columns=[("lent", _("Hours lent")), ("borrowed", _("Hours borrowed"))],
                            counts=counts, unit=_("Hours"))

    def training(self) -> Block:
        as_of = min(self.filter.end - timedelta(days=1), self.today)
        rows = training.coverage(as_of=as_of, area=self._span["area"])
        counts: dict[tuple[str, str], int] = {}
        for r in rows:
            counts.update({(str(r.requirement_id), "up_to_date"): r.up_to_date,
                           (str(r.requirement_id), "due_soon"): r.due_soon,
                           (str(r.requirement_id), "overdue"): r.overdue})
        block = whole_table("training", title=_("Training coverage and compliance"),
                            intro=_("For each active training requirement, the people it applies to on %(day)s: up "
                                    "to date, due soon (within the reminder window) or overdue.")
                            % {"day": formats.date_format(as_of, "DATE_FORMAT")},
                            row_heading=_("Requirement"), rows=[(str(r.requirement_id), r.name) for r in rows],
                            columns=[("up_to_date", _("Up to date")), ("due_soon", _("Due soon")),
                                     ("overdue", _("Overdue"))],
                            counts=counts, unit=_("People"), show_column_totals=False)
        return replace(block, total_heading=_("People in scope"))

    def community(self) -> Block:
        return side_by_side("community", title=_("Community activity"),
                            intro=_("Dialogue meetings held, outreach events and their attendees, youth cohorts "
                                    "started and young people who joined one, and ambassadors' reports, per month."),
                            row_heading=_("Month"), rows=self._months, columns=community.measures(),
                            counts=by_month(community.activity_by_month(**self._span)), unit=_("Number"),
                            chart="line")

    def builders(self) -> dict[str, Callable[[], Block]]:
        """Every table by its key, in the page's order."""
        return {
            "concerns-source": lambda: self.concerns("source"),
            "concerns-extremism": lambda: self.concerns("extremism"),
            "concerns-outcome": lambda: self.concerns("outcome"),
            "decision-time": self.decision_time,
            "decisions": self.decisions,
            "cases-flow": self.cases_opened_and_closed,
            "cases-open": self.cases_open,
            "cases-outcome": self.cases_closed,
            "interventions": self.interventions,
            "mentor-hours": self.mentor_hours,
            "training": self.training,
            "community": self.community,
        }

    def blocks(self) -> list[Block]:
        return [build() for build in self.builders().values()]


def _counted(board: Dashboard) -> list[Block]:
    # Counting is the heavy read of the dashboard: on the read replica where one is configured.
    with statistics_reads():
        return board.blocks()


def cached_blocks(board: Dashboard, chosen: Filter) -> tuple[list[Block], datetime | None]:
    """Every table of the filter, and when it was counted (None when the cache is off): from the
    cache when the same filter, threshold and language were asked for a short while ago. Over a
    national database a full count takes seconds (bench/README.md), and statistics a few minutes
    old serve the analyst as well. Only suppressed figures are cached, never a raw count. The
    dashboard page and the API read through here, so that both show the same figures."""
    seconds = int(settings.INSIGHTS_CACHE_SECONDS)
    if not seconds:
        return _counted(board), None
    asked = json.dumps({**chosen.describe(), "threshold": board.threshold, "language": get_language()},
                       sort_keys=True)
    key = "insights:dashboard:" + hashlib.sha256(asked.encode()).hexdigest()
    found: tuple[list[Block], datetime] | None = cache.get(key)
    if found is None:
        found = (_counted(board), timezone.now())
        cache.set(key, found, seconds)
    return found


def cached_table(board: Dashboard, chosen: Filter, key: str) -> tuple[Block, datetime | None]:
    """One table of the filter, as cached_blocks gives it: taken from the cached tables when the
    cache is on (so that it is the very figure the page shows), counted alone when it is off.
    KeyError for a key that names no table."""
    build = board.builders()[key]
    if not int(settings.INSIGHTS_CACHE_SECONDS):
        return build(), None
    blocks, counted_at = cached_blocks(board, chosen)
    return next(block for block in blocks if block.key == key), counted_at
