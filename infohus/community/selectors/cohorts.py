"""Reading youth cohorts for the coordinators' pages: the list, one cohort with its modules and
participants, the attendance grid, and one young participant with their goals and progress.

Everything starts from selectors/access.py (`visible`, `get_visible`): a coordinator reads what
their organisation keeps, and each read of a young person's record is audited there. A page that
lists young people by name records one "community.listed" event naming who was shown. Attendance
counts are facts about the cohort's work ("came to 3 of 4 modules held"), not a judgement of a
person.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from infohus.audit.services import record_event
from infohus.community.models import (
    Ambassador,
    CohortModule,
    GoalProgress,
    ModuleAttendance,
    YouthCohort,
    YouthGoal,
    YouthParticipant,
)
from infohus.community.selectors.access import get_visible, visible
from infohus.community.services.cohorts import age_on, attendance_refusal

PER_PAGE = 25
# Current participants (not left) first, on every database: PostgreSQL sorts NULL last by default.
CURRENT_FIRST = F("left_on").asc(nulls_first=True)


def audit_listing(user: Any, participants: Iterable[YouthParticipant], *, purpose: str, **details: Any) -> None:
    """One audit event for a page that shows young people by name."""
    shown = sorted(p.pk for p in participants)
    if shown:
        record_event(action="community.listed", actor=user, object_type="youthparticipant", purpose=purpose,
                     details={"participants": shown, **details})


# --- the list ------------------------------------------------------------------------------------------

def cohorts(user: Any) -> QuerySet[YouthCohort]:
    """The cohorts the user's organisations keep, newest first, with their counts of current
    participants and of modules."""
    return (visible(user, YouthCohort).select_related("organisation")
            .annotate(participant_count=Count("participants", filter=Q(participants__left_on__isnull=True),
                                              distinct=True),
                      module_count=Count("modules", distinct=True))
            .order_by("-starts_on", "-pk"))


def cohort_page(user: Any, page_number: str | None) -> Page[Any]:
    """A page of cohorts (see cohorts)."""
    return Paginator(cohorts(user), PER_PAGE).get_page(page_number)


# --- one cohort --------------------------------------------------------------------------------------------

def get_cohort(user: Any, pk: int, *, purpose: str) -> YouthCohort:
    return get_visible(user, YouthCohort, pk, purpose=purpose,
                       queryset=YouthCohort.objects.select_related("organisation"))


@dataclass(frozen=True)
class ParticipantRow:
    participant: YouthParticipant
    age: int
    attended: int
    is_ambassador: bool


@dataclass(frozen=True)
class CohortView:
    cohort: YouthCohort
    modules: list[CohortModule]
    held: int
    rows: list[ParticipantRow]


def cohort_view(user: Any, cohort: YouthCohort, *, today: date | None = None) -> CohortView:
    """The cohort's modules and participants (current ones first), each with how many modules they
    came to. Audited as a listing of the participants shown."""
    today = today or timezone.localdate()
    modules = list(CohortModule.objects.filter(cohort=cohort).order_by("number"))
    participants = list(YouthParticipant.objects.filter(cohort=cohort).select_related("ambassador")
                        .order_by(CURRENT_FIRST, "first_name", "last_name", "pk"))
    attended = dict(ModuleAttendance.objects.filter(module__cohort=cohort, present=True)
                    .order_by().values("participant_id").annotate(n=Count("pk")).values_list("participant_id", "n"))
    rows = [ParticipantRow(participant=p, age=age_on(p.birth_date, today), attended=attended.get(p.pk, 0),
                           is_ambassador=ambassador_of(p) is not None) for p in participants]
    audit_listing(user, participants, purpose="youth cohorts: cohort page", cohort=cohort.pk)
    held = sum(1 for m in modules if m.held_on is not None and m.held_on <= today)
    return CohortView(cohort=cohort, modules=modules, held=held, rows=rows)


def ambassador_of(participant: YouthParticipant) -> Ambassador | None:
    """The participant's ambassador record, if they have one (load it with select_related)."""
    try:
        return participant.ambassador
    except YouthParticipant.ambassador.RelatedObjectDoesNotExist:
        return None


# --- the attendance grid ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    module: CohortModule
    key: str
    present: bool
    recorded: bool
    refusal: str

    @property
    def editable(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class GridRow:
    participant: YouthParticipant
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    modules: list[CohortModule]
    rows: list[GridRow]


def cell_key(participant_pk: int, module_pk: int) -> str:
    return f"{participant_pk}:{module_pk}"


def parse_cells(values: Iterable[str]) -> set[tuple[int, int]] | None:
    """The (participant, module) pairs of a posted grid; None when a value is not a pair of ids."""
    cells: set[tuple[int, int]] = set()
    for value in values:
        left, sep, right = value.partition(":")
        if not sep or not left.isdigit() or not right.isdigit():
            return None
        cells.add((int(left), int(right)))
    return cells


def attendance_grid(user: Any, cohort: YouthCohort, *, ticked: set[tuple[int, int]] | None = None) -> Grid:
    """A row per participant and a cell per module. `ticked` (a refused post) replaces what is
    recorded, so that nothing typed is lost. Audited as a listing of the participants shown."""
    modules = list(CohortModule.objects.filter(cohort=cohort).order_by("number"))
    participants = list(YouthParticipant.objects.filter(cohort=cohort)
                        .order_by(CURRENT_FIRST, "first_name", "last_name", "pk"))
    recorded = {(pid, mid): present for pid, mid, present in ModuleAttendance.objects.filter(
        module__cohort=cohort).values_list("participant_id", "module_id", "present")}
    rows = []
    for p in participants:
        cells = []
        for m in modules:
            key = (p.pk, m.pk)
            present = key in ticked if ticked is not None else bool(recorded.get(key))
            cells.append(Cell(module=m, key=cell_key(*key), present=present, recorded=key in recorded,
                              refusal=attendance_refusal(p, m)))
        rows.append(GridRow(participant=p, cells=cells))
    audit_listing(user, participants, purpose="youth cohorts: attendance", cohort=cohort.pk)
    return Grid(modules=modules, rows=rows)


# --- one young participant ------------------------------------------------------------------------------------

def get_participant(user: Any, pk: int, *, purpose: str) -> YouthParticipant:
    """One young participant the user's organisations keep, or 404; the read is audited."""
    return get_visible(user, YouthParticipant, pk, purpose=purpose,
                       queryset=YouthParticipant.objects.select_related("cohort__organisation", "ambassador"))


def get_goal(user: Any, pk: int, *, purpose: str) -> YouthGoal:
    return get_visible(user, YouthGoal, pk, purpose=purpose,
                       queryset=YouthGoal.objects.select_related("participant__cohort__organisation"))


@dataclass(frozen=True)
class GoalView:
    goal: YouthGoal
    notes: list[GoalProgress]

    @property
    def latest(self) -> GoalProgress | None:
        return self.notes[-1] if self.notes else None


def goals_of(participant: YouthParticipant) -> list[GoalView]:
    """The participant's goals in the order they were set, each with its progress notes over time."""
    goals = (YouthGoal.objects.filter(participant=participant).select_related("recorded_by")
             .prefetch_related(Prefetch("progress", queryset=GoalProgress.objects.select_related("recorded_by")
                                        .order_by("noted_on", "pk")))
             .order_by("set_on", "pk"))
    return [GoalView(goal=g, notes=list(g.progress.all())) for g in goals]


def attendance_of(participant: YouthParticipant) -> list[tuple[CohortModule, bool | None]]:
    """Each module of the participant's cohort with whether they came (None: not recorded)."""
    modules = list(CohortModule.objects.filter(cohort_id=participant.cohort_id).order_by("number"))
    recorded = dict(ModuleAttendance.objects.filter(participant=participant).values_list("module_id", "present"))
    return [(m, recorded.get(m.pk)) for m in modules]
