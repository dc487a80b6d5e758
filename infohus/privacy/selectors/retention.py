"""Reading retention rules, legal holds and retention runs, for the data protection officer's
pages and for the run itself. Rules and runs hold no personal data; the hold list names people,
so the views audit its reads."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from infohus.cases.models import Person
from infohus.privacy.models import LegalHold, RetentionRule, RetentionRun
from infohus.privacy.retention import BY_KEY, KINDS, RecordKind, minimum_months


@dataclass(frozen=True)
class Rule:
    kind: RecordKind
    months: int  # the period the run uses: the DPO's, never below the minimum in force
    minimum: int
    version: int  # 0 while the default applies (no rule saved yet)
    saved: RetentionRule | None

    @property
    def key(self) -> str:
        return self.kind.key


def _rule(kind: RecordKind, saved: RetentionRule | None) -> Rule:
    minimum = minimum_months(kind.key)
    months = saved.months if saved is not None else kind.default_months
    return Rule(kind=kind, months=max(months, minimum), minimum=minimum, version=saved.version if saved else 0,
                saved=saved)


def rules() -> list[Rule]:
    """Every kind with the period in force, in the order the run takes them (one query)."""
    saved = {rule.kind: rule for rule in RetentionRule.objects.select_related("changed_by")}
    return [_rule(kind, saved.get(kind.key)) for kind in KINDS]


def rule(key: str) -> Rule:
    """One kind's rule, or 404 for a kind that does not exist."""
    kind = BY_KEY.get(key)
    if kind is None:
        raise Http404
    return _rule(kind, RetentionRule.objects.filter(kind=key).select_related("changed_by").first())


def held_people() -> QuerySet[LegalHold, int]:
    """Ids of the people under an active legal hold, as a subquery."""
    return LegalHold.objects.filter(lifted_at__isnull=True).values_list("person_id", flat=True)


def is_on_hold(person_id: int) -> bool:
    return LegalHold.objects.filter(person_id=person_id, lifted_at__isnull=True).exists()


def holds(*, include_lifted: bool = True) -> QuerySet[LegalHold]:
    """Active holds first, then lifted ones, newest first; with the person and who placed and
    lifted each, in one query."""
    found = LegalHold.objects.select_related("person", "placed_by", "lifted_by")
    if not include_lifted:
        found = found.filter(lifted_at__isnull=True)
    return found.order_by("lifted_at", "-placed_at", "-pk")


def hold(pk: int) -> LegalHold:
    found = LegalHold.objects.select_related("person", "placed_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def person_for_hold(pk: int) -> Person | None:
    """The person a hold would be placed on: a record that exists and has not been anonymised."""
    return Person.objects.filter(pk=pk, anonymised_at__isnull=True).first()


def runs() -> QuerySet[RetentionRun]:
    return RetentionRun.objects.select_related("started_by").order_by("-started_at", "-pk")


def run(pk: int) -> RetentionRun:
    found = RetentionRun.objects.select_related("started_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
