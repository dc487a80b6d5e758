"""Course runs: planning a run with its days or blocks, enrolling and withdrawing participants,
recording attendance, and completing a run with its certificates.

Each write checks that the actor works on the run (selectors/access.py decides), refuses bad input
with a ValidationError naming the field, and writes its audit row in the same transaction. Places
are counted under a row lock on the run, so two trainers enrolling at once cannot overfill it.
Enrolments are personal data of professionals: their audit rows carry ids, never names.

Completion is a fact of attendance: present at every day or block of the run. Nothing here judges
or ranks a participant.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.audit.services import record_event
from infohus.core.concurrency import StaleEdit
from infohus.training.models import Attendance, Course, CourseRun, Enrolment, RunUnit, UnitKind
from infohus.training.selectors.access import runs_for
from infohus.training.selectors.runs import person_name, trainer_candidates, unit_name
from infohus.training.services.courses import require_trainer

MAX_CAPACITY = 1000
MAX_COST = Decimal("9999999999.99")
TEXT_MAX = 200
PURPOSE = "training run"


def _day(value: date) -> str:
    return value.isoformat()


def _require_run(actor: User, run: CourseRun) -> None:
    if not runs_for(actor).filter(pk=run.pk).exists():
        raise PermissionDenied(_("Only the trainers of the run may change it."))


def _audit(run: CourseRun, actor: User, action: str, *, object_type: str = "course_run", object_id: Any = None,
           **details: Any) -> None:
    record_event(action=action, actor=actor, object_type=object_type,
                 object_id=run.pk if object_id is None else object_id, purpose=PURPOSE,
                 details={"run": run.pk, **details} if object_type != "course_run" else details)


# --- planning a run --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunData:
    starts_on: date
    ends_on: date
    capacity: int
    cost: Decimal = Decimal(0)
    place: str = ""
    cost_note: str = ""
    trainers: tuple[User, ...] = ()
    # One date per day, block or session of the course; None for the defaults.
    unit_dates: tuple[date, ...] | None = None
    status: str = CourseRun.Status.PLANNED


def default_unit_dates(course: Course, starts_on: date, ends_on: date) -> list[date]:
    """Days and sessions on consecutive days from the start (several on the last day if the run is
    shorter); blocks spread evenly from the first day to the last."""
    count = course.units
    if ends_on < starts_on:
        return [starts_on] * count
    span = (ends_on - starts_on).days
    if course.unit_kind == UnitKind.BLOCK and count > 1:
        return [starts_on + timedelta(days=round(i * span / (count - 1))) for i in range(count)]
    return [min(starts_on + timedelta(days=i), ends_on) for i in range(count)]


def _check_run(course: Course, data: RunData, *, enrolled: int = 0) -> tuple[dict[str, Any], list[date]]:
    """The run's fields as stored and its unit dates, or ValidationError with a message per field."""
    errors: dict[str, str] = {}
    dates_known = data.ends_on >= data.starts_on
    if not dates_known:
        errors["ends_on"] = _("The run cannot end before it starts (%(start)s).") % {"start": _day(data.starts_on)}
    if data.capacity < 1:
        errors["capacity"] = _("Give at least 1 place.")
    elif data.capacity > MAX_CAPACITY:
        errors["capacity"] = _("Give at most %(max)d places.") % {"max": MAX_CAPACITY}
    elif data.capacity < enrolled:
        errors["capacity"] = _("%(enrolled)d people are enrolled already, so the run needs at least %(enrolled)d "
                               "places. Withdraw someone first to make it smaller.") % {"enrolled": enrolled}
    if data.cost < 0:
        errors["cost"] = _("The cost cannot be negative.")
    elif data.cost > MAX_COST:
        errors["cost"] = _("The cost is too large.")
    eligible = set(trainer_candidates(course).values_list("pk", flat=True))
    outside = [person_name(t) for t in data.trainers if t.pk not in eligible]
    if outside:
        errors["trainers"] = _("%(names)s cannot be named: a trainer needs a training role in %(organisation)s.") % {
            "names": ", ".join(outside), "organisation": course.organisation}
    if data.status not in CourseRun.Status.values:
        errors["status"] = _("Choose a status from the list.")
    for name, text in (("place", data.place), ("cost_note", data.cost_note)):
        if len(text.strip()) > TEXT_MAX:
            errors[name] = _("Keep this to %(max)d characters.") % {"max": TEXT_MAX}
    dates = list(data.unit_dates) if data.unit_dates is not None else default_unit_dates(
        course, data.starts_on, data.ends_on)
    if len(dates) != course.units:
        errors["unit_dates"] = _("A run of this course has %(units)d days, blocks or sessions: give one date for "
                                 "each (%(given)d given).") % {"units": course.units, "given": len(dates)}
    elif dates_known:
        for number, day in enumerate(dates, start=1):
            name = unit_name(course.unit_kind, number)
            if not data.starts_on <= day <= data.ends_on:
                errors[f"unit_{number}"] = _("%(unit)s (%(day)s) is outside the run, which is from %(start)s to "
                                             "%(end)s.") % {"unit": name, "day": _day(day),
                                                            "start": _day(data.starts_on), "end": _day(data.ends_on)}
            elif number > 1 and day < dates[number - 2]:
                errors[f"unit_{number}"] = _("%(unit)s (%(day)s) cannot come before %(previous)s.") % {
                    "unit": name, "day": _day(day), "previous": unit_name(course.unit_kind, number - 1)}
    if errors:
        raise ValidationError(errors)
    fields = {"starts_on": data.starts_on, "ends_on": data.ends_on, "place": data.place.strip(),
              "capacity": data.capacity, "cost": data.cost, "cost_note": data.cost_note.strip(),
              "status": data.status}
    return fields, dates


@transaction.atomic
def create_run(*, actor: User, course: Course, data: RunData) -> CourseRun:
    """A run of a course, with its days or blocks (the defaults unless dates are given)."""
    require_trainer(actor, course.organisation)
    if not course.is_active:
        raise ValidationError(_("The course is no longer offered: offer it again before planning a run."))
    fields, dates = _check_run(course, data)
    run = CourseRun.objects.create(course=course, created_by=actor, **fields)
    run.trainers.set(data.trainers)
    RunUnit.objects.bulk_create(RunUnit(run=run, number=n, held_on=day) for n, day in enumerate(dates, start=1))
    _audit(run, actor, "training.run_created", course=course.pk, units=len(dates))
    return run


@transaction.atomic
def update_run(*, actor: User, run: CourseRun, expected_version: int, data: RunData) -> CourseRun:
    """Change a run: its dates, place, trainers, places, cost, status and the dates of its days or
    blocks. Refused if someone saved it since `expected_version` was read."""
    _require_run(actor, run)
    locked = CourseRun.objects.select_for_update(of=("self",)).select_related("course__organisation").get(pk=run.pk)
    if locked.version != expected_version:
        raise StaleEdit(locked)
    enrolled = Enrolment.objects.filter(run=locked, status=Enrolment.Status.ENROLLED).count()
    fields, dates = _check_run(locked.course, data, enrolled=enrolled)
    units = list(RunUnit.objects.filter(run=locked).order_by("number"))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    present_at = set(Attendance.objects.filter(unit__run=locked, present=True).values_list("unit_id", flat=True))
    for unit, day in zip(units, dates, strict=False):
        if day > today and unit.pk in present_at:
            errors[f"unit_{unit.number}"] = _("%(unit)s has participants marked present: it cannot move to a date in "
                                              "the future.") % {"unit": unit_name(locked.course.unit_kind, unit.number)}
    certified = Enrolment.objects.filter(run=locked).exclude(certificate_number="").exists()
    if certified and fields["status"] == CourseRun.Status.CANCELLED:
        errors["status"] = _("Certificates were issued for this run: it cannot be cancelled.")
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    before = set(locked.trainers.values_list("pk", flat=True))
    after = {t.pk for t in data.trainers}
    if before != after:
        locked.trainers.set(data.trainers)
        changed.append("trainers")
    moved = [u for u, day in zip(units, dates, strict=False) if u.held_on != day]
    for unit in moved:
        unit.held_on = dates[unit.number - 1]
    if moved:
        RunUnit.objects.bulk_update(moved, ["held_on"])
        changed.append("unit_dates")
    if changed:
        locked.version += 1
        locked.save(update_fields=[n for n in changed if n in fields] + ["version"])
        _audit(locked, actor, "training.run_updated", changed=sorted(changed))
    return locked


# --- enrolment ---------------------------------------------------------------------------------------

def _lock_open_run(actor: User, run: CourseRun) -> CourseRun:
    """The run, locked for the rest of the transaction, unless it was cancelled."""
    _require_run(actor, run)
    locked = CourseRun.objects.select_for_update(of=("self",)).select_related("course__organisation").get(pk=run.pk)
    if locked.status == CourseRun.Status.CANCELLED:
        raise ValidationError(_("The run was cancelled: nobody can be enrolled on it."))
    return locked


def _check_place(run: CourseRun) -> None:
    taken = Enrolment.objects.filter(run=run, status=Enrolment.Status.ENROLLED).count()
    if taken >= run.capacity:
        raise ValidationError(_("The run is full: %(taken)d of %(capacity)d places are taken.") % {
            "taken": taken, "capacity": run.capacity})


def find_user(identifier: str) -> User:
    """An active user by username or e-mail address (either exact, case aside)."""
    text = identifier.strip()
    if not text:
        raise ValidationError({"participant": _("Give the participant's username or e-mail address.")})
    active = User.objects.filter(is_active=True)
    by_name = active.filter(username__iexact=text).first()
    if by_name is not None:
        return by_name
    by_email = list(active.filter(email__iexact=text)[:2])
    if len(by_email) > 1:
        raise ValidationError({"participant": _("Several users have that e-mail address: give the username.")})
    if not by_email:
        raise ValidationError({"participant": _("No active user of the platform has that username or e-mail "
                                                "address. Someone not on the platform is enrolled as an external "
                                                "participant.")})
    return by_email[0]


def _membership_for(user: User, organisation: Organisation | None) -> Membership:
    memberships = Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
    if organisation is not None:
        chosen = memberships.filter(organisation=organisation).select_related("organisation").first()
        if chosen is None:
            raise ValidationError({"organisation": _("%(name)s has no active membership of %(organisation)s.") % {
                "name": person_name(user), "organisation": organisation}})
        return chosen
    first = memberships.select_related("organisation").order_by("pk").first()
    if first is None:
        raise ValidationError({"participant": _("%(name)s has no active membership of an organisation. Enrol them "
                                                "as an external participant with their organisation.") % {
            "name": person_name(user)}})
    return first


@transaction.atomic
def enrol_user(*, actor: User, run: CourseRun, user: User, organisation: Organisation | None = None) -> Enrolment:
    """A place for a platform user, for the organisation of the membership chosen (else their first
    active one). Someone who withdrew earlier takes a place again on the same row."""
    locked = _lock_open_run(actor, run)
    membership = _membership_for(user, organisation)
    existing = Enrolment.objects.filter(run=locked, user=user).first()
    if existing is not None and existing.status == Enrolment.Status.ENROLLED:
        raise ValidationError({"participant": _("%(name)s is already enrolled on this run.") % {
            "name": person_name(user)}})
    _check_place(locked)
    org = membership.organisation
    values = {"name": person_name(user)[:TEXT_MAX], "email": user.email, "organisation": org,
              "organisation_name": org.name, "organisation_kind": org.kind, "status": Enrolment.Status.ENROLLED,
              "enrolled_by": actor}
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(values))
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(run=locked, user=user, **values)
    _audit(locked, actor, "training.enrolled", object_type="enrolment", object_id=enrolment.pk, external=False,
           organisation_kind=org.kind, again=existing is not None)
    return enrolment


@dataclass(frozen=True)
class ExternalParticipant:
    name: str
    organisation_name: str
    organisation_kind: str
    email: str = ""


def _check_external(person: ExternalParticipant) -> dict[str, str]:
    errors: dict[str, str] = {}
    name, org, email = person.name.strip(), person.organisation_name.strip(), person.email.strip()
    if not name:
        errors["name"] = _("Give the participant's name.")
    elif len(name) > TEXT_MAX:
        errors["name"] = _("Keep this to %(max)d characters.") % {"max": TEXT_MAX}
    if not org:
        errors["organisation_name"] = _("Give the organisation the participant comes from.")
    elif len(org) > TEXT_MAX:
        errors["organisation_name"] = _("Keep this to %(max)d characters.") % {"max": TEXT_MAX}
    if person.organisation_kind not in Organisation.Kind.values:
        errors["organisation_kind"] = _("Choose the kind of organisation from the list.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "organisation_name": org, "organisation_kind": person.organisation_kind, "email": email}


@transaction.atomic
def enrol_external(*, actor: User, run: CourseRun, person: ExternalParticipant) -> Enrolment:
    """A place for someone not on the platform, with their organisation and its kind."""
    values = _check_external(person)
    locked = _lock_open_run(actor, run)
    twice = Enrolment.objects.filter(run=locked, status=Enrolment.Status.ENROLLED, user__isnull=True,
                                     name__iexact=values["name"],
                                     organisation_name__iexact=values["organisation_name"]).exists()
    if twice:
        raise ValidationError({"name": _("%(name)s of %(organisation)s is already enrolled on this run.") % {
            "name": values["name"], "organisation": values["organisation_name"]}})
    _check_place(locked)
    enrolment = Enrolment.objects.create(run=locked, enrolled_by=actor, **values)
    _audit(locked, actor, "training.enrolled", object_type="enrolment", object_id=enrolment.pk, external=True,
           organisation_kind=enrolment.organisation_kind, again=False)
    return enrolment


@transaction.atomic
def withdraw(*, actor: User, run: CourseRun, enrolment: Enrolment) -> Enrolment:
    """Free the place. Attendance already recorded stays; a completed enrolment cannot be withdrawn."""
    _require_run(actor, run)
    CourseRun.objects.select_for_update().filter(pk=run.pk).first()
    locked = Enrolment.objects.select_for_update().filter(pk=enrolment.pk, run_id=run.pk).first()
    if locked is None:
        raise ValidationError(_("That person is not enrolled on this run."))
    if locked.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(_("%(name)s has already withdrawn from the run.") % {"name": locked.name})
    if locked.completed_on is not None:
        raise ValidationError(_("%(name)s completed the run and holds certificate %(number)s: a completed "
                                "enrolment cannot be withdrawn.") % {"name": locked.name,
                                                                     "number": locked.certificate_number})
    locked.status = Enrolment.Status.WITHDRAWN
    locked.save(update_fields=["status"])
    _audit(run, actor, "training.withdrawn", object_type="enrolment", object_id=locked.pk)
    return locked


# --- attendance ---------------------------------------------------------------------------------------

@transaction.atomic
def record_attendance(*, actor: User, run: CourseRun, enrolment_ids: Iterable[int],
                      present: Iterable[tuple[int, int]]) -> int:
    """Attendance for the participants on the sheet: present at the (enrolment, unit) pairs given,
    absent at every other day or block already held. Refused as a whole, nothing saved, when a
    participant is not enrolled on the run (another run's, withdrawn, or none), a unit is not the
    run's, someone is marked present at a unit still to come, or a certificate holder would be
    marked absent. Returns the number of marks that changed."""
    _require_run(actor, run)
    locked = CourseRun.objects.select_for_update(of=("self",)).select_related("course").get(pk=run.pk)
    if locked.status == CourseRun.Status.CANCELLED:
        raise ValidationError(_("The run was cancelled: no attendance can be recorded."))
    marks = set(present)
    sheet = set(enrolment_ids) | {enrolment_id for enrolment_id, _unit in marks}
    enrolments = {e.pk: e for e in Enrolment.objects.filter(pk__in=sheet)}
    units = {u.pk: u for u in RunUnit.objects.filter(run=locked)}
    today = timezone.localdate()
    kind = locked.course.unit_kind
    errors: list[str] = []
    for pk in sorted(sheet):
        e = enrolments.get(pk)
        if e is None or e.run_id != locked.pk:
            errors.append(_("Attendance was sent for someone who is not enrolled on this run (enrolment %(id)d).")
                          % {"id": pk})
        elif e.status == Enrolment.Status.WITHDRAWN:
            errors.append(_("%(name)s has withdrawn from the run: their attendance cannot be recorded.")
                          % {"name": e.name})
    foreign = sorted({unit for _e, unit in marks if unit not in units})
    for pk in foreign:
        errors.append(_("Attendance was sent for a day or block that is not part of this run (%(id)d).")
                      % {"id": pk})
    future = sorted({units[unit] for _e, unit in marks if unit in units and units[unit].held_on > today},
                    key=lambda u: u.number)
    for unit in future:
        errors.append(_("%(unit)s is on %(day)s, in the future: nobody can be marked present for it yet.")
                      % {"unit": unit_name(kind, unit.number), "day": _day(unit.held_on)})
    held = [u for u in sorted(units.values(), key=lambda u: u.number) if u.held_on <= today]
    for pk in sorted(sheet):
        e = enrolments.get(pk)
        if e is not None and e.run_id == locked.pk and e.completed_on is not None:
            absent = [u for u in held if (pk, u.pk) not in marks]
            if absent:
                errors.append(_("%(name)s holds certificate %(number)s: their attendance cannot be changed to "
                                "absent (%(units)s).") % {
                    "name": e.name, "number": e.certificate_number,
                    "units": ", ".join(unit_name(kind, u.number) for u in absent)})
    if errors:
        raise ValidationError(errors)
    existing = {(a.enrolment_id, a.unit_id): a for a in Attendance.objects.filter(enrolment_id__in=sheet,
                                                                                  unit__run=locked)}
    new: list[Attendance] = []
    changed: list[Attendance] = []
    for pk in sheet:
        for unit in held:
            is_present = (pk, unit.pk) in marks
            row = existing.get((pk, unit.pk))
            if row is None:
                new.append(Attendance(enrolment_id=pk, unit=unit, present=is_present, recorded_by=actor))
            elif row.present != is_present:
                row.present, row.recorded_by = is_present, actor
                changed.append(row)
    Attendance.objects.bulk_create(new)
    now = timezone.now()
    for row in changed:
        row.recorded_at = now
    Attendance.objects.bulk_update(changed, ["present", "recorded_by", "recorded_at"])
    _audit(locked, actor, "training.attendance_recorded", enrolments=sorted(sheet), marked_present=len(marks),
           changed=len(new) + len(changed))
    return len(new) + len(changed)


# --- completion and certificates ---------------------------------------------------------------------

@dataclass(frozen=True)
class Completion:
    completed: list[Enrolment]  # newly completed by this call
    not_completed: list[Enrolment]


def certificate_number(enrolment: Enrolment, completed_on: date) -> str:
    """Unique, since the enrolment's number is; nothing about the person in it."""
    return f"IH-{completed_on:%Y}-{enrolment.pk:06d}"


@transaction.atomic
def complete_run(*, actor: User, run: CourseRun) -> Completion:
    """Once every day or block is held: those enrolled and present at every one complete the run on
    its last day and get a certificate number; the run becomes held. Run again after attendance is
    corrected, it completes those who now qualify and leaves issued certificates as they are."""
    _require_run(actor, run)
    locked = CourseRun.objects.select_for_update(of=("self",)).select_related("course").get(pk=run.pk)
    if locked.status == CourseRun.Status.CANCELLED:
        raise ValidationError(_("The run was cancelled: it cannot be completed."))
    units = list(RunUnit.objects.filter(run=locked).order_by("number"))
    today = timezone.localdate()
    ahead = [u for u in units if u.held_on > today]
    if ahead:
        raise ValidationError(_("The run is not over: %(unit)s is on %(day)s. Complete it after its last day.") % {
            "unit": unit_name(locked.course.unit_kind, ahead[0].number), "day": _day(ahead[0].held_on)})
    last_day = max(u.held_on for u in units)
    enrolled = list(Enrolment.objects.filter(run=locked, status=Enrolment.Status.ENROLLED).order_by("name", "pk"))
    present = set(Attendance.objects.filter(enrolment__run=locked, present=True).values_list("enrolment_id",
                                                                                             "unit_id"))
    now = timezone.now()
    completed, not_completed = [], []
    for e in enrolled:
        if e.completed_on is not None:
            continue
        if all((e.pk, u.pk) in present for u in units):
            e.completed_on, e.certificate_number, e.certificate_issued_at = (
                last_day, certificate_number(e, last_day), now)
            completed.append(e)
        else:
            not_completed.append(e)
    Enrolment.objects.bulk_update(completed, ["completed_on", "certificate_number", "certificate_issued_at"])
    CourseRun.objects.filter(pk=locked.pk).update(status=CourseRun.Status.HELD, version=F("version") + 1)
    _audit(locked, actor, "training.run_completed", completed=[e.pk for e in completed],
           not_completed=len(not_completed))
    return Completion(completed=completed, not_completed=not_completed)


def audit_certificate(*, actor: Any, enrolment: Enrolment, own: bool) -> None:
    """The print of a certificate (its read is audited by enrolment_access)."""
    record_event(action="training.certificate_printed", actor=actor, object_type="enrolment",
                 object_id=enrolment.pk, purpose="training certificate",
                 details={"run": enrolment.run_id, "own": own})

