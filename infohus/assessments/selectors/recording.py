"""Reads of the recording pages: one assessment with its fields, files and corrections, and the
few latest assessments for the panels on the case and concern pages.

Each takes what the access selectors gave (an AssessmentAccess or a Holder), so it reads only
what the user may open, and costs a fixed number of queries whatever the number of answers,
files or assessments.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from infohus.assessments.models import Assessment, AssessmentAttachment, Field
from infohus.assessments.selectors import reads
from infohus.assessments.selectors.access import AssessmentAccess, Holder

PANEL_SIZE = 10
COMPARABLE_SIZE = 50


@dataclass(frozen=True)
class EditPage:
    fields: list[Field]
    files: dict[str, list[AssessmentAttachment]]  # by field key


@dataclass(frozen=True)
class DetailPage:
    sections: list[dict[str, Any]]  # reads.answer_rows, each row with its "files"
    files: list[AssessmentAttachment]
    corrections: list[Assessment]
    comparable: list[Assessment]


def _files_by_key(assessment: Assessment) -> tuple[list[AssessmentAttachment], dict[str, list[AssessmentAttachment]]]:
    files = list(reads.attachments_of(assessment))
    by_key: dict[str, list[AssessmentAttachment]] = defaultdict(list)
    for attachment in files:
        by_key[attachment.field_key].append(attachment)
    return files, dict(by_key)


def edit_page(access: AssessmentAccess) -> EditPage:
    """The fields of the assessment's version and its files (two queries)."""
    assessment = access.assessment
    _files, by_key = _files_by_key(assessment)
    return EditPage(fields=reads.fields_of({assessment.version_id})[assessment.version_id], files=by_key)


def detail_page(access: AssessmentAccess) -> DetailPage:
    """The answers by section with the files of each attachment field, the corrections the reader
    may see, and the assessments of the same instrument to compare with (four queries)."""
    assessment = access.assessment
    fields = reads.fields_of({assessment.version_id})[assessment.version_id]
    files, by_key = _files_by_key(assessment)
    sections = reads.answer_rows(assessment, fields)
    for section in sections:
        for row in section["rows"]:
            row["files"] = by_key.get(row["field"].key, [])
    corrections = list(reads.assessments_of(access.holder).filter(amends=assessment).order_by("created_at", "pk"))
    comparable = list(reads.comparable_with(access.holder, assessment)[:COMPARABLE_SIZE])
    return DetailPage(sections=sections, files=files, corrections=corrections, comparable=comparable)


def latest_of(holder: Holder, size: int = PANEL_SIZE) -> list[Assessment]:
    """The holder's newest assessments that the reader sees, for a panel (one query)."""
    return list(reads.timeline(holder)[:size])
