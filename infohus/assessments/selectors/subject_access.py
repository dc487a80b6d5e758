"""What the assessments app holds about one person, for a subject access request (GDPR art. 15).

Reached only through infohus.privacy, which checks access and audits. The assessments are those
that name the person, and those of the person's cases and concerns that name nobody; one that
names another person stays out even when it sits on one of this person's cases. Answers are
given as recorded, with each field's label and the lines the pages show; attachments by name,
type and size, never their content. Who assessed or signed is left out (professionals are not
named in an export about someone else).
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from infohus.assessments.engine import display
from infohus.assessments.models import Assessment, AssessmentAttachment, Field

type Record = dict[str, Any]


def _lines(field: Field | None, value: Any) -> list[str]:
    if field is None:
        return [str(value)]
    try:
        return display(field, value)
    except (KeyError, TypeError, ValueError):
        # An answer saved before its field's shape was enforced: shown as stored.
        return [str(value)]


def _answers(assessment: Assessment, fields: dict[str, Field]) -> list[Record]:
    """Answers in the order of the version's fields, then any key the version no longer has."""
    answers = assessment.answers or {}
    ordered = [key for key in fields if key in answers] + sorted(k for k in answers if k not in fields)
    rows = []
    for key in ordered:
        field = fields.get(key)
        rows.append({"field": key, "label": field.label if field is not None else key, "value": answers[key],
                     "text": "\n".join(_lines(field, answers[key]))})
    return rows


def assessments_of(person_id: int, *, case_ids: Sequence[int], concern_ids: Sequence[int]) -> dict[str, list[Record]]:
    """The person's assessments and their attachments, in three queries."""
    of_holders = Q(case_id__in=case_ids) | Q(concern_id__in=concern_ids)
    about = Q(person_id=person_id) | (Q(person__isnull=True) & of_holders)
    assessments = list(Assessment.objects.filter(about).select_related("version__instrument", "case", "concern")
                       .order_by("assessed_on", "pk"))
    version_ids = {a.version_id for a in assessments}
    fields: dict[int, dict[str, Field]] = {}
    for f in Field.objects.filter(version_id__in=version_ids).order_by("version_id", "section__order", "order", "pk"):
        fields.setdefault(f.version_id, {})[f.key] = f
    compartment_of = {a.pk: a.compartment for a in assessments}
    attachments = (AssessmentAttachment.objects.filter(assessment_id__in=list(compartment_of))
                   .order_by("uploaded_at", "pk"))
    return {
        "assessments": [{
            "id": a.pk, "compartment": a.compartment,
            "case": a.case.reference if a.case is not None else "",
            "concern": a.concern.reference if a.concern is not None else "",
            "instrument": a.version.instrument.name, "version": a.version.number,
            "status": a.status, "status_display": str(a.get_status_display()),
            "assessed_on": a.assessed_on, "signed_at": a.signed_at, "corrects": a.amends_id,
            "answers": _answers(a, fields.get(a.version_id, {})), "anonymised_at": a.anonymised_at,
        } for a in assessments],
        "assessment_attachments": [{
            "id": f.pk, "compartment": compartment_of[f.assessment_id], "assessment": f.assessment_id,
            "field": f.field_key, "name": f.original_name, "content_type": f.content_type, "size": f.size,
            "uploaded_at": f.uploaded_at,
        } for f in attachments],
    }
