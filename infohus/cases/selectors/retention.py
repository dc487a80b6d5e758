"""What retention may erase in the cases app: the querysets of concerns, cases and people whose
retention period has run out. Reads only; the privacy app takes legal holds off and erases in
batches through cases.services.erasure."""

from datetime import date, datetime

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from infohus.cases.models import Case, Concern, Person

S = Concern.Status


def expired_concerns(*, cutoff: datetime) -> QuerySet[Concern]:
    """Concerns that ended without a case before the cutoff: closed locally (handled, or no
    concern) by a local assessment made before it, or decided before it by a decision that opened
    no case. A concern whose decision opened a case goes with that case instead."""
    closed_locally = Q(status__in=[S.HANDLED_LOCALLY, S.NO_CONCERN], local_assessment__assessed_at__lt=cutoff)
    decided = Q(status=S.DECIDED, decision__case__isnull=True, decision__decided_on__lt=cutoff.date())
    return Concern.objects.filter(closed_locally | decided, anonymised_at__isnull=True)


def oldest_concern_clock(concerns: QuerySet[Concern]) -> date | None:
    """The earliest date that started the clock of any of these concerns."""
    found = concerns.aggregate(local=Min("local_assessment__assessed_at"), decided=Min("decision__decided_on"))
    days = [found["decided"], timezone.localdate(found["local"]) if found["local"] else None]
    return min((d for d in days if d is not None), default=None)


def expired_cases(*, cutoff: datetime) -> QuerySet[Case]:
    """Cases closed before the cutoff and not yet anonymised."""
    return Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True)


def oldest_case_clock(cases: QuerySet[Case]) -> date | None:
    closed = cases.aggregate(first=Min("closed_at"))["first"]
    return timezone.localdate(closed) if closed else None


def opening_concern_ids(case_ids: list[int]) -> list[int]:
    """The concerns whose triage decision opened these cases."""
    return list(Concern.objects.filter(decision__case_id__in=case_ids).values_list("pk", flat=True))


def people_to_anonymise(*, cutoff: datetime, concerns_going: QuerySet[Concern] | None = None,
                        cases_going: QuerySet[Case] | None = None) -> QuerySet[Person]:
    """People made before the cutoff with no concern or case left un-anonymised. With
    concerns_going and cases_going (what a run is about to erase), the people who would be left
    with none once those are gone: the dry run counts them so."""
    concerns = Concern.objects.filter(person=OuterRef("pk"), anonymised_at__isnull=True)
    cases = Case.objects.filter(person=OuterRef("pk"), anonymised_at__isnull=True)
    if concerns_going is not None:
        concerns = concerns.exclude(pk__in=concerns_going.values("pk"))
    if cases_going is not None:
        concerns = concerns.exclude(decision__case__in=cases_going.values("pk"))
        cases = cases.exclude(pk__in=cases_going.values("pk"))
    return Person.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff).filter(
        ~Exists(concerns), ~Exists(cases))


def oldest_person_clock(people: QuerySet[Person]) -> date | None:
    made = people.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(made) if made else None
