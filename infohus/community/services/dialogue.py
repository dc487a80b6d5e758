"""Writing dialogue meetings, their topics and follow-ups, and outreach events.

Everything is kept by one organisation and written by its community coordinators. A meeting's
partners are that organisation's partners; the authorities that took part are organisations on
the platform, plus others in words. A topic may come from an ambassador's report of the same
organisation. A follow-up has an owner (a coordinator of the organisation, or someone named in
words) and is not due before its meeting. An outreach event's evaluations are counted by answer
(1-5) and cannot add up to more than the attendees.

`plan_meeting` and `add_topic` are public: the ambassadors' inbox takes a report into a dialogue
meeting through them. Edits are optimistic (StaleEdit, from services/partners.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import CAPABILITIES, Capability
from infohus.audit.services import record_event
from infohus.community.models import DialogueMeeting, FollowUp, OutreachEvent, Partner, PeerReport, Topic
from infohus.community.services.partners import require_keeper
from infohus.core.concurrency import StaleEdit

PURPOSE = "community dialogue"
# How far ahead a meeting may be planned or an outreach event recorded.
MAX_AHEAD = timedelta(days=365)
ANSWERS = ("1", "2", "3", "4", "5")


def _audit(action: str, actor: User, obj: Model, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type=obj._meta.model_name or "", object_id=obj.pk,
                 purpose=PURPOSE, details=details)


def coordinators_of(organisation_id: int) -> QuerySet[User]:
    """Users with an active role that does community work in the organisation."""
    roles = [role.value for role, caps in CAPABILITIES.items() if Capability.COMMUNITY in caps]
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True,
                                         organisation__is_active=True).values("user_id"))


# --- meetings -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingData:
    held_on: date | None
    place: str = ""
    partners: tuple[Partner, ...] = ()
    community_participants: str = ""
    authorities: tuple[Organisation, ...] = ()
    other_authorities: str = ""
    status: str = DialogueMeeting.Status.PLANNED
    agreed: str = ""


def _check_meeting(data: MeetingData, *, organisation_id: int, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.held_on is None:
        errors["held_on"] = _("Give the date of the meeting.")
    elif data.held_on > today + MAX_AHEAD:
        errors["held_on"] = _("A meeting can be planned at most a year ahead.")
    if data.status not in DialogueMeeting.Status.values:
        errors["status"] = _("Choose whether the meeting is planned, held or cancelled.")
    elif data.status == DialogueMeeting.Status.HELD and data.held_on is not None and data.held_on > today:
        errors["status"] = _("A meeting on a date in the future cannot have been held yet.")
    if any(p.organisation_id != organisation_id for p in data.partners):
        errors["partners"] = _("Choose partners that your organisation keeps.")
    if any(not o.is_active for o in data.authorities):
        errors["authorities"] = _("Choose authorities that are active on the platform.")
    if errors:
        raise ValidationError(errors)
    return {"held_on": data.held_on, "place": data.place.strip(),
            "community_participants": data.community_participants.strip(),
            "other_authorities": data.other_authorities.strip(), "status": data.status, "agreed": data.agreed.strip()}


@transaction.atomic
def create_meeting(*, actor: User, organisation: Organisation, data: MeetingData) -> DialogueMeeting:
    """A dialogue meeting kept by `organisation`: planned, or recorded after it was held."""
    require_keeper(actor, organisation.pk)
    fields = _check_meeting(data, organisation_id=organisation.pk, today=timezone.localdate())
    meeting = DialogueMeeting.objects.create(organisation=organisation, created_by=actor, **fields)
    meeting.partners.set(data.partners)
    meeting.authorities.set(data.authorities)
    action = ("community.meeting_planned" if meeting.status == DialogueMeeting.Status.PLANNED
              else "community.meeting_recorded")
    _audit(action, actor, meeting, organisation=organisation.pk, status=meeting.status,
           partners=sorted(p.pk for p in data.partners))
    return meeting


def plan_meeting(*, actor: User, organisation: Organisation, held_on: date, place: str = "",
                 partners: Iterable[Partner] = ()) -> DialogueMeeting:
    """Plan a dialogue meeting (audited as "community.meeting_planned"); ValidationError for a
    date more than a year ahead or a partner of another organisation."""
    return create_meeting(actor=actor, organisation=organisation,
                          data=MeetingData(held_on=held_on, place=place, partners=tuple(partners)))


@transaction.atomic
def update_meeting(*, actor: User, meeting: DialogueMeeting, expected_version: int,
                   data: MeetingData) -> DialogueMeeting:
    """Change a meeting; StaleEdit if it changed since `expected_version` was read."""
    require_keeper(actor, meeting.organisation_id)
    fields = _check_meeting(data, organisation_id=meeting.organisation_id, today=timezone.localdate())
    locked = DialogueMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != expected_version:
        raise StaleEdit(locked)
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    partners = {p.pk for p in data.partners}
    if set(locked.partners.values_list("pk", flat=True)) != partners:
        changed.append("partners")
        locked.partners.set(data.partners)
    if set(locked.authorities.values_list("pk", flat=True)) != {o.pk for o in data.authorities}:
        changed.append("authorities")
        locked.authorities.set(data.authorities)
    if changed:
        DialogueMeeting.objects.filter(pk=locked.pk).update(version=F("version") + 1, **fields)
        _audit("community.meeting_updated", actor, locked, changed=sorted(changed))
    locked.refresh_from_db()
    return locked


# --- topics and follow-ups -----------------------------------------------------------------------------

def _report_organisation_id(report: PeerReport) -> int:
    return (PeerReport.objects.filter(pk=report.pk)
            .values_list("ambassador__participant__cohort__organisation_id", flat=True).get())


@transaction.atomic
def add_topic(*, actor: User, meeting: DialogueMeeting, title: str, notes: str = "",
              peer_report: PeerReport | None = None) -> Topic:
    """A topic on the meeting's agenda, possibly from an ambassador's report of the same
    organisation (audited as "community.topic_added", without the title or notes)."""
    require_keeper(actor, meeting.organisation_id)
    if meeting.status == DialogueMeeting.Status.CANCELLED:
        raise ValidationError(_("The meeting was cancelled: add the topic to another meeting."))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the topic a title.")
    if peer_report is not None and _report_organisation_id(peer_report) != meeting.organisation_id:
        errors["peer_report"] = _("The report belongs to another organisation's ambassadors.")
    if errors:
        raise ValidationError(errors)
    topic = Topic.objects.create(meeting=meeting, title=title.strip(), notes=notes.strip(), peer_report=peer_report,
                                 added_by=actor)
    _audit("community.topic_added", actor, topic, meeting=meeting.pk,
           peer_report=peer_report.pk if peer_report is not None else None)
    return topic


@transaction.atomic
def add_follow_up(*, actor: User, meeting: DialogueMeeting, what: str, due_on: date | None,
                  owner: User | None = None, owner_name: str = "") -> FollowUp:
    """What is to be done after the meeting, by whom and when. The owner is a coordinator of the
    organisation or someone named in words (one of the two); it is not due before the meeting."""
    require_keeper(actor, meeting.organisation_id)
    errors: dict[str, str] = {}
    owner_name = owner_name.strip()
    if not what.strip():
        errors["what"] = _("Say what is to be done.")
    if owner is None and not owner_name:
        errors["owner"] = _("Choose an owner: a coordinator, or name someone outside the platform.")
    elif owner is not None and owner_name:
        errors["owner_name"] = _("Choose a coordinator or name someone outside the platform, not both.")
    elif owner is not None and not coordinators_of(meeting.organisation_id).filter(pk=owner.pk).exists():
        errors["owner"] = _("The owner must be a community coordinator of the organisation.")
    if due_on is None:
        errors["due_on"] = _("Give a due date.")
    elif due_on < meeting.held_on:
        errors["due_on"] = _("A follow-up cannot be due before the meeting (%(day)s).") % {
            "day": meeting.held_on.isoformat()}
    if errors or due_on is None:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.create(meeting=meeting, what=what.strip(), owner=owner, owner_name=owner_name,
                                        due_on=due_on, created_by=actor)
    _audit("community.follow_up_added", actor, follow_up, meeting=meeting.pk,
           owner=owner.pk if owner is not None else None, due_on=due_on)
    return follow_up


@transaction.atomic
def mark_follow_up_done(*, actor: User, follow_up: FollowUp, done_on: date | None = None) -> FollowUp:
    """Mark a follow-up done (today unless told); refused if it is done already."""
    require_keeper(actor, follow_up.meeting.organisation_id)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A follow-up cannot be done on a date in the future.")})
    updated = FollowUp.objects.filter(pk=follow_up.pk, done_on__isnull=True).update(done_on=done_on, done_by=actor)
    if not updated:
        raise ValidationError(_("This follow-up was already marked done."))
    _audit("community.follow_up_done", actor, follow_up, meeting=follow_up.meeting_id, done_on=done_on)
    follow_up.refresh_from_db()
    return follow_up


# --- outreach events -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventData:
    held_on: date | None
    kind: str
    audience: str
    title: str
    place: str = ""
    attendees: int | None = None
    # Evaluations returned by answer to "How useful was it?": {"1": n, ..., "5": n}.
    evaluation_counts: Mapping[str, int | None] = field(default_factory=dict)
    evaluation_summary: str = ""


def _check_event(data: EventData, *, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.held_on is None:
        errors["held_on"] = _("Give the date of the event.")
    elif data.held_on > today + MAX_AHEAD:
        errors["held_on"] = _("An event can be recorded at most a year ahead.")
    if data.kind not in OutreachEvent.Kind.values:
        errors["kind"] = _("Choose a presentation or a workshop.")
    if data.audience not in OutreachEvent.Audience.values:
        errors["audience"] = _("Choose who the event was for.")
    if not data.title.strip():
        errors["title"] = _("Give the event a title.")
    if data.attendees is not None and data.attendees < 0:
        errors["attendees"] = _("The number of attendees cannot be negative.")
    unknown = set(data.evaluation_counts) - set(ANSWERS)
    if unknown:
        errors["evaluation_counts"] = _("Evaluations are counted by the answers 1 to 5 only.")
    counts: dict[str, int] = {}
    for answer in ANSWERS:
        value = data.evaluation_counts.get(answer)
        if value is None:
            continue
        if value < 0:
            errors[f"answer_{answer}"] = _("A number of evaluations cannot be negative.")
        elif value:
            counts[answer] = value
    returned = sum(counts.values())
    future = data.held_on is not None and data.held_on > today
    if future and (data.attendees or returned):
        errors["attendees"] = _("The event is in the future: attendees and evaluations are recorded once it "
                                "has been held.")
    elif data.attendees is not None and data.attendees >= 0 and returned > data.attendees:
        errors["attendees"] = _("The evaluations returned (%(returned)d) add up to more than the attendees "
                                "(%(attendees)d).") % {"returned": returned, "attendees": data.attendees}
    if errors:
        raise ValidationError(errors)
    return {"held_on": data.held_on, "kind": data.kind, "audience": data.audience, "title": data.title.strip(),
            "place": data.place.strip(), "attendees": data.attendees, "evaluation_counts": counts,
            "evaluation_summary": data.evaluation_summary.strip()}


@transaction.atomic
def create_event(*, actor: User, organisation: Organisation, data: EventData) -> OutreachEvent:
    """An outreach event (a presentation or a workshop) kept by `organisation`."""
    require_keeper(actor, organisation.pk)
    fields = _check_event(data, today=timezone.localdate())
    event = OutreachEvent.objects.create(organisation=organisation, created_by=actor, **fields)
    _audit("community.outreach_recorded", actor, event, organisation=organisation.pk)
    return event


@transaction.atomic
def update_event(*, actor: User, event: OutreachEvent, expected_version: int, data: EventData) -> OutreachEvent:
    """Change an outreach event; StaleEdit if it changed since `expected_version` was read."""
    require_keeper(actor, event.organisation_id)
    fields = _check_event(data, today=timezone.localdate())
    locked = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    if locked.version != expected_version:
        raise StaleEdit(locked)
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    if changed:
        OutreachEvent.objects.filter(pk=locked.pk).update(version=F("version") + 1, **fields)
        _audit("community.outreach_updated", actor, locked, changed=changed)
    locked.refresh_from_db()
    return locked
