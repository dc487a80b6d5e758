"""Recurring requirements, their compliance, one's own training and the cost report in the desk's
API.

Who: requirements and their compliance are kept by the trainers (TRAIN) of the organisation that
keeps the requirement, as on the compliance pages (views_compliance.py): a requirement outside
them answers 404 (audited), and the read of the per-person figures is audited by
selectors/compliance.py. One's own training is open to every token and shows the caller's own data
only. The cost report counts participants, never names them. The statuses are facts about dates
(overdue, due soon, up to date), not judgements of people.
"""

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership
from infohus.accounts.roles import Role
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.fields import Day, VersionSeen, one_of, path_id, text
from infohus.api.schemas import ErrorOut, Input, Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.training.api_courses import TrainingOrganisationRef, trainer
from infohus.training.forms_evaluation import CostReportForm, current_year
from infohus.training.models import CourseKind, Requirement
from infohus.training.selectors import compliance as reads
from infohus.training.selectors import costs
from infohus.training.services import requirements as services

router = Router()
READ, WRITE = scope(Scope.TRAINING_READ), scope(Scope.TRAINING_WRITE)


# --- what is sent ----------------------------------------------------------------------------------

class RequirementOut(Schema):
    """A recurring requirement: who must complete which kinds of course, and how often."""

    id: int
    organisation: TrainingOrganisationRef = Field(description="Kept by")
    name: str
    description: str
    role: str = Field(description="Who must comply: members in this role…")
    organisation_kind: str = Field(description="…of organisations of this kind")
    minimum_per_organisation: int
    satisfied_by: list[str] = Field(description="Kinds of course whose completion counts")
    interval_months: int
    remind_days_before: int
    is_active: bool
    version: int


class CompliancePersonOut(Schema):
    """One person in the requirement's scope, with the dates of their training."""

    username: str
    name: str
    organisation_id: int
    organisation: str
    latest: date | None = Field(description="Their latest completion of a course that counts")
    due_on: date | None
    status: str = Field(description="overdue, due_soon or up_to_date: a fact about the dates")
    days: int | None = Field(description="Days until the due date (negative: overdue); null: never completed")


class ComplianceInstitutionOut(Schema):
    organisation_id: int
    name: str
    minimum: int
    people: int
    meets_minimum: bool
    lacking: int
    up_to_date: int
    due_soon: int
    overdue: int


class ComplianceNationalOut(Schema):
    institutions: int
    institutions_meeting_minimum: int
    people: int
    up_to_date: int
    due_soon: int
    overdue: int


class ComplianceOut(Schema):
    """The figures of the compliance page: per person (overdue first), per institution, nationally."""

    requirement: RequirementOut
    today: date
    national: ComplianceNationalOut
    institutions: list[ComplianceInstitutionOut] = Field(description="Those lacking people first, then most overdue")
    people: list[CompliancePersonOut]


class OwnEnrolmentOut(Schema):
    id: int
    run: int
    course: str
    organisation: str
    starts_on: date
    ends_on: date
    status: str
    completed_on: date | None
    certificate_number: str
    answered_before: bool
    answered_after: bool


class OwnRequirementOut(Schema):
    id: int
    name: str
    organisations: list[str] = Field(description="Where it applies to you")
    latest: date | None
    due_on: date | None
    status: str
    days: int | None


class MyTrainingOut(Schema):
    """The caller's own enrolments and the requirements that apply to them."""

    enrolments: list[OwnEnrolmentOut]
    requirements: list[OwnRequirementOut]


class RunCostOut(Schema):
    run: int
    course: str
    kind: str
    starts_on: date
    ends_on: date
    status: str
    cost: Decimal
    enrolled: int
    completed: int
    per_enrolled: Decimal | None
    per_completed: Decimal | None
    by_organisation_kind: dict[str, int]


class CostReportOut(Schema):
    """Cost per run and per participant, and participants by kind of organisation (counts, no names)."""

    start: date
    end: date
    kind: str
    runs: list[RunCostOut]
    total_cost: Decimal
    enrolled: int
    completed: int
    per_enrolled: Decimal | None
    per_completed: Decimal | None
    by_organisation_kind: dict[str, int]


RequirementPage = page_schema(RequirementOut, "RequirementPage")


def requirement_out(r: Requirement) -> dict[str, Any]:
    return {"id": r.pk, "organisation": {"id": r.organisation_id, "name": r.organisation.name}, "name": r.name,
            "description": r.description, "role": r.role, "organisation_kind": r.organisation_kind,
            "minimum_per_organisation": r.minimum_per_organisation, "satisfied_by": list(r.satisfied_by),
            "interval_months": r.interval_months, "remind_days_before": r.remind_days_before,
            "is_active": r.is_active, "version": r.version}


# --- what is taken ---------------------------------------------------------------------------------

class RequirementIn(Input):
    name: str = text(200)
    description: str = text(None, "")
    role: one_of(Role)  # type: ignore[valid-type]
    organisation_kind: one_of(Organisation.Kind)  # type: ignore[valid-type]
    minimum_per_organisation: int = Field(1, ge=-1, le=100_000, description="People needed in each organisation "
                                                                            "(0 to 100; 0: no minimum)")
    satisfied_by: list[one_of(CourseKind)] = Field(max_length=len(CourseKind.values))  # type: ignore[valid-type]
    interval_months: int = Field(ge=-1, le=100_000, description="Every so many calendar months (1 to 120)")
    remind_days_before: int = Field(30, ge=-1, le=100_000, description="Days before the due date (0 to 365)")


class RequirementNewIn(RequirementIn):
    pass


class RequirementEditIn(RequirementIn):
    is_active: bool = True
    version: VersionSeen


class CostFilter(Schema):
    start: Day | None = Field(None, alias="from", description="Runs starting from (default: 1 January this year)")
    end: Day | None = Field(None, alias="to", description="Up to and including (default: 31 December this year)")
    kind: one_of(CourseKind) | None = Field(None, description="Only runs of courses of this kind")  # type: ignore[valid-type]


def _data(body: RequirementIn, *, is_active: bool = True) -> services.RequirementData:
    return services.RequirementData(
        name=body.name, description=body.description, role=body.role, organisation_kind=body.organisation_kind,
        minimum_per_organisation=body.minimum_per_organisation, satisfied_by=tuple(body.satisfied_by),
        interval_months=body.interval_months, remind_days_before=body.remind_days_before, is_active=is_active)


# --- requirements -----------------------------------------------------------------------------------

@router.get("/training/requirements", response=RequirementPage, auth=READ, summary="Recurring requirements",
            description="The requirements kept by the caller's organisations, active first.")
def requirement_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return page_of(reads.requirement_list(trainer(request)), paging, requirement_out)


@router.post("/training/requirements", response={201: RequirementOut}, auth=WRITE, summary="Add a requirement",
             description="Kept by the organisation of the token's role.")
def requirement_create(request: HttpRequest, body: RequirementNewIn) -> Status[Any]:
    user = trainer(request)
    membership = active_membership(request)
    assert membership is not None  # trainer() checked that the role trains
    requirement = services.create_requirement(actor=user, organisation=membership.organisation, data=_data(body))
    return Status(201, requirement_out(requirement))


@router.put("/training/requirements/{requirement_id}", response={200: RequirementOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a requirement", description="Send every field and the version you read; a stale "
                                                        "version answers 409 and changes nothing.")
def requirement_update(request: HttpRequest, body: RequirementEditIn,
                       requirement_id: int = path_id("The requirement's id")) -> dict[str, Any]:
    user = trainer(request)
    requirement = reads.requirement_for_user(user, requirement_id, purpose="training requirements: edit")
    saved = services.update_requirement(actor=user, requirement=requirement, expected_version=body.version,
                                        data=_data(body, is_active=body.is_active))
    return requirement_out(saved)


@router.get("/training/compliance/{requirement_id}", response=ComplianceOut, auth=READ,
            summary="Compliance with a requirement",
            description="Per person (overdue first), per institution and nationally, as on the compliance page. "
                        "The read of the people is audited.")
def requirement_compliance(request: HttpRequest,
                           requirement_id: int = path_id("The requirement's id")) -> dict[str, Any]:
    result = reads.compliance_for_user(trainer(request), requirement_id, today=timezone.localdate(),
                                       purpose="training compliance: page")
    n = result.national
    return {
        "requirement": requirement_out(result.requirement), "today": result.today,
        "national": {"institutions": n.institutions, "institutions_meeting_minimum": n.institutions_meeting_minimum,
                     "people": n.people, "up_to_date": n.up_to_date, "due_soon": n.due_soon, "overdue": n.overdue},
        "institutions": [{"organisation_id": i.organisation_id, "name": i.name, "minimum": i.minimum,
                          "people": i.people, "meets_minimum": i.meets_minimum, "lacking": i.lacking,
                          "up_to_date": i.up_to_date, "due_soon": i.due_soon, "overdue": i.overdue}
                         for i in result.institutions],
        "people": [{"username": p.username, "name": p.name, "organisation_id": p.organisation_id,
                    "organisation": p.organisation, "latest": p.latest, "due_on": p.due_on, "status": p.status,
                    "days": p.days} for p in result.people],
    }


# --- one's own training -------------------------------------------------------------------------------

@router.get("/training/mine", response=MyTrainingOut, auth=READ, summary="Your own training",
            description="The caller's own enrolments and the requirements that apply to them, with their due "
                        "dates. Open to every role; nobody else's data.")
def my_training(request: HttpRequest) -> dict[str, Any]:
    mine = reads.my_training(cast(User, request.user), today=timezone.localdate())
    return {
        "enrolments": [{"id": e.pk, "run": e.run_id, "course": e.run.course.title,
                        "organisation": e.run.course.organisation.name, "starts_on": e.run.starts_on,
                        "ends_on": e.run.ends_on, "status": e.status, "completed_on": e.completed_on,
                        "certificate_number": e.certificate_number, "answered_before": getattr(e, "has_pre", False),
                        "answered_after": getattr(e, "has_post", False)} for e in mine.enrolments],
        "requirements": [{"id": r.requirement.pk, "name": r.requirement.name, "organisations": r.organisations,
                          "latest": r.latest, "due_on": r.due_on, "status": r.status, "days": r.days}
                         for r in mine.requirements],
    }


# --- the cost report ------------------------------------------------------------------------------------

@router.get("/training/costs", response=CostReportOut, auth=READ, by_alias=True, summary="The cost report",
            description="Runs of the caller's organisations that start in a period (this year by default): cost per "
                        "run and per participant, and participants by kind of organisation.")
def cost_report(request: HttpRequest, filters: Query[CostFilter]) -> dict[str, Any]:
    user = trainer(request)
    start, end = current_year(timezone.localdate())
    form = CostReportForm({"from": (filters.start or start).isoformat(), "to": (filters.end or end).isoformat(),
                           "kind": filters.kind or ""})
    if not form.is_valid():
        raise ApiError(422, "invalid", "The filter is not valid.",
                       fields={name: [str(m) for m in messages] for name, messages in form.errors.items()})
    d = form.cleaned_data
    report = costs.cost_report(user, start=d["from"], end=d["to"], kind=d["kind"])
    return {
        "start": report.start, "end": report.end, "kind": report.kind,
        "runs": [{"run": r.run.pk, "course": r.run.course.title, "kind": r.run.course.kind,
                  "starts_on": r.run.starts_on, "ends_on": r.run.ends_on, "status": r.run.status, "cost": r.cost,
                  "enrolled": r.enrolled, "completed": r.completed, "per_enrolled": r.per_enrolled,
                  "per_completed": r.per_completed, "by_organisation_kind": r.by_kind} for r in report.runs],
        "total_cost": report.total_cost, "enrolled": report.enrolled, "completed": report.completed,
        "per_enrolled": report.per_enrolled, "per_completed": report.per_completed,
        "by_organisation_kind": report.by_kind,
    }
