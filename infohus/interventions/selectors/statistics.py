"""Aggregates of interventions and of the mentor hours lent between municipalities, for the
insights dashboard (the only way insights reads these tables).

Each function groups and sums in the database and returns figures, never a row about a person
or a mentor, in one query however many interventions and sessions there are. `area` is a
queryset of organisation ids (None: the whole country), used as a subquery: an intervention
belongs to the area of the organisation that runs it; hours lent to the lending municipality,
hours borrowed to the borrowing one. A period runs from `start` up to (not including) `end`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case as Choose
from django.db.models import Count, F, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from infohus.interventions.models import Intervention, InterventionKind, Outcome, Session

type Area = QuerySet[Any, Any] | None

ACTIVE = "active"
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class KindCount:
    kind: str
    state: str  # "active", or the outcome of an ended intervention
    count: int


@dataclass(frozen=True)
class Minutes:
    organisation_id: int
    organisation: str
    minutes: int


def intervention_kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in InterventionKind.choices]


def intervention_states() -> list[tuple[str, str]]:
    """Still active, or ended with an outcome (or none recorded)."""
    return [(ACTIVE, str(_("Still active"))), *((value, str(label)) for value, label in Outcome.choices),
            (NOT_RECORDED, str(_("Ended, no outcome recorded")))]


def interventions_by_kind(*, start: date, end: date, area: Area) -> list[KindCount]:
    """The interventions started in the period, by kind and where they are now. One query."""
    started = Intervention.objects.filter(started_on__gte=start, started_on__lt=end)
    if area is not None:
        started = started.filter(organisation_id__in=area)
    state = Choose(When(status=Intervention.Status.ACTIVE, then=Value(ACTIVE)),
                   When(outcome="", then=Value(NOT_RECORDED)), default=F("outcome"))
    rows = (started.order_by().annotate(state=state).values("kind", "state").annotate(n=Count("pk"))
            .order_by("kind", "state"))
    return [KindCount(r["kind"], r["state"], r["n"]) for r in rows]


def _minutes(*, side: str, start: date, end: date, area: Area) -> list[Minutes]:
    organisation = f"lending__{side}_organisation"
    sessions = Session.objects.filter(lending__isnull=False, held_on__gte=start, held_on__lt=end)
    if area is not None:
        sessions = sessions.filter(**{f"{organisation}_id__in": area})
    rows = (sessions.order_by().values(organisation_id=F(f"{organisation}_id"), name=F(f"{organisation}__name"))
            .annotate(minutes=Sum("duration_minutes")).order_by("name", "organisation_id"))
    return [Minutes(r["organisation_id"], r["name"], r["minutes"] or 0) for r in rows]


def minutes_lent(*, start: date, end: date, area: Area) -> list[Minutes]:
    """Minutes of the sessions held under a lending, per lending municipality. One query."""
    return _minutes(side="lending", start=start, end=end, area=area)


def minutes_borrowed(*, start: date, end: date, area: Area) -> list[Minutes]:
    """Minutes of the sessions held under a lending, per borrowing municipality. One query."""
    return _minutes(side="requesting", start=start, end=end, area=area)
