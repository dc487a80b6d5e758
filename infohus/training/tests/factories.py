"""Factories for the training tests. Each builds rows directly (not through the services), so
that a test of one service does not depend on another. Names are stable: other modules import
them."""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.training.models import (
    Attendance,
    Course,
    CourseKind,
    CourseRun,
    Enrolment,
    Requirement,
    RunUnit,
    UnitKind,
)

_serial = itertools.count(1)


def centre() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.NATIONAL_CENTRE)


def make_course(*, organisation: Organisation | None = None, kind: str = CourseKind.PSP, units: int = 2,
                created_by: User, **fields: Any) -> Course:
    values: dict[str, Any] = {"title": f"Kursus {next(_serial)}", "unit_kind": UnitKind.DAY, "duration": ""}
    values.update(fields)
    return Course.objects.create(organisation=organisation or centre(), kind=kind, units=units,
                                 created_by=created_by, **values)


def make_run(course: Course, *, starts_on: date | None = None, capacity: int = 20, cost: Decimal | int = 0,
             trainers: tuple[User, ...] = (), status: str = CourseRun.Status.PLANNED, **fields: Any) -> CourseRun:
    """A run with one unit per day of the course, on consecutive days from `starts_on` (default:
    a month ago, so that attendance can be recorded)."""
    start = starts_on or timezone.localdate() - timedelta(days=30)
    run = CourseRun.objects.create(course=course, starts_on=start, ends_on=start + timedelta(days=course.units - 1),
                                   capacity=capacity, cost=Decimal(cost), status=status,
                                   created_by=fields.pop("created_by", course.created_by), **fields)
    run.trainers.set(trainers)
    RunUnit.objects.bulk_create(RunUnit(run=run, number=n, held_on=start + timedelta(days=n - 1))
                                for n in range(1, course.units + 1))
    return run


def make_enrolment(run: CourseRun, user: User | None = None, *, name: str = "", completed_on: date | None = None,
                   organisation: Organisation | None = None, organisation_kind: str = "",
                   **fields: Any) -> Enrolment:
    """A platform user (their first membership's organisation) or an external participant."""
    if user is not None and organisation is None:
        membership = user.memberships.order_by("pk").first()
        organisation = membership.organisation if membership else None
    org_name = organisation.name if organisation else fields.pop("organisation_name", "Ekstern forening")
    kind = organisation_kind or (organisation.kind if organisation else Organisation.Kind.NGO)
    return Enrolment.objects.create(
        run=run, user=user, name=name or (user.get_full_name() if user else f"Deltager {next(_serial)}"),
        organisation=organisation, organisation_name=org_name, organisation_kind=kind,
        enrolled_by=fields.pop("enrolled_by", run.created_by), completed_on=completed_on, **fields)


def attend(enrolment: Enrolment, *, present: bool = True, units: list[int] | None = None) -> None:
    """Mark the enrolment present (or absent) at the given unit numbers (default: all)."""
    for unit in enrolment.run.units.all():
        if units is None or unit.number in units:
            Attendance.objects.update_or_create(enrolment=enrolment, unit=unit,
                                                defaults={"present": present, "recorded_by": enrolment.enrolled_by})


def make_requirement(*, created_by: User, organisation: Organisation | None = None, **fields: Any) -> Requirement:
    """Default: every prison or probation institution has a resource person, who completes a
    resource-person course or follow-up every six months."""
    values: dict[str, Any] = {
        "name": "Ressourcepersoner i fængsler og frivilligt",
        "role": Role.RESOURCE_PERSON,
        "organisation_kind": Organisation.Kind.PRISON_PROBATION,
        "minimum_per_organisation": 1,
        "satisfied_by": [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP],
        "interval_months": 6,
        "remind_days_before": 30,
    }
    values.update(fields)
    return Requirement.objects.create(organisation=organisation or centre(), created_by=created_by, **values)
