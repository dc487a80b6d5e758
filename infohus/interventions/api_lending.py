"""Lending mentors between municipalities through the desk's API: the requests sent and received,
one request as your side sees it, asking to borrow a mentor, answering (offer or decline on the
lending side; accept or withdraw on the borrowing side), ending a lending, and the hours report.

The same as the pages (views_lending.py): one request is opened with lending_access (404 outside
both sides, audited), the lists start from requests_borrowed_by / requests_to_lend, a new request
from case_access; every step goes through services/lending.py with the version the caller read
(a stale one answers 409). The lending side never sees the case or the person.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator, model_validator

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import require_capability
from infohus.accounts.roles import Capability as C
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
    Whole,
    answers,
    known_query,
    listed,
    only,
    refused,
)
from infohus.cases.models import ExtremismKind
from infohus.cases.selectors.need_to_know import case_access
from infohus.cases.services.cases import can_manage
from infohus.interventions.forms_lending import TEXT_MAX
from infohus.interventions.languages import LANGUAGES
from infohus.interventions.models import AgeGroup, LendingRequest, MentorProfile
from infohus.interventions.selectors import lending as reads
from infohus.interventions.selectors.access import LendingAccess, lending_access
from infohus.interventions.services import corps
from infohus.interventions.services import lending as services

router = Router(tags=["lending"])
READ = scope(Scope.LENDING_READ)
WRITE = scope(Scope.LENDING_WRITE)
# Either side: the case managers of the borrowing municipality, the case managers and mentor
# coaches of the lending one.
SIDES = (C.MANAGE_CASE, C.COACH_MENTORS)
S = LendingRequest.Status
LendingStatus = Annotated[str, only(S.values), listed(S.values)]
Gender = Annotated[str, only(MentorProfile.Gender.values), listed(MentorProfile.Gender.values)]
# ISO 639-1 codes as the corps records them (the page also reads "AR, en"; the API takes the codes).
Language = Annotated[str, only(sorted(LANGUAGES)), listed(sorted(LANGUAGES))]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _access(request: HttpRequest, pk: int, purpose: str) -> LendingAccess:
    require_capability(request, *SIDES)
    return lending_access(request.user, pk, purpose=f"api: mentor lending: {purpose}")


# --- what is returned ---------------------------------------------------------------------------

class LendingCaseRef(Schema):
    id: int
    reference: str


class LendingRequestItem(Schema):
    id: int
    reference: str
    status: str
    requesting_organisation: str = Field(description="The borrowing municipality")
    lending_organisation: str
    corps_role: str = Field(description="The role asked for: mentor or parent_coach")
    sent_at: datetime
    waiting: bool = Field(description="Waiting for your side: an offer to accept, or a request to answer")
    case: LendingCaseRef | None = Field(description="The borrowing side's case; never given to the lending side")
    version: int


class LendingNeeds(Schema):
    languages: list[str] = Field(description="Language codes, such as ar or en")
    age_group: str
    extremism_kind: str
    gender: str = Field(description="The mentor's gender asked for")
    prison_work: bool


class LendingNeedInWords(Schema):
    what: str
    value: str


class LendingMentorOut(Schema):
    """The mentor offered or lent: the professional, never a judgement."""

    id: int = Field(description="The mentor's entry in the corps")
    name: str
    corps_role: str
    languages: str
    age_groups: str
    extremism_kinds: str
    prison_work: bool
    method_training_completed_on: date | None
    accreditation_valid_until: date | None
    fits: list[str] = Field(description="How the mentor meets the needs")
    misses: list[str] = Field(description="Which needs the mentor does not meet")


class LendingMentorOption(Schema):
    """A member of the lending municipality's corps in the role asked for."""

    id: int = Field(description="The mentor's entry in the corps: the mentor to offer")
    name: str
    languages: str
    load: int = Field(description="Courses the mentor has now")
    capacity: int
    assignable: bool
    reasons: list[str] = Field(description="Why the mentor cannot be assigned now")
    fits: list[str]
    misses: list[str]


class LendingRequestOut(LendingRequestItem):
    side: Literal["borrowing", "lending"] = Field(description="The side you stand on")
    needs: LendingNeeds
    needs_in_words: list[LendingNeedInWords]
    summary: str = Field(description="What the work is about, without identifying data")
    hours_per_month: int | None
    answered_at: datetime | None
    accepted_at: datetime | None
    ended_at: datetime | None
    decline_reason: str
    end_reason: str
    hours_so_far: float | None = Field(description="Hours logged under an accepted or ended lending")
    intervention: int | None = Field(description="The lent mentor's course of mentoring (borrowing side)")
    mentor: LendingMentorOut | None
    options: list[LendingMentorOption] = Field(description="For the lending side while the request waits for an "
                                                           "answer: the mentors it may offer")


LendingRequestPage = page_schema(LendingRequestItem, "LendingRequestPage")


def _item_fields(lent: LendingRequest, *, borrowing: bool) -> dict[str, Any]:
    return {
        "id": lent.pk, "reference": lent.reference, "status": lent.status,
        "requesting_organisation": lent.requesting_organisation.name,
        "lending_organisation": lent.lending_organisation.name, "corps_role": lent.corps_role,
        "sent_at": lent.sent_at, "waiting": bool(getattr(lent, "waiting", False)),
        "case": LendingCaseRef(id=lent.case.pk, reference=lent.case.reference) if borrowing else None,
        "version": lent.version,
    }


def _needs(given: dict[str, Any]) -> LendingNeeds:
    return LendingNeeds(languages=list(given.get("languages") or []), age_group=given.get("age_group") or "",
                        extremism_kind=given.get("extremism_kind") or "", gender=given.get("gender") or "",
                        prison_work=bool(given.get("prison_work")))


def _mentor(lent: LendingRequest, profile: MentorProfile) -> LendingMentorOut:
    held = corps.accreditation(profile)
    words = reads.profile_in_words(profile)
    fits, misses = reads.fit_to_needs(profile, lent.needs or {})
    return LendingMentorOut(
        id=profile.pk, name=str(profile), corps_role=profile.corps_role, languages=words["languages"],
        age_groups=words["age_groups"], extremism_kinds=words["extremism_kinds"], prison_work=profile.prison_work,
        method_training_completed_on=held.completed_on, accreditation_valid_until=held.expires_on,
        fits=fits, misses=misses)


def _detail(access: LendingAccess) -> LendingRequestOut:
    """The request as the caller's side may see it, as on the request's page."""
    lent = access.request
    state = lent.status
    waiting = (access.borrowing and state == S.OFFERED) or (not access.borrowing and state == S.SENT)
    options = []
    if not access.borrowing and state == S.SENT:
        options = [LendingMentorOption(id=o.profile.pk, name=str(o.profile), languages=o.languages, load=o.load,
                                       capacity=o.profile.capacity, assignable=o.assignable, reasons=o.reasons,
                                       fits=o.fits, misses=o.misses)
                   for o in reads.corps_options(lent)]
    shows_mentor = lent.offered_mentor is not None and state in (S.OFFERED, S.ACCEPTED, S.ENDED)
    return LendingRequestOut(
        **{**_item_fields(lent, borrowing=access.borrowing), "waiting": waiting},
        side="borrowing" if access.borrowing else "lending", needs=_needs(lent.needs or {}),
        needs_in_words=[LendingNeedInWords(what=what, value=value) for what, value in reads.needs_in_words(lent.needs)],
        summary=lent.summary, hours_per_month=lent.hours_per_month, answered_at=lent.answered_at,
        accepted_at=lent.accepted_at, ended_at=lent.ended_at,
        decline_reason=lent.decline_reason if state == S.DECLINED else "", end_reason=lent.end_reason,
        hours_so_far=float(reads.hours(reads.minutes_so_far(lent))) if state in (S.ACCEPTED, S.ENDED) else None,
        intervention=lent.intervention_id if access.borrowing else None,
        mentor=_mentor(lent, lent.offered_mentor) if shows_mentor and lent.offered_mentor else None,
        options=options,
    )


def _after_step(request: HttpRequest, pk: int) -> LendingRequestOut:
    """The request as it now is, read (and audited) as the page the step leads back to reads it."""
    return _detail(lending_access(request.user, pk, purpose="api: mentor lending: read a request"))


# --- lists --------------------------------------------------------------------------------------

class LendingFilters(Filters):
    side: Literal["borrowing", "lending"] = Field(description="borrowing: the requests your municipalities sent; "
                                                              "lending: the requests to them")
    status: LendingStatus | None = None


@router.get("/lending-requests", response=answers({200: LendingRequestPage}), auth=READ,
            summary="Lending requests sent by your municipality, or to it",
            description="Those waiting for you first, then the newest.")
def lending_request_list(request: HttpRequest, filters: Query[LendingFilters], paging: Query[Paging]) -> dict[str, Any]:
    known_query(request, LendingFilters, Paging)
    require_capability(request, *SIDES)
    borrowing = filters.side == "borrowing"
    found = reads.borrowed_list(request.user) if borrowing else reads.to_lend_list(request.user)
    # Both municipalities are named on either side (the page names only the other one).
    found = found.select_related("requesting_organisation", "lending_organisation")
    if filters.status:
        found = found.filter(status=filters.status)
    return page_of(found, paging, lambda lent: LendingRequestItem(**_item_fields(lent, borrowing=borrowing)))


@router.get("/lending-requests/{request_id}", response=answers({200: LendingRequestOut}, 404), auth=READ,
            summary="One lending request, as your side sees it")
def lending_request_detail(request: HttpRequest, request_id: PathId) -> LendingRequestOut:
    return _detail(_access(request, request_id, "read a request"))


# --- asking -------------------------------------------------------------------------------------

class LendingNeedsIn(Body):
    languages: list[Language] = Field(default_factory=list, max_length=20,
                                      description="ISO 639-1 codes, such as ar or en")
    age_group: AgeGroup | None = None
    extremism_kind: ExtremismKind | None = None
    gender: Gender | None = Field(None, description="The mentor's gender")
    prison_work: Flag = Field(False, description="Experience of prison work needed")

    @field_validator("languages")
    @classmethod
    def _once_each(cls, codes: list[str]) -> list[str]:
        return list(dict.fromkeys(codes))


class LendingRequestIn(Body):
    case: DbId = Field(description="An open case of your municipality that you lead or manage")
    lending_organisation: DbId = Field(description="The municipality to borrow from")
    corps_role: Literal["mentor", "parent_coach"] = "mentor"
    needs: LendingNeedsIn | None = Field(None, description="Left out: no particular needs")
    summary: str = Field(min_length=1, max_length=TEXT_MAX, description="What the work is about and what is "
                                                                        "needed, with nothing that identifies the "
                                                                        "person: the lending municipality reads it")
    hours_per_month: Whole | None = Field(None, ge=1, le=200)
    send_anyway: Flag = Field(False, description="Send although the summary seems to name the person (checked)")


@router.post("/lending-requests", response=answers({201: LendingRequestOut}, 404, *BODY_ERRORS), auth=WRITE,
             summary="Ask another municipality to lend a mentor for a case",
             description="The summary is checked for the person's name and national identifier; a request whose "
                         "summary seems to hold them is refused unless send_anyway is true.")
def lending_request_send(request: HttpRequest, body: LendingRequestIn) -> Status[LendingRequestOut]:
    require_capability(request, C.MANAGE_CASE)
    opened = case_access(request.user, body.case, purpose="api: mentor lending: ask to borrow a mentor")
    if not can_manage(opened):
        raise PermissionDenied
    lender = Organisation.objects.filter(pk=body.lending_organisation).first()
    if lender is None:
        raise refused({"lending_organisation": "Choose a municipality."})
    found = reads.identifying_details(opened, body.summary)
    if found and not body.send_anyway:
        raise refused({"summary": f"The summary seems to contain {' and '.join(found)} of the person. The lending "
                                  "municipality must not be able to identify them: take it out, or send it with "
                                  "send_anyway if it is not about the person."})
    sent = services.send_request(
        access=opened, actor=_user(request), requesting_organisation=opened.case.owner, lending_organisation=lender,
        needs=body.needs.model_dump(mode="json", exclude_none=True) if body.needs else {}, summary=body.summary,
        corps_role=body.corps_role, hours_per_month=body.hours_per_month)
    return Status(201, _after_step(request, sent.pk))


# --- answering and ending -----------------------------------------------------------------------

class LendingAnswerIn(Body):
    version: Whole = Field(ge=1, description="The version you read; a stale one answers 409")
    action: Literal["offer", "decline", "accept", "withdraw"] = Field(
        description="The lending side offers a mentor or declines (an offer not yet accepted is taken back the "
                    "same way); the borrowing side accepts the offer or withdraws the request")
    mentor: DbId | None = Field(None, description="To offer: one of the options the request lists")
    reason: str = Field("", max_length=TEXT_MAX, description="To decline: why, for the borrowing municipality")

    @model_validator(mode="after")
    def _what_the_action_needs(self) -> "LendingAnswerIn":
        if self.action == "offer" and self.mentor is None:
            raise ValueError("An offer names the mentor.")
        if self.action != "offer" and self.mentor is not None:
            raise ValueError("Only an offer names a mentor.")
        if self.action != "decline" and self.reason:
            raise ValueError("Only a decline gives a reason.")
        return self


@router.post("/lending-requests/{request_id}/answer",
             response=answers({200: LendingRequestOut}, 404, 409, *BODY_ERRORS), auth=WRITE,
             summary="Answer a lending request, or the offer it received",
             description="On acceptance the mentor joins the case team in the general compartment and a course of "
                         "mentoring with the mentor as provider starts on the case.")
def lending_request_answer(request: HttpRequest, body: LendingAnswerIn, request_id: PathId) -> LendingRequestOut:
    purposes = {"offer": "offer a mentor", "decline": "decline a request", "accept": "accept an offer",
                "withdraw": "withdraw a request"}
    access = _access(request, request_id, purposes[body.action])
    lending_side = body.action in ("offer", "decline")
    if access.borrowing == lending_side:
        raise PermissionDenied
    actor, version = _user(request), body.version
    if body.action == "offer":
        option = next((o for o in reads.corps_options(access.request) if o.profile.pk == body.mentor), None)
        if option is None:
            raise refused({"mentor": "Offer a member of your municipality's corps in the role asked for."})
        services.offer(access=access, actor=actor, mentor=option.profile, expected_version=version)
    elif body.action == "decline":
        services.decline(access=access, actor=actor, reason=body.reason, expected_version=version)
    elif body.action == "withdraw":
        services.withdraw(access=access, actor=actor, expected_version=version)
    else:
        on_case = case_access(request.user, access.request.case_id, purpose="api: mentor lending: accept an offer")
        services.accept(access=access, case_access=on_case, actor=actor, expected_version=version)
    return _after_step(request, request_id)


class LendingEndIn(Body):
    version: Whole = Field(ge=1, description="The version you read; a stale one answers 409")
    reason: str = Field(min_length=1, max_length=TEXT_MAX, description="Why the lending ends; the other side reads it")


@router.post("/lending-requests/{request_id}/end", response=answers({200: LendingRequestOut}, 404, 409, *BODY_ERRORS),
             auth=WRITE, summary="End an accepted lending (either side)",
             description="The mentor leaves the case team and the mentor's course of mentoring on the case ends; the "
                         "hours logged stay in the report.")
def lending_request_end(request: HttpRequest, body: LendingEndIn, request_id: PathId) -> LendingRequestOut:
    access = _access(request, request_id, "end a lending")
    services.end(access=access, actor=_user(request), reason=body.reason, expected_version=body.version)
    return _after_step(request, request_id)


# --- hours --------------------------------------------------------------------------------------

class LendingHoursFilters(Filters):
    start: Day = Field(alias="from", description="The first day of the period")
    end: Day = Field(alias="to", description="The last day of the period")

    @model_validator(mode="after")
    def _in_order(self) -> "LendingHoursFilters":
        if self.end < self.start:
            raise ValueError("The end of the period cannot be before its start.")
        return self


class LendingMunicipalityHours(Schema):
    name: str
    code: str = Field(description="The municipality code")
    hours_lent: float
    hours_borrowed: float


class LendingPairHours(Schema):
    lending: str
    lending_code: str
    borrowing: str
    borrowing_code: str
    hours: float


class LendingHoursOut(Schema):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    municipalities: list[LendingMunicipalityHours]
    pairs: list[LendingPairHours]
    total_hours: float


@router.get("/lending-hours", response=answers({200: LendingHoursOut}), auth=READ,
            summary="Hours lent and borrowed per municipality in a period",
            description="From the sessions held under a lending in the period; aggregates only, no case and no "
                        "person.", by_alias=True)
def lending_hours_report(request: HttpRequest, filters: Query[LendingHoursFilters]) -> LendingHoursOut:
    known_query(request, LendingHoursFilters)
    require_capability(request, *SIDES)
    report = reads.hours_report(filters.start, filters.end)
    return LendingHoursOut(
        start=report.start, end=report.end,
        municipalities=[LendingMunicipalityHours(name=m.name, code=m.code, hours_lent=float(m.hours_lent),
                                                 hours_borrowed=float(m.hours_borrowed))
                        for m in report.municipalities],
        pairs=[LendingPairHours(lending=p.lending, lending_code=p.lending_code, borrowing=p.borrowing,
                                borrowing_code=p.borrowing_code, hours=float(p.hours)) for p in report.pairs],
        total_hours=float(report.total_hours))
