"""Course runs in the desk's API: the list of runs, planning and changing a run, one run with its
participants and attendance, enrolment and withdrawal, the attendance sheet, completion, the
questionnaire of a run and its effect.

Who: trainers (TRAIN) of the organisation that keeps the course, and trainers named on the run, as
on the run pages (views_runs.py, views_evaluation.py); every run is fetched through
selectors/access.py run_access (404 otherwise, the refusal audited). Reads that show participants
are audited there with the pages' purposes; writes are audited by the services, so the run is
fetched for them without auditing a read. Completion is a fact of attendance, never a judgement.
Certificates (PDF) stay on the pages.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, WithJsonSchema

from infohus.accounts.models import Organisation, User
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.fields import Day, Id, VersionSeen, one_of, path_id, text
from infohus.api.schemas import ErrorOut, Input, Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.assessments.models import InstrumentVersion
from infohus.training.api_courses import TrainingOrganisationRef, trainer
from infohus.training.models import CourseRun, Enrolment
from infohus.training.selectors import evaluation as evaluation_reads
from infohus.training.selectors import runs as reads
from infohus.training.selectors.access import course_access, run_access, runs_for
from infohus.training.services import evaluation as evaluation_services
from infohus.training.services import runs as services
from infohus.training.statistics import Effect

router = Router()
# Kroner and øre as a string, as the column holds them (12 digits, 2 after the point).
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2),
                  WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$"})]
READ, WRITE = scope(Scope.TRAINING_READ), scope(Scope.TRAINING_WRITE)
MAX_TRAINERS = 50
MAX_SHEET = 1000


# --- what is sent ----------------------------------------------------------------------------------

class TrainingPersonRef(Schema):
    username: str
    name: str


class RunCourseRef(Schema):
    id: int
    title: str
    kind: str
    unit_kind: str


class RunQuestionnaireRef(Schema):
    id: int
    name: str
    number: int


class RunOut(Schema):
    """One time a course is held: dates, place, trainers, places and cost."""

    id: int
    course: RunCourseRef
    organisation: TrainingOrganisationRef
    starts_on: date
    ends_on: date
    place: str
    status: str = Field(description="planned, held or cancelled")
    capacity: int
    enrolled: int = Field(description="Places taken (withdrawn enrolments free theirs)")
    free_places: int
    cost: Decimal = Field(description="The whole cost of the run, in DKK")
    cost_note: str
    trainers: list[TrainingPersonRef]
    questionnaire: RunQuestionnaireRef | None
    version: int


class RunUnitOut(Schema):
    """A day, block or session of the run, with how many of those enrolled were marked present."""

    id: int
    number: int
    name: str
    held_on: date
    present: int
    recorded: int
    in_future: bool


class EnrolmentOut(Schema):
    """An enrolment: a platform user or an external participant, and their attendance."""

    id: int
    name: str
    external: bool
    organisation_name: str
    organisation_kind: str
    status: str = Field(description="enrolled or withdrawn")
    present_units: list[int] = Field(description="Ids of the days or blocks they were marked present at")
    missed_units: list[int] = Field(description="Ids of the days or blocks held that they were not marked present at")
    completed_on: date | None
    certificate_number: str


class RunDetailOut(RunOut):
    units: list[RunUnitOut]
    participants: list[EnrolmentOut] = Field(description="Enrolled first (by name), then withdrawn")
    is_over: bool


class AttendanceSheetRowOut(Schema):
    enrolment: int
    name: str
    present: list[int] = Field(description="Unit ids marked present")
    recorded: list[int] = Field(description="Unit ids with attendance recorded either way")


class AttendanceSheetOut(Schema):
    """The attendance sheet: those enrolled, and the days or blocks (future ones cannot be ticked)."""

    run: int
    units: list[RunUnitOut]
    rows: list[AttendanceSheetRowOut]


class AttendanceSheetSavedOut(AttendanceSheetOut):
    changed: int = Field(description="How many marks changed")


class RunCompletionOut(Schema):
    completed: list[EnrolmentOut] = Field(description="Newly completed by this call, with their certificate")
    not_completed: list[EnrolmentOut] = Field(description="Enrolled, not present at every day or block")


class RunEffectOut(Schema):
    """Figures over paired answers before and after; below the minimum of pairs only n is given."""

    n: int
    needed: int
    verdict: Literal["too_few", "no_clear_change", "rose", "fell"]
    mean_change: float | None
    sd: float | None
    low: float | None
    high: float | None
    mean_before: float | None
    mean_after: float | None


class QuestionEffectOut(Schema):
    key: str
    label: str
    effect: RunEffectOut


class QuestionnaireStatusOut(Schema):
    """Whether a participant's questionnaires are in (not what they say)."""

    enrolment: int
    name: str
    status: str
    pre_at: datetime | None
    post_at: datetime | None


class RunEvaluationOut(Schema):
    run: int
    questionnaire: RunQuestionnaireRef | None
    participants: int | None = Field(description="Participants who answered both before and after")
    questions: list[QuestionEffectOut]
    overall: RunEffectOut | None
    answers: list[QuestionnaireStatusOut]


RunPage = page_schema(RunOut, "RunPage")


def _person(user: User) -> dict[str, str]:
    return {"username": user.get_username(), "name": reads.person_name(user)}


def _questionnaire(version: InstrumentVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {"id": version.pk, "name": version.instrument.name, "number": version.number}


def run_out(run: CourseRun, *, enrolled: int | None = None, trainers: list[User] | None = None) -> dict[str, Any]:
    taken = enrolled if enrolled is not None else getattr(run, "enrolled", 0)
    course = run.course
    return {
        "id": run.pk, "course": {"id": course.pk, "title": course.title, "kind": course.kind,
                                 "unit_kind": course.unit_kind},
        "organisation": {"id": course.organisation_id, "name": course.organisation.name},
        "starts_on": run.starts_on, "ends_on": run.ends_on, "place": run.place, "status": run.status,
        "capacity": run.capacity, "enrolled": taken, "free_places": max(run.capacity - taken, 0), "cost": run.cost,
        "cost_note": run.cost_note,
        "trainers": [_person(t) for t in (trainers if trainers is not None else run.trainers.all())],
        "questionnaire": _questionnaire(run.questionnaire) if run.questionnaire_id else None,
        "version": run.version,
    }


def _unit(summary: reads.UnitSummary) -> dict[str, Any]:
    return {"id": summary.unit.pk, "number": summary.unit.number, "name": summary.name,
            "held_on": summary.unit.held_on, "present": summary.present, "recorded": summary.recorded,
            "in_future": summary.in_future}


def _participant(enrolment: Enrolment, row: reads.ParticipantRow | None = None) -> dict[str, Any]:
    return {
        "id": enrolment.pk, "name": enrolment.name, "external": enrolment.user_id is None,
        "organisation_name": enrolment.organisation_name, "organisation_kind": enrolment.organisation_kind,
        "status": enrolment.status, "present_units": sorted(row.present) if row else [],
        "missed_units": [s.unit.pk for s in row.missed] if row else [], "completed_on": enrolment.completed_on,
        "certificate_number": enrolment.certificate_number,
    }


def run_detail_out(run: CourseRun) -> dict[str, Any]:
    page = reads.run_page(run)
    return {**run_out(run, enrolled=page.enrolled_count, trainers=page.trainers),
            "units": [_unit(s) for s in page.unit_summaries],
            "participants": [_participant(row.enrolment, row) for row in page.rows], "is_over": page.is_over}


def _sheet(run: CourseRun) -> dict[str, Any]:
    page = reads.run_page(run)
    return {"run": run.pk, "units": [_unit(s) for s in page.unit_summaries],
            "rows": [{"enrolment": row.enrolment.pk, "name": row.enrolment.name, "present": sorted(row.present),
                      "recorded": sorted(row.recorded)} for row in page.enrolled]}


def _effect(effect: Effect) -> dict[str, Any]:
    return {"n": effect.n, "needed": effect.needed, "verdict": effect.verdict.value,
            "mean_change": effect.mean_change, "sd": effect.sd, "low": effect.low, "high": effect.high,
            "mean_before": effect.mean_before, "mean_after": effect.mean_after}


# --- what is taken ---------------------------------------------------------------------------------

class RunFilter(Schema):
    when: Literal["upcoming", "past"] | None = Field(
        None, description="upcoming: not yet over, soonest first; past: over, latest first; by default every run, "
                          "latest first")


class RunIn(Input):
    starts_on: Day
    ends_on: Day
    place: str = text(200, "")
    trainers: list[str] = Field([], max_length=MAX_TRAINERS,
                                description="Usernames of people with a training role in the course's organisation")
    capacity: int = Field(ge=0, le=100_000, description="Places (1 to 1000)")
    cost: Money = Field(Decimal(0), description="The whole cost, in DKK, as a decimal string: \"12000.50\"")
    cost_note: str = text(200, "")
    unit_dates: list[Day] | None = Field(
        None, max_length=30, description="One date per day, block or session of the course, in order. Left out: "
                                         "consecutive days from the first day for a new run (blocks spread to the "
                                         "last day); the dates as they are for a change.")


class RunEditIn(RunIn):
    status: Literal["planned", "held", "cancelled"]
    version: VersionSeen


class ExternalParticipantIn(Input):
    name: str = text(200)
    organisation_name: str = text(200)
    organisation_kind: one_of(Organisation.Kind)  # type: ignore[valid-type]
    email: str = text(254, "")


class EnrolIn(Input):
    participant: str | None = text(254, None, description="A platform user's username or e-mail address")
    organisation: Id | None = Field(None, description="For a platform user: the organisation they are enrolled for "
                                                      "(by default their first)")
    external: ExternalParticipantIn | None = Field(
        None, description="Someone not on the platform (instead of `participant`)")


class AttendanceSheetRowIn(Input):
    enrolment: Id
    present: list[Id] = Field(max_length=30, description="Ids of the days or blocks they were present at; absent at "
                                                         "every other one already held")


class AttendanceSheetIn(Input):
    sheet: list[AttendanceSheetRowIn] = Field(max_length=MAX_SHEET)


class RunQuestionnaireIn(Input):
    questionnaire: Id | None = Field(description="A published course evaluation's version id; null takes it off")
    version: VersionSeen


def _trainers(names: list[str], candidates: Any) -> tuple[User, ...]:
    """The named trainers, among those the page would offer (422 at `trainers` otherwise)."""
    wanted = list(dict.fromkeys(names))
    found = {u.get_username(): u for u in candidates.filter(username__in=wanted)}
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise ApiError(422, "invalid", "The change was refused.", fields={"trainers": [
            f"Not someone with a training role in the course's organisation: {', '.join(unknown)}."]})
    return tuple(found[name] for name in wanted)


def _run_data(body: RunIn, trainers: tuple[User, ...], *, status: str = CourseRun.Status.PLANNED,
              unit_dates: list[date] | None = None) -> services.RunData:
    dates = body.unit_dates if body.unit_dates is not None else unit_dates
    return services.RunData(starts_on=body.starts_on, ends_on=body.ends_on, capacity=body.capacity, cost=body.cost,
                            place=body.place, cost_note=body.cost_note, trainers=trainers,
                            unit_dates=tuple(dates) if dates is not None else None, status=status)


def _run(request: HttpRequest, run_id: int, purpose: str, *, audit: bool = True) -> CourseRun:
    return run_access(trainer(request), run_id, purpose=f"training run: {purpose}", audit=audit)


def _fetch(run: CourseRun) -> CourseRun:
    """The run as it is after a write, with what run_out reads."""
    return CourseRun.objects.select_related("course__organisation", "questionnaire__instrument").get(pk=run.pk)


# --- runs ----------------------------------------------------------------------------------------------

@router.get("/training/runs", response=RunPage, auth=READ, summary="Course runs",
            description="Runs of the courses of the caller's organisations and runs they are named a trainer on.")
def run_list(request: HttpRequest, filters: Query[RunFilter], paging: Query[Paging]) -> dict[str, Any]:
    runs = reads.listed_runs(runs_for(trainer(request)), when=filters.when or "")
    return page_of(runs.select_related("questionnaire__instrument"), paging, run_out)


@router.get("/training/runs/{run_id}", response=RunDetailOut, auth=READ, summary="One run with its participants",
            description="Its days or blocks, trainers, participants and their attendance. The read of the "
                        "participants is audited.")
def run_detail(request: HttpRequest, run_id: int = path_id("The run's id")) -> dict[str, Any]:
    run = _run(request, run_id, "run page")
    return run_detail_out(run)


@router.post("/training/courses/{course_id}/runs", response={201: RunDetailOut}, auth=WRITE,
             summary="Plan a run of a course")
def run_create(request: HttpRequest, body: RunIn, course_id: int = path_id("The course's id")) -> Status[Any]:
    user = trainer(request)
    course = course_access(user, course_id)
    trainers = _trainers(body.trainers, reads.trainer_candidates(course))
    run = services.create_run(actor=user, course=course, data=_run_data(body, trainers))
    return Status(201, run_detail_out(_fetch(run)))


@router.put("/training/runs/{run_id}", response={200: RunDetailOut, 409: ErrorOut}, auth=WRITE, summary="Change a run",
            description="Send every field and the version you read. A stale version answers 409 and changes "
                        "nothing.")
def run_update(request: HttpRequest, body: RunEditIn, run_id: int = path_id("The run's id")) -> dict[str, Any]:
    run = _run(request, run_id, "edit the run", audit=False)
    candidates = (reads.trainer_candidates(run.course) | User.objects.filter(training_runs=run)).distinct()
    trainers = _trainers(body.trainers, candidates)
    dates = list(run.units.order_by("number").values_list("held_on", flat=True))
    services.update_run(actor=trainer(request), run=run, expected_version=body.version,
                        data=_run_data(body, trainers, status=body.status, unit_dates=dates))
    return run_detail_out(_fetch(run))


# --- enrolment -----------------------------------------------------------------------------------------

@router.post("/training/runs/{run_id}/enrolments", response={201: EnrolmentOut}, auth=WRITE,
             summary="Enrol a participant",
             description="A platform user (`participant`: username or e-mail address) or an external participant "
                         "(`external`), one of the two. Refused when the run is full or cancelled.")
def enrolment_create(request: HttpRequest, body: EnrolIn, run_id: int = path_id("The run's id")) -> Status[Any]:
    run = _run(request, run_id, "enrol", audit=False)
    actor = trainer(request)
    if (body.participant is None) == (body.external is None):
        raise ApiError(422, "invalid", "The change was refused.", fields={"participant": [
            "Give either `participant` (someone on the platform) or `external` (someone not on it)."]})
    if body.external is not None:
        e = body.external
        enrolment = services.enrol_external(actor=actor, run=run, person=services.ExternalParticipant(
            name=e.name, organisation_name=e.organisation_name, organisation_kind=e.organisation_kind, email=e.email))
    else:
        assert body.participant is not None
        organisation = None
        if body.organisation is not None:
            organisation = Organisation.objects.filter(pk=body.organisation, is_active=True).first()
            if organisation is None:
                raise ApiError(422, "invalid", "The change was refused.",
                               fields={"organisation": ["No active organisation has this id."]})
        person = services.find_user(body.participant)
        enrolment = services.enrol_user(actor=actor, run=run, user=person, organisation=organisation)
    return Status(201, _participant(enrolment))


@router.post("/training/runs/{run_id}/enrolments/{enrolment_id}/withdraw", response=EnrolmentOut, auth=WRITE,
             summary="Withdraw a participant", description="Frees the place; a completed enrolment stays.")
def enrolment_withdraw(request: HttpRequest, run_id: int = path_id("The run's id"),
                       enrolment_id: int = path_id("The enrolment's id")) -> dict[str, Any]:
    run = _run(request, run_id, "withdraw", audit=False)
    enrolment = reads.enrolment_of_run(run, enrolment_id)
    if enrolment is None:
        raise Http404
    return _participant(services.withdraw(actor=trainer(request), run=run, enrolment=enrolment))


# --- attendance and completion ---------------------------------------------------------------------------

@router.get("/training/runs/{run_id}/attendance", response=AttendanceSheetOut, auth=READ,
            summary="The attendance sheet")
def attendance_sheet(request: HttpRequest, run_id: int = path_id("The run's id")) -> dict[str, Any]:
    return _sheet(_run(request, run_id, "attendance sheet"))


@router.put("/training/runs/{run_id}/attendance", response=AttendanceSheetSavedOut, auth=WRITE,
            summary="Record attendance",
            description="For each participant on the sheet, present at the days or blocks given and absent at every "
                        "other one already held. Refused as a whole, nothing saved, when a participant is not "
                        "enrolled, a day is not the run's or still to come, or a certificate holder would be "
                        "marked absent.")
def attendance_record(request: HttpRequest, body: AttendanceSheetIn,
                      run_id: int = path_id("The run's id")) -> dict[str, Any]:
    run = _run(request, run_id, "record attendance", audit=False)
    present = {(row.enrolment, unit) for row in body.sheet for unit in row.present}
    changed = services.record_attendance(actor=trainer(request), run=run,
                                         enrolment_ids=[row.enrolment for row in body.sheet], present=present)
    return {**_sheet(run), "changed": changed}


@router.post("/training/runs/{run_id}/complete", response=RunCompletionOut, auth=WRITE, summary="Complete a run",
             description="Once every day or block is held: those present at every one complete the run and get a "
                         "certificate number; the run becomes held. Called again after attendance is corrected, it "
                         "completes those who now qualify.")
def run_complete(request: HttpRequest, run_id: int = path_id("The run's id")) -> dict[str, Any]:
    run = _run(request, run_id, "complete", audit=False)
    done = services.complete_run(actor=trainer(request), run=run)
    return {"completed": [_participant(e) for e in done.completed],
            "not_completed": [_participant(e) for e in done.not_completed]}


# --- the questionnaire and its effect ----------------------------------------------------------------------

@router.put("/training/runs/{run_id}/questionnaire", response={200: RunOut, 409: ErrorOut}, auth=WRITE,
            summary="Attach a questionnaire to a run",
            description="A published course evaluation answered before and after the course (null takes it off), "
                        "until someone has answered. A stale version answers 409.")
def run_questionnaire(request: HttpRequest, body: RunQuestionnaireIn,
                      run_id: int = path_id("The run's id")) -> dict[str, Any]:
    actor = trainer(request)
    run = run_access(actor, run_id, purpose="course evaluation: questionnaire", audit=False)
    chosen = None
    if body.questionnaire is not None:
        chosen = evaluation_reads.training_questionnaires().filter(pk=body.questionnaire).first()
        if chosen is None:
            raise ApiError(422, "invalid", "The change was refused.",
                           fields={"questionnaire": ["Choose a published course evaluation."]})
    evaluation_services.attach_questionnaire(run=run, actor=actor, questionnaire=chosen,
                                             expected_version=body.version)
    saved = _fetch(run)
    return run_out(saved, enrolled=saved.enrolments.filter(status=Enrolment.Status.ENROLLED).count())


@router.get("/training/runs/{run_id}/evaluation", response=RunEvaluationOut, auth=READ,
            summary="The effect of a run on its questionnaire",
            description="Per scale question and overall, over the participants who answered before and after "
                        "(figures about the run, never about a person), and whose questionnaires are in.")
def run_evaluation(request: HttpRequest, run_id: int = path_id("The run's id")) -> dict[str, Any]:
    run = run_access(trainer(request), run_id, purpose="course evaluation")
    effect = evaluation_reads.run_effect(run)
    return {
        "run": run.pk, "questionnaire": _questionnaire(run.questionnaire) if run.questionnaire_id else None,
        "participants": effect.participants if effect else None,
        "questions": [{"key": q.key, "label": q.label, "effect": _effect(q.effect)} for q in effect.questions]
        if effect else [],
        "overall": _effect(effect.overall) if effect else None,
        "answers": [{"enrolment": s.enrolment.pk, "name": s.enrolment.name, "status": s.enrolment.status,
                     "pre_at": s.pre_at, "post_at": s.post_at} for s in evaluation_reads.answer_statuses(run)],
    }
