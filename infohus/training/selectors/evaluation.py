"""Stub: replaced by the evaluation helper (run_effect gives the run page its effect summary)."""

from typing import Any

from infohus.training.models import CourseRun


def run_effect(run: CourseRun) -> Any:
    return None
