"""Reads for research projects: the register of projects with their extract log, and the raw rows
an extract is made from.

The register holds no personal data (titles, purposes, field lists, counts), so the analyst and the
data protection officer both read all of it; research projects are platform-wide, like the audit
trail. The raw rows are read only by the extract service, for the data protection officer, and still
carry the person's internal id and exact dates: the service pseudonymises and coarsens them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404

from infohus.cases.selectors.research import ConcernRow, research_case_ids, research_rows
from infohus.insights.models import ResearchExtract, ResearchProject
from infohus.interventions.selectors.research import CaseWork, work_per_case

type SourceValue = str | int | Decimal | date | None
S = ResearchProject.Status


def project_list() -> QuerySet[ResearchProject]:
    """Every project, those waiting for a decision first, each with its number of extracts."""
    waiting_first = Case(When(status=S.PROPOSED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (ResearchProject.objects.select_related("proposed_by", "decided_by")
            .annotate(extract_count=Count("extracts"), waiting=waiting_first)
            .order_by("waiting", "-proposed_at", "-pk"))


def project(pk: int, *, status: str | None = None) -> ResearchProject:
    """One project (in the given status), or 404."""
    projects = ResearchProject.objects.select_related("proposed_by", "decided_by")
    if status is not None:
        projects = projects.filter(status=status)
    found = projects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def extract_log(project: ResearchProject) -> QuerySet[ResearchExtract]:
    return project.extracts.select_related("made_by").order_by("-made_at", "-pk")


@dataclass(frozen=True)
class SourceRow:
    """One concern before pseudonymisation: values by catalogue key, dates still exact."""

    concern_id: int
    person_id: int | None
    values: dict[str, SourceValue]


_NO_WORK = CaseWork()
_CONCERN_KEYS = ("received", "channel", "source_kind", "extremism", "urgent", "police_district", "concern_status",
                 "age_band", "gender", "municipality", "decision_kind", "decided", "days_to_decision",
                 "case_opened", "case_status", "case_outcome", "case_closed", "case_days_open")
_WORK_KEYS = ("intervention_kinds", "intervention_outcomes", "treatment_kinds", "first_intervention",
              "session_count", "session_hours")


def _row(concern: ConcernRow, work: CaseWork | None) -> SourceRow:
    values: dict[str, SourceValue] = {key: getattr(concern, key) for key in _CONCERN_KEYS}
    done = work or _NO_WORK
    values.update({key: getattr(done, key) for key in _WORK_KEYS})
    if concern.case_id is None:  # no case: nothing was done, rather than zero sessions
        values.update({"session_count": None, "session_hours": None})
    return SourceRow(concern_id=concern.concern_id, person_id=concern.person_id, values=values)


def source_rows(project: ResearchProject) -> Iterator[SourceRow]:
    """The rows of the project's period: three queries whatever their number."""
    work = work_per_case(research_case_ids(project.period_start, project.period_end))
    for concern in research_rows(project.period_start, project.period_end):
        yield _row(concern, work.get(concern.case_id) if concern.case_id is not None else None)
