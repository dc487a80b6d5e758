"""Ambassadors' reports: a need in their peer group, or a worry about someone, and what the
coordinators do with it.

An ambassador reports from their own page. The report reaches the inbox of their organisation's
community coordinators; opening it marks it read. A coordinator then takes it to a dialogue meeting
(as a topic, through the dialogue services), passes it on to the desk as a concern (only a
professional who may submit concerns; the concern is made by `submit_concern` of the cases app and
the report keeps only its id), or closes it. Each way writes a reply for the ambassador: what
happens next. The ambassador never sees the concern, the meeting or the topic.

The report's text is never put in the audit trail. Handling is optimistic: the caller passes the
version it saw, and a report handled by someone else meanwhile raises StaleEdit with its current
state; nothing is changed then.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Organisation, User
from infohus.audit.services import record_event
from infohus.cases.models import Concern
from infohus.cases.services.concerns import ConcernError, ConcernFacts, submit_concern
from infohus.community.models import Ambassador, DialogueMeeting, PeerReport, Topic
from infohus.community.services import dialogue
from infohus.community.services.cohorts import day
from infohus.community.services.partners import require_keeper
from infohus.core.concurrency import StaleEdit

PURPOSE = "ambassadors' reports"
TEXT_MAX = 5_000
REPLY_MAX = 2_000
S = PeerReport.Status
# A report still waiting for a coordinator to decide what happens with it.
OPEN = (S.NEW, S.READ)
# A report may be closed while open or after its dialogue meeting; one passed to the desk stays so.
CLOSABLE = (S.NEW, S.READ, S.DIALOGUE)


def _audit(actor: User, action: str, report: PeerReport, **details: object) -> None:
    record_event(action=action, actor=actor, object_type="peerreport", object_id=report.pk, purpose=PURPOSE,
                 details=details)


def organisation_id_of(report: PeerReport) -> int:
    return report.ambassador.participant.cohort.organisation_id


def default_desk_reply() -> str:
    return _("Thank you for telling us. A professional has passed what you reported on to the Info house, where the "
             "police and the municipality decide what happens next. You will not hear about the person, because "
             "that is confidential. If someone is in immediate danger, call 112.")


def default_close_reply() -> str:
    return _("Thank you for telling us. We have read your report and will not take further steps on it now. If "
             "something changes, report it again or talk to your coordinator.")


def dialogue_reply(held_on: date) -> str:
    return _("Thank you for telling us. What you reported will be raised at a dialogue meeting on %(day)s. Your "
             "coordinator can tell you what comes of it.") % {"day": day(held_on)}


# --- the ambassador reports ------------------------------------------------------------------------

@transaction.atomic
def submit_report(*, actor: User, ambassador: Ambassador, kind: str, text: str,
                  someone_at_risk: bool = False) -> PeerReport:
    """An ambassador's own report of a need in their peer group or a worry about someone."""
    if ambassador.user_id is None or ambassador.user_id != actor.pk or ambassador.ended_on is not None:
        raise PermissionDenied(_("Only the ambassador reports from their own page."))
    errors: dict[str, str] = {}
    if kind not in PeerReport.Kind.values:
        errors["kind"] = _("Choose whether it is a need in your peer group or a worry about someone.")
    if not text.strip():
        errors["text"] = _("Write what you heard.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Keep it to %(max)d characters.") % {"max": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    report = PeerReport.objects.create(ambassador=ambassador, kind=kind, text=text.strip(),
                                       someone_at_risk=someone_at_risk, reported_by=actor)
    _audit(actor, "community.report_submitted", report, ambassador=ambassador.pk, kind=kind,
           someone_at_risk=someone_at_risk)
    return report


# --- the coordinators handle it ------------------------------------------------------------------------

def mark_read(*, actor: User, report: PeerReport) -> bool:
    """A new report opened by a coordinator becomes read (without changing its version, so that
    forms opened by others stay valid). True when it was new."""
    require_keeper(actor, organisation_id_of(report))
    with transaction.atomic():
        changed = PeerReport.objects.filter(pk=report.pk, status=S.NEW).update(status=S.READ) == 1
        if changed:
            report.status = S.READ
            _audit(actor, "community.report_read", report)
    return changed


def _locked_open(report: PeerReport, version: int, allowed: tuple[str, ...] = OPEN) -> PeerReport:
    locked = (PeerReport.objects.select_for_update(of=("self",))
              .select_related("ambassador__participant__cohort").get(pk=report.pk))
    if locked.version != version:
        raise StaleEdit(locked)
    if locked.status not in allowed:
        raise ValidationError(_("This report has already been handled: %(status)s.") % {
            "status": locked.get_status_display()})
    return locked


def _check_reply(reply: str) -> str:
    if not reply.strip():
        raise ValidationError({"reply": _("Tell the ambassador what happens next.")})
    if len(reply) > REPLY_MAX:
        raise ValidationError({"reply": _("Keep the reply to %(max)d characters.") % {"max": REPLY_MAX}})
    return reply.strip()


def _handled(report: PeerReport, actor: User, status: str, reply: str, **fields: object) -> None:
    report.status, report.reply, report.handled_by, report.handled_at = status, reply, actor, timezone.now()
    for name, value in fields.items():
        setattr(report, name, value)
    report.version += 1
    report.save(update_fields=["status", "reply", "handled_by", "handled_at", "version", *fields])


@transaction.atomic
def take_to_dialogue(*, actor: User, report: PeerReport, version: int, title: str, notes: str = "",
                     meeting: DialogueMeeting | None = None, new_meeting_on: date | None = None,
                     place: str = "") -> Topic:
    """Raise the report at a dialogue meeting of its organisation: an upcoming planned one, or a new
    one planned on a date. The report becomes a topic; the ambassador is told the meeting's date."""
    organisation_id = organisation_id_of(report)
    require_keeper(actor, organisation_id)
    locked = _locked_open(report, version)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if (meeting is None) == (new_meeting_on is None):
        errors["meeting"] = _("Choose an upcoming meeting, or give the date of a new one (one of the two).")
    elif meeting is not None and (meeting.organisation_id != organisation_id
                                  or meeting.status != DialogueMeeting.Status.PLANNED or meeting.held_on < today):
        errors["meeting"] = _("Choose an upcoming planned meeting of your organisation.")
    elif new_meeting_on is not None and new_meeting_on < today:
        errors["new_meeting_on"] = _("A new meeting cannot be in the past: give a date from today on.")
    if not title.strip():
        errors["title"] = _("Give the topic a title, without names.")
    if errors:
        raise ValidationError(errors)
    if meeting is None:
        assert new_meeting_on is not None
        meeting = dialogue.plan_meeting(actor=actor, organisation=Organisation.objects.get(pk=organisation_id),
                                        held_on=new_meeting_on, place=place)
    topic = dialogue.add_topic(actor=actor, meeting=meeting, title=title, notes=notes, peer_report=locked)
    _handled(locked, actor, S.DIALOGUE, dialogue_reply(meeting.held_on))
    _audit(actor, "community.report_to_dialogue", locked, meeting=meeting.pk, topic=topic.pk,
           new_meeting=new_meeting_on is not None)
    report.status, report.version, report.reply = locked.status, locked.version, locked.reply
    return topic


@transaction.atomic
def pass_to_desk(*, actor: User, report: PeerReport, version: int, facts: ConcernFacts, reply: str) -> Concern:
    """A professional of the organisation (who may submit concerns) reports a concern to the desk from
    the report. The report keeps only the concern's id; the ambassador reads the reply."""
    organisation_id = organisation_id_of(report)
    require_keeper(actor, organisation_id)
    locked = _locked_open(report, version)
    reply = _check_reply(reply)
    organisation = Organisation.objects.get(pk=organisation_id)
    try:
        concern = submit_concern(reporter=actor, organisation=organisation, facts=facts)
    except PermissionDenied:
        raise PermissionDenied(_("Only a professional who may submit concerns passes a report on to the desk.")) \
            from None
    except ConcernError as error:
        raise ValidationError(str(error)) from None
    _handled(locked, actor, S.DESK, reply, concern_id=concern.pk)
    _audit(actor, "community.report_to_desk", locked, concern=concern.pk)
    report.status, report.version, report.reply, report.concern_id = (locked.status, locked.version, locked.reply,
                                                                        concern.pk)
    return concern


@transaction.atomic
def close_report(*, actor: User, report: PeerReport, version: int, reply: str) -> PeerReport:
    """Close a report with a reply to the ambassador (not one passed on to the desk)."""
    require_keeper(actor, organisation_id_of(report))
    locked = _locked_open(report, version, CLOSABLE)
    _handled(locked, actor, S.CLOSED, _check_reply(reply))
    _audit(actor, "community.report_closed", locked)
    return locked
