"""Public reads of completed training, for the other apps.

The mentor corps (interventions) reads a mentor's accreditation from here: the six-day method
training counts as completed on the latest `completed_on` of an enrolment that was not withdrawn,
on a run of a course of the kind MENTOR_METHOD. Nothing here judges a person; completion is the
fact the trainers recorded (present at every day or block).

These functions read no participant list, only one professional's own completion; the caller
audits the read of the record it shows it in (the corps register audits its entries).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import DateField, Exists, OuterRef, QuerySet, Subquery
from django.db.models.expressions import Combinable

from infohus.training.models import CourseKind, CourseRun, Enrolment
from infohus.training.selectors.access import runs_for


def _method_completions() -> QuerySet[Enrolment]:
    """Completed enrolments on runs of the method training that were not withdrawn, latest first."""
    return (Enrolment.objects.filter(status=Enrolment.Status.ENROLLED, completed_on__isnull=False,
                                     run__course__kind=CourseKind.MENTOR_METHOD)
            .order_by("-completed_on", "-pk"))


def method_training_completed_on(user_id: int | None) -> date | None:
    """When the user last completed the mentor and parent-coach method training; None if never."""
    if user_id is None:
        return None
    value: date | None = _method_completions().filter(user_id=user_id).values_list("completed_on", flat=True).first()
    return value


def method_training_completion_subquery(user_ref: Combinable | str) -> Subquery:
    """The same date as a subquery, for annotating a whole list in one query:
    `profiles.annotate(trained_on=method_training_completion_subquery(OuterRef("user_id")))`.
    NULL for those who never completed it."""
    ref = OuterRef(user_ref) if isinstance(user_ref, str) else user_ref
    return Subquery(_method_completions().filter(user_id=ref).values("completed_on")[:1],
                    output_field=DateField())


@dataclass(frozen=True)
class MethodTrainingRecord:
    """The completion that counts, with the run it was on."""

    completed_on: date
    run_id: int
    course_title: str
    starts_on: date
    ends_on: date
    viewer_sees_run: bool  # whether the viewer may open the run's page (runs_for)


def method_training_record(user_id: int | None, *, viewer: Any) -> MethodTrainingRecord | None:
    """The user's latest completion of the method training with its run, in one query; None if
    never. viewer_sees_run says whether `viewer` may open that run (only then link to it)."""
    if user_id is None:
        return None
    enrolments = _method_completions().filter(user_id=user_id).select_related("run__course")
    if getattr(viewer, "is_authenticated", False):
        enrolments = enrolments.annotate(viewer_sees_run=Exists(runs_for(viewer).filter(pk=OuterRef("run_id"))))
    enrolment = enrolments.first()
    if enrolment is None or enrolment.completed_on is None:
        return None
    run: CourseRun = enrolment.run
    return MethodTrainingRecord(completed_on=enrolment.completed_on, run_id=run.pk, course_title=run.course.title,
                                starts_on=run.starts_on, ends_on=run.ends_on,
                                viewer_sees_run=bool(getattr(enrolment, "viewer_sees_run", False)))
