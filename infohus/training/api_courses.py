"""The course catalogue in the desk's API: the courses of the trainer's organisations, one course
with its runs, a new course and its edit (optimistic: a stale version answers 409).

Who: trainers (TRAIN), as on the catalogue pages (views_courses.py); every course is fetched
through selectors/access.py course_access (404 outside the trainer's organisations). A catalogue
entry holds no personal data, so its reads are not audited; its writes are, by the service.
"""

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership, require_capability
from infohus.accounts.roles import Capability
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.fields import Id, VersionSeen, one_of, path_id, text
from infohus.api.schemas import ErrorOut, Input, Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.training.models import Course, CourseKind, CourseRun, UnitKind
from infohus.training.selectors import runs as reads
from infohus.training.selectors.access import course_access, courses_for, training_organisations
from infohus.training.services import courses as services

router = Router()
READ, WRITE = scope(Scope.TRAINING_READ), scope(Scope.TRAINING_WRITE)


def trainer(request: HttpRequest) -> User:
    """The caller, who must act in a role that trains (403 otherwise)."""
    require_capability(request, Capability.TRAIN)
    return cast(User, request.user)


# --- what is sent ----------------------------------------------------------------------------------

class TrainingOrganisationRef(Schema):
    id: int
    name: str


class CourseOut(Schema):
    """An entry of the training catalogue."""

    id: int
    organisation: TrainingOrganisationRef = Field(description="The organisation whose trainers keep the course")
    kind: str
    kind_label: str
    title: str
    description: str
    units: int = Field(description="How many days, blocks or sessions attendance is taken for")
    unit_kind: str = Field(description="day, block or session")
    duration: str = Field(description="As the catalogue says it, e.g. “2–5 days”")
    is_active: bool = Field(description="Offered: new runs can be planned")
    created_at: datetime
    version: int


class CourseListOut(CourseOut):
    upcoming_runs: int = Field(description="Planned runs not yet over")
    runs_total: int


class CourseRunOut(Schema):
    """A run as the course's page lists it."""

    id: int
    starts_on: str
    ends_on: str
    place: str
    status: str
    capacity: int
    enrolled: int = Field(description="Places taken")


class CourseDetailOut(CourseOut):
    upcoming_runs: list[CourseRunOut] = Field(description="Runs not yet over, soonest first")
    past_runs: list[CourseRunOut] = Field(description="Runs that are over, latest first")


CoursePage = page_schema(CourseListOut, "CoursePage")


def course_out(course: Course) -> dict[str, Any]:
    return {
        "id": course.pk, "organisation": {"id": course.organisation_id, "name": course.organisation.name},
        "kind": course.kind, "kind_label": str(course.get_kind_display()), "title": course.title,
        "description": course.description, "units": course.units, "unit_kind": course.unit_kind,
        "duration": course.duration, "is_active": course.is_active, "created_at": course.created_at,
        "version": course.version,
    }


def _listed(course: Course) -> dict[str, Any]:
    return {**course_out(course), "upcoming_runs": getattr(course, "upcoming", 0),
            "runs_total": getattr(course, "runs_total", 0)}


def _course_run(run: CourseRun) -> dict[str, Any]:
    return {"id": run.pk, "starts_on": run.starts_on.isoformat(), "ends_on": run.ends_on.isoformat(),
            "place": run.place, "status": run.status, "capacity": run.capacity,
            "enrolled": getattr(run, "enrolled", 0)}


# --- what is taken ---------------------------------------------------------------------------------

class CourseFilter(Schema):
    kind: one_of(CourseKind) | None = Field(None, description="Only courses of this kind")  # type: ignore[valid-type]
    offered: bool | None = Field(None, description="Only courses offered (true) or no longer offered (false)")


class CourseIn(Input):
    kind: one_of(CourseKind)  # type: ignore[valid-type]
    title: str = text(200)
    description: str = text(None, "")
    units: int = Field(ge=1, le=30, description="Days, blocks or sessions (1 to 30)")
    unit_kind: one_of(UnitKind)  # type: ignore[valid-type]
    duration: str = text(60, "")
    is_active: bool = True


class CourseNewIn(CourseIn):
    organisation: Id | None = Field(None, description="The organisation whose trainers keep the course; by default "
                                                       "the one the token's role belongs to")


class CourseEditIn(CourseIn):
    version: VersionSeen


def _data(body: CourseIn) -> services.CourseData:
    return services.CourseData(kind=body.kind, title=body.title, units=body.units, unit_kind=body.unit_kind,
                               description=body.description, duration=body.duration, is_active=body.is_active)


def _keeping_organisation(request: HttpRequest, wanted: int | None) -> Organisation:
    """The organisation a new course is kept by: one the caller trains for (the page offers only
    those), the token's own by default."""
    if wanted is None:
        membership = active_membership(request)
        wanted = membership.organisation_id if membership is not None else None
    found = Organisation.objects.filter(pk__in=training_organisations(request.user), pk=wanted).first()
    if found is None:
        raise ApiError(422, "invalid", "The change was refused.",
                       fields={"organisation": ["Choose an organisation you train for."]})
    return found


# --- the operations ----------------------------------------------------------------------------------

@router.get("/training/courses", response=CoursePage, auth=READ, summary="The training catalogue",
            description="The courses kept by the organisations the caller trains for, offered ones first, each "
                        "with its number of runs.")
def course_list(request: HttpRequest, filters: Query[CourseFilter], paging: Query[Paging]) -> dict[str, Any]:
    user = trainer(request)
    courses = courses_for(user)
    if filters.kind is not None:
        courses = courses.filter(kind=filters.kind)
    if filters.offered is not None:
        courses = courses.filter(is_active=filters.offered)
    return page_of(reads.catalogue(courses), paging, _listed)


@router.get("/training/courses/{course_id}", response=CourseDetailOut, auth=READ, summary="One course with its runs")
def course_detail(request: HttpRequest, course_id: int = path_id("The course's id")) -> dict[str, Any]:
    course = course_access(trainer(request), course_id)
    runs = reads.course_runs(course)
    return {**course_out(course), "upcoming_runs": [_course_run(r) for r in runs.upcoming],
            "past_runs": [_course_run(r) for r in runs.past]}


@router.post("/training/courses", response={201: CourseOut}, auth=WRITE, summary="Add a course to the catalogue")
def course_create(request: HttpRequest, body: CourseNewIn) -> Status[Any]:
    user = trainer(request)
    organisation = _keeping_organisation(request, body.organisation)
    course = services.create_course(actor=user, organisation=organisation, data=_data(body))
    return Status(201, course_out(course))


@router.put("/training/courses/{course_id}", response={200: CourseOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a course",
            description="Send every field and the version you read; a course with runs keeps its number and kind "
                        "of days or blocks. A stale version answers 409 and changes nothing.")
def course_update(request: HttpRequest, body: CourseEditIn,
                  course_id: int = path_id("The course's id")) -> dict[str, Any]:
    user = trainer(request)
    course = course_access(user, course_id)
    saved = services.update_course(actor=user, course=course, expected_version=body.version, data=_data(body))
    return course_out(saved)
