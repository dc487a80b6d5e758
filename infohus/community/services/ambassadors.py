"""The ambassador programme: a young participant of a cohort becomes an ambassador, completes the
programme's modules, is marked ready to act by a coordinator, and then logs activities (peer
conversations, presentations, events).

The coordinators of the cohort's organisation write all of it; an ambassador with an account logs
their own activities. Readiness is a coordinator's decision, possible only once every module of the
programme is done; it is not a judgement computed by the platform. Audit rows never carry an
activity's note.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, User
from infohus.accounts.roles import CAPABILITIES, Capability
from infohus.audit.services import record_event
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    AmbassadorModule,
    AmbassadorModuleDone,
    YouthParticipant,
)
from infohus.community.services.cohorts import day
from infohus.community.services.partners import require_keeper
from infohus.core.concurrency import StaleEdit

PURPOSE = "ambassador programme"
NOTE_MAX = 2_000
MAX_PEOPLE_REACHED = 10_000


def _audit(actor: User, action: str, ambassador: Ambassador, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type="ambassador", object_id=ambassador.pk, purpose=PURPOSE,
                 details=details)


def ambassador_accounts(organisation_id: int) -> QuerySet[User]:
    """Users who act as youth ambassadors (role with AMBASSADOR) in the organisation and are not yet
    linked to an ambassador record."""
    roles = [role.value for role, caps in CAPABILITIES.items() if Capability.AMBASSADOR in caps]
    return User.objects.filter(
        is_active=True, ambassador__isnull=True,
        pk__in=Membership.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True,
                                         organisation__is_active=True).values("user_id"))


def organisation_of(ambassador: Ambassador) -> int:
    return ambassador.participant.cohort.organisation_id


def missing_modules(ambassador: Ambassador) -> list[AmbassadorModule]:
    """The programme's modules the ambassador has not completed, in the programme's order."""
    done = set(AmbassadorModuleDone.objects.filter(ambassador=ambassador).values_list("module", flat=True))
    return [module for module in AmbassadorModule if module.value not in done]


@transaction.atomic
def start_ambassador(*, actor: User, participant: YouthParticipant, started_on: date,
                     user: User | None = None) -> Ambassador:
    """Make a current participant of a cohort an ambassador, optionally linking the account they sign
    in with (an ambassador of the same organisation, not linked to anyone else)."""
    organisation_id = participant.cohort.organisation_id
    require_keeper(actor, organisation_id)
    errors: dict[str, str] = {}
    if Ambassador.objects.filter(participant=participant).exists():
        raise ValidationError(_("%(name)s is already an ambassador.") % {"name": participant})
    if participant.left_on is not None:
        raise ValidationError(_("%(name)s left the cohort on %(day)s; only a current participant can become an "
                                "ambassador.") % {"name": participant, "day": day(participant.left_on)})
    if started_on > timezone.localdate():
        errors["started_on"] = _("The start cannot be in the future: record it on the day it begins.")
    elif started_on < participant.joined_on:
        errors["started_on"] = _("%(name)s cannot start as an ambassador before joining the cohort (%(day)s).") % {
            "name": participant, "day": day(participant.joined_on)}
    if user is not None and not ambassador_accounts(organisation_id).filter(pk=user.pk).exists():
        errors["user"] = _("%(account)s is not a youth ambassador of this organisation without an ambassador "
                           "record.") % {"account": user.get_full_name() or user.get_username()}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            ambassador = Ambassador.objects.create(participant=participant, user=user, started_on=started_on)
    except IntegrityError:  # the same participant or account linked at the same moment
        raise ValidationError(_("%(name)s is already an ambassador, or the account is linked to another "
                                "ambassador.") % {"name": participant}) from None
    _audit(actor, "community.ambassador_started", ambassador, participant=participant.pk,
           account=user.pk if user is not None else None)
    return ambassador


@transaction.atomic
def record_module_done(*, actor: User, ambassador: Ambassador, module: str, completed_on: date) -> AmbassadorModuleDone:
    """A module of the ambassador programme completed."""
    require_keeper(actor, organisation_of(ambassador))
    errors: dict[str, str] = {}
    if module not in AmbassadorModule.values:
        errors["module"] = _("Choose a module of the ambassador programme.")
    elif AmbassadorModuleDone.objects.filter(ambassador=ambassador, module=module).exists():
        errors["module"] = _("%(name)s has already completed “%(module)s”.") % {
            "name": ambassador, "module": AmbassadorModule(module).label}
    if completed_on > timezone.localdate():
        errors["completed_on"] = _("A module cannot be completed in the future.")
    elif completed_on < ambassador.started_on:
        errors["completed_on"] = _("A module cannot be completed before the ambassador started (%(day)s).") % {
            "day": day(ambassador.started_on)}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            done = AmbassadorModuleDone.objects.create(ambassador=ambassador, module=module,
                                                       completed_on=completed_on, recorded_by=actor)
    except IntegrityError:
        raise ValidationError({"module": _("%(name)s has already completed “%(module)s”.") % {
            "name": ambassador, "module": AmbassadorModule(module).label}}) from None
    _audit(actor, "community.ambassador_module_done", ambassador, module=module)
    return done


@transaction.atomic
def mark_ready(*, actor: User, ambassador: Ambassador, version: int, ready_on: date | None = None) -> Ambassador:
    """The coordinator marks the ambassador ready to act; refused until every module is done."""
    require_keeper(actor, organisation_of(ambassador))
    locked = Ambassador.objects.select_for_update().select_related("participant").get(pk=ambassador.pk)
    if locked.version != version:
        raise StaleEdit(locked)
    if locked.ended_on is not None:
        raise ValidationError(_("%(name)s is no longer an ambassador.") % {"name": locked})
    if locked.ready_on is not None:
        raise ValidationError(_("%(name)s has been ready to act since %(day)s.") % {
            "name": locked, "day": day(locked.ready_on)})
    missing = missing_modules(locked)
    if missing:
        raise ValidationError(_("%(name)s is not ready to act until every module is done. Still to do: "
                                "%(modules)s.") % {"name": locked,
                                                   "modules": "; ".join(str(m.label) for m in missing)})
    locked.ready_on = ready_on or timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["ready_on", "version"])
    _audit(actor, "community.ambassador_ready", locked)
    return locked


@transaction.atomic
def log_activity(*, actor: User, ambassador: Ambassador, kind: str, held_on: date, people_reached: int,
                 note: str = "") -> AmbassadorActivity:
    """An activity of a ready ambassador, logged by a coordinator or by the ambassador themself.
    The note is about what happened, without names."""
    own = ambassador.user_id is not None and ambassador.user_id == actor.pk
    if not own:
        require_keeper(actor, organisation_of(ambassador))
    if ambassador.ended_on is not None:
        raise PermissionDenied(_("This ambassador's work has ended."))
    if ambassador.ready_on is None:
        raise ValidationError(_("Activities can be logged once the ambassador is ready to act: the coordinator "
                                "marks that when every module of the programme is done."))
    errors: dict[str, str] = {}
    if kind not in AmbassadorActivity.Kind.values:
        errors["kind"] = _("Choose what kind of activity it was.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("An activity cannot be logged before it happens: the date is in the future.")
    if not 1 <= people_reached <= MAX_PEOPLE_REACHED:
        errors["people_reached"] = _("Give the number of young people reached, from 1 to %(max)d.") % {
            "max": MAX_PEOPLE_REACHED}
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note to %(max)d characters.") % {"max": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    activity = AmbassadorActivity.objects.create(ambassador=ambassador, kind=kind, held_on=held_on,
                                                 people_reached=people_reached, note=note.strip(), logged_by=actor)
    _audit(actor, "community.activity_logged", ambassador, activity=activity.pk, kind=kind,
           people_reached=people_reached, by_the_ambassador=own)
    return activity
