"""Info-house triage in the desk's JSON API: the queue, a concern at triage, taking it in, finding
or making the person's record, the information shared about the person with its legal basis, the
decision, and the triage meetings with their agendas and attendees.

Each operation mirrors a page of views_triage.py: TRIAGE capability, the triage selectors (a
concern of another Info house is a 404, audited), the page's form for the checks, and the
services in services/triage.py.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.permissions import active_membership, require_capability
from infohus.accounts.roles import COMPARTMENTS, Capability, Compartment, Role
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.schemas import Input, Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.audit.services import record_event
from infohus.cases import forms_triage as forms
from infohus.cases.api_concerns import (
    CONFLICT,
    ConcernStatus,
    Extremism,
    OrganisationBrief,
    ProfessionalRef,
    RecordId,
    acting_user,
    checked,
    one_of,
    organisation,
    professional,
)
from infohus.cases.models import Concern, Disclosure, LegalBasis, Person, TriageDecision, TriageMeeting
from infohus.cases.selectors import triage as selectors
from infohus.cases.services import triage as services

router = Router(tags=["triage"])
READ = scope(Scope.TRIAGE_READ)
WRITE = scope(Scope.TRIAGE_WRITE)
PURPOSE = f"api: {selectors.PURPOSE}"
Channel = one_of(Concern.Channel)
Basis = one_of(LegalBasis)
CompartmentValue = one_of(Compartment)
DecisionKind = one_of(TriageDecision.Kind)
Gender = one_of(Person.Gender)


# --- what is sent ---------------------------------------------------------------------------------

class TriagePersonRef(Schema):
    """The person's record linked to a concern, as the triage pages name it."""

    id: int
    name: str
    birth_date: date | None


class TriageQueueItemOut(Schema):
    """An open concern of the caller's Info house, as the queue lists it."""

    id: int
    reference: str
    status: ConcernStatus
    urgent: bool
    received_at: datetime
    channel: Channel
    reporter_organisation: OrganisationBrief | None
    person: TriagePersonRef | None = Field(description="Null until a person's record is linked")


class TriageCallerOut(Schema):
    """Who rang the Info house, as far as they wished to be known."""

    anonymous: bool
    name: str
    relation: str


class TriageMeetingRef(Schema):
    id: int
    scheduled_for: datetime
    place: str


class DisclosureOut(Schema):
    """One piece of information an authority shared about the person, with its legal basis and
    purpose. Shared for crime prevention; never for a criminal investigation."""

    id: int
    disclosed_at: datetime
    from_organisation: OrganisationBrief
    to_organisation: OrganisationBrief | None = Field(description="Null: everyone in the meeting")
    summary: str
    legal_basis: Basis
    other_law: str
    purpose: str
    compartment: CompartmentValue
    meeting_id: int | None


class ProjectRef(Schema):
    slug: str
    title: str


class CaseRef(Schema):
    id: int
    reference: str


class TriageDecisionOut(Schema):
    """The Info house's decision on a concern, and what the reporter is told in general terms."""

    kind: DecisionKind
    reason: str
    decided_on: date
    decided_by: ProfessionalRef
    meeting_id: int | None
    referred_project: ProjectRef | None
    case: CaseRef | None = Field(description="The case a statutory offer opened")
    outcome_for_reporter: str


class TriageConcernOut(Schema):
    """A concern as the Info house sees it at triage: what was reported, the person's record once
    linked, the meetings it is on, what was shared (in the compartments the caller's role reads)
    and the decision."""

    id: int
    reference: str
    version: int
    status: ConcernStatus
    urgent: bool
    received_at: datetime
    channel: Channel
    reporter_organisation: OrganisationBrief | None
    caller: TriageCallerOut | None = Field(description="For a concern taken by telephone")
    observed: str
    observed_on: date
    observed_where: str
    worries: str
    others_who_know: str
    extremism: Extremism
    person: TriagePersonRef | None
    person_described: str = Field(description="What the reporter wrote about the person; empty once a record is "
                                              "linked, as on the page")
    meetings: list[TriageMeetingRef]
    disclosures: list[DisclosureOut]
    decision: TriageDecisionOut | None


TriageQueuePage = page_schema(TriageQueueItemOut, "TriageQueuePage")


def _person_ref(concern: Concern) -> TriagePersonRef | None:
    person = concern.person
    return TriagePersonRef(id=person.pk, name=str(person), birth_date=person.birth_date) if person else None


def _queue_item(concern: Concern) -> TriageQueueItemOut:
    return TriageQueueItemOut(
        id=concern.pk, reference=concern.reference, status=concern.status, urgent=concern.urgent,
        received_at=concern.received_at, channel=concern.channel,
        reporter_organisation=organisation(concern.reporter_organisation), person=_person_ref(concern))


def disclosure_out(disclosure: Disclosure) -> DisclosureOut:
    return DisclosureOut(
        id=disclosure.pk, disclosed_at=disclosure.disclosed_at,
        from_organisation=organisation(disclosure.from_organisation),
        to_organisation=organisation(disclosure.to_organisation), summary=disclosure.summary,
        legal_basis=disclosure.legal_basis, other_law=disclosure.other_law, purpose=disclosure.purpose,
        compartment=disclosure.compartment, meeting_id=disclosure.meeting_id)


def _decision_out(decision: TriageDecision, concern: Concern) -> TriageDecisionOut:
    project, case = decision.referred_project, decision.case
    return TriageDecisionOut(
        kind=decision.kind, reason=decision.reason, decided_on=decision.decided_on,
        decided_by=professional(decision.decided_by), meeting_id=decision.meeting_id,
        referred_project=ProjectRef(slug=project.slug, title=project.title) if project else None,
        case=CaseRef(id=case.pk, reference=case.reference) if case else None,
        outcome_for_reporter=concern.outcome_for_reporter)


def _compartments(request: HttpRequest) -> frozenset[str]:
    """The compartments of the role the token acts in (as the triage pages use them)."""
    membership = active_membership(request)
    if membership is None:
        return frozenset()
    return frozenset(c.value for c in COMPARTMENTS.get(Role(membership.role), frozenset()))


def _concern_out(request: HttpRequest, concern: Concern) -> TriageConcernOut:
    decision = getattr(concern, "decision", None)
    caller = (TriageCallerOut(anonymous=concern.caller_anonymous, name=concern.caller_name,
                              relation=concern.caller_relation)
              if concern.channel == Concern.Channel.TELEPHONE else None)
    disclosures = selectors.disclosures_of_concern(concern, compartments=_compartments(request))
    return TriageConcernOut(
        id=concern.pk, reference=concern.reference, version=concern.version, status=concern.status,
        urgent=concern.urgent, received_at=concern.received_at, channel=concern.channel,
        reporter_organisation=organisation(concern.reporter_organisation), caller=caller,
        observed=concern.observed, observed_on=concern.observed_on, observed_where=concern.observed_where,
        worries=concern.worries, others_who_know=concern.others_who_know, extremism=concern.extremism,
        person=_person_ref(concern),
        person_described=concern.person_described if concern.person_id is None else "",
        meetings=[TriageMeetingRef(id=m.pk, scheduled_for=m.scheduled_for, place=m.place)
                  for m in concern.meetings.order_by("scheduled_for")],
        disclosures=[disclosure_out(d) for d in disclosures.order_by("-disclosed_at", "-pk")],
        decision=_decision_out(decision, concern) if decision is not None else None,
    )


# --- what is received -----------------------------------------------------------------------------

class TriageQueueFilters(Schema):
    status: Literal["awaiting_triage", "in_triage"] | None = Field(None, description="Both when left out")
    urgent: bool | None = Field(None, description="Only the urgent ones (true) or only the others (false)")


class DisclosureIn(Input):
    """What the page's form for information shared about the person asks."""

    meeting: RecordId | None = Field(None, description="The meeting where it was shared (one the concern is on)")
    from_organisation: RecordId = Field(description="Id of the organisation that shared it")
    to_organisation: RecordId | None = Field(None, description="Id of the organisation it was shared with; "
                                                           "null for everyone in the meeting")
    summary: str = Field(min_length=1, max_length=10_000)
    legal_basis: Basis
    other_law: str = Field("", max_length=200, description="The law, when legal_basis is other_law")
    purpose: str = Field(min_length=1, max_length=5_000)
    compartment: CompartmentValue = Field(description="One the caller's role may record in")
    crime_prevention: bool = Field(description="Must be true: shared for crime prevention, not for a criminal "
                                               "investigation")


class TriageDecisionIn(Input):
    """The decision form of the triage page."""

    kind: DecisionKind
    reason: str = Field(min_length=1, max_length=10_000)
    decided_on: date = Field(description="Not in the future")
    meeting: RecordId | None = Field(None, description="Id of the meeting (one the concern is on)")
    referred_project: str | None = Field(None, max_length=120,
                                         description="For a referral: the slug of a published project")
    owner: RecordId | None = Field(None, description="For a statutory offer: id of the municipality that owns the case")
    lead: str | None = Field(None, max_length=150, description="For a statutory offer: username of the case's "
                                                                "lead, who manages cases in that municipality")


# --- operations -----------------------------------------------------------------------------------

@router.get("/triage/queue", response=TriageQueuePage, auth=READ, summary="The Info house's triage queue")
def triage_queue(request: HttpRequest, filters: Query[TriageQueueFilters], paging: Query[Paging]) -> dict[str, Any]:
    """Open concerns of the caller's Info houses: the urgent ones first, then the oldest."""
    require_capability(request, Capability.TRIAGE)
    concerns = selectors.triage_queue(request.user)
    if filters.status is not None:
        concerns = concerns.filter(status=filters.status)
    if filters.urgent is not None:
        concerns = concerns.filter(urgent=filters.urgent)
    page = page_of(concerns, paging)
    record_event(action="triage.queue_viewed", actor=request.user, object_type="concern", purpose=PURPOSE,
                 details={"concerns": [c.pk for c in page["results"]]})
    return {**page, "results": [_queue_item(c) for c in page["results"]]}


@router.get("/triage/concerns/{int:concern_id}", response=TriageConcernOut, auth=READ,
            summary="A concern at triage")
def triage_concern(request: HttpRequest, concern_id: int) -> TriageConcernOut:
    require_capability(request, Capability.TRIAGE)
    return _concern_out(request, selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE))


@router.post("/triage/concerns/{int:concern_id}/take", response=TriageConcernOut, auth=WRITE,
             summary="Take a concern into triage")
def triage_take(request: HttpRequest, concern_id: int) -> TriageConcernOut:
    """Mark a concern that waits for the Info house as being assessed (again: no change)."""
    require_capability(request, Capability.TRIAGE)
    concern = selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE, audit=False)
    services.take_into_triage(actor=request.user, concern=concern)
    return _concern_out(request, selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE))


@router.post("/triage/concerns/{int:concern_id}/disclosures", response={201: DisclosureOut}, auth=WRITE,
             summary="Record information shared about the person")
def triage_disclosure_add(request: HttpRequest, concern_id: int, body: DisclosureIn) -> Status[DisclosureOut]:
    """One piece of information an authority shared about the concern's person, with its legal
    basis and purpose. The person's record must be linked first."""
    require_capability(request, Capability.TRIAGE)
    concern = selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE, audit=False)
    data = checked(forms.DisclosureForm(body.model_dump(), meetings=concern.meetings.order_by("-scheduled_for"),
                                        compartments=_compartments(request)))
    disclosure = services.record_disclosure(
        actor=request.user, concern=concern, meeting=data["meeting"], from_organisation=data["from_organisation"],
        to_organisation=data["to_organisation"], summary=data["summary"], legal_basis=data["legal_basis"],
        other_law=data["other_law"], purpose=data["purpose"], crime_prevention=data["crime_prevention"],
        compartment=data["compartment"])
    return Status(201, disclosure_out(disclosure))


@router.post("/triage/concerns/{int:concern_id}/decision", response={201: TriageDecisionOut, **CONFLICT},
             auth=WRITE, summary="Record the Info house's decision on a concern")
def triage_decision(request: HttpRequest, concern_id: int, body: TriageDecisionIn) -> Status[TriageDecisionOut]:
    """No further action, advice, a concern conversation, street-level work, a statutory offer
    (opens a case with its owner and lead), a referral to a published project, or passing it to
    the police or security service. A concern already decided answers 409."""
    require_capability(request, Capability.TRIAGE)
    concern = selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE, audit=False)
    if concern.status not in selectors.OPEN_STATUSES:
        raise ApiError(409, "already_decided", "This concern has already been decided; nothing was changed.")
    form = forms.DecisionForm(body.model_dump(), meetings=concern.meetings.order_by("-scheduled_for"))
    # The page picks the project and the lead from lists; here they are named as the rest of the
    # API names them: a project by its slug, a person by their username.
    form.fields["referred_project"].to_field_name = "slug"  # type: ignore[attr-defined]
    form.fields["lead"].to_field_name = "username"  # type: ignore[attr-defined]
    data = checked(form)
    decision = services.decide(
        actor=acting_user(request), concern=concern, kind=data["kind"], reason=data["reason"],
        decided_on=data["decided_on"], meeting=data["meeting"], referred_project=data["referred_project"],
        owner=data["owner"], lead=data["lead"])
    concern.refresh_from_db(fields=["outcome_for_reporter"])
    return Status(201, _decision_out(decision, concern))


# --- the person's record --------------------------------------------------------------------------

class TriagePersonFoundOut(Schema):
    """A person's record the caller may link: their need-to-know, and people of earlier concerns of
    their own Info houses. Whether a national identifier is on record, never the identifier."""

    id: int
    name: str
    birth_date: date | None
    municipality: OrganisationBrief | None
    identifier_recorded: bool


class TriagePersonSearchOut(Schema):
    exact: list[TriagePersonFoundOut] = Field(description="Records matching every criterion given")
    near: list[TriagePersonFoundOut] = Field(description="A similar name (born the same day, if a date was given)")


IdentifierCountry = Literal["DK", "SE", "NO", "DE", "XX"]


class TriagePersonSearchIn(Input):
    """Sent in the body, not the address, so that an identifier never lands in an access log."""

    name: str = Field("", max_length=200)
    birth_date: date | None = None
    identifier_country: IdentifierCountry = "DK"
    identifier: str = Field("", max_length=32, description="For Denmark a CPR number, DDMMYY-SSSS")


class TriagePersonLinkIn(Input):
    person: RecordId = Field(description="Id of a record found with the search")


class TriagePersonIn(Input):
    """A new person's record, as the page's form asks for it. The identifier is stored encrypted
    and never sent back."""

    first_name: str = Field(min_length=1, max_length=100, description='"unknown" if it is not known')
    last_name: str = Field("", max_length=100)
    birth_date: date | None = None
    identifier_country: IdentifierCountry = "DK"
    identifier: str = Field("", max_length=32)
    gender: Gender = Person.Gender.UNKNOWN.value
    municipality: RecordId | None = Field(None, description="Id of a municipality")
    languages: str = Field("", max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=1_000)


def _found(person: Person) -> TriagePersonFoundOut:
    return TriagePersonFoundOut(id=person.pk, name=str(person), birth_date=person.birth_date,
                                municipality=organisation(person.municipality),
                                identifier_recorded=bool(person.identifier_hash))


@router.post("/triage/concerns/{int:concern_id}/people/search", response=TriagePersonSearchOut, auth=READ,
             summary="Find the person's record before making one")
def triage_person_search(request: HttpRequest, concern_id: int, body: TriagePersonSearchIn) -> TriagePersonSearchOut:
    """By name (each word starts a word of the name), birth date and national identifier (compared
    by its keyed hash); near matches by a similar name. A read: the search is audited."""
    require_capability(request, Capability.TRIAGE)
    selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE)
    data = checked(forms.PersonSearchForm(body.model_dump()))
    found = selectors.search_people(request.user, name=data["name"], birth_date=data["birth_date"],
                                    identifier=data["identifier"].strip(),
                                    identifier_country=data["identifier_country"] or "DK", purpose=PURPOSE)
    return TriagePersonSearchOut(exact=[_found(p) for p in found.exact], near=[_found(p) for p in found.near])


@router.put("/triage/concerns/{int:concern_id}/person", response=TriageConcernOut, auth=WRITE,
            summary="Link a person's record to a concern")
def triage_person_link(request: HttpRequest, concern_id: int, body: TriagePersonLinkIn) -> TriageConcernOut:
    """A record found with the search (another is a 404); it replaces any record linked before."""
    require_capability(request, Capability.TRIAGE)
    concern = selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE, audit=False)
    person = selectors.searchable_person(request.user, body.person, purpose=PURPOSE)
    services.link_person(actor=request.user, concern=concern, person=person)
    return _concern_out(request, selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE))


@router.post("/triage/concerns/{int:concern_id}/people", response={201: TriagePersonRef}, auth=WRITE,
             summary="Make the person's record and link it to a concern")
def triage_person_create(request: HttpRequest, concern_id: int, body: TriagePersonIn) -> Status[TriagePersonRef]:
    """Refused (422) when the identifier belongs to a record the caller can find: link that one."""
    require_capability(request, Capability.TRIAGE)
    concern = selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE, audit=False)
    data = checked(forms.PersonForm(body.model_dump()))
    person = services.create_person(actor=request.user, concern=concern, **data)
    return Status(201, TriagePersonRef(id=person.pk, name=str(person), birth_date=person.birth_date))


# --- meetings -------------------------------------------------------------------------------------

class TriageMeetingItemOut(Schema):
    id: int
    scheduled_for: datetime
    place: str
    held: bool = Field(description="A held meeting takes no new agenda items or attendees")
    info_house: OrganisationBrief


class TriageAgendaItemOut(Schema):
    id: int
    reference: str
    urgent: bool
    person: TriagePersonRef | None


class TriageAttendeeOut(Schema):
    id: int
    organisation: OrganisationBrief
    role: str
    name: str


class TriageMeetingOut(TriageMeetingItemOut):
    """A meeting of the Info house: the concerns on its agenda and who attended."""

    agenda: list[TriageAgendaItemOut]
    attendees: list[TriageAttendeeOut]


class TriageMeetingIn(Input):
    scheduled_for: datetime = Field(description="Without an offset, in the desk's time zone")
    place: str = Field("", max_length=200)
    concerns: list[RecordId] = Field([], max_length=100, description="Ids of open concerns of the caller's Info house")


class TriageAttendeeIn(Input):
    organisation: RecordId = Field(description="Id of an active organisation")
    role: str = Field(min_length=1, max_length=100, description="For example police coordinator, SSP consultant")
    name: str = Field("", max_length=200)


class TriageAgendaConcernIn(Input):
    concern: RecordId = Field(description="Id of an open concern of the meeting's Info house, not on it yet")


class TriageAgendaMeetingIn(Input):
    meeting: RecordId = Field(description="Id of an upcoming meeting of the concern's Info house, not yet held")


TriageMeetingPage = page_schema(TriageMeetingItemOut, "TriageMeetingPage")


def _meeting_item(meeting: TriageMeeting) -> TriageMeetingItemOut:
    return TriageMeetingItemOut(id=meeting.pk, scheduled_for=meeting.scheduled_for, place=meeting.place,
                                held=meeting.held, info_house=organisation(meeting.info_house))


def _meeting_out(meeting: TriageMeeting) -> TriageMeetingOut:
    return TriageMeetingOut(
        **_meeting_item(meeting).model_dump(),
        agenda=[TriageAgendaItemOut(id=c.pk, reference=c.reference, urgent=c.urgent, person=_person_ref(c))
                for c in meeting.concerns.all()],
        attendees=[TriageAttendeeOut(id=a.pk, organisation=organisation(a.organisation), role=a.role, name=a.name)
                   for a in meeting.attendees.all()])


@router.get("/triage/meetings", response=TriageMeetingPage, auth=READ, summary="The Info house's triage meetings")
def triage_meeting_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """Meetings of the caller's Info houses, the latest first."""
    require_capability(request, Capability.TRIAGE)
    meetings = selectors.meetings_for_user(request.user).order_by("-scheduled_for", "-pk")
    return page_of(meetings, paging, _meeting_item)


@router.post("/triage/meetings", response={201: TriageMeetingOut}, auth=WRITE, summary="Schedule a triage meeting")
def triage_meeting_schedule(request: HttpRequest, body: TriageMeetingIn) -> Status[TriageMeetingOut]:
    """A meeting of the Info house the token acts for, with open concerns of it on the agenda."""
    require_capability(request, Capability.TRIAGE)
    membership = active_membership(request)
    assert membership is not None  # the capability check found one
    info_house = membership.organisation
    data = checked(forms.MeetingForm(body.model_dump(),
                                     agenda=selectors.agenda_candidates(request.user, info_house.pk)))
    meeting = services.schedule_meeting(actor=request.user, info_house=info_house,
                                        scheduled_for=data["scheduled_for"], place=data["place"],
                                        concerns=list(data["concerns"]))
    return Status(201, _meeting_out(selectors.meeting_for_user(request.user, meeting.pk, purpose=PURPOSE)))


@router.get("/triage/meetings/{int:meeting_id}", response=TriageMeetingOut, auth=READ, summary="A triage meeting")
def triage_meeting_detail(request: HttpRequest, meeting_id: int) -> TriageMeetingOut:
    require_capability(request, Capability.TRIAGE)
    return _meeting_out(selectors.meeting_for_user(request.user, meeting_id, purpose=PURPOSE))


@router.post("/triage/meetings/{int:meeting_id}/attendees", response={201: TriageAttendeeOut}, auth=WRITE,
             summary="Record who attended a triage meeting")
def triage_attendee_add(request: HttpRequest, meeting_id: int, body: TriageAttendeeIn) -> Status[TriageAttendeeOut]:
    """Not once the meeting is marked held (422)."""
    require_capability(request, Capability.TRIAGE)
    meeting = selectors.meeting_for_user(request.user, meeting_id, purpose=PURPOSE)
    data = checked(forms.AttendeeForm(body.model_dump()))
    attendee = services.add_attendee(actor=request.user, meeting=meeting, **data)
    return Status(201, TriageAttendeeOut(id=attendee.pk, organisation=organisation(attendee.organisation),
                                         role=attendee.role, name=attendee.name))


@router.post("/triage/meetings/{int:meeting_id}/agenda", response=TriageMeetingOut, auth=WRITE,
             summary="Put a concern on a meeting's agenda")
def triage_agenda_add(request: HttpRequest, meeting_id: int, body: TriageAgendaConcernIn) -> TriageMeetingOut:
    require_capability(request, Capability.TRIAGE)
    meeting = selectors.meeting_for_user(request.user, meeting_id, purpose=PURPOSE)
    data = checked(forms.AgendaConcernForm(body.model_dump(),
                                           candidates=selectors.agenda_candidates_for(request.user, meeting)))
    services.add_to_agenda(actor=request.user, meeting=meeting, concern=data["concern"])
    return _meeting_out(selectors.meeting_for_user(request.user, meeting_id, purpose=PURPOSE))


@router.post("/triage/meetings/{int:meeting_id}/held", response=TriageMeetingOut, auth=WRITE,
             summary="Mark a triage meeting as held")
def triage_meeting_held(request: HttpRequest, meeting_id: int) -> TriageMeetingOut:
    """From then on it takes no new agenda items or attendees; marking it again changes nothing."""
    require_capability(request, Capability.TRIAGE)
    meeting = selectors.meeting_for_user(request.user, meeting_id, purpose=PURPOSE)
    services.mark_meeting_held(actor=request.user, meeting=meeting)
    return _meeting_out(selectors.meeting_for_user(request.user, meeting_id, purpose=PURPOSE))


@router.post("/triage/concerns/{int:concern_id}/agenda", response=TriageConcernOut, auth=WRITE,
             summary="Put a concern on an upcoming meeting's agenda")
def triage_concern_agenda_add(request: HttpRequest, concern_id: int, body: TriageAgendaMeetingIn) -> TriageConcernOut:
    require_capability(request, Capability.TRIAGE)
    concern = selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE, audit=False)
    data = checked(forms.AgendaMeetingForm(body.model_dump(), meetings=selectors.meetings_taking(request.user,
                                                                                                 concern)))
    services.add_to_agenda(actor=request.user, meeting=data["meeting"], concern=concern)
    return _concern_out(request, selectors.concern_for_triage(request.user, concern_id, purpose=PURPOSE))
