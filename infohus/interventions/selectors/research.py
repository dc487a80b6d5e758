"""What was done on the cases of a research extract, summed per case in the database.

Only categories, a date and counts leave this module: the kinds of intervention, their outcomes,
the kinds of treatment, when the first started, the number of sessions and their hours. Never a
description, a goal, a session note or who took part. Anonymous advice consultations have no case
and are never part of an extract.

Two queries whatever the number of cases: the interventions grouped by case, and their sessions
grouped by case (kept apart so that sessions do not multiply the interventions they are joined to).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q, QuerySet, StringAgg, Sum, Value

from infohus.cases.models import Case
from infohus.interventions.models import Intervention, Session

# SQLite aggregates DISTINCT values only with a comma between them; the values are codes without one.
_COMMA = Value(",")
SEPARATOR = ";"


@dataclass(frozen=True)
class CaseWork:
    intervention_kinds: str = ""
    intervention_outcomes: str = ""
    treatment_kinds: str = ""
    first_intervention: date | None = None
    session_count: int = 0
    session_hours: Decimal = Decimal("0.0")


def _codes(joined: str | None) -> str:
    """Distinct codes in a fixed order, so that equal work gives equal cells."""
    return SEPARATOR.join(sorted({c for c in (joined or "").split(",") if c}))


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def work_per_case(case_ids: QuerySet[Case, int] | Iterable[int]) -> dict[int, CaseWork]:
    """The work on each of the cases (a subquery of case ids, or ids); cases without any are left out."""
    interventions = (
        Intervention.objects.filter(case_id__in=case_ids).values("case_id")
        .annotate(kinds=StringAgg("kind", _COMMA, distinct=True),
                  outcomes=StringAgg("outcome", _COMMA, distinct=True,
                                     filter=Q(status=Intervention.Status.ENDED) & ~Q(outcome="")),
                  treatments=StringAgg("treatment", _COMMA, distinct=True, filter=~Q(treatment="")),
                  first=Min("started_on"))
        .order_by("case_id")
    )
    sessions = {
        row["intervention__case_id"]: (row["count"], row["minutes"])
        for row in Session.objects.filter(intervention__case_id__in=case_ids).values("intervention__case_id")
        .annotate(count=Count("pk"), minutes=Sum("duration_minutes")).order_by("intervention__case_id")
    }
    work: dict[int, CaseWork] = {}
    for row in interventions:
        count, minutes = sessions.get(row["case_id"], (0, 0))
        work[row["case_id"]] = CaseWork(
            intervention_kinds=_codes(row["kinds"]), intervention_outcomes=_codes(row["outcomes"]),
            treatment_kinds=_codes(row["treatments"]), first_intervention=row["first"],
            session_count=count, session_hours=_hours(minutes))
    return work
