"""Reads behind the intervention pages, the case page's panel and the providers' start pages.

Everything starts from what the access selectors gave: a CaseAccess, an InterventionAccess, or
the need-to-know lists (cases_visible_to). Session notes are personal data in a compartment: a
reader who does not see a session's compartment gets its date, length and mode, never its notes,
family, professionals or network (they are not even read from the database). Each function is a
fixed number of queries, whatever the number of interventions, goals or sessions.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models import Case as Choose
from django.http import Http404
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.assessments.models import Assessment
from infohus.assessments.selectors.access import holder_of_case_access
from infohus.assessments.selectors.reads import assessments_of
from infohus.cases.models import NetworkMember
from infohus.cases.selectors.cases import network_of
from infohus.cases.selectors.need_to_know import CaseAccess, case_access, cases_visible_to
from infohus.directory.selectors import published_projects
from infohus.interventions.models import (
    AdviceFor,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    Session,
)
from infohus.interventions.selectors.access import InterventionAccess, requests_borrowed_by, requests_to_lend
from infohus.interventions.services.interventions import BALANCED_RISK_ASSESSMENT, BRA_GOAL_FIELDS

SESSIONS_PAGE_SIZE = 50
GOAL_LINE_ASSESSMENTS = 5
PROVIDER_RELATED = ("provider_user", "provider_organisation", "provider_project")


# --- the case page's panel ------------------------------------------------------------------------

def case_interventions(access: CaseAccess) -> list[Intervention]:
    """The case's interventions, newest first, with their providers: one query."""
    return list(Intervention.objects.filter(case=access.case).select_related(*PROVIDER_RELATED)
                .order_by("-started_on", "-pk"))


# --- one intervention --------------------------------------------------------------------------------

def goals_of(access: InterventionAccess) -> list[Goal]:
    return list(Goal.objects.filter(intervention=access.intervention).select_related("from_assessment")
                .order_by("by_when", "pk"))


def goal_of(access: InterventionAccess, goal_pk: int) -> Goal:
    """A goal of this intervention, or 404."""
    goal = Goal.objects.filter(intervention=access.intervention, pk=goal_pk).first()
    if goal is None:
        raise Http404
    return goal


def sessions_of(access: InterventionAccess) -> QuerySet[Session]:
    """Newest first. `seen` says whether the reader sees the session's compartment; `shown_notes`,
    `shown_family` and `shown_professionals` are empty where they do not (the columns themselves
    are not read)."""
    visible = sorted(access.compartments)

    def shown(name: str, output: Any) -> Choose:
        return Choose(When(compartment__in=visible, then=F(name)), default=Value(""), output_field=output)

    return (Session.objects.filter(intervention=access.intervention)
            .select_related("logged_by")
            .defer("notes", "family", "professionals")
            .annotate(seen=Choose(When(compartment__in=visible, then=Value(True)), default=Value(False),
                                  output_field=BooleanField()),
                      shown_notes=shown("notes", TextField()), shown_family=shown("family", CharField()),
                      shown_professionals=shown("professionals", CharField()))
            .order_by("-held_on", "-pk"))


def sessions_page(access: InterventionAccess, number: Any) -> Page[Session]:
    """One page of sessions; the goals and network members of the ones the reader sees, in two
    more queries."""
    page = Paginator(sessions_of(access), SESSIONS_PAGE_SIZE).get_page(number)
    seen = [s for s in page.object_list if getattr(s, "seen", False)]
    if seen:
        prefetch_related_objects(seen, "goals", "network")
    return page


@dataclass(frozen=True)
class LendingInfo:
    reference: str
    lending_organisation: Organisation
    status: str
    status_label: str
    pk: int
    may_open: bool


def lending_of(access: InterventionAccess, user: Any) -> LendingInfo | None:
    """The lending the intervention's mentor came through, and whether this reader may open the
    request (one side or the other of it): one query."""
    request = (LendingRequest.objects.filter(intervention=access.intervention)
               .select_related("lending_organisation")
               .annotate(borrowing=Exists(requests_borrowed_by(user).filter(pk=OuterRef("pk"))),
                         lending=Exists(requests_to_lend(user).filter(pk=OuterRef("pk"))))
               .first())
    if request is None:
        return None
    return LendingInfo(reference=request.reference, lending_organisation=request.lending_organisation,
                       status=request.status, status_label=request.get_status_display(), pk=request.pk,
                       may_open=bool(getattr(request, "borrowing", False) or getattr(request, "lending", False)))


# --- forms ---------------------------------------------------------------------------------------------

def provider_users(access: CaseAccess) -> QuerySet[User]:
    """Whom a case's intervention may be provided by: the team, and the active members of the
    corps whose home is the case's owning municipality."""
    case = access.case
    return (User.objects.filter(is_active=True).filter(
        Q(case_teams__case=case, case_teams__is_active=True)
        | Q(mentor_profile__home_municipality_id=case.owner_id, mentor_profile__is_active=True))
        .distinct().order_by("first_name", "last_name", "pk"))


def provider_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("name")


def provider_projects() -> QuerySet[Any]:
    return published_projects().only("pk", "title").order_by("title")


def network_choices(access: InterventionAccess) -> list[NetworkMember]:
    if access.case_access is None:
        return []
    return network_of(access.case_access.case.person_id)


@dataclass(frozen=True)
class GoalLine:
    """A line of a signed Balanced Risk Assessment's "what needs to happen", offered as a goal."""

    assessment: Assessment
    field: str
    index: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.assessment.pk}:{self.field}:{self.index}"


def goal_lines(access: InterventionAccess) -> list[GoalLine]:
    """The goals and next steps of the case's latest signed Balanced Risk Assessments that the
    reader may read (through the assessments app's selectors): one query."""
    if access.case_access is None:
        return []
    holder = holder_of_case_access(access.case_access)
    signed = (assessments_of(holder).filter(status=Assessment.Status.SIGNED,
                                            version__instrument__slug=BALANCED_RISK_ASSESSMENT)
              .order_by("-assessed_on", "-pk")[:GOAL_LINE_ASSESSMENTS])
    lines: list[GoalLine] = []
    for assessment in signed:
        for key in BRA_GOAL_FIELDS:
            given = assessment.answers.get(key)
            if isinstance(given, list):
                lines += [GoalLine(assessment, key, n, str(text)) for n, text in enumerate(given) if str(text).strip()]
    return lines


# --- the providers' lists --------------------------------------------------------------------------------

def active_provided(user: Any, *, today: date | None = None) -> QuerySet[Intervention]:
    """The active interventions the user provides on cases they may still open, each with the
    date of its latest session and the next appointment that session set; `overdue` when that
    appointment has passed with no session since. Overdue first (the oldest first), then the
    next appointments in order. One query."""
    today = today or timezone.localdate()
    latest = Session.objects.filter(intervention=OuterRef("pk")).order_by("-held_on", "-pk")
    return (Intervention.objects.filter(provider_user=user, status=Intervention.Status.ACTIVE)
            .filter(Q(case__in=cases_visible_to(user)) | Q(case__isnull=True))
            .select_related("case", "case__person")
            .annotate(last_session_on=Subquery(latest.values("held_on")[:1]),
                      next_appointment_on=Subquery(latest.values("next_appointment")[:1]))
            .annotate(overdue=Choose(When(next_appointment_on__lt=today, then=Value(True)), default=Value(False),
                                     output_field=BooleanField()))
            .order_by(F("overdue").desc(), F("next_appointment_on").asc(nulls_last=True), "-started_on", "-pk"))


@dataclass(frozen=True)
class FollowUp:
    intervention: Intervention
    last_session_on: date | None
    next_appointment_on: date | None
    overdue: bool


def follow_ups(user: Any, limit: int) -> list[FollowUp]:
    """The first of active_provided, as typed rows (for the start pages): one query."""
    return [FollowUp(i, getattr(i, "last_session_on", None), getattr(i, "next_appointment_on", None),
                     bool(getattr(i, "overdue", False)))
            for i in active_provided(user)[:limit]]


@dataclass
class AdviceRow:
    advice_for: str
    label: str
    anonymous: int = 0
    on_a_case: int = 0

    @property
    def total(self) -> int:
        return self.anonymous + self.on_a_case


@dataclass
class AdviceCounts:
    year: int
    organisation: Organisation | None
    rows: list[AdviceRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def anonymous(self) -> int:
        return sum(row.anonymous for row in self.rows)

    @property
    def on_a_case(self) -> int:
        return sum(row.on_a_case for row in self.rows)


def advice_counts(organisation: Organisation | None, year: int) -> AdviceCounts:
    """How many advice consultations the organisation gave this year, by whom the advice went to
    and whether it stayed anonymous: numbers only, one query."""
    counts = AdviceCounts(year=year, organisation=organisation,
                          rows=[AdviceRow(value, str(label)) for value, label in AdviceFor.choices])
    if organisation is None:
        return counts
    by_value = {row.advice_for: row for row in counts.rows}
    rows = (Intervention.objects.filter(organisation=organisation, kind=InterventionKind.ADVICE_CONSULTATION,
                                        started_on__year=year)
            .values("advice_for", "anonymous").annotate(n=Count("pk")).order_by())
    for row in rows:
        target = by_value.get(row["advice_for"])
        if target is None:
            continue
        if row["anonymous"]:
            target.anonymous += row["n"]
        else:
            target.on_a_case += row["n"]
    return counts


def case_by_reference(user: Any, reference: str, *, purpose: str) -> CaseAccess | None:
    """A case the user may open, by its reference; None when there is none (the need-to-know
    refuses nothing here: an unknown reference and one outside it look the same)."""
    reference = reference.strip()
    if not reference:
        return None
    pk = cases_visible_to(user).filter(reference__iexact=reference).values_list("pk", flat=True).first()
    if pk is None:
        return None
    return case_access(user, pk, purpose=purpose)

