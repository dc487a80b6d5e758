"""Youth cohorts in the desk's API: the cohorts, one cohort with its modules and participants, the
attendance grid, and one young participant with their goals and progress.

Who: the community coordinators (COMMUNITY) of the organisation that keeps the cohort, as on the
cohort pages (views_cohorts.py): 403 without the capability, 404 for another organisation's
record (the refusal audited). Each read of a young person's record is audited, and each answer
that lists young people by name records one "community.listed" event (selectors/cohorts.py). A
young person joins only with consent (a parent's under 18). Nothing here scores or ranks a young
person: a goal's progress is the words they and the coordinator agreed on. Edits carry the version
read (409 when stale).
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

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
from infohus.community.models import CohortModule, GoalProgress, Progress, YouthCohort, YouthGoal, YouthParticipant
from infohus.community.selectors import cohorts as reads
from infohus.community.services import cohorts as services

router = Router()
MAX_CELLS = 10_000


# --- what is sent ----------------------------------------------------------------------------------

class CohortOut(Schema):
    """A group of young people taking a prevention programme together."""

    id: int
    organisation: CommunityOrganisationRef = Field(description="Kept by")
    programme: str
    name: str
    starts_on: date
    ends_on: date
    place: str
    version: int


class CohortListOut(CohortOut):
    participants: int = Field(description="Current participants")
    modules: int


class CohortModuleOut(Schema):
    id: int
    number: int
    title: str
    held_on: date | None


class CohortParticipantOut(Schema):
    id: int
    first_name: str
    last_name: str
    age: int
    consent_by: str
    joined_on: date
    left_on: date | None
    attended: int = Field(description="Modules they came to")
    is_ambassador: bool


class CohortDetailOut(CohortOut):
    modules: list[CohortModuleOut]
    held: int = Field(description="Modules held so far")
    participants: list[CohortParticipantOut] = Field(description="Current ones first")


class AttendanceCellOut(Schema):
    module: int
    present: bool
    recorded: bool
    refusal: str = Field(description="Why attendance cannot be recorded here (empty when it can)")


class CohortGridRowOut(Schema):
    participant: int
    name: str
    cells: list[AttendanceCellOut]


class CohortGridOut(Schema):
    cohort: int
    modules: list[CohortModuleOut]
    rows: list[CohortGridRowOut]


class CohortGridSavedOut(CohortGridOut):
    recorded: int = Field(description="Cells recorded or changed")


class GoalProgressOut(Schema):
    id: int
    noted_on: date
    progress: str = Field(description="not_started, started, good_progress or reached: as agreed, not a score")
    note: str
    recorded_by: CommunityPersonRef


class YouthGoalOut(Schema):
    """A goal for active citizenship, in the young person's own words."""

    id: int
    text: str
    set_on: date
    progress: list[GoalProgressOut]


class ModuleAttendedOut(Schema):
    module: CohortModuleOut
    present: bool | None = Field(description="null: not recorded")


class YoungParticipantOut(Schema):
    """A young participant of a cohort, with their consent."""

    id: int
    cohort: int
    first_name: str
    last_name: str
    birth_date: date
    age: int
    joined_on: date
    left_on: date | None
    consent_given_on: date
    consent_by: str
    parent_name: str
    version: int


class YoungParticipantDetailOut(YoungParticipantOut):
    goals: list[YouthGoalOut]
    attendance: list[ModuleAttendedOut]
    ambassador: int | None = Field(description="Their ambassador record, if they are one")


CohortPage = page_schema(CohortListOut, "CohortPage")


def cohort_out(cohort: YouthCohort) -> dict[str, Any]:
    return {"id": cohort.pk, "organisation": organisation_ref(cohort.organisation), "programme": cohort.programme,
            "name": cohort.name, "starts_on": cohort.starts_on, "ends_on": cohort.ends_on, "place": cohort.place,
            "version": cohort.version}


def _listed(cohort: YouthCohort) -> dict[str, Any]:
    return {**cohort_out(cohort), "participants": getattr(cohort, "participant_count", 0),
            "modules": getattr(cohort, "module_count", 0)}


def module_out(module: CohortModule) -> dict[str, Any]:
    return {"id": module.pk, "number": module.number, "title": module.title, "held_on": module.held_on}


def _grid(grid: reads.Grid, cohort: YouthCohort) -> dict[str, Any]:
    return {"cohort": cohort.pk, "modules": [module_out(m) for m in grid.modules],
            "rows": [{"participant": row.participant.pk, "name": str(row.participant),
                      "cells": [{"module": c.module.pk, "present": c.present, "recorded": c.recorded,
                                 "refusal": c.refusal} for c in row.cells]} for row in grid.rows]}


def participant_out(p: YouthParticipant) -> dict[str, Any]:
    return {"id": p.pk, "cohort": p.cohort_id, "first_name": p.first_name, "last_name": p.last_name,
            "birth_date": p.birth_date, "age": services.age_on(p.birth_date, timezone.localdate()),
            "joined_on": p.joined_on, "left_on": p.left_on, "consent_given_on": p.consent_given_on,
            "consent_by": p.consent_by, "parent_name": p.parent_name, "version": p.version}


def progress_out(note: GoalProgress) -> dict[str, Any]:
    return {"id": note.pk, "noted_on": note.noted_on, "progress": note.progress, "note": note.note,
            "recorded_by": person_ref(note.recorded_by)}


def goal_out(goal: YouthGoal, notes: list[GoalProgress]) -> dict[str, Any]:
    return {"id": goal.pk, "text": goal.text, "set_on": goal.set_on, "progress": [progress_out(n) for n in notes]}


# --- what is taken ---------------------------------------------------------------------------------

class CohortIn(Input):
    programme: str = text(200)
    name: str = text(200)
    starts_on: Day
    ends_on: Day
    place: str = text(200, "")


class CohortEditIn(CohortIn):
    version: VersionSeen


class CohortModuleIn(Input):
    number: int = Field(ge=1, le=99, description="The module's place in the programme")
    title: str = text(200)
    held_on: Day | None = Field(None, description="While the cohort runs; null when not set yet")


class CohortCellIn(Input):
    participant: Id
    module: Id
    present: bool


class CohortGridIn(Input):
    cells: list[CohortCellIn] = Field(max_length=MAX_CELLS, description="Each cell recorded present or absent")


class YoungParticipantIn(Input):
    first_name: str = text(100)
    last_name: str = text(100)
    birth_date: Day
    joined_on: Day
    consent_given_on: Day
    consent_by: one_of(YouthParticipant.ConsentBy) = Field(  # type: ignore[valid-type]
        description="self (18 or over on the day) or parent")
    parent_name: str = text(200, "", description="The parent or guardian who consented")
    left_on: Day | None = None


class YoungParticipantEditIn(YoungParticipantIn):
    version: VersionSeen


class YouthGoalIn(Input):
    text: str = text(300, description="The goal in the young person's own words")
    set_on: Day


class GoalProgressIn(Input):
    noted_on: Day
    progress: one_of(Progress)  # type: ignore[valid-type]
    note: str = text(services.TEXT_MAX, "")


def _cohort_data(body: CohortIn) -> services.CohortData:
    return services.CohortData(programme=body.programme, name=body.name, starts_on=body.starts_on,
                               ends_on=body.ends_on, place=body.place)


def _participant_data(body: YoungParticipantIn) -> services.ParticipantData:
    return services.ParticipantData(first_name=body.first_name, last_name=body.last_name,
                                    birth_date=body.birth_date, joined_on=body.joined_on,
                                    consent_given_on=body.consent_given_on, consent_by=body.consent_by,
                                    parent_name=body.parent_name, left_on=body.left_on)


def _participant_detail(participant: YouthParticipant) -> dict[str, Any]:
    ambassador = reads.ambassador_of(participant)
    return {**participant_out(participant),
            "goals": [goal_out(g.goal, g.notes) for g in reads.goals_of(participant)],
            "attendance": [{"module": module_out(m), "present": present}
                           for m, present in reads.attendance_of(participant)],
            "ambassador": ambassador.pk if ambassador is not None else None}


# --- cohorts ---------------------------------------------------------------------------------------------

@router.get("/community/cohorts", response=CohortPage, auth=READ, summary="Youth cohorts",
            description="The cohorts the caller's organisations keep, newest first.")
def cohort_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return page_of(reads.cohorts(coordinator(request)), paging, _listed)


@router.get("/community/cohorts/{cohort_id}", response=CohortDetailOut, auth=READ,
            summary="One cohort with its modules and participants",
            description="Lists young people by name: audited as a listing of those shown.")
def cohort_detail(request: HttpRequest, cohort_id: int = path_id("The cohort's id")) -> dict[str, Any]:
    user = coordinator(request)
    cohort = reads.get_cohort(user, cohort_id, purpose="youth cohorts: cohort page")
    view = reads.cohort_view(user, cohort)
    return {**cohort_out(cohort), "modules": [module_out(m) for m in view.modules], "held": view.held,
            "participants": [{"id": r.participant.pk, "first_name": r.participant.first_name,
                              "last_name": r.participant.last_name, "age": r.age,
                              "consent_by": r.participant.consent_by, "joined_on": r.participant.joined_on,
                              "left_on": r.participant.left_on, "attended": r.attended,
                              "is_ambassador": r.is_ambassador} for r in view.rows]}


@router.post("/community/cohorts", response={201: CohortOut}, auth=WRITE, summary="Create a youth cohort",
             description="Kept by the organisation of the token's role.")
def cohort_create(request: HttpRequest, body: CohortIn) -> Status[Any]:
    cohort = services.create_cohort(actor=coordinator(request), organisation=acting_organisation(request),
                                    data=_cohort_data(body))
    return Status(201, cohort_out(cohort))


@router.put("/community/cohorts/{cohort_id}", response={200: CohortOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a cohort",
            description="Its dates must still hold every dated module. A stale version answers 409.")
def cohort_update(request: HttpRequest, body: CohortEditIn,
                  cohort_id: int = path_id("The cohort's id")) -> dict[str, Any]:
    user = coordinator(request)
    cohort = reads.get_cohort(user, cohort_id, purpose="youth cohorts: edit the cohort")
    saved = services.update_cohort(actor=user, cohort=cohort, data=_cohort_data(body), version=body.version)
    saved.organisation = cohort.organisation
    return cohort_out(saved)


@router.post("/community/cohorts/{cohort_id}/modules", response={201: CohortModuleOut}, auth=WRITE,
             summary="Add a module to a cohort")
def module_create(request: HttpRequest, body: CohortModuleIn,
                  cohort_id: int = path_id("The cohort's id")) -> Status[Any]:
    user = coordinator(request)
    cohort = reads.get_cohort(user, cohort_id, purpose="youth cohorts: add a module")
    module = services.add_module(actor=user, cohort=cohort, number=body.number, title=body.title,
                                 held_on=body.held_on)
    return Status(201, module_out(module))


@router.get("/community/cohorts/{cohort_id}/attendance", response=CohortGridOut, auth=READ,
            summary="The attendance grid of a cohort",
            description="A cell per participant and module, with why a cell cannot be recorded (someone who had "
                        "left). Audited as a listing of the young people shown.")
def cohort_attendance(request: HttpRequest, cohort_id: int = path_id("The cohort's id")) -> dict[str, Any]:
    user = coordinator(request)
    cohort = reads.get_cohort(user, cohort_id, purpose="youth cohorts: attendance")
    return _grid(reads.attendance_grid(user, cohort), cohort)


@router.put("/community/cohorts/{cohort_id}/attendance", response=CohortGridSavedOut, auth=WRITE,
            summary="Record attendance at a cohort's modules",
            description="Each cell sent is recorded present or absent. One cell that cannot be recorded (not this "
                        "cohort's, or someone who had left) refuses them all, naming it.")
def cohort_attendance_record(request: HttpRequest, body: CohortGridIn,
                             cohort_id: int = path_id("The cohort's id")) -> dict[str, Any]:
    user = coordinator(request)
    cohort = reads.get_cohort(user, cohort_id, purpose="youth cohorts: attendance")
    recorded = services.record_attendance(
        actor=user, cohort=cohort, cells=[(c.participant, c.module) for c in body.cells],
        present=[(c.participant, c.module) for c in body.cells if c.present])
    return {**_grid(reads.attendance_grid(user, cohort), cohort), "recorded": recorded}


# --- young participants --------------------------------------------------------------------------------------

@router.post("/community/cohorts/{cohort_id}/participants", response={201: YoungParticipantOut}, auth=WRITE,
             summary="Add a young participant to a cohort",
             description="Only with consent; under 18 on the day of consent, a parent or guardian must give it.")
def participant_create(request: HttpRequest, body: YoungParticipantIn,
                       cohort_id: int = path_id("The cohort's id")) -> Status[Any]:
    user = coordinator(request)
    cohort = reads.get_cohort(user, cohort_id, purpose="youth cohorts: add a participant")
    participant = services.add_participant(actor=user, cohort=cohort, data=_participant_data(body))
    return Status(201, participant_out(participant))


@router.get("/community/participants/{participant_id}", response=YoungParticipantDetailOut, auth=READ,
            summary="One young participant with their goals and attendance", description="An audited read.")
def participant_detail(request: HttpRequest,
                       participant_id: int = path_id("The participant's id")) -> dict[str, Any]:
    participant = reads.get_participant(coordinator(request), participant_id,
                                        purpose="youth cohorts: participant page")
    return _participant_detail(participant)


@router.put("/community/participants/{participant_id}", response={200: YoungParticipantOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a young participant's record",
            description="The same rules as joining. A stale version answers 409.")
def participant_update(request: HttpRequest, body: YoungParticipantEditIn,
                       participant_id: int = path_id("The participant's id")) -> dict[str, Any]:
    user = coordinator(request)
    participant = reads.get_participant(user, participant_id, purpose="youth cohorts: edit a participant")
    saved = services.update_participant(actor=user, participant=participant, data=_participant_data(body),
                                        version=body.version)
    return participant_out(saved)


@router.post("/community/participants/{participant_id}/goals", response={201: YouthGoalOut}, auth=WRITE,
             summary="Add a goal of a young participant",
             description="Written as the young person says it: theirs, not an assessment of them.")
def goal_create(request: HttpRequest, body: YouthGoalIn,
                participant_id: int = path_id("The participant's id")) -> Status[Any]:
    user = coordinator(request)
    participant = reads.get_participant(user, participant_id, purpose="youth cohorts: add a goal")
    goal = services.add_goal(actor=user, participant=participant, text=body.text, set_on=body.set_on)
    return Status(201, goal_out(goal, []))


@router.post("/community/goals/{goal_id}/progress", response={201: GoalProgressOut}, auth=WRITE,
             summary="Note progress on a goal",
             description="How far the goal has come, as the young person and the coordinator agreed on the day.")
def progress_create(request: HttpRequest, body: GoalProgressIn, goal_id: int = path_id("The goal's id")) -> Status[Any]:
    user = coordinator(request)
    goal = reads.get_goal(user, goal_id, purpose="youth cohorts: note progress")
    note = services.add_progress(actor=user, goal=goal, noted_on=body.noted_on, progress=body.progress,
                                 note=body.note)
    return Status(201, progress_out(note))
