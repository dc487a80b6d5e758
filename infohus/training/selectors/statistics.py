"""Training coverage and compliance as counts, for the insights dashboard: per active requirement,
how many people it applies to, and how many of them are up to date, due soon or overdue on a day.
No names: the per-person view stays on the trainers' compliance page.

The rules are those of selectors/compliance.py (who is in scope, what counts, when one is due);
here they are counted in the database instead of per person. Whether a person is overdue or up
to date is whether they completed a course that counts on or after a cut-off date, so each
status is an EXISTS on the enrolments, and every requirement's three counts go into one
aggregate over the memberships: two queries in all (the requirements, the counts), however many
people there are. A person in scope in two organisations counts once.

`area` is a queryset of organisation ids (None: the whole country): a person counts in the area
of the organisation of their membership.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from infohus.accounts.models import Membership
from infohus.training.models import Enrolment, Requirement
from infohus.training.selectors.compliance import overdue_cutoff

type Area = QuerySet[Any, Any] | None


@dataclass(frozen=True)
class Coverage:
    requirement_id: int
    name: str
    people: int
    up_to_date: int
    due_soon: int
    overdue: int


def _completed_since(requirement: Requirement, cutoff: date, as_of: date) -> Exists:
    """The person of the outer membership completed a course that counts from `cutoff` to `as_of`."""
    # An empty list of kinds would be an empty IN (): a kind no course has keeps the SQL plain.
    kinds = list(requirement.satisfied_by) or [""]
    return Exists(Enrolment.objects.filter(
        user_id=OuterRef("user_id"), status=Enrolment.Status.ENROLLED, completed_on__gte=cutoff,
        completed_on__lte=as_of, run__course__kind__in=kinds))


def coverage(*, as_of: date, area: Area) -> list[Coverage]:
    """Every active requirement with its counts on `as_of`, by name. Two queries."""
    requirements = list(Requirement.objects.filter(is_active=True).order_by("name", "pk"))
    if not requirements:
        return []
    memberships = Membership.objects.filter(is_active=True, user__is_active=True, organisation__is_active=True)
    if area is not None:
        memberships = memberships.filter(organisation_id__in=area)
    counts: dict[str, Any] = {}
    for r in requirements:
        scope = Q(role=r.role, organisation__kind=r.organisation_kind)
        # In time: due on or after as_of. Up to date: due after the reminder window.
        in_time = _completed_since(r, overdue_cutoff(as_of, r.interval_months), as_of)
        up_to_date = _completed_since(
            r, overdue_cutoff(as_of + timedelta(days=r.remind_days_before + 1), r.interval_months), as_of)
        counts[f"people_{r.pk}"] = Count("user_id", distinct=True, filter=scope)
        counts[f"overdue_{r.pk}"] = Count("user_id", distinct=True, filter=Q(scope, ~in_time))
        counts[f"up_{r.pk}"] = Count("user_id", distinct=True, filter=Q(scope, up_to_date))
    figures = memberships.aggregate(**counts)
    result = []
    for r in requirements:
        people, overdue, up = figures[f"people_{r.pk}"], figures[f"overdue_{r.pk}"], figures[f"up_{r.pk}"]
        result.append(Coverage(requirement_id=r.pk, name=r.name, people=people, up_to_date=up,
                               due_soon=people - overdue - up, overdue=overdue))
    return result
