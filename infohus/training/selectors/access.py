"""Who may open what in training, in one place.

The trainers (TRAIN) of the organisation that keeps a course keep its catalogue entry and its
runs; a trainer named on a run works on that run too. A participant who is a platform user sees
their own enrolment (answers, certificate) and nothing of the others. Requirements and their
compliance are read by the trainers of the organisation that keeps the requirement. Enrolments
are personal data of professionals: reads of a run's participants are audited.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Q, QuerySet
from django.http import Http404

from infohus.accounts.models import Membership
from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.training.models import Course, CourseRun, Enrolment, Requirement


def training_organisations(user: Any) -> QuerySet[Membership, int]:
    """Ids of the organisations the user trains for (a subquery)."""
    return organisations_with(user, Capability.TRAIN)


def courses_for(user: Any) -> QuerySet[Course]:
    return Course.objects.filter(organisation_id__in=training_organisations(user))


def runs_for(user: Any) -> QuerySet[CourseRun]:
    """Runs of the user's organisations' courses, and runs the user is named a trainer on (while
    they hold the capability to train somewhere)."""
    if not getattr(user, "is_authenticated", False):
        return CourseRun.objects.none()
    organisations = training_organisations(user)
    named = CourseRun.trainers.through.objects.filter(user=user).values("courserun_id")
    return CourseRun.objects.filter(Q(course__organisation_id__in=organisations)
                                    | (Q(pk__in=named) & Q(Exists(organisations))))


def requirements_for(user: Any) -> QuerySet[Requirement]:
    return Requirement.objects.filter(organisation_id__in=training_organisations(user))


def course_access(user: Any, pk: int) -> Course:
    """A course of the user's organisations, or 404 (a catalogue entry holds no personal data)."""
    course = courses_for(user).select_related("organisation").filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def run_access(user: Any, pk: int, *, purpose: str, audit: bool = True) -> CourseRun:
    """A run the user trains on, or 404 (audited both ways: the run page lists participants)."""
    run = runs_for(user).select_related("course__organisation", "questionnaire").filter(pk=pk).first()
    if run is None:
        record_event(action="training.run_refused", actor=user, object_type="course_run", object_id=pk,
                     purpose=purpose)
        raise Http404
    if audit:
        record_event(action="training.run_viewed", actor=user, object_type="course_run", object_id=pk,
                     purpose=purpose)
    return run


@dataclass(frozen=True)
class EnrolmentAccess:
    enrolment: Enrolment
    as_trainer: bool  # False: the participant reading their own enrolment


def enrolment_access(user: Any, run_pk: int, pk: int, *, purpose: str) -> EnrolmentAccess:
    """An enrolment of a run the user trains on, or the user's own; otherwise 404 (audited)."""
    enrolment = (Enrolment.objects.select_related("run__course__organisation", "run__questionnaire", "user")
                 .filter(pk=pk, run_id=run_pk).first())
    as_trainer = enrolment is not None and runs_for(user).filter(pk=run_pk).exists()
    own = enrolment is not None and getattr(user, "is_authenticated", False) and enrolment.user_id == user.pk
    if not (as_trainer or own):
        record_event(action="training.enrolment_refused", actor=user, object_type="enrolment", object_id=pk,
                     purpose=purpose, details={"run": run_pk})
        raise Http404
    assert enrolment is not None
    record_event(action="training.enrolment_viewed", actor=user, object_type="enrolment", object_id=pk,
                 purpose=purpose, details={"run": run_pk, "own": not as_trainer})
    return EnrolmentAccess(enrolment=enrolment, as_trainer=as_trainer)


def requirement_access(user: Any, pk: int) -> Requirement:
    requirement = requirements_for(user).select_related("organisation").filter(pk=pk).first()
    if requirement is None:
        raise Http404
    return requirement
