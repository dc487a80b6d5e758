"""The course catalogue: trainers add and change the courses of their organisations.

A catalogue entry holds no personal data; its writes are audited all the same, so that the trail
shows who changed what the runs are built on. Edits are optimistic: the caller passes the version
it saw, and a save over someone else's is refused with StaleEdit, nothing changed.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infohus.accounts.models import Organisation, User
from infohus.audit.services import record_event
from infohus.core.concurrency import StaleEdit
from infohus.training.models import Course, CourseKind, UnitKind
from infohus.training.selectors.access import training_organisations

MIN_UNITS, MAX_UNITS = 1, 30
TITLE_MAX = 200


@dataclass(frozen=True)
class KindDefaults:
    units: int
    unit_kind: str
    duration: Any  # a lazy translation


# What a new course of each kind starts from (the trainer may change every value).
KIND_DEFAULTS: dict[str, KindDefaults] = {
    CourseKind.PSP: KindDefaults(2, UnitKind.DAY, gettext_lazy("2 days")),
    CourseKind.RESOURCE_PERSON: KindDefaults(3, UnitKind.DAY, gettext_lazy("2–5 days")),
    CourseKind.RESOURCE_PERSON_FOLLOW_UP: KindDefaults(1, UnitKind.DAY, gettext_lazy("1–2 days, twice a year")),
    CourseKind.AWARENESS: KindDefaults(1, UnitKind.SESSION, gettext_lazy("1.5 hours at a staff meeting")),
    CourseKind.MENTOR_METHOD: KindDefaults(3, UnitKind.BLOCK, gettext_lazy("6 days in three blocks of two days")),
    CourseKind.SPECIALISED: KindDefaults(1, UnitKind.DAY, gettext_lazy("1 day")),
    CourseKind.OTHER: KindDefaults(1, UnitKind.DAY, ""),
}


@dataclass(frozen=True)
class CourseData:
    kind: str
    title: str
    units: int
    unit_kind: str
    description: str = ""
    duration: str = ""
    is_active: bool = True


def require_trainer(actor: User, organisation: Organisation) -> None:
    if not training_organisations(actor).filter(organisation_id=organisation.pk).exists():
        raise PermissionDenied(_("Only the trainers of %(organisation)s keep its courses.")
                               % {"organisation": organisation})


def _check(data: CourseData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = data.title.strip()
    if not title:
        errors["title"] = _("Give the course a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title to %(max)d characters.") % {"max": TITLE_MAX}
    if data.kind not in CourseKind.values:
        errors["kind"] = _("Choose a kind of course from the list.")
    if not MIN_UNITS <= data.units <= MAX_UNITS:
        errors["units"] = _("Give from %(low)d to %(high)d days, blocks or sessions.") % {
            "low": MIN_UNITS, "high": MAX_UNITS}
    if data.unit_kind not in UnitKind.values:
        errors["unit_kind"] = _("Choose whether attendance is taken per day, block or session.")
    if errors:
        raise ValidationError(errors)
    return {"kind": data.kind, "title": title, "units": data.units, "unit_kind": data.unit_kind,
            "description": data.description.strip(), "duration": data.duration.strip(), "is_active": data.is_active}


def _audit(course: Course, actor: User, action: str, **details: Any) -> None:
    record_event(action=action, actor=actor, organisation=course.organisation, object_type="course",
                 object_id=course.pk, purpose="training catalogue", details=details)


@transaction.atomic
def create_course(*, actor: User, organisation: Organisation, data: CourseData) -> Course:
    """A new entry of the catalogue of one of the actor's organisations."""
    require_trainer(actor, organisation)
    fields = _check(data)
    course = Course.objects.create(organisation=organisation, created_by=actor, **fields)
    _audit(course, actor, "training.course_created", kind=course.kind)
    return course


@transaction.atomic
def update_course(*, actor: User, course: Course, expected_version: int, data: CourseData) -> Course:
    """Change an entry of the catalogue. The number of days or blocks and what they are stay as
    they are once the course has runs (the runs' attendance is taken for them)."""
    require_trainer(actor, course.organisation)
    fields = _check(data)
    locked = Course.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=course.pk)
    if locked.version != expected_version:
        raise StaleEdit(locked)
    if locked.runs.exists():
        errors = {}
        if fields["units"] != locked.units:
            errors["units"] = _("The course has runs, planned with %(units)d days, blocks or sessions each: the "
                                "number cannot change. Add a new course for a different length.") % {
                "units": locked.units}
        if fields["unit_kind"] != locked.unit_kind:
            errors["unit_kind"] = _("The course has runs whose attendance is taken per %(kind)s: this cannot "
                                    "change.") % {"kind": locked.get_unit_kind_display()}
        if errors:
            raise ValidationError(errors)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, fields[name])
        Course.objects.filter(pk=locked.pk).update(version=F("version") + 1, **{n: fields[n] for n in changed})
        locked.version += 1
        _audit(locked, actor, "training.course_updated", changed=sorted(changed))
    return locked
