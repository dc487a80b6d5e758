"""Dialogue meetings (with their topics and follow-ups), the open follow-ups, and outreach events
in the desk's API.

Who: the community coordinators (COMMUNITY) of the organisation that keeps the record, as on the
dialogue and outreach pages (views_dialogue.py): 403 without the capability, 404 for another
organisation's record (the refusal audited). Rows are fetched through selectors/dialogue.py; the
rules are in services/dialogue.py. The figures are about the work (attendees, evaluations by
answer), never about a person. Edits carry the version read (409 when stale).
"""

from datetime import date
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import Organisation, User
from infohus.api.errors import ApiError
from infohus.api.fields import Day, Id, VersionSeen, one_of, path_id, text
from infohus.api.schemas import ErrorOut, Input, Paging, page_of, page_schema
from infohus.community.api_fields import (
    READ,
    WRITE,
    CommunityOrganisationRef,
    CommunityPersonRef,
    acting_organisation,
    coordinator,
    organisation_ref,
    person_ref,
)
from infohus.community.models import DialogueMeeting, FollowUp, OutreachEvent, Partner, Topic
from infohus.community.selectors import dialogue as reads
from infohus.community.selectors.access import visible
from infohus.community.services import dialogue as services

router = Router()
MAX_CHOSEN = 200


# --- what is sent ----------------------------------------------------------------------------------

class DialoguePartnerRef(Schema):
    id: int
    name: str


class DialogueMeetingListOut(Schema):
    id: int
    held_on: date
    place: str
    status: str
    upcoming: bool = Field(description="On or after today")
    partners: list[DialoguePartnerRef]
    topics: int
    open_follow_ups: int


class DialogueTopicOut(Schema):
    id: int
    title: str
    notes: str
    peer_report: int | None = Field(description="The ambassador's report it came from, if any")


class DialogueFollowUpOut(Schema):
    id: int
    meeting: int
    what: str
    owner: CommunityPersonRef | None = Field(description="A coordinator of the organisation…")
    owner_name: str = Field(description="…or someone outside the platform, in words")
    due_on: date
    done_on: date | None
    done_by: CommunityPersonRef | None


class DialogueMeetingOut(Schema):
    """A dialogue meeting with local communities: who took part, what was agreed."""

    id: int
    organisation: CommunityOrganisationRef = Field(description="Kept by")
    held_on: date
    place: str
    status: str
    partners: list[DialoguePartnerRef]
    community_participants: str
    authorities: list[CommunityOrganisationRef] = Field(description="Authorities on the platform that took part")
    other_authorities: str
    agreed: str
    version: int
    topics: list[DialogueTopicOut]
    follow_ups: list[DialogueFollowUpOut] = Field(description="Open ones first, by due date")


class OpenFollowUpOut(Schema):
    id: int
    what: str
    meeting: int
    meeting_held_on: date
    owner: CommunityPersonRef | None
    owner_name: str
    due_on: date
    overdue: bool


class OutreachEvaluationOut(Schema):
    answer: str
    label: str
    count: int


class OutreachEventOut(Schema):
    """An outreach event: a presentation or a workshop, its attendees and evaluations counted."""

    id: int
    organisation: int
    held_on: date
    kind: str
    audience: str
    title: str
    place: str
    attendees: int | None
    evaluation_question: str
    evaluations: list[OutreachEvaluationOut] = Field(
        description="Evaluations returned, by answer 1 (not at all useful) to 5")
    returned: int
    evaluation_summary: str
    version: int


class AudienceTotalOut(Schema):
    audience: str
    label: str
    events: int
    attendees: int


class OutreachTotalsOut(Schema):
    by_audience: list[AudienceTotalOut]
    events: int
    attendees: int


DialogueMeetingPage = page_schema(DialogueMeetingListOut, "DialogueMeetingPage")
OpenFollowUpPage = page_schema(OpenFollowUpOut, "OpenFollowUpPage")
OutreachEventPage = page_schema(OutreachEventOut, "OutreachEventPage")


def _partners(partners: Any) -> list[dict[str, Any]]:
    return [{"id": p.pk, "name": p.name} for p in partners]


def _listed_meeting(meeting: DialogueMeeting) -> dict[str, Any]:
    return {"id": meeting.pk, "held_on": meeting.held_on, "place": meeting.place, "status": meeting.status,
            "upcoming": getattr(meeting, "section", reads.PAST) == reads.UPCOMING,
            "partners": _partners(meeting.partners.all()), "topics": getattr(meeting, "topic_count", 0),
            "open_follow_ups": getattr(meeting, "open_follow_ups", 0)}


def _topic(topic: Topic) -> dict[str, Any]:
    return {"id": topic.pk, "title": topic.title, "notes": topic.notes, "peer_report": topic.peer_report_id}


def _follow_up(f: FollowUp) -> dict[str, Any]:
    return {"id": f.pk, "meeting": f.meeting_id, "what": f.what, "owner": person_ref(f.owner),
            "owner_name": f.owner_name, "due_on": f.due_on, "done_on": f.done_on, "done_by": person_ref(f.done_by)}


def _meeting(meeting: DialogueMeeting) -> dict[str, Any]:
    page = reads.meeting_page(meeting)
    return {"id": meeting.pk, "organisation": organisation_ref(meeting.organisation), "held_on": meeting.held_on,
            "place": meeting.place, "status": meeting.status, "partners": _partners(page.partners),
            "community_participants": meeting.community_participants,
            "authorities": [organisation_ref(o) for o in page.authorities],
            "other_authorities": meeting.other_authorities, "agreed": meeting.agreed, "version": meeting.version,
            "topics": [_topic(t) for t in page.topics], "follow_ups": [_follow_up(f) for f in page.follow_ups]}


def _open_follow_up(f: FollowUp) -> dict[str, Any]:
    return {"id": f.pk, "what": f.what, "meeting": f.meeting_id, "meeting_held_on": f.meeting.held_on,
            "owner": person_ref(f.owner), "owner_name": f.owner_name, "due_on": f.due_on,
            "overdue": bool(getattr(f, "overdue", 0))}


def _event(event: OutreachEvent) -> dict[str, Any]:
    rows = reads.evaluation_rows(event)
    return {"id": event.pk, "organisation": event.organisation_id, "held_on": event.held_on, "kind": event.kind,
            "audience": event.audience, "title": event.title, "place": event.place, "attendees": event.attendees,
            "evaluation_question": str(reads.QUESTION),
            "evaluations": [{"answer": r.answer, "label": r.label, "count": r.count} for r in rows],
            "returned": sum(r.count for r in rows), "evaluation_summary": event.evaluation_summary,
            "version": event.version}


# --- what is taken ---------------------------------------------------------------------------------

class DialogueMeetingIn(Input):
    held_on: Day
    place: str = text(200, "")
    status: Literal["planned", "held", "cancelled"] = "planned"
    partners: list[Id] = Field([], max_length=MAX_CHOSEN, description="Ids of partners your organisation keeps")
    community_participants: str = text(None, "", description="Who took part from the community, in words")
    authorities: list[Id] = Field([], max_length=MAX_CHOSEN, description="Ids of organisations on the platform")
    other_authorities: str = text(300, "")
    agreed: str = text(None, "")


class DialogueMeetingEditIn(DialogueMeetingIn):
    version: VersionSeen


class DialogueTopicIn(Input):
    title: str = text(300)
    notes: str = text(None, "")


class FollowUpIn(Input):
    what: str = text(300)
    due_on: Day
    owner: str | None = text(150, None, description="The username of a community coordinator of the organisation")
    owner_name: str = text(200, "", description="Or someone outside the platform, in words")


class FollowUpDoneIn(Input):
    done_on: Day | None = Field(None, description="Today by default")


Answer = Literal["1", "2", "3", "4", "5"]


class OutreachEventIn(Input):
    held_on: Day
    kind: one_of(OutreachEvent.Kind)  # type: ignore[valid-type]
    audience: one_of(OutreachEvent.Audience)  # type: ignore[valid-type]
    title: str = text(200)
    place: str = text(200, "")
    attendees: int | None = Field(None, ge=0, le=1_000_000)
    evaluation_counts: dict[Answer, int] = Field(
        {}, description='Evaluations returned by answer to "How useful was it?", e.g. {"4": 12, "5": 20}')
    evaluation_summary: str = text(None, "")


class OutreachEventEditIn(OutreachEventIn):
    version: VersionSeen


def _chosen(rows: QuerySet[Any], ids: list[int], field: str, message: str) -> tuple[Any, ...]:
    """The rows with these ids, among those the page would offer (422 at `field` otherwise)."""
    wanted = list(dict.fromkeys(ids))
    found = {row.pk: row for row in rows.filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise ApiError(422, "invalid", "The change was refused.", fields={field: [message]})
    return tuple(found[pk] for pk in wanted)


def _meeting_data(request: HttpRequest, body: DialogueMeetingIn, organisation_id: int,
                  meeting: DialogueMeeting | None = None) -> services.MeetingData:
    # The organisation's active partners, and those already on the meeting (as the page offers them).
    keep = Q(is_active=True) | Q(meetings=meeting) if meeting is not None else Q(is_active=True)
    partners = visible(request.user, Partner).filter(keep, organisation_id=organisation_id).distinct()
    return services.MeetingData(
        held_on=body.held_on, place=body.place, status=body.status,
        partners=_chosen(partners, body.partners, "partners", "Choose active partners that your organisation keeps."),
        community_participants=body.community_participants,
        authorities=_chosen(Organisation.objects.filter(is_active=True), body.authorities, "authorities",
                            "Choose organisations that are active on the platform."),
        other_authorities=body.other_authorities, agreed=body.agreed)


def _event_data(body: OutreachEventIn) -> services.EventData:
    return services.EventData(held_on=body.held_on, kind=body.kind, audience=body.audience, title=body.title,
                              place=body.place, attendees=body.attendees,
                              evaluation_counts=dict(body.evaluation_counts),
                              evaluation_summary=body.evaluation_summary)


def _meeting_for(user: User, meeting_id: int, purpose: str) -> DialogueMeeting:
    return reads.meeting_for(user, meeting_id, purpose=f"community dialogue: {purpose}")


# --- meetings ------------------------------------------------------------------------------------------

@router.get("/community/dialogue-meetings", response=DialogueMeetingPage, auth=READ, summary="Dialogue meetings",
            description="The meetings the caller's organisations keep: upcoming first (soonest first), then past "
                        "(latest first).")
def meeting_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return page_of(reads.meetings(coordinator(request)), paging, _listed_meeting)


@router.get("/community/dialogue-meetings/{meeting_id}", response=DialogueMeetingOut, auth=READ,
            summary="One dialogue meeting with its topics and follow-ups")
def meeting_detail(request: HttpRequest, meeting_id: int = path_id("The meeting's id")) -> dict[str, Any]:
    return _meeting(_meeting_for(coordinator(request), meeting_id, "meeting page"))


@router.post("/community/dialogue-meetings", response={201: DialogueMeetingOut}, auth=WRITE,
             summary="Record a dialogue meeting",
             description="Planned, or recorded after it was held; kept by the organisation of the token's role.")
def meeting_create(request: HttpRequest, body: DialogueMeetingIn) -> Status[Any]:
    user = coordinator(request)
    organisation = acting_organisation(request)
    meeting = services.create_meeting(actor=user, organisation=organisation,
                                      data=_meeting_data(request, body, organisation.pk))
    meeting.organisation = organisation
    return Status(201, _meeting(meeting))


@router.put("/community/dialogue-meetings/{meeting_id}", response={200: DialogueMeetingOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a dialogue meeting",
            description="Send every field and the version you read; a stale version answers 409.")
def meeting_update(request: HttpRequest, body: DialogueMeetingEditIn,
                   meeting_id: int = path_id("The meeting's id")) -> dict[str, Any]:
    user = coordinator(request)
    meeting = _meeting_for(user, meeting_id, "edit a meeting")
    saved = services.update_meeting(actor=user, meeting=meeting, expected_version=body.version,
                                    data=_meeting_data(request, body, meeting.organisation_id, meeting))
    saved.organisation = meeting.organisation
    return _meeting(saved)


@router.post("/community/dialogue-meetings/{meeting_id}/topics", response={201: DialogueTopicOut}, auth=WRITE,
             summary="Add a topic to a meeting's agenda")
def topic_create(request: HttpRequest, body: DialogueTopicIn,
                 meeting_id: int = path_id("The meeting's id")) -> Status[Any]:
    user = coordinator(request)
    meeting = _meeting_for(user, meeting_id, "add a topic")
    return Status(201, _topic(services.add_topic(actor=user, meeting=meeting, title=body.title, notes=body.notes)))


@router.post("/community/dialogue-meetings/{meeting_id}/follow-ups", response={201: DialogueFollowUpOut}, auth=WRITE,
             summary="Add a follow-up to a meeting",
             description="Owned by a community coordinator of the organisation (`owner`) or someone named in words "
                         "(`owner_name`); not due before the meeting.")
def follow_up_create(request: HttpRequest, body: FollowUpIn,
                     meeting_id: int = path_id("The meeting's id")) -> Status[Any]:
    user = coordinator(request)
    meeting = _meeting_for(user, meeting_id, "add a follow-up")
    owner = None
    if body.owner:
        owner = services.coordinators_of(meeting.organisation_id).filter(username=body.owner).first()
        if owner is None:
            raise ApiError(422, "invalid", "The change was refused.", fields={
                "owner": ["The owner must be a community coordinator of the organisation."]})
    follow_up = services.add_follow_up(actor=user, meeting=meeting, what=body.what, due_on=body.due_on, owner=owner,
                                       owner_name=body.owner_name)
    return Status(201, _follow_up(follow_up))


# --- follow-ups --------------------------------------------------------------------------------------------

@router.get("/community/follow-ups", response=OpenFollowUpPage, auth=READ, summary="Open follow-ups",
            description="Open follow-ups of the caller's organisations' meetings: overdue first, then by due date.")
def follow_up_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return page_of(reads.open_follow_ups(coordinator(request)), paging, _open_follow_up)


@router.post("/community/follow-ups/{follow_up_id}/done", response=DialogueFollowUpOut, auth=WRITE,
             summary="Mark a follow-up done", description="Refused when it is done already.")
def follow_up_done(request: HttpRequest, body: FollowUpDoneIn,
                   follow_up_id: int = path_id("The follow-up's id")) -> dict[str, Any]:
    user = coordinator(request)
    follow_up = reads.follow_up_for(user, follow_up_id, purpose="community dialogue: mark a follow-up done")
    done = services.mark_follow_up_done(actor=user, follow_up=follow_up, done_on=body.done_on)
    return _follow_up(FollowUp.objects.select_related("owner", "done_by").get(pk=done.pk))


# --- outreach ------------------------------------------------------------------------------------------------

@router.get("/community/outreach-events", response=OutreachEventPage, auth=READ, summary="Outreach events",
            description="Presentations and workshops of the caller's organisations, latest first.")
def outreach_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return page_of(reads.events(coordinator(request)), paging, _event)


@router.get("/community/outreach-events/totals", response=OutreachTotalsOut, auth=READ,
            summary="Outreach events and attendees by audience",
            description="As the outreach page sums them: events without a count of attendees count as events only.")
def outreach_totals(request: HttpRequest) -> dict[str, Any]:
    totals, events, attendees = reads.totals_by_audience(coordinator(request))
    return {"by_audience": [{"audience": t.audience, "label": t.label, "events": t.events, "attendees": t.attendees}
                            for t in totals], "events": events, "attendees": attendees}


@router.get("/community/outreach-events/{event_id}", response=OutreachEventOut, auth=READ, summary="One outreach event")
def outreach_detail(request: HttpRequest, event_id: int = path_id("The event's id")) -> dict[str, Any]:
    return _event(reads.event_for(coordinator(request), event_id, purpose="community outreach: event page"))


@router.post("/community/outreach-events", response={201: OutreachEventOut}, auth=WRITE,
             summary="Record an outreach event",
             description="Kept by the organisation of the token's role. Evaluations cannot add up to more than the "
                         "attendees; an event in the future has neither yet.")
def outreach_create(request: HttpRequest, body: OutreachEventIn) -> Status[Any]:
    event = services.create_event(actor=coordinator(request), organisation=acting_organisation(request),
                                  data=_event_data(body))
    return Status(201, _event(event))


@router.put("/community/outreach-events/{event_id}", response={200: OutreachEventOut, 409: ErrorOut}, auth=WRITE,
            summary="Change an outreach event",
            description="Send every field and the version you read; a stale version answers 409.")
def outreach_update(request: HttpRequest, body: OutreachEventEditIn,
                    event_id: int = path_id("The event's id")) -> dict[str, Any]:
    user = coordinator(request)
    event = reads.event_for(user, event_id, purpose="community outreach: edit an event")
    return _event(services.update_event(actor=user, event=event, expected_version=body.version,
                                        data=_event_data(body)))
