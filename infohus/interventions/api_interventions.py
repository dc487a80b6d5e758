"""Interventions through the desk's API: the provider's list and a case's, one intervention with
its plan of goals, starting one on a case, recording an advice consultation, goals, sessions, and
ending it.

The same as the pages (views_interventions.py): every operation starts from the access selectors
(case_access to start one or list a case's, intervention_access for one intervention), which
answer 404 outside the need-to-know and audit the read and the refusal; writes go through
services/interventions.py, which checks who may write and audits the change. Reads made only to
write are not audited as reads, as on the pages. A session's notes, family, professionals and
network are given only to a reader who sees its compartment.
"""

from datetime import date
from typing import Annotated, Any, Literal, cast

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import User
from infohus.accounts.permissions import active_membership, require_capability
from infohus.accounts.roles import Capability as C
from infohus.accounts.roles import Compartment
from infohus.api.auth import scope
from infohus.api.schemas import Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.assessments.api_common import (
    BODY_ERRORS,
    Body,
    Day,
    DbId,
    Filters,
    Flag,
    PathId,
    QueryId,
    Whole,
    answers,
    known_query,
    listed,
    only,
    refused,
)
from infohus.audit.services import record_event
from infohus.cases.models import Case
from infohus.cases.selectors.need_to_know import CaseAccess, case_access
from infohus.interventions.models import (
    AdviceFor,
    Goal,
    Intervention,
    InterventionKind,
    Session,
    TreatmentKind,
)
from infohus.interventions.selectors import interventions as reads
from infohus.interventions.selectors.access import InterventionAccess, intervention_access
from infohus.interventions.services import interventions as services

router = Router(tags=["interventions"])
READ = scope(Scope.INTERVENTIONS_READ)
WRITE = scope(Scope.INTERVENTIONS_WRITE)
# Interventions are worked on by the case team; advice consultations also by mentors.
DESK = (C.WORK_ON_CASE, C.MENTOR)
TEXT_MAX = services.TEXT_MAX
GoalStatus = Annotated[str, only(Goal.Status.values), listed(Goal.Status.values)]
SessionMode = Annotated[str, only(Session.Mode.values), listed(Session.Mode.values)]
# The outcomes an intervention ends with; "advice given" is only an advice consultation's.
EndingOutcome = Literal["goals_met", "partly_met", "declined", "moved", "passed_on", "no_longer_needed", "other"]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _access(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True) -> InterventionAccess:
    require_capability(request, *DESK)
    return intervention_access(request.user, pk, purpose=f"api: intervention: {purpose}", audit=audit)


# --- what is returned ---------------------------------------------------------------------------

class InterventionCaseRef(Schema):
    id: int
    reference: str


class InterventionProvider(Schema):
    """Who provides it: a person, an organisation, a project from the directory (one or more)."""

    user: str | None
    user_id: int | None
    organisation: str | None
    project: str | None


class InterventionItem(Schema):
    id: int
    kind: str
    kind_label: str
    status: str = Field(description="active or ended")
    case: InterventionCaseRef | None = Field(description="Null for an anonymous advice consultation")
    organisation: str = Field(description="The organisation that runs it and answers for it")
    provider: InterventionProvider
    started_on: date
    ended_on: date | None
    outcome: str
    version: int = Field(description="Send it back when ending; a stale one answers 409")


class InterventionFollowUpItem(InterventionItem):
    """An intervention in the provider's list, with its follow-up."""

    last_session_on: date | None
    next_appointment_on: date | None = Field(description="The appointment the latest session set")
    overdue: bool = Field(description="That appointment has passed with no session since")


class InterventionGoalOut(Schema):
    id: int
    what: str
    by_when: date
    how_we_know: str
    status: str
    from_assessment: int | None = Field(description="The Balanced Risk Assessment whose line it carries on")


class InterventionLendingRef(Schema):
    reference: str
    lending_organisation: str
    status: str
    request_id: int | None = Field(description="Given when you may open the lending request")


class InterventionOut(InterventionItem):
    description: str
    treatment: str
    advice_for: str
    anonymous: bool
    outcome_reason: str
    goals: list[InterventionGoalOut]
    lending: InterventionLendingRef | None = Field(description="The lending the provider came through, if any")
    may_write: bool = Field(description="Whether you may add goals, log sessions and end it")


class InterventionStartedOut(InterventionOut):
    warnings: list[str] = Field(description="What did not stop the start but should be known")


InterventionPage = page_schema(InterventionFollowUpItem, "InterventionPage")


def _item_fields(i: Intervention, case: Case | None = None) -> dict[str, Any]:
    on = case if case is not None else i.case
    return {
        "id": i.pk, "kind": i.kind, "kind_label": i.get_kind_display(), "status": i.status,
        "case": InterventionCaseRef(id=on.pk, reference=on.reference) if on is not None else None,
        "organisation": i.organisation.name,
        "provider": InterventionProvider(
            user=_name(i.provider_user), user_id=i.provider_user_id,
            organisation=i.provider_organisation.name if i.provider_organisation else None,
            project=i.provider_project.title if i.provider_project else None),
        "started_on": i.started_on, "ended_on": i.ended_on, "outcome": i.outcome, "version": i.version,
    }


def _goal(g: Goal) -> InterventionGoalOut:
    return InterventionGoalOut(id=g.pk, what=g.what, by_when=g.by_when, how_we_know=g.how_we_know, status=g.status,
                               from_assessment=g.from_assessment_id)


def _detail(request: HttpRequest, access: InterventionAccess) -> InterventionOut:
    i = access.intervention
    lending = reads.lending_of(access, request.user)
    return InterventionOut(
        **_item_fields(i), description=i.description, treatment=i.treatment, advice_for=i.advice_for,
        anonymous=i.anonymous, outcome_reason=i.outcome_reason, goals=[_goal(g) for g in reads.goals_of(access)],
        lending=InterventionLendingRef(
            reference=lending.reference, lending_organisation=lending.lending_organisation.name,
            status=lending.status, request_id=lending.pk if lending.may_open else None,
        ) if lending is not None else None,
        may_write=access.may_write,
    )


def _reread(request: HttpRequest, pk: int) -> InterventionOut:
    """The intervention as it is after a write, read (and audited) as the page the write leads
    back to reads it."""
    return _detail(request, intervention_access(request.user, pk, purpose="api: intervention: read"))


# --- lists --------------------------------------------------------------------------------------

class InterventionFilters(Filters):
    case: QueryId | None = Field(None, description="The interventions of this case, newest first. Left out: the "
                                                "active interventions you provide, overdue follow-ups first")


@router.get("/interventions", response=answers({200: InterventionPage}, 404), auth=READ,
            summary="The interventions you provide, or a case's")
def intervention_list(request: HttpRequest, filters: Query[InterventionFilters],
                      paging: Query[Paging]) -> dict[str, Any]:
    known_query(request, InterventionFilters, Paging)
    if filters.case is not None:
        require_capability(request, C.WORK_ON_CASE)
        opened = case_access(request.user, filters.case, purpose="api: interventions of a case")
        found = reads.case_interventions(opened)
        page = page_of(cast(Any, found), paging)
        prefetch_related_objects(page["results"], "organisation")
        page["results"] = [InterventionFollowUpItem(**_item_fields(i, opened.case), last_session_on=None,
                                                    next_appointment_on=None, overdue=False)
                           for i in page["results"]]
        return page
    require_capability(request, *DESK)
    provided = reads.active_provided(request.user).select_related(*reads.PROVIDER_RELATED, "organisation")
    page = page_of(provided, paging)
    record_event(action="intervention.listed", actor=request.user, object_type="intervention",
                 purpose="api: interventions you provide", details={"interventions": [i.pk for i in page["results"]]})
    page["results"] = [InterventionFollowUpItem(**_item_fields(i), last_session_on=getattr(i, "last_session_on", None),
                                                next_appointment_on=getattr(i, "next_appointment_on", None),
                                                overdue=bool(getattr(i, "overdue", False)))
                       for i in page["results"]]
    return page


@router.get("/interventions/{intervention_id}", response=answers({200: InterventionOut}, 404), auth=READ,
            summary="One intervention with its plan of goals")
def intervention_detail(request: HttpRequest, intervention_id: PathId) -> InterventionOut:
    return _detail(request, _access(request, intervention_id, "read"))


# --- starting -----------------------------------------------------------------------------------

class InterventionStart(Body):
    case: DbId = Field(description="An open case whose team you are on")
    kind: InterventionKind
    started_on: Day | None = Field(None, description="Left out: today")
    provider_user: DbId | None = Field(None, description="Someone on the team, or a member of the mentor corps of the "
                                                         "case's municipality (who then joins the team)")
    provider_organisation: DbId | None = None
    provider_project: DbId | None = Field(None, description="A published project of the directory")
    description: str = Field("", max_length=TEXT_MAX, description="What the intervention is for")
    treatment: TreatmentKind | None = Field(None, description="For a referral to psychological treatment")


@router.post("/interventions", response=answers({201: InterventionStartedOut}, 404, *BODY_ERRORS), auth=WRITE,
             summary="Start an intervention on a case")
def intervention_start(request: HttpRequest, body: InterventionStart) -> Status[InterventionStartedOut]:
    require_capability(request, C.WORK_ON_CASE)
    opened = case_access(request.user, body.case, purpose="api: intervention: start on a case")
    if opened.team_member is None or opened.case.status != Case.Status.OPEN:
        raise PermissionDenied
    choices = _providers(opened, body)
    intervention, warnings = services.start_intervention(
        access=opened, actor=_user(request), kind=body.kind.value, organisation=opened.team_member.organisation,
        started_on=body.started_on or timezone.localdate(), description=body.description,
        treatment=body.treatment.value if body.treatment else "", **choices)
    return Status(201, InterventionStartedOut(**_reread(request, intervention.pk).model_dump(), warnings=warnings))


def _providers(opened: CaseAccess, body: InterventionStart) -> dict[str, Any]:
    """The providers named in the body, from the same choices the page offers (422 for another)."""
    errors: dict[str, str] = {}
    chosen: dict[str, Any] = {"provider_user": None, "provider_organisation": None, "provider_project": None}
    offered = {"provider_user": (reads.provider_users(opened), "Choose someone on the team or in the mentor corps of "
                                                              "the case's municipality."),
               "provider_organisation": (reads.provider_organisations(), "Choose an active organisation."),
               "provider_project": (reads.provider_projects(), "Choose a project that is published in the directory.")}
    for name, (choices, message) in offered.items():
        wanted = getattr(body, name)
        if wanted is None:
            continue
        chosen[name] = choices.filter(pk=wanted).first()
        if chosen[name] is None:
            errors[name] = message
    if errors:
        raise refused(errors)
    return chosen


class AdviceConsultationIn(Body):
    advice_for: AdviceFor
    held_on: Day | None = Field(None, description="Left out: today")
    duration_minutes: Whole = Field(ge=1, le=services.MAX_DURATION_MINUTES)
    notes: str = Field("", max_length=TEXT_MAX, description="In an anonymous consultation, nothing that could "
                                                            "identify anyone")
    case: DbId | None = Field(None, description="Left out: anonymous, with no person and no case (only counted). "
                                                "Given: recorded on that case, whose team you are on")


@router.post("/advice-consultations", response=answers({201: InterventionOut}, 404, *BODY_ERRORS), auth=WRITE,
             summary="Record an advice consultation",
             description="To a professional or to next of kin; recorded for the organisation your token acts in, "
                         "as an intervention with its one session, ended at once.")
def advice_consultation_record(request: HttpRequest, body: AdviceConsultationIn) -> Status[InterventionOut]:
    require_capability(request, *DESK)
    membership = active_membership(request)
    assert membership is not None  # the capability check needs one
    opened = (case_access(request.user, body.case, purpose="api: intervention: advice consultation")
              if body.case is not None else None)
    intervention = services.start_advice_consultation(
        actor=_user(request), organisation=membership.organisation, advice_for=body.advice_for.value,
        anonymous=opened is None, case_access=opened, held_on=body.held_on or timezone.localdate(),
        duration_minutes=body.duration_minutes, notes=body.notes)
    return Status(201, _reread(request, intervention.pk))


# --- goals --------------------------------------------------------------------------------------

class InterventionGoalIn(Body):
    what: str = Field(max_length=TEXT_MAX)
    by_when: Day
    how_we_know: str = Field(max_length=TEXT_MAX)
    from_assessment: DbId | None = Field(None, description="A signed Balanced Risk Assessment of the case whose "
                                                           "goals or next steps the goal carries on")


@router.post("/interventions/{intervention_id}/goals", response=answers({201: InterventionGoalOut}, 404, *BODY_ERRORS),
             auth=WRITE, summary="Add a goal to the plan",
             description="What should be different, by when, and how you will know. Only while the intervention "
                         "is active.")
def intervention_goal_add(request: HttpRequest, body: InterventionGoalIn,
                          intervention_id: PathId) -> Status[InterventionGoalOut]:
    access = _access(request, intervention_id, "add a goal", audit=False)
    goal = services.add_goal(access=access, actor=_user(request), what=body.what, by_when=body.by_when,
                             how_we_know=body.how_we_know, from_assessment=body.from_assessment)
    return Status(201, _goal(goal))


class InterventionGoalChange(Body):
    status: GoalStatus
    what: str | None = Field(None, max_length=TEXT_MAX, description="Left out: as it is")
    by_when: Day | None = Field(None, description="Left out: as it is")
    how_we_know: str | None = Field(None, max_length=TEXT_MAX, description="Left out: as it is")


@router.patch("/interventions/{intervention_id}/goals/{goal_id}",
              response=answers({200: InterventionGoalOut}, 404, *BODY_ERRORS), auth=WRITE,
              summary="Change a goal: its status, and its wording or date",
              description="Goals may still be marked after the intervention has ended (how it went). Goals carry "
                          "no version: the last change stands.")
def intervention_goal_change(request: HttpRequest, body: InterventionGoalChange, intervention_id: PathId,
                             goal_id: PathId) -> InterventionGoalOut:
    access = _access(request, intervention_id, "change a goal", audit=False)
    if not access.may_write:
        raise PermissionDenied
    goal = reads.goal_of(access, goal_id)
    changed = services.update_goal(access=access, actor=_user(request), goal=goal, status=body.status,
                                   what=body.what, by_when=body.by_when, how_we_know=body.how_we_know)
    return _goal(changed)


# --- sessions -----------------------------------------------------------------------------------

class InterventionSessionPerson(Schema):
    id: int
    name: str


class InterventionSessionOut(Schema):
    id: int
    held_on: date
    duration_minutes: int
    mode: str
    compartment: str
    logged_by: str | None
    seen: bool = Field(description="Whether you see the session's compartment; if not, who took part and the "
                                   "notes are not given")
    with_person: bool | None
    family: str | None
    professionals: str | None
    network: list[InterventionSessionPerson]
    goals: list[int] = Field(description="The goals worked on")
    notes: str | None
    next_appointment: date | None
    counts_towards_lending: bool = Field(description="A lent mentor's hours, counted towards the lending")


InterventionSessionPage = page_schema(InterventionSessionOut, "InterventionSessionPage")


def _session(s: Session) -> InterventionSessionOut:
    seen = bool(getattr(s, "seen", False))
    return InterventionSessionOut(
        id=s.pk, held_on=s.held_on, duration_minutes=s.duration_minutes, mode=s.mode, compartment=s.compartment,
        logged_by=_name(s.logged_by), seen=seen, with_person=s.with_person if seen else None,
        family=getattr(s, "shown_family", "") if seen else None,
        professionals=getattr(s, "shown_professionals", "") if seen else None,
        network=[InterventionSessionPerson(id=m.pk, name=str(m)) for m in s.network.all()] if seen else [],
        goals=[g.pk for g in s.goals.all()] if seen else [],
        notes=getattr(s, "shown_notes", "") if seen else None,
        next_appointment=s.next_appointment, counts_towards_lending=s.lending_id is not None,
    )


@router.get("/interventions/{intervention_id}/sessions", response=answers({200: InterventionSessionPage}, 404),
            auth=READ, summary="The sessions of an intervention, newest first")
def intervention_session_list(request: HttpRequest, intervention_id: PathId, paging: Query[Paging]) -> dict[str, Any]:
    known_query(request, Paging)
    access = _access(request, intervention_id, "sessions")
    page = page_of(reads.sessions_of(access), paging)
    seen = [s for s in page["results"] if getattr(s, "seen", False)]
    if seen:
        prefetch_related_objects(seen, "goals", "network")
    page["results"] = [_session(s) for s in page["results"]]
    return page


class InterventionSessionIn(Body):
    held_on: Day | None = Field(None, description="Left out: today")
    duration_minutes: Whole = Field(ge=1, le=services.MAX_DURATION_MINUTES)
    mode: SessionMode = Session.Mode.MEETING.value
    with_person: Flag = Field(True, description="The person took part")
    family: str = Field("", max_length=300, description="Family members who took part")
    network: list[DbId] = Field(default_factory=list, max_length=100,
                                description="Members of the person's network who took part")
    professionals: str = Field("", max_length=300, description="Professionals who took part")
    notes: str = Field("", max_length=TEXT_MAX)
    compartment: Compartment = Field(Compartment.GENERAL, description="Who on the team may read the notes")
    goals: list[DbId] = Field(default_factory=list, max_length=100, description="Goals of this intervention worked on")
    next_appointment: Day | None = None


@router.post("/interventions/{intervention_id}/sessions",
             response=answers({201: InterventionSessionOut}, 404, *BODY_ERRORS), auth=WRITE,
             summary="Log a session of an active intervention",
             description="The notes go in a compartment you see. A lent mentor's session counts towards the lending.")
def intervention_session_log(request: HttpRequest, body: InterventionSessionIn,
                             intervention_id: PathId) -> Status[InterventionSessionOut]:
    access = _access(request, intervention_id, "log a session", audit=False)
    session = services.log_session(
        access=access, actor=_user(request), held_on=body.held_on or timezone.localdate(),
        duration_minutes=body.duration_minutes, mode=body.mode, with_person=body.with_person,
        family=body.family, network_ids=list(body.network), professionals=body.professionals, notes=body.notes,
        compartment=body.compartment.value, goal_ids=list(body.goals), next_appointment=body.next_appointment)
    logged = reads.sessions_of(access).get(pk=session.pk)
    prefetch_related_objects([logged], "goals", "network")
    return Status(201, _session(logged))


# --- ending -------------------------------------------------------------------------------------

class InterventionEnd(Body):
    version: Whole = Field(ge=1, description="The version you read; a stale one answers 409")
    ended_on: Day | None = Field(None, description="Left out: today")
    outcome: EndingOutcome
    reason: str = Field(max_length=TEXT_MAX, description="Why it ends; the case timeline shows it")


@router.post("/interventions/{intervention_id}/end", response=answers({200: InterventionOut}, 404, 409, *BODY_ERRORS),
             auth=WRITE, summary="End an intervention with an outcome",
             description="A lent mentor's lending ends with it, and the mentor leaves the case team.")
def intervention_end(request: HttpRequest, body: InterventionEnd, intervention_id: PathId) -> InterventionOut:
    access = _access(request, intervention_id, "end", audit=False)
    services.end_intervention(access=access, actor=_user(request), ended_on=body.ended_on or timezone.localdate(),
                              outcome=body.outcome, reason=body.reason, expected_version=body.version)
    return _reread(request, intervention_id)
