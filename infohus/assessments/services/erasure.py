"""Irreversible anonymisation of the assessments on concerns and cases whose retention period
ran out: the answers are emptied and attached forms deleted with their files; instrument,
version, compartment, status and dates stay. Called by the privacy app's retention run inside
its batch transaction; writes no audit event of its own."""

from datetime import datetime

from django.db.models import Q

from infohus.assessments.models import Assessment, AssessmentAttachment
from infohus.cases.services.erasure import delete_stored_files


def anonymise_assessments(*, now: datetime, case_ids: list[int] | None = None,
                          concern_ids: list[int] | None = None) -> int:
    """Erase the assessments made on these cases or concerns; the number anonymised."""
    where = Q(case_id__in=case_ids or []) | Q(concern_id__in=concern_ids or [])
    attachments = AssessmentAttachment.objects.filter(assessment__in=Assessment.objects.filter(where))
    files = list(attachments.values_list("file", flat=True))
    attachments.delete()
    delete_stored_files(files)
    return Assessment.objects.filter(where, anonymised_at__isnull=True).update(answers={}, anonymised_at=now)
