"""The ambassador programme in the desk's API: the coordinators' ambassadors (start, modules,
readiness, activities), an ambassador's own record, activities and reports, and the coordinators'
inbox of reports with the three ways to handle one.

Who, as on the pages (views_ambassadors.py): the community coordinators (COMMUNITY) of the
organisation that keeps the ambassador's cohort (404 for another organisation's, audited); an
ambassador (AMBASSADOR) reads and writes only their own record, through `own_ambassador` (404
without one). Passing a report on to the desk as a concern also needs SUBMIT_CONCERN (a
professional). Lists of ambassadors or reports audit what they show; the inbox shows what a report
is about, never its text, which only the report itself shows (and opening it marks it read). The
ambassador never sees the concern, the meeting or the topic a report became.
"""

from datetime import date, datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import User
from infohus.accounts.permissions import has_capability, require_capability
from infohus.accounts.roles import Capability
from infohus.api.errors import ApiError
from infohus.api.fields import Day, Id, VersionSeen, one_of, path_id, text
from infohus.api.schemas import ErrorOut, Input, Paging, page_of, page_schema
from infohus.community.api_fields import READ, WRITE, CommunityPersonRef, coordinator, person_ref
from infohus.community.forms_ambassadors import ConcernForm
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    AmbassadorModule,
    AmbassadorModuleDone,
    PeerReport,
)
from infohus.community.selectors import ambassadors as reads
from infohus.community.selectors.access import own_ambassador
from infohus.community.selectors.cohorts import get_participant
from infohus.community.services import ambassadors as services
from infohus.community.services import reports as report_services

router = Router()


# --- what is sent ----------------------------------------------------------------------------------

class YouthCohortRef(Schema):
    id: int
    name: str


class AmbassadorListOut(Schema):
    id: int
    participant: int
    name: str
    cohort: YouthCohortRef
    account: str | None = Field(description="The username the ambassador signs in with, if they have one")
    started_on: date
    ready_on: date | None
    ended_on: date | None
    modules_done: int
    activities: int
    open_reports: int


class AmbassadorModuleLineOut(Schema):
    module: str
    label: str
    completed_on: date | None


class AmbassadorActivityOut(Schema):
    id: int
    kind: str
    held_on: date
    people_reached: int
    note: str = Field(description="What happened, without names")


class PeerReportLineOut(Schema):
    id: int
    kind: str
    status: str
    someone_at_risk: bool
    reported_at: datetime


class AmbassadorOut(Schema):
    """A young participant trained as an ambassador: modules done, readiness, activities."""

    id: int
    participant: int
    name: str
    cohort: YouthCohortRef
    account: CommunityPersonRef | None
    started_on: date
    ready_on: date | None = Field(description="Marked ready to act by a coordinator once every module is done")
    ended_on: date | None
    version: int
    modules: list[AmbassadorModuleLineOut] = Field(
        description="The programme's modules in order, with when each was done")
    activities: list[AmbassadorActivityOut] = Field(description="The latest activities (50 at most)")
    activity_count: int
    people_reached: int
    reports: list[PeerReportLineOut] = Field(description="What the ambassador reported and its status, not its text")


class OwnPeerReportOut(Schema):
    id: int
    kind: str
    text: str
    someone_at_risk: bool
    reported_at: datetime
    status: str
    reply: str = Field(description="What happens next, written for the ambassador")


class OwnAmbassadorOut(Schema):
    """The ambassador's own record: their modules, activities and reports with the replies."""

    id: int
    name: str
    cohort: YouthCohortRef
    started_on: date
    ready_on: date | None
    modules: list[AmbassadorModuleLineOut]
    activities: list[AmbassadorActivityOut]
    activity_count: int
    people_reached: int
    reports: list[OwnPeerReportOut]


class AmbassadorModuleDoneOut(Schema):
    module: str
    label: str
    completed_on: date


class PeerReportInboxOut(Schema):
    """A report in the inbox: what it is about and its status, never its text."""

    id: int
    kind: str
    status: str
    someone_at_risk: bool
    reported_at: datetime
    ambassador: int
    ambassador_name: str


class DialogueTopicRef(Schema):
    id: int
    title: str
    meeting: int
    meeting_held_on: date


class PeerReportOut(Schema):
    """An ambassador's report, as the coordinator reads it."""

    id: int
    ambassador: int
    ambassador_name: str
    cohort: YouthCohortRef
    kind: str
    text: str
    someone_at_risk: bool
    reported_at: datetime
    status: str
    handled_by: CommunityPersonRef | None
    handled_at: datetime | None
    reply: str
    passed_to_desk: bool
    concern: int | None = Field(description="The concern it became, for the one who reported it only")
    topics: list[DialogueTopicRef]
    version: int


class PeerReportConcernOut(PeerReportOut):
    concern_reference: str


AmbassadorPage = page_schema(AmbassadorListOut, "AmbassadorPage")
PeerReportInboxPage = page_schema(PeerReportInboxOut, "PeerReportInboxPage")


def _cohort(ambassador: Ambassador) -> dict[str, Any]:
    cohort = ambassador.participant.cohort
    return {"id": cohort.pk, "name": cohort.name}


def _listed(a: Ambassador) -> dict[str, Any]:
    return {"id": a.pk, "participant": a.participant_id, "name": str(a.participant), "cohort": _cohort(a),
            "account": a.user.get_username() if a.user is not None else None, "started_on": a.started_on,
            "ready_on": a.ready_on, "ended_on": a.ended_on, "modules_done": getattr(a, "modules_done_count", 0),
            "activities": getattr(a, "activity_count", 0), "open_reports": getattr(a, "open_report_count", 0)}


def _modules(view: reads.AmbassadorView) -> list[dict[str, Any]]:
    return [{"module": line.module.value, "label": str(line.module.label),
             "completed_on": line.done.completed_on if line.done else None} for line in view.modules]


def activity_out(a: AmbassadorActivity) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "held_on": a.held_on, "people_reached": a.people_reached, "note": a.note}


def ambassador_out(ambassador: Ambassador) -> dict[str, Any]:
    view = reads.ambassador_view(ambassador)
    return {"id": ambassador.pk, "participant": ambassador.participant_id, "name": str(ambassador.participant),
            "cohort": _cohort(ambassador), "account": person_ref(ambassador.user),
            "started_on": ambassador.started_on, "ready_on": ambassador.ready_on, "ended_on": ambassador.ended_on,
            "version": ambassador.version, "modules": _modules(view),
            "activities": [activity_out(a) for a in view.activities], "activity_count": view.activity_count,
            "people_reached": view.people_reached,
            "reports": [{"id": r.pk, "kind": r.kind, "status": r.status, "someone_at_risk": r.someone_at_risk,
                         "reported_at": r.reported_at} for r in view.reports]}


def _own_report(r: PeerReport) -> dict[str, Any]:
    return {"id": r.pk, "kind": r.kind, "text": r.text, "someone_at_risk": r.someone_at_risk,
            "reported_at": r.reported_at, "status": r.status, "reply": r.reply}


def _inbox(r: PeerReport) -> dict[str, Any]:
    return {"id": r.pk, "kind": r.kind, "status": r.status, "someone_at_risk": r.someone_at_risk,
            "reported_at": r.reported_at, "ambassador": r.ambassador_id,
            "ambassador_name": str(r.ambassador.participant)}


def report_out(request: HttpRequest, report: PeerReport) -> dict[str, Any]:
    own_concern = report.concern_id is not None and report.handled_by_id == request.user.pk
    return {"id": report.pk, "ambassador": report.ambassador_id, "ambassador_name": str(report.ambassador.participant),
            "cohort": _cohort(report.ambassador), "kind": report.kind, "text": report.text,
            "someone_at_risk": report.someone_at_risk, "reported_at": report.reported_at, "status": report.status,
            "handled_by": person_ref(report.handled_by), "handled_at": report.handled_at, "reply": report.reply,
            "passed_to_desk": report.concern_id is not None, "concern": report.concern_id if own_concern else None,
            "topics": [{"id": t.pk, "title": t.title, "meeting": t.meeting_id, "meeting_held_on": t.meeting.held_on}
                       for t in reads.topics_of(report)], "version": report.version}


# --- what is taken ---------------------------------------------------------------------------------

class AmbassadorStartIn(Input):
    started_on: Day
    account: str | None = text(150, None, description="The username of a youth ambassador of the organisation "
                                                       "who is not yet linked to an ambassador record")


class AmbassadorModuleDoneIn(Input):
    module: one_of(AmbassadorModule)  # type: ignore[valid-type]
    completed_on: Day


class AmbassadorReadyIn(Input):
    version: VersionSeen


class AmbassadorActivityIn(Input):
    kind: one_of(AmbassadorActivity.Kind)  # type: ignore[valid-type]
    held_on: Day
    people_reached: int = Field(1, ge=0, le=1_000_000, description="Young people reached (1 to 10,000)")
    note: str = text(services.NOTE_MAX, "", description="What happened. Write no names.")


class PeerReportIn(Input):
    kind: one_of(PeerReport.Kind)  # type: ignore[valid-type]
    text: str = text(report_services.TEXT_MAX, description="What you heard, in your own words")
    someone_at_risk: bool = False


class PeerReportDialogueIn(Input):
    version: VersionSeen
    title: str = text(300, description="The topic, without names: partners read the agenda")
    notes: str = text(report_services.TEXT_MAX, "")
    meeting: Id | None = Field(None, description="An upcoming planned dialogue meeting of the organisation…")
    new_meeting_on: Day | None = Field(None, description="…or the date of a new one, planned from today on")
    place: str = text(200, "", description="The place of a new meeting")


class PeerReportConcernIn(Input):
    version: VersionSeen
    observed: str = text(10_000, description="What was seen or heard (from the report, with what you know)")
    observed_on: Day
    observed_where: str = text(300)
    worries: str = text(10_000, description="Why this is a concern, in your words as a professional")
    immediate_danger: bool = False
    person_unknown: bool = False
    person_described: str = text(2_000, "", description="Who the person concerned is, if known")
    reply: str = text(report_services.REPLY_MAX, description="What the ambassador is told; they never see the concern")


class PeerReportCloseIn(Input):
    version: VersionSeen
    reply: str = text(report_services.REPLY_MAX, description="What the ambassador is told")


def _ambassador(request: HttpRequest, ambassador_id: int, purpose: str) -> Ambassador:
    return reads.get_ambassador(coordinator(request), ambassador_id, purpose=f"ambassador programme: {purpose}")


def _own(request: HttpRequest) -> Ambassador:
    require_capability(request, Capability.AMBASSADOR)
    ambassador = own_ambassador(request.user)
    if ambassador is None:
        raise Http404
    return ambassador


def _report(request: HttpRequest, report_id: int, purpose: str) -> PeerReport:
    return reads.get_report(coordinator(request), report_id, purpose=f"ambassadors' reports: {purpose}")


def _fresh(report: PeerReport) -> PeerReport:
    return PeerReport.objects.select_related("ambassador__participant__cohort", "handled_by").get(pk=report.pk)


def _log(request: HttpRequest, ambassador: Ambassador, body: AmbassadorActivityIn) -> AmbassadorActivity:
    return services.log_activity(actor=cast(User, request.user), ambassador=ambassador, kind=body.kind,
                                 held_on=body.held_on, people_reached=body.people_reached, note=body.note)


# --- the coordinators: ambassadors ----------------------------------------------------------------------

@router.post("/community/participants/{participant_id}/ambassador", response={201: AmbassadorOut}, auth=WRITE,
             summary="Make a young participant an ambassador",
             description="A current participant of the cohort; optionally linked to the account they sign in with.")
def ambassador_start(request: HttpRequest, body: AmbassadorStartIn,
                     participant_id: int = path_id("The participant's id")) -> Status[Any]:
    user = coordinator(request)
    participant = get_participant(user, participant_id, purpose="ambassador programme: start")
    account = None
    if body.account:
        accounts = services.ambassador_accounts(participant.cohort.organisation_id)
        account = accounts.filter(username=body.account).first()
        if account is None:
            raise ApiError(422, "invalid", "The change was refused.", fields={"account": [
                "Not a youth ambassador of this organisation without an ambassador record."]})
    ambassador = services.start_ambassador(actor=user, participant=participant, started_on=body.started_on,
                                           user=account)
    return Status(201, ambassador_out(ambassador))


@router.get("/community/ambassadors", response=AmbassadorPage, auth=READ, summary="Ambassadors",
            description="The ambassadors of the caller's organisations, current first. Audited as a listing of "
                        "those shown.")
def ambassador_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    user = coordinator(request)
    page = page_of(reads.ambassadors(user), paging)
    reads.audit_listed(user, "ambassador", [a.pk for a in page["results"]], purpose="ambassador programme: list")
    return {**page, "results": [_listed(a) for a in page["results"]]}


@router.get("/community/ambassadors/{ambassador_id}", response=AmbassadorOut, auth=READ,
            summary="One ambassador with their modules, activities and reports", description="An audited read.")
def ambassador_detail(request: HttpRequest, ambassador_id: int = path_id("The ambassador's id")) -> dict[str, Any]:
    return ambassador_out(_ambassador(request, ambassador_id, "ambassador page"))


@router.post("/community/ambassadors/{ambassador_id}/modules", response={201: AmbassadorModuleDoneOut}, auth=WRITE,
             summary="Record a module of the programme done")
def ambassador_module_done(request: HttpRequest, body: AmbassadorModuleDoneIn,
                           ambassador_id: int = path_id("The ambassador's id")) -> Status[Any]:
    ambassador = _ambassador(request, ambassador_id, "module done")
    done: AmbassadorModuleDone = services.record_module_done(
        actor=cast(User, request.user), ambassador=ambassador, module=body.module, completed_on=body.completed_on)
    return Status(201, {"module": done.module, "label": str(done.get_module_display()),
                        "completed_on": done.completed_on})


@router.post("/community/ambassadors/{ambassador_id}/ready", response={200: AmbassadorOut, 409: ErrorOut}, auth=WRITE,
             summary="Mark an ambassador ready to act",
             description="A coordinator's decision, possible once every module is done. A stale version answers "
                         "409.")
def ambassador_ready(request: HttpRequest, body: AmbassadorReadyIn,
                     ambassador_id: int = path_id("The ambassador's id")) -> dict[str, Any]:
    ambassador = _ambassador(request, ambassador_id, "ready to act")
    services.mark_ready(actor=cast(User, request.user), ambassador=ambassador, version=body.version)
    return ambassador_out(Ambassador.objects.select_related("participant__cohort", "user").get(pk=ambassador.pk))


@router.post("/community/ambassadors/{ambassador_id}/activities", response={201: AmbassadorActivityOut}, auth=WRITE,
             summary="Log an activity of an ambassador", description="Once the ambassador is ready to act.")
def ambassador_activity_create(request: HttpRequest, body: AmbassadorActivityIn,
                               ambassador_id: int = path_id("The ambassador's id")) -> Status[Any]:
    ambassador = _ambassador(request, ambassador_id, "log an activity")
    return Status(201, activity_out(_log(request, ambassador, body)))


# --- the ambassador's own -----------------------------------------------------------------------------------

@router.get("/community/ambassador", response=OwnAmbassadorOut, auth=READ, summary="Your ambassador record",
            description="For a youth ambassador: their own modules, activities and reports with the replies. "
                        "404 without an ambassador record.")
def my_ambassador(request: HttpRequest) -> dict[str, Any]:
    ambassador = _own(request)
    view = reads.own_view(request.user, ambassador)
    return {"id": ambassador.pk, "name": str(ambassador.participant), "cohort": _cohort(ambassador),
            "started_on": ambassador.started_on, "ready_on": ambassador.ready_on, "modules": _modules(view),
            "activities": [activity_out(a) for a in view.activities], "activity_count": view.activity_count,
            "people_reached": view.people_reached, "reports": [_own_report(r) for r in view.reports]}


@router.post("/community/ambassador/activities", response={201: AmbassadorActivityOut}, auth=WRITE,
             summary="Log one of your activities", description="For a youth ambassador who is ready to act.")
def my_activity_create(request: HttpRequest, body: AmbassadorActivityIn) -> Status[Any]:
    return Status(201, activity_out(_log(request, _own(request), body)))


@router.post("/community/ambassador/reports", response={201: OwnPeerReportOut}, auth=WRITE,
             summary="Report a need or a worry",
             description="For a youth ambassador: it reaches the coordinators' inbox. If someone is in immediate "
                         "danger, call 112 first.")
def my_report_create(request: HttpRequest, body: PeerReportIn) -> Status[Any]:
    report = report_services.submit_report(actor=cast(User, request.user), ambassador=_own(request), kind=body.kind,
                                           text=body.text, someone_at_risk=body.someone_at_risk)
    return Status(201, _own_report(report))


# --- the coordinators: the inbox ------------------------------------------------------------------------------

@router.get("/community/reports", response=PeerReportInboxPage, auth=READ, summary="The inbox of ambassadors' reports",
            description="New first, then read, then those handled. What each is about, never its text. Audited as "
                        "a listing of those shown.")
def report_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    user = coordinator(request)
    page = page_of(reads.inbox(user), paging)
    reads.audit_listed(user, "peerreport", [r.pk for r in page["results"]], purpose="ambassadors' reports: inbox")
    return {**page, "results": [_inbox(r) for r in page["results"]]}


@router.get("/community/reports/{report_id}", response=PeerReportOut, auth=READ, summary="One ambassador's report",
            description="An audited read; a new report becomes read.")
def report_detail(request: HttpRequest, report_id: int = path_id("The report's id")) -> dict[str, Any]:
    report = _report(request, report_id, "open a report")
    report_services.mark_read(actor=cast(User, request.user), report=report)
    return report_out(request, report)


@router.post("/community/reports/{report_id}/dialogue", response={200: PeerReportOut, 409: ErrorOut}, auth=WRITE,
             summary="Take a report to a dialogue meeting",
             description="It becomes a topic of an upcoming meeting, or of a new one planned on a date (one of the "
                         "two). The ambassador is told the meeting's date. A stale version answers 409.")
def report_to_dialogue(request: HttpRequest, body: PeerReportDialogueIn,
                       report_id: int = path_id("The report's id")) -> dict[str, Any]:
    report = _report(request, report_id, "to a dialogue meeting")
    meeting = None
    if body.meeting is not None:
        upcoming = reads.upcoming_meetings(report.ambassador.participant.cohort.organisation_id)
        meeting = upcoming.filter(pk=body.meeting).first()
        if meeting is None:
            raise ApiError(422, "invalid", "The change was refused.", fields={
                "meeting": ["Choose an upcoming planned meeting of your organisation."]})
    report_services.take_to_dialogue(actor=cast(User, request.user), report=report, version=body.version,
                                     title=body.title, notes=body.notes, meeting=meeting,
                                     new_meeting_on=body.new_meeting_on, place=body.place)
    return report_out(request, _fresh(report))


@router.post("/community/reports/{report_id}/concern", response={200: PeerReportConcernOut, 409: ErrorOut}, auth=WRITE,
             summary="Pass a report on to the desk as a concern",
             description="Only a professional who may submit concerns, in their own name; it goes to the Info house "
                         "like any concern they report. The ambassador reads the reply and never sees the concern. A "
                         "stale version answers 409.")
def report_to_concern(request: HttpRequest, body: PeerReportConcernIn,
                      report_id: int = path_id("The report's id")) -> dict[str, Any]:
    coordinator(request)
    if not has_capability(request, Capability.SUBMIT_CONCERN):
        raise PermissionDenied
    report = _report(request, report_id, "pass on as a concern")
    # The page's own form checks the concern (a date not in the future, the person described or
    # said to be unknown); the service then decides.
    form = ConcernForm({**body.model_dump(), "version": str(body.version), "observed_on": body.observed_on.isoformat()})
    if not form.is_valid():
        raise ApiError(422, "invalid", "The change was refused.",
                       fields={name: [str(m) for m in messages] for name, messages in form.errors.items()})
    concern = report_services.pass_to_desk(actor=cast(User, request.user), report=report, version=body.version,
                                           facts=form.facts(), reply=form.cleaned_data["reply"])
    return {**report_out(request, _fresh(report)), "concern_reference": concern.reference}


@router.post("/community/reports/{report_id}/close", response={200: PeerReportOut, 409: ErrorOut}, auth=WRITE,
             summary="Close a report",
             description="With a reply to the ambassador (not one passed on to the desk). A stale version answers "
                         "409.")
def report_close(request: HttpRequest, body: PeerReportCloseIn,
                 report_id: int = path_id("The report's id")) -> dict[str, Any]:
    report = _report(request, report_id, "close")
    report_services.close_report(actor=cast(User, request.user), report=report, version=body.version,
                                 reply=body.reply)
    return report_out(request, _fresh(report))
