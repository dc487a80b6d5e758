"""Reading recurring requirements: who is in scope, when each person last completed a course that
counts, when they are due again, and the figures per institution and for the whole country.

A requirement applies to the active memberships in its role in active organisations of its kind
(of active users). A person's latest completion is the latest `completed_on` of a non-withdrawn
enrolment of theirs on a run whose course kind satisfies the requirement; they are due again that
many calendar months later (the day clamped to the month's end). Nobody who never completed one
has a due date: they are overdue, with "no course completed yet".

The latest completion is a Subquery with Max, annotated on the memberships in one query, so a
page costs the same few queries however many people and institutions there are. The due dates
and statuses are worked out from those dates in Python; since the due date only grows with the
latest completion, ordering by it (never-completed first) puts the overdue first, then those due
soon, then those up to date, the earliest due first within each.

The statuses are facts about dates, not judgements of people. Reads of the per-person figures
are audited; the page of a requirement outside the user's organisations answers 404 (audited).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import DateField, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Membership, Organisation
from infohus.accounts.permissions import memberships_of
from infohus.audit.services import record_event
from infohus.training.models import Enrolment, Phase, QuestionnaireAnswer, Requirement
from infohus.training.selectors.access import requirement_access, requirements_for

OVERDUE = "overdue"
DUE_SOON = "due_soon"
UP_TO_DATE = "up_to_date"
# Worst first: the order of the per-person table and of the chart.
STATUS_ORDER = (OVERDUE, DUE_SOON, UP_TO_DATE)
STATUS_LABELS = {OVERDUE: _("Overdue"), DUE_SOON: _("Due soon"), UP_TO_DATE: _("Up to date")}


# --- dates -----------------------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier, for a negative number), clamped
    to the end of a shorter month: 31 August + 6 months is 28 (or 29) February."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(latest: date | None, interval_months: int) -> date | None:
    return None if latest is None else add_months(latest, interval_months)


def status_of(due: date | None, *, today: date, remind_days_before: int) -> str:
    """Overdue when the due date has passed or there is none; due soon within the reminder window
    (the due date itself included); otherwise up to date."""
    if due is None or due < today:
        return OVERDUE
    if due <= today + timedelta(days=remind_days_before):
        return DUE_SOON
    return UP_TO_DATE


def overdue_cutoff(today: date, interval_months: int) -> date:
    """The earliest completion date that is not overdue today: a person whose latest completion
    is before it (or who has none) is overdue. Lets the database count the overdue."""
    cutoff = add_months(today, -interval_months)
    # When the month was clamped (31 August - 6 months = 28 February), 28 February + 6 months is
    # 28 August, already past: the first completion still in time is the day after.
    return cutoff if add_months(cutoff, interval_months) >= today else cutoff + timedelta(days=1)


def completions_due_between(first_due: date, last_due: date, interval_months: int) -> tuple[date, date]:
    """The completion dates whose due date falls from `first_due` to `last_due` (both included),
    as a half-open range [start, stop) for the database. Months are clamped, so several
    completions share a due date: 28 to 31 August all fall due on 28 February."""
    return (overdue_cutoff(first_due, interval_months),
            overdue_cutoff(last_due + timedelta(days=1), interval_months))


# --- who is in scope, and their latest completion -----------------------------------------------------------

def latest_completion(kinds: Iterable[str]) -> Any:
    """The latest completion of a course of these kinds by the user of the outer row (its
    `user_id`), as an expression to annotate: NULL when there is none."""
    kinds = list(kinds)
    if not kinds:
        return Value(None, output_field=DateField())
    completed = (Enrolment.objects
                 .filter(user_id=OuterRef("user_id"), status=Enrolment.Status.ENROLLED, completed_on__isnull=False,
                         run__course__kind__in=kinds)
                 .order_by().values("user_id").annotate(latest=Max("completed_on")).values("latest")[:1])
    return Subquery(completed, output_field=DateField())


def in_scope(requirement: Requirement) -> QuerySet[Membership]:
    """The memberships the requirement applies to, each with its latest completion (`latest`)."""
    return (Membership.objects
            .filter(role=requirement.role, is_active=True, user__is_active=True,
                    organisation__kind=requirement.organisation_kind, organisation__is_active=True)
            .annotate(latest=latest_completion(requirement.satisfied_by)))


def institutions(requirement: Requirement) -> QuerySet[Organisation]:
    """Every active organisation of the requirement's kind, also those with nobody in the role."""
    return Organisation.objects.filter(kind=requirement.organisation_kind, is_active=True)


@dataclass(frozen=True)
class PersonRow:
    """One membership in scope: the person, their institution and their dates."""

    user_id: int
    username: str
    name: str
    email: str
    preferred_language: str
    organisation_id: int
    organisation: str
    latest: date | None
    due_on: date | None
    status: str
    days: int | None  # until the due date (negative: days overdue); None: never completed

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def days_overdue(self) -> int | None:
        return -self.days if self.days is not None and self.days < 0 else None


def person_rows(requirement: Requirement, *, today: date) -> list[PersonRow]:
    """Everyone in scope, overdue first (never completed before a passed due date), then due soon,
    then up to date; the earliest due first within each, then by name. One query."""
    memberships = (in_scope(requirement).select_related("user", "organisation")
                   .order_by(F("latest").asc(nulls_first=True), "user__last_name", "user__first_name",
                             "user__username", "organisation__name", "pk"))
    rows = []
    for m in memberships:
        latest: date | None = m.latest  # type: ignore[attr-defined]
        due = due_on(latest, requirement.interval_months)
        rows.append(PersonRow(
            user_id=m.user_id, username=m.user.get_username(), name=m.user.get_full_name() or m.user.get_username(),
            email=m.user.email, preferred_language=m.user.preferred_language, organisation_id=m.organisation_id,
            organisation=m.organisation.name, latest=latest, due_on=due,
            status=status_of(due, today=today, remind_days_before=requirement.remind_days_before),
            days=(due - today).days if due is not None else None))
    return rows


# --- the compliance page --------------------------------------------------------------------------------------

@dataclass
class InstitutionRow:
    organisation_id: int
    name: str
    minimum: int
    people: int = 0
    up_to_date: int = 0
    due_soon: int = 0
    overdue: int = 0

    @property
    def meets_minimum(self) -> bool:
        return self.people >= self.minimum

    @property
    def lacking(self) -> int:
        return max(0, self.minimum - self.people)


@dataclass(frozen=True)
class National:
    institutions: int
    institutions_meeting_minimum: int
    people: int
    up_to_date: int
    due_soon: int
    overdue: int


@dataclass(frozen=True)
class Compliance:
    requirement: Requirement
    today: date
    people: list[PersonRow]
    institutions: list[InstitutionRow]
    national: National
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def overdue(self) -> list[PersonRow]:
        return [row for row in self.people if row.status == OVERDUE]

    def chart(self) -> dict[str, Any]:
        """Up to date, due soon and overdue (people), for the chart beside its table."""
        order = (UP_TO_DATE, DUE_SOON, OVERDUE)
        return {"labels": [str(STATUS_LABELS[s]) for s in order], "values": [self.by_status[s] for s in order],
                "statuses": list(order), "yTitle": str(_("People"))}


def compliance(requirement: Requirement, *, today: date) -> Compliance:
    """Per person, per institution and nationally, in two queries (the people, the institutions)."""
    people = person_rows(requirement, today=today)
    by_org: dict[int, InstitutionRow] = {
        o.pk: InstitutionRow(organisation_id=o.pk, name=o.name, minimum=requirement.minimum_per_organisation)
        for o in institutions(requirement).order_by("name", "pk")}
    status_of_user: dict[int, str] = {}
    for row in people:
        status_of_user[row.user_id] = row.status
        institution = by_org.get(row.organisation_id)
        if institution is None:  # cannot happen: both come from the active organisations of the kind
            continue
        institution.people += 1
        setattr(institution, row.status, getattr(institution, row.status) + 1)
    # Those lacking people first, then those with people overdue (most first), then by name.
    rows = sorted(by_org.values(), key=lambda i: (i.meets_minimum, -i.overdue, i.name.casefold(), i.organisation_id))
    # Nationally, a person in two institutions counts once (their status is the same in both).
    by_status = {status: 0 for status in STATUS_ORDER}
    for status in status_of_user.values():
        by_status[status] += 1
    national = National(institutions=len(rows), institutions_meeting_minimum=sum(1 for i in rows if i.meets_minimum),
                        people=len(status_of_user), up_to_date=by_status[UP_TO_DATE], due_soon=by_status[DUE_SOON],
                        overdue=by_status[OVERDUE])
    return Compliance(requirement=requirement, today=today, people=people, institutions=rows, national=national,
                      by_status=by_status)


def requirement_for_user(user: Any, pk: int, *, purpose: str) -> Requirement:
    """A requirement kept by one of the user's organisations, or 404 (the refusal audited)."""
    try:
        return requirement_access(user, pk)
    except Http404:
        record_event(action="training.requirement_refused", actor=user, object_type="requirement", object_id=pk,
                     purpose=purpose)
        raise


def compliance_for_user(user: Any, pk: int, *, today: date, purpose: str, exported: bool = False) -> Compliance:
    """The compliance of a requirement the user keeps, the read of its people audited."""
    requirement = requirement_for_user(user, pk, purpose=purpose)
    result = compliance(requirement, today=today)
    record_event(action="training.compliance_exported" if exported else "training.compliance_viewed", actor=user,
                 object_type="requirement", object_id=requirement.pk, purpose=purpose,
                 details={"people": result.national.people, "overdue": result.national.overdue})
    return result


def requirement_list(user: Any) -> QuerySet[Requirement]:
    """The requirements kept by the user's organisations, active first."""
    return requirements_for(user).select_related("organisation").order_by("-is_active", "name", "pk")


def overdue_summary(user: Any, *, today: date, limit: int = 5) -> list[tuple[Requirement, int]]:
    """For a trainer's start page: the active requirements they keep, each with how many people
    are overdue (only those with someone overdue). One query, and one per requirement (at most
    `limit`), counted in the database."""
    result = []
    for requirement in requirement_list(user).filter(is_active=True)[:limit]:
        cutoff = overdue_cutoff(today, requirement.interval_months)
        overdue = (in_scope(requirement).filter(Q(latest__isnull=True) | Q(latest__lt=cutoff))
                   .order_by().values("user_id").distinct().count())
        if overdue:
            result.append((requirement, overdue))
    return result


# --- one's own training ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OwnRequirement:
    requirement: Requirement
    organisations: list[str]  # where it applies to the user
    latest: date | None
    due_on: date | None
    status: str
    days: int | None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def days_overdue(self) -> int | None:
        return -self.days if self.days is not None and self.days < 0 else None


@dataclass(frozen=True)
class MyTraining:
    enrolments: list[Enrolment]  # each with has_pre and has_post
    requirements: list[OwnRequirement]


def own_enrolments(user: Any) -> QuerySet[Enrolment]:
    """The user's own enrolments, newest run first, with whether they answered before and after."""
    answers = QuestionnaireAnswer.objects.filter(enrolment_id=OuterRef("pk"))
    return (Enrolment.objects.filter(user_id=user.pk)
            .select_related("run__course__organisation")
            .annotate(has_pre=Exists(answers.filter(phase=Phase.PRE)),
                      has_post=Exists(answers.filter(phase=Phase.POST)))
            .order_by("-run__starts_on", "-pk"))


def requirements_applying_to(user: Any) -> tuple[list[Requirement], dict[int, list[str]]]:
    """Active requirements whose role and kind of organisation match one of the user's active
    memberships, and for each the organisations where it applies."""
    memberships = memberships_of(user)
    if not memberships:
        return [], {}
    match = Q()
    for m in memberships:
        match |= Q(role=m.role, organisation_kind=m.organisation.kind)
    requirements = list(Requirement.objects.filter(match, is_active=True).select_related("organisation")
                        .order_by("name", "pk"))
    where = {r.pk: [m.organisation.name for m in memberships
                    if m.role == r.role and m.organisation.kind == r.organisation_kind] for r in requirements}
    return requirements, where


def my_training(user: Any, *, today: date) -> MyTraining:
    """The user's own enrolments and the requirements that apply to them: nobody else's data.
    Two queries (the memberships are usually loaded already by the request)."""
    enrolments = list(own_enrolments(user))
    requirements, where = requirements_applying_to(user)
    own = []
    for r in requirements:
        kinds = set(r.satisfied_by)
        dates = [e.completed_on for e in enrolments
                 if e.status == Enrolment.Status.ENROLLED and e.completed_on is not None and e.run.course.kind in kinds]
        latest = max(dates) if dates else None
        due = due_on(latest, r.interval_months)
        own.append(OwnRequirement(requirement=r, organisations=where[r.pk], latest=latest, due_on=due,
                                  status=status_of(due, today=today, remind_days_before=r.remind_days_before),
                                  days=(due - today).days if due is not None else None))
    return MyTraining(enrolments=enrolments, requirements=own)
