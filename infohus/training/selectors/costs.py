"""The cost report: per run of the trainer's organisations, its cost, how many were enrolled and
how many completed, the cost per participant, and the participants by kind of organisation.

Counts only, no names: withdrawn enrolments are left out. Two queries whatever the number of
runs: the runs with their counts, then the participants by run and kind of organisation.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from infohus.accounts.models import Organisation
from infohus.training.models import CourseKind, CourseRun, Enrolment
from infohus.training.selectors.access import training_organisations

CENT = Decimal("0.01")
ENROLLED = Enrolment.Status.ENROLLED


def per_participant(cost: Decimal, participants: int) -> Decimal | None:
    """The cost shared by the participants, to the øre; None when there are none."""
    if participants <= 0:
        return None
    return (cost / participants).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RunCost:
    run: CourseRun
    enrolled: int
    completed: int
    by_kind: dict[str, int]

    @property
    def cost(self) -> Decimal:
        return self.run.cost

    @property
    def per_enrolled(self) -> Decimal | None:
        return per_participant(self.run.cost, self.enrolled)

    @property
    def per_completed(self) -> Decimal | None:
        return per_participant(self.run.cost, self.completed)


@dataclass(frozen=True)
class CostReport:
    start: date
    end: date
    kind: str
    runs: list[RunCost]
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(CourseKind(self.kind).label) if self.kind else ""

    @property
    def total_cost(self) -> Decimal:
        return sum((r.cost for r in self.runs), Decimal("0.00"))

    @property
    def enrolled(self) -> int:
        return sum(r.enrolled for r in self.runs)

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.runs)

    @property
    def per_enrolled(self) -> Decimal | None:
        return per_participant(self.total_cost, self.enrolled)

    @property
    def per_completed(self) -> Decimal | None:
        return per_participant(self.total_cost, self.completed)

    @property
    def kinds(self) -> list[tuple[str, str]]:
        """The kinds of organisation that have participants, in the order of their choices."""
        return [(value, str(label)) for value, label in Organisation.Kind.choices if self.by_kind.get(value)]

    def kind_rows(self) -> list[tuple[RunCost, list[int]]]:
        """Each run with its participants in each of the kinds (0 where none)."""
        return [(r, [r.by_kind.get(value, 0) for value, _label in self.kinds]) for r in self.runs]

    def kind_totals(self) -> list[int]:
        return [self.by_kind.get(value, 0) for value, _label in self.kinds]


def report_runs(user: Any, *, start: date, end: date, kind: str = "") -> QuerySet[CourseRun]:
    """The runs of the user's organisations' courses that start in the period."""
    runs = CourseRun.objects.filter(course__organisation_id__in=training_organisations(user),
                                    starts_on__gte=start, starts_on__lte=end)
    if kind:
        runs = runs.filter(course__kind=kind)
    return runs


def cost_report(user: Any, *, start: date, end: date, kind: str = "") -> CostReport:
    runs = report_runs(user, start=start, end=end, kind=kind)
    # One query: the runs with their counts, aggregated in the database.
    counted = list(runs.select_related("course").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=ENROLLED)),
        completed=Count("enrolments", filter=Q(enrolments__status=ENROLLED, enrolments__completed_on__isnull=False)),
    ).order_by("starts_on", "pk"))
    # One query: participants per run and kind of organisation.
    per_run: dict[int, dict[str, int]] = {}
    totals: Counter[str] = Counter()
    if counted:
        rows = (Enrolment.objects.filter(run__in=runs.values("pk"), status=ENROLLED)
                .values("run_id", "organisation_kind").annotate(n=Count("pk")).order_by())
        for row in rows:
            per_run.setdefault(row["run_id"], {})[row["organisation_kind"]] = row["n"]
            totals[row["organisation_kind"]] += row["n"]
    return CostReport(start=start, end=end, kind=kind, by_kind=dict(totals), runs=[
        RunCost(run=r, enrolled=r.enrolled, completed=r.completed, by_kind=per_run.get(r.pk, {})) for r in counted])
