"""Reads of the catalogue and of course runs: completions for other apps, the lists of runs, a run's
page with its participants and attendance, and who may be named a trainer.

Who may open what is decided in selectors/access.py; the functions here take a run or course that
was already fetched through it (or a queryset that starts from it). Completion is a fact of
attendance (present at every day or block), never a judgement about a person.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, User
from infohus.accounts.roles import CAPABILITIES, Capability
from infohus.audit.services import record_event
from infohus.training.models import Attendance, Course, CourseRun, Enrolment, RunUnit, UnitKind

PAST_RUNS_PAGE_SIZE = 50


# --- for other apps -------------------------------------------------------------------------------

def completions(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[int, date]:
    """Each user's latest completion of a run of a course of one of these kinds (enrolments that
    were not withdrawn), in one query. Users without one are left out."""
    ids, kinds = list(user_ids), list(kinds)
    if not ids or not kinds:
        return {}
    rows = (Enrolment.objects.filter(user_id__in=ids, run__course__kind__in=kinds, completed_on__isnull=False)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .order_by().values("user_id").annotate(latest=Max("completed_on")))
    return {row["user_id"]: row["latest"] for row in rows}


# --- lists ---------------------------------------------------------------------------------------------

ENROLLED = Q(enrolments__status=Enrolment.Status.ENROLLED)


def with_enrolled(runs: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    """Runs with `enrolled`: the places taken (withdrawn enrolments free theirs)."""
    return runs.annotate(enrolled=Count("enrolments", filter=ENROLLED))


def catalogue(courses: QuerySet[Course], *, today: date | None = None) -> QuerySet[Course]:
    """The catalogue, offered courses first, each course with `upcoming` (its planned runs not yet
    over) and `runs_total`: one query."""
    today = today or timezone.localdate()
    upcoming = Q(runs__ends_on__gte=today, runs__status=CourseRun.Status.PLANNED)
    return (courses.select_related("organisation")
            .annotate(upcoming=Count("runs", filter=upcoming), runs_total=Count("runs"))
            .order_by("-is_active", "title", "pk"))


def courses_page(courses: QuerySet[Course], *, today: date | None = None) -> list[Course]:
    """The catalogue as its page lists it (see catalogue)."""
    return list(catalogue(courses, today=today))


@dataclass(frozen=True)
class RunLists:
    upcoming: list[CourseRun]
    past: Page[CourseRun]


UPCOMING, PAST = "upcoming", "past"


def listed_runs(runs: QuerySet[CourseRun], *, when: str = "", today: date | None = None) -> QuerySet[CourseRun]:
    """Runs with their course, trainers and places taken (`enrolled`): those not yet over
    (UPCOMING), soonest first; those over (PAST), latest first; or all of them, latest first."""
    today = today or timezone.localdate()
    base = with_enrolled(runs).select_related("course", "course__organisation").prefetch_related("trainers")
    if when == UPCOMING:
        return base.filter(ends_on__gte=today).order_by("starts_on", "pk")
    if when == PAST:
        return base.filter(ends_on__lt=today).order_by("-starts_on", "-pk")
    return base.order_by("-starts_on", "-pk")


def run_lists(runs: QuerySet[CourseRun], *, page_number: Any = None, today: date | None = None) -> RunLists:
    """Runs not yet over, soonest first, then past runs, latest first (a page of 50), each with
    its course, trainers and places taken: four queries."""
    today = today or timezone.localdate()
    upcoming = list(listed_runs(runs, when=UPCOMING, today=today))
    past = Paginator(listed_runs(runs, when=PAST, today=today), PAST_RUNS_PAGE_SIZE).get_page(page_number)
    return RunLists(upcoming=upcoming, past=past)


@dataclass(frozen=True)
class CourseRuns:
    upcoming: list[CourseRun]
    past: list[CourseRun]


def course_runs(course: Course, *, today: date | None = None) -> CourseRuns:
    """A course's runs, upcoming (soonest first) then past (latest first), in one query."""
    today = today or timezone.localdate()
    runs = list(with_enrolled(CourseRun.objects.filter(course=course)).order_by("starts_on", "pk"))
    return CourseRuns(upcoming=[r for r in runs if r.ends_on >= today],
                      past=[r for r in reversed(runs) if r.ends_on < today])


# --- who may be named a trainer -----------------------------------------------------------------------

def trainer_roles() -> list[str]:
    return [role.value for role, caps in CAPABILITIES.items() if Capability.TRAIN in caps]


def trainer_candidates(course: Course) -> QuerySet[User]:
    """Users with an active membership in a training role of the course's organisation."""
    members = Membership.objects.filter(organisation_id=course.organisation_id, role__in=trainer_roles(),
                                        is_active=True, user__is_active=True).values("user_id")
    return User.objects.filter(pk__in=members).order_by("first_name", "last_name", "username")


def person_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def unit_name(unit_kind: str, number: int) -> str:
    """"Day 2", "Block 1", "Session 1": what attendance is taken for, in words."""
    if unit_kind == UnitKind.BLOCK:
        return _("Block %(number)d") % {"number": number}
    if unit_kind == UnitKind.SESSION:
        return _("Session %(number)d") % {"number": number}
    return _("Day %(number)d") % {"number": number}


# --- one run ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitSummary:
    unit: RunUnit
    name: str  # "Day 2"
    present: int  # participants enrolled now marked present
    recorded: int  # participants enrolled now with attendance recorded
    in_future: bool


@dataclass
class ParticipantRow:
    enrolment: Enrolment
    present: set[int] = field(default_factory=set)  # unit pks marked present
    recorded: set[int] = field(default_factory=set)  # unit pks with attendance recorded either way
    missed: list[UnitSummary] = field(default_factory=list)  # units held and not marked present

    @property
    def withdrawn(self) -> bool:
        return self.enrolment.status == Enrolment.Status.WITHDRAWN

    @property
    def completed(self) -> bool:
        return self.enrolment.completed_on is not None


@dataclass(frozen=True)
class RunPage:
    run: CourseRun
    units: list[RunUnit]
    trainers: list[User]
    rows: list[ParticipantRow]  # enrolled first (by name), then withdrawn
    unit_summaries: list[UnitSummary]
    today: date

    @property
    def enrolled(self) -> list[ParticipantRow]:
        return [row for row in self.rows if not row.withdrawn]

    @property
    def withdrawn(self) -> list[ParticipantRow]:
        return [row for row in self.rows if row.withdrawn]

    @property
    def enrolled_count(self) -> int:
        return len(self.enrolled)

    @property
    def free_places(self) -> int:
        return max(self.run.capacity - self.enrolled_count, 0)

    @property
    def completed(self) -> list[ParticipantRow]:
        return [row for row in self.enrolled if row.completed]

    @property
    def not_completed(self) -> list[ParticipantRow]:
        """Once the run is held: those enrolled who did not complete it, with the units they missed."""
        return [row for row in self.enrolled if not row.completed]

    @property
    def is_over(self) -> bool:
        return all(unit.held_on <= self.today for unit in self.units)

    @property
    def trainer_names(self) -> list[str]:
        return [person_name(t) for t in self.trainers]


def run_page(run: CourseRun, *, today: date | None = None) -> RunPage:
    """A run with its days or blocks, trainers, participants and attendance: four queries."""
    today = today or timezone.localdate()
    units = list(RunUnit.objects.filter(run=run).order_by("number"))
    trainers = list(run.trainers.order_by("first_name", "last_name", "username"))
    enrolments = list(Enrolment.objects.filter(run=run).select_related("user")
                      .order_by("status", "name", "pk"))  # "enrolled" sorts before "withdrawn"
    rows = {e.pk: ParticipantRow(enrolment=e) for e in enrolments}
    present_at: dict[int, int] = {u.pk: 0 for u in units}
    recorded_at: dict[int, int] = {u.pk: 0 for u in units}
    for enrolment_id, unit_id, present in Attendance.objects.filter(enrolment__run=run).values_list(
            "enrolment_id", "unit_id", "present"):
        row = rows.get(enrolment_id)
        if row is None or unit_id not in present_at:
            continue
        row.recorded.add(unit_id)
        if present:
            row.present.add(unit_id)
        if not row.withdrawn:
            recorded_at[unit_id] += 1
            present_at[unit_id] += 1 if present else 0
    kind = run.course.unit_kind
    summaries = [UnitSummary(unit=u, name=unit_name(kind, u.number), present=present_at[u.pk],
                             recorded=recorded_at[u.pk], in_future=u.held_on > today) for u in units]
    for row in rows.values():
        row.missed = [s for s in summaries if s.unit.pk not in row.present and not s.in_future]
    return RunPage(run=run, units=units, trainers=trainers, rows=list(rows.values()), unit_summaries=summaries,
                   today=today)


def enrolment_of_run(run: CourseRun, pk: int) -> Enrolment | None:
    """An enrolment of this run (None for one of another run or none at all)."""
    return Enrolment.objects.select_related("user").filter(run=run, pk=pk).first()


def audit_run_read(user: Any, run: CourseRun, *, purpose: str) -> None:
    """The read of a run's participants shown again with a refused form (its fetch was not audited)."""
    record_event(action="training.run_viewed", actor=user, object_type="course_run", object_id=run.pk,
                 purpose=purpose)
