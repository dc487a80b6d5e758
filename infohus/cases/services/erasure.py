"""Irreversible anonymisation of concerns, cases and people whose retention period ran out.

Called by the privacy app's retention run, one batch of ids at a time inside its transaction;
each function writes no audit event of its own (the run writes one per kind, with the count).
What stays is the skeleton the statistics count: kinds, dates, organisations, decisions and
outcomes. Files are removed from storage as their rows go; a file already missing is no error.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.files.storage import default_storage

from infohus.cases.models import (
    BreakGlassAccess,
    Case,
    CaseAttachment,
    Concern,
    ConcernAttachment,
    ConsentRecord,
    Disclosure,
    LocalAssessment,
    NetworkMember,
    Note,
    Person,
    Review,
    Task,
    TeamMember,
    TriageDecision,
    TriageMeeting,
)


def delete_stored_files(names: Iterable[str]) -> None:
    """Remove files from storage. Done inside the batch rather than after the commit: should the
    batch roll back, the rows point at files that were due to go anyway, and the next run
    deletes the rows."""
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _blank_disclosures(**where: object) -> None:
    Disclosure.objects.filter(**where).update(summary="", purpose="", other_law="")


def anonymise_concerns(ids: list[int], *, now: datetime) -> int:
    """Blank what the concern and everything about it said, unlink the person; keep status,
    channel, dates, organisations, kind of extremism, urgency and the decisions' kinds."""
    files = list(ConcernAttachment.objects.filter(concern_id__in=ids).values_list("file", flat=True))
    ConcernAttachment.objects.filter(concern_id__in=ids).delete()
    delete_stored_files(files)
    LocalAssessment.objects.filter(concern_id__in=ids).update(participants="", conclusion="")
    TriageDecision.objects.filter(concern_id__in=ids).update(reason="")
    TriageMeeting.concerns.through.objects.filter(concern_id__in=ids).delete()
    _blank_disclosures(concern_id__in=ids)
    return Concern.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(
        caller_name="", caller_relation="", caller_contact="", observed="", observed_where="", others_who_know="",
        worries="", person_described="", outcome_for_reporter="", person=None, anonymised_at=now)


def anonymise_cases(ids: list[int], *, now: datetime) -> int:
    """Erase a case's content and keep its skeleton (reference, owner, lead, dates, outcome).
    The concern that opened it is anonymised with it. Interventions and assessments on the case
    are erased by their own apps first (the privacy run calls them)."""
    files = list(CaseAttachment.objects.filter(case_id__in=ids).values_list("file", flat=True))
    CaseAttachment.objects.filter(case_id__in=ids).delete()
    delete_stored_files(files)
    Note.objects.filter(case_id__in=ids).delete()
    Task.objects.filter(case_id__in=ids).delete()
    Review.objects.filter(case_id__in=ids).delete()
    ConsentRecord.objects.filter(case_id__in=ids).delete()
    TeamMember.objects.filter(case_id__in=ids).delete()
    BreakGlassAccess.objects.filter(case_id__in=ids).update(reason="")
    _blank_disclosures(case_id__in=ids)
    opening = list(Concern.objects.filter(decision__case_id__in=ids, anonymised_at__isnull=True)
                   .values_list("pk", flat=True))
    if opening:
        anonymise_concerns(opening, now=now)
    return Case.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(closure_reason="", anonymised_at=now)


def anonymise_people(ids: list[int], *, now: datetime) -> int:
    """Blank everything that identifies the person (the search name included) and delete their
    network; keep the municipality for the statistics. Gender is dropped too: with the
    municipality and the dates it narrows a small group down too far."""
    NetworkMember.objects.filter(person_id__in=ids).delete()
    _blank_disclosures(person_id__in=ids)
    return Person.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(
        first_name="", last_name="", birth_date=None, identifier_encrypted="", identifier_hash="",
        gender=Person.Gender.UNKNOWN, languages="", phone="", email="", address="", search_name="",
        anonymised_at=now)
