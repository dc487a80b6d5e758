"""Writing youth cohorts: the cohort, its modules, its young participants, their attendance at the
modules, and each young person's own goals with the progress they and the coordinator agreed.

A cohort is kept by one organisation and written only by its community coordinators. A young
person joins only with consent, and under 18 (on the day consent was given) only with a parent's
or guardian's consent naming them. Attendance is recorded only for the cohort's own participants,
and not for modules held after someone left. Nothing here scores or ranks a young person: the
progress of a goal is the words the young person and the coordinator agreed on.

Audit rows name the record and the fields that changed, never names, goals or notes. Edits are
optimistic: the caller passes the version it saw, and a save after someone else's raises StaleEdit
with the current row; nothing is changed then.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Organisation, User
from infohus.audit.services import record_event
from infohus.community.models import (
    CohortModule,
    GoalProgress,
    ModuleAttendance,
    Progress,
    YouthCohort,
    YouthGoal,
    YouthParticipant,
)
from infohus.community.services.partners import require_keeper
from infohus.core.concurrency import StaleEdit

PURPOSE = "youth cohorts"
TEXT_MAX = 5_000
ADULT_AGE = 18


def day(value: date) -> str:
    return f"{value:%Y-%m-%d}"


def age_on(birth_date: date, on: date) -> int:
    """Full years of age on a day."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _audit(actor: User, action: str, obj: Model, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type=obj._meta.model_name or "", object_id=obj.pk,
                 purpose=PURPOSE, details=details)


def _changed(row: Model, fields: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in fields.items() if getattr(row, name) != value)


def _locked_at_version[M: Model](model: type[M], pk: int, version: int) -> M:
    row = model._default_manager.select_for_update().get(pk=pk)
    if row.version != version:  # type: ignore[attr-defined]
        raise StaleEdit(row)
    return row


def _save_version(row: Model, changed: list[str]) -> None:
    row.version = F("version") + 1  # type: ignore[attr-defined]
    row.save(update_fields=[*changed, "version"])
    row.refresh_from_db(fields=["version"])


# --- cohorts ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CohortData:
    programme: str
    name: str
    starts_on: date
    ends_on: date
    place: str = ""


def _check_cohort(data: CohortData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not data.programme.strip():
        errors["programme"] = _("Give the programme the cohort takes.")
    if not data.name.strip():
        errors["name"] = _("Give the cohort a name.")
    if data.ends_on < data.starts_on:
        errors["ends_on"] = _("The cohort cannot end before it starts: it starts on %(start)s.") % {
            "start": day(data.starts_on)}
    if errors:
        raise ValidationError(errors)
    return {"programme": data.programme.strip(), "name": data.name.strip(), "starts_on": data.starts_on,
            "ends_on": data.ends_on, "place": data.place.strip()}


@transaction.atomic
def create_cohort(*, actor: User, organisation: Organisation, data: CohortData) -> YouthCohort:
    """A new cohort kept by the organisation the coordinator works for."""
    require_keeper(actor, organisation.pk)
    cohort = YouthCohort.objects.create(organisation=organisation, created_by=actor, **_check_cohort(data))
    _audit(actor, "community.cohort_created", cohort)
    return cohort


@transaction.atomic
def update_cohort(*, actor: User, cohort: YouthCohort, data: CohortData, version: int) -> YouthCohort:
    """Change a cohort. Its dates must still hold every dated module."""
    require_keeper(actor, cohort.organisation_id)
    fields = _check_cohort(data)
    locked = _locked_at_version(YouthCohort, cohort.pk, version)
    outside = (CohortModule.objects.filter(cohort=locked, held_on__isnull=False)
               .exclude(held_on__range=(data.starts_on, data.ends_on)).order_by("number").first())
    if outside is not None:
        raise ValidationError({"starts_on" if outside.held_on and outside.held_on < data.starts_on else "ends_on": _(
            "Module %(module)s is held on %(day)s, outside these dates. Change the module's date first.") % {
            "module": outside, "day": day(outside.held_on) if outside.held_on else ""}})
    changed = _changed(locked, fields)
    if changed:
        for name, value in fields.items():
            setattr(locked, name, value)
        _save_version(locked, changed)
        _audit(actor, "community.cohort_updated", locked, changed=changed)
    return locked


@transaction.atomic
def add_module(*, actor: User, cohort: YouthCohort, number: int, title: str, held_on: date | None) -> CohortModule:
    """A module of the cohort's programme, numbered once per cohort, dated within the cohort."""
    require_keeper(actor, cohort.organisation_id)
    errors: dict[str, str] = {}
    if number < 1:
        errors["number"] = _("Number the modules from 1.")
    elif CohortModule.objects.filter(cohort=cohort, number=number).exists():
        errors["number"] = _("The cohort already has a module number %(number)d.") % {"number": number}
    if not title.strip():
        errors["title"] = _("Give the module a title.")
    if held_on is not None and not cohort.starts_on <= held_on <= cohort.ends_on:
        errors["held_on"] = _("The module must be held while the cohort runs, from %(start)s to %(end)s.") % {
            "start": day(cohort.starts_on), "end": day(cohort.ends_on)}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            module = CohortModule.objects.create(cohort=cohort, number=number, title=title.strip(), held_on=held_on)
    except IntegrityError:  # the same number added at the same moment
        raise ValidationError({"number": _("The cohort already has a module number %(number)d.")
                               % {"number": number}}) from None
    record_event(action="community.module_added", actor=actor, object_type="youthcohort", object_id=cohort.pk,
                 purpose=PURPOSE, details={"module": module.pk, "number": number})
    return module


# --- young participants ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParticipantData:
    first_name: str
    last_name: str
    birth_date: date
    joined_on: date
    consent_given_on: date
    consent_by: str
    parent_name: str = ""
    left_on: date | None = None


def _check_participant(data: ParticipantData, *, today: date) -> dict[str, Any]:
    """The participant's fields as stored, or ValidationError with a message at each field."""
    errors: dict[str, str] = {}
    first, last, parent = data.first_name.strip(), data.last_name.strip(), data.parent_name.strip()
    if not first:
        errors["first_name"] = _("Give the young person's first name.")
    if not last:
        errors["last_name"] = _("Give the young person's last name.")
    if data.birth_date > today:
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    if data.consent_given_on > today:
        errors["consent_given_on"] = _("The consent date cannot be in the future: record the consent once it is "
                                       "given.")
    elif data.consent_given_on < data.birth_date:
        errors["consent_given_on"] = _("The consent date cannot be before the date of birth.")
    if data.consent_by not in YouthParticipant.ConsentBy.values:
        errors["consent_by"] = _("Say who gave the consent.")
    elif "birth_date" not in errors and "consent_given_on" not in errors:
        age = age_on(data.birth_date, data.consent_given_on)
        if age < ADULT_AGE and data.consent_by != YouthParticipant.ConsentBy.PARENT:
            errors["consent_by"] = _(
                "%(name)s was %(age)d on the day consent was given (%(day)s). Under 18, a parent or guardian must "
                "consent: choose “A parent or guardian” and give their name.") % {
                "name": f"{first} {last}".strip() or _("The young person"), "age": age,
                "day": day(data.consent_given_on)}
    if data.consent_by == YouthParticipant.ConsentBy.PARENT and not parent:
        errors["parent_name"] = _("Give the name of the parent or guardian who consented.")
    if "consent_given_on" not in errors and data.joined_on < data.consent_given_on:
        errors["joined_on"] = _("A young person joins only with consent: the date they joined cannot be before "
                                "the consent date (%(day)s).") % {"day": day(data.consent_given_on)}
    if data.left_on is not None:
        if data.left_on < data.joined_on:
            errors["left_on"] = _("The date they left cannot be before the date they joined.")
        elif data.left_on > today:
            errors["left_on"] = _("The date they left cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return {"first_name": first, "last_name": last, "birth_date": data.birth_date, "joined_on": data.joined_on,
            "consent_given_on": data.consent_given_on, "consent_by": data.consent_by,
            "parent_name": parent if data.consent_by == YouthParticipant.ConsentBy.PARENT else "",
            "left_on": data.left_on}


@transaction.atomic
def add_participant(*, actor: User, cohort: YouthCohort, data: ParticipantData) -> YouthParticipant:
    """A young person joins the cohort, with consent (a parent's under 18)."""
    require_keeper(actor, cohort.organisation_id)
    fields = _check_participant(data, today=timezone.localdate())
    participant = YouthParticipant.objects.create(cohort=cohort, created_by=actor, **fields)
    _audit(actor, "community.participant_added", participant, cohort=cohort.pk, consent_by=participant.consent_by)
    return participant


@transaction.atomic
def update_participant(*, actor: User, participant: YouthParticipant, data: ParticipantData,
                       version: int) -> YouthParticipant:
    """Change a young participant's record (the same rules as joining)."""
    require_keeper(actor, participant.cohort.organisation_id)
    fields = _check_participant(data, today=timezone.localdate())
    locked = _locked_at_version(YouthParticipant, participant.pk, version)
    changed = _changed(locked, fields)
    if changed:
        for name, value in fields.items():
            setattr(locked, name, value)
        _save_version(locked, changed)
        _audit(actor, "community.participant_updated", locked, changed=changed)
    return locked


# --- attendance ------------------------------------------------------------------------------------------

def attendance_refusal(participant: YouthParticipant, module: CohortModule) -> str:
    """Why attendance cannot be recorded for this participant at this module ("" when it can)."""
    if participant.left_on is None:
        return ""
    if module.held_on is None:
        return _("%(name)s left the cohort on %(left)s, and module %(module)s has no date yet.") % {
            "name": participant, "left": day(participant.left_on), "module": module}
    if module.held_on > participant.left_on:
        return _("%(name)s left the cohort on %(left)s, before module %(module)s was held (%(day)s).") % {
            "name": participant, "left": day(participant.left_on), "module": module, "day": day(module.held_on)}
    return ""


@transaction.atomic
def record_attendance(*, actor: User, cohort: YouthCohort, cells: Iterable[tuple[int, int]],
                      present: Iterable[tuple[int, int]]) -> int:
    """Record the grid: each (participant, module) cell in `cells` is present when it is in
    `present`, absent otherwise. Every cell must be a participant of this cohort who had not left
    when the module was held; one bad cell refuses the whole grid, naming it. Returns the number of
    cells recorded."""
    require_keeper(actor, cohort.organisation_id)
    ticked = set(present)
    wanted = set(cells) | ticked
    participants = {p.pk: p for p in YouthParticipant.objects.filter(cohort=cohort)}
    modules = {m.pk: m for m in CohortModule.objects.filter(cohort=cohort)}
    problems: list[str] = []
    for participant_pk, module_pk in sorted(wanted):
        participant, module = participants.get(participant_pk), modules.get(module_pk)
        if participant is None:
            problems.append(_("Participant no. %(pk)d is not in this cohort: their attendance cannot be recorded.")
                            % {"pk": participant_pk})
        elif module is None:
            problems.append(_("Module no. %(pk)d is not a module of this cohort.") % {"pk": module_pk})
        else:
            reason = attendance_refusal(participant, module)
            if reason:
                problems.append(_("%(reason)s Their attendance cannot be recorded.") % {"reason": reason})
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
    existing = {(a.participant_id, a.module_id): a
                for a in ModuleAttendance.objects.filter(module__cohort=cohort)}
    new, changed = [], []
    for key in sorted(wanted):
        is_present = key in ticked
        row = existing.get(key)
        if row is None:
            new.append(ModuleAttendance(participant_id=key[0], module_id=key[1], present=is_present,
                                        recorded_by=actor))
        elif row.present != is_present:
            row.present, row.recorded_by, row.recorded_at = is_present, actor, timezone.now()
            changed.append(row)
    ModuleAttendance.objects.bulk_create(new)
    ModuleAttendance.objects.bulk_update(changed, ["present", "recorded_by", "recorded_at"])
    if new or changed:
        record_event(action="community.attendance_recorded", actor=actor, object_type="youthcohort",
                     object_id=cohort.pk, purpose=PURPOSE,
                     details={"participants": sorted({a.participant_id for a in [*new, *changed]}),
                              "new": len(new), "changed": len(changed)})
    return len(new) + len(changed)


# --- goals and progress ------------------------------------------------------------------------------------

@transaction.atomic
def add_goal(*, actor: User, participant: YouthParticipant, text: str, set_on: date) -> YouthGoal:
    """A goal for active citizenship, in the young person's own words."""
    require_keeper(actor, participant.cohort.organisation_id)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Write the goal in the young person's own words.")
    if set_on > timezone.localdate():
        errors["set_on"] = _("A goal cannot be set in the future: give the day it was agreed.")
    elif set_on < participant.joined_on:
        errors["set_on"] = _("The goal cannot be set before %(name)s joined the cohort (%(day)s).") % {
            "name": participant, "day": day(participant.joined_on)}
    if errors:
        raise ValidationError(errors)
    goal = YouthGoal.objects.create(participant=participant, text=text.strip(), set_on=set_on, recorded_by=actor)
    record_event(action="community.goal_added", actor=actor, object_type="youthparticipant",
                 object_id=participant.pk, purpose=PURPOSE, details={"goal": goal.pk})
    return goal


@transaction.atomic
def add_progress(*, actor: User, goal: YouthGoal, noted_on: date, progress: str, note: str = "") -> GoalProgress:
    """How far the goal has come, as the young person and the coordinator agreed on the day."""
    require_keeper(actor, goal.participant.cohort.organisation_id)
    errors: dict[str, str] = {}
    if progress not in Progress.values:
        errors["progress"] = _("Choose how far the goal has come.")
    if noted_on > timezone.localdate():
        errors["noted_on"] = _("Progress cannot be noted in the future: give the day you talked about it.")
    elif noted_on < goal.set_on:
        errors["noted_on"] = _("Progress cannot be noted before the goal was set (%(day)s).") % {
            "day": day(goal.set_on)}
    if len(note) > TEXT_MAX:
        errors["note"] = _("Keep the note to %(max)d characters.") % {"max": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    row = GoalProgress.objects.create(goal=goal, noted_on=noted_on, progress=progress, note=note.strip(),
                                      recorded_by=actor)
    record_event(action="community.progress_noted", actor=actor, object_type="youthparticipant",
                 object_id=goal.participant_id, purpose=PURPOSE,
                 details={"goal": goal.pk, "progress_note": row.pk, "progress": progress})
    return row
