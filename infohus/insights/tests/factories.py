"""Factories of the insights tests."""

import secrets
from datetime import date
from typing import Any

from infohus.cases.identifiers import encrypt
from infohus.insights.models import ResearchProject


def make_project(*, proposed_by: Any, status: str = ResearchProject.Status.PROPOSED, **fields: Any) -> ResearchProject:
    """A project over an empty period long ago unless told otherwise; an approved one has its key."""
    values: dict[str, Any] = {
        "title": "Mentoring and outcomes", "purpose": "Which courses of mentoring end with goals met.",
        "researchers": "A university research group", "fields": ["extremism", "decision_kind"],
        "quasi_identifiers": ["extremism"], "k": 5, "period_start": date(2001, 1, 1),
        "period_end": date(2001, 12, 31)}
    values.update(fields)
    project = ResearchProject(proposed_by=proposed_by, status=status, **values)
    if status == ResearchProject.Status.APPROVED:
        project.key_encrypted = encrypt(secrets.token_bytes(32).hex())
    project.save()
    return project
