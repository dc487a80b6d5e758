"""The retention run: for each kind of record, find what has been kept past its period (a
database query, never a scan in Python), leave out what a legal hold keeps, and erase the rest
through the owning app's erasure functions, a batch of ids per transaction so that no lock is
held for long.

A failure keeps the batches already done, marks the run failed with the error, and the next run
carries on where it stopped (erased records no longer match). Each kind writes one audit event
with how many were erased, never which. A dry run counts, per kind, what would go, what a hold
keeps back and the oldest date that started a clock; it changes no record.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.services.erasure import anonymise_assessments
from infohus.audit import retention as audit_retention
from infohus.audit.services import record_event
from infohus.cases.selectors import retention as cases_retention
from infohus.cases.services.erasure import anonymise_cases, anonymise_concerns, anonymise_people
from infohus.community.services import erasure as community
from infohus.directory import services as directory
from infohus.interventions.services.erasure import anonymise_interventions_of_cases
from infohus.privacy import retention as kinds
from infohus.privacy.models import RetentionRun
from infohus.privacy.retention import months_before
from infohus.privacy.selectors.retention import held_people, rules
from infohus.privacy.services.rules import require_data_protection_officer
from infohus.training.services import erasure as training

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
ACTION_ERASED = "privacy.retention.erased"
ACTION_DRY_RUN = "privacy.retention.dry_run"


def _erase_concerns(ids: list[int], now: datetime) -> int:
    anonymise_assessments(now=now, concern_ids=ids)
    return anonymise_concerns(ids, now=now)


def _erase_cases(ids: list[int], now: datetime) -> int:
    # The owning apps above cases erase their part first; the case then erases its own and the
    # concern that opened it.
    opening = cases_retention.opening_concern_ids(ids)
    anonymise_interventions_of_cases(ids, now=now)
    anonymise_assessments(now=now, case_ids=ids, concern_ids=opening)
    return anonymise_cases(ids, now=now)


def _erase_people(ids: list[int], now: datetime) -> int:
    return anonymise_people(ids, now=now)


@dataclass(frozen=True)
class Source:
    """Where one kind's expired records come from and how they are erased."""

    expired: Callable[[datetime], QuerySet[Any]]
    oldest: Callable[[QuerySet[Any]], date | None]
    erase: Callable[[list[int], datetime], int]
    # The lookup from the record to the person a legal hold names; None where holds do not apply.
    person: str | None = None


def _day(cutoff: datetime) -> date:
    return timezone.localtime(cutoff).date()


SOURCES: dict[str, Source] = {
    kinds.CONCERN: Source(lambda cutoff: cases_retention.expired_concerns(cutoff=cutoff),
                          cases_retention.oldest_concern_clock, _erase_concerns, person="person_id"),
    kinds.CASE: Source(lambda cutoff: cases_retention.expired_cases(cutoff=cutoff),
                       cases_retention.oldest_case_clock, _erase_cases, person="person_id"),
    kinds.PERSON: Source(lambda cutoff: cases_retention.people_to_anonymise(cutoff=cutoff),
                         cases_retention.oldest_person_clock, _erase_people, person="pk"),
    kinds.YOUTH: Source(lambda cutoff: community.expired_participants(cutoff=_day(cutoff)),
                        community.oldest_participant_clock, lambda ids, now: community.erase_participants(ids)),
    kinds.PEER_REPORT: Source(lambda cutoff: community.expired_peer_reports(cutoff=cutoff),
                              community.oldest_peer_report_clock, lambda ids, now: community.erase_peer_reports(ids)),
    kinds.CONTACT: Source(lambda cutoff: community.expired_contacts(cutoff=cutoff),
                          community.oldest_contact_clock, lambda ids, now: community.erase_contacts(ids)),
    kinds.ENROLMENT: Source(lambda cutoff: training.expired_external_enrolments(cutoff=_day(cutoff)),
                            training.oldest_enrolment_clock,
                            lambda ids, now: training.erase_external_enrolments(ids)),
    kinds.SUBMISSION: Source(lambda cutoff: directory.expired_submissions(cutoff=cutoff),
                             directory.oldest_submission_clock, lambda ids, now: directory.erase_submissions(ids)),
}


@dataclass
class KindResult:
    key: str
    count: int = 0
    held: int = 0
    oldest: date | None = None
    cutoff: datetime | None = None


def _split(source: Source, expired: QuerySet[Any]) -> tuple[QuerySet[Any], int]:
    """What may go, and how many of the expired a legal hold keeps back."""
    if source.person is None:
        return expired, 0
    held = held_people()
    return expired.exclude(**{f"{source.person}__in": held}), expired.filter(**{f"{source.person}__in": held}).count()


def _going(key: str, cutoffs: dict[str, datetime]) -> QuerySet[Any]:
    source = SOURCES[key]
    return _split(source, source.expired(cutoffs[key]))[0]


def _expired(key: str, cutoffs: dict[str, datetime], dry_run: bool) -> QuerySet[Any]:
    if key == kinds.PERSON and dry_run:
        # Nothing was erased before this kind in a dry run: count the people who would be left
        # with no concern or case once the concerns and cases that would go are gone.
        return cases_retention.people_to_anonymise(
            cutoff=cutoffs[key], concerns_going=_going(kinds.CONCERN, cutoffs),
            cases_going=_going(kinds.CASE, cutoffs))
    return SOURCES[key].expired(cutoffs[key])


def _erase_in_batches(result: KindResult, source: Source, going: QuerySet[Any], *, now: datetime,
                      batch_size: int) -> None:
    ids = list(going.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            # Ask again inside the transaction: a hold placed since the ids were read still counts.
            batch = list(going.filter(pk__in=ids[start:start + batch_size]).values_list("pk", flat=True))
            if batch:
                result.count += source.erase(batch, now)


def _record(result: KindResult, *, actor: Any, organisation: Any, failed: bool = False) -> None:
    details: dict[str, Any] = {"kind": result.key, "count": result.count}
    if failed:
        details["failed"] = True
    record_event(action=ACTION_ERASED, actor=actor, organisation=organisation, object_type="retention_run",
                 details=details)


def _one_kind(result: KindResult, *, cutoffs: dict[str, datetime], now: datetime, dry_run: bool,
              batch_size: int) -> None:
    cutoff = cutoffs[result.key]
    if result.key == kinds.AUDIT:
        expiry = audit_retention.expiring(before=cutoff)
        result.oldest = timezone.localtime(expiry.oldest).date() if expiry.oldest else None
        if dry_run:
            result.count = expiry.count
        else:
            result.count = audit_retention.expire_events(before=cutoff, batch_size=max(batch_size, 1000))
        return
    source = SOURCES[result.key]
    going, result.held = _split(source, _expired(result.key, cutoffs, dry_run))
    result.oldest = source.oldest(going)
    if dry_run:
        result.count = going.count()
    else:
        _erase_in_batches(result, source, going, now=now, batch_size=batch_size)


ACTION_RUN_QUEUED = "privacy.retention_run.queued"


@transaction.atomic
def queue_retention_run(*, actor: User, organisation: Any) -> None:
    """A real run queued by the data protection officer (audited), for the worker once the
    caller's transaction is committed."""
    from infohus.privacy.tasks import run_retention_task  # the task module imports this one

    require_data_protection_officer(actor)
    record_event(action=ACTION_RUN_QUEUED, actor=actor, organisation=organisation, object_type="retention_run")
    transaction.on_commit(run_retention_task.enqueue)


def run_retention(*, now: datetime | None = None, dry_run: bool = False, started_by: User | None = None,
                  organisation: Any = None, batch_size: int = BATCH_SIZE) -> RetentionRun:
    """Erase (or, dry, count) everything past its retention period except what is on hold; the
    run with its counts per kind. Its `results` (not stored) carry each kind's oldest clock."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(dry_run=dry_run, started_by=started_by)
    cutoffs = {rule.key: months_before(now, rule.months) for rule in rules()}
    results: list[KindResult] = []
    try:
        for kind in kinds.KINDS:
            result = KindResult(kind.key, cutoff=cutoffs[kind.key])
            results.append(result)
            _one_kind(result, cutoffs=cutoffs, now=now, dry_run=dry_run, batch_size=batch_size)
            if not dry_run:
                _record(result, actor=started_by, organisation=organisation)
    except Exception as error:
        logger.exception("Retention run %s failed at %s", run.pk, results[-1].key if results else "start")
        run.status = RetentionRun.Status.FAILED
        run.error = f"{results[-1].key if results else ''}: {type(error).__name__}: {error}"[:2000]
        if not dry_run and results:
            _record(results[-1], actor=started_by, organisation=organisation, failed=True)
    else:
        run.status = RetentionRun.Status.DONE
    run.counts = {r.key: r.count for r in results}
    run.held = {r.key: r.held for r in results}
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "counts", "held", "finished_at"])
    if dry_run:
        record_event(action=ACTION_DRY_RUN, actor=started_by, organisation=organisation, object_type="retention_run",
                     object_id=run.pk, details={"counts": run.counts, "held": run.held})
    run.results = results  # type: ignore[attr-defined]
    return run
