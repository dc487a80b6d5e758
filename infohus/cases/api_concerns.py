"""Concerns in the desk's JSON API: the reporter's own concerns and the report form, the Info
house's telephone intake, and the institution's local assessment.

Each operation mirrors a page of views_concerns.py: the same capability, the same selector (which
answers 404 outside the need-to-know and audits), the page's own form for the checks, and the
same service. The reporter sees status and the general outcome only, as on their page.

The small pieces the triage and case operations share (references to people and organisations,
and a form's refusal as a 422) live here too, at the top.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from django.db.models import TextChoices
from django.forms import Form
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership, require_capability
from infohus.accounts.roles import Capability
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.schemas import ErrorOut, Input, Paging, Version, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.cases.forms_concerns import ConcernFactsForm, LocalAssessmentForm, TelephoneConcernForm
from infohus.cases.models import Concern, ConcernAttachment, ExtremismKind, LocalAssessment
from infohus.cases.selectors import concerns as selectors
from infohus.cases.services import concerns as services

router = Router(tags=["concerns"])
READ = scope(Scope.CONCERNS_READ)
WRITE = scope(Scope.CONCERNS_WRITE)


# --- shared by the cases API modules --------------------------------------------------------------

# An id sent in a body: within what the database's ids hold, so that a list of them is never a
# number the database cannot compare (it would fail rather than find nothing).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Refused by a rule the document cannot state (a date not in the future, a choice among the
# records the caller may pick, one field needed with another): the page's form says which.
REFUSED = "The input was refused by the desk's rules; see fields."
# A write that checks the version it was made from, or the state it was made in.
CONFLICT = {409: ErrorOut}

class ProfessionalRef(Schema):
    """Someone who works on the desk, as the pages name them."""

    username: str
    name: str = Field(description="Full name, or the username where none is recorded")


class OrganisationBrief(Schema):
    id: int
    name: str


def professional(user: User | None) -> ProfessionalRef | None:
    if user is None:
        return None
    return ProfessionalRef(username=user.get_username(), name=user.get_full_name() or user.get_username())


def organisation(org: Organisation | None) -> OrganisationBrief | None:
    return OrganisationBrief(id=org.pk, name=org.name) if org is not None else None


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def one_of(choices: type[TextChoices]) -> Any:
    """The values of a choices class as a type written out in each schema. An enum class would be
    named by its bare name in the OpenAPI document, where Concern.Status, Case.Status and the
    other apps' Status classes would overwrite one another."""
    return Literal[tuple(choices.values)]


def checked(form: Form) -> dict[str, Any]:
    """The form's cleaned data, or a 422 naming each field at fault in the page's own words. The
    input has passed the request's schema already; what the form refuses is a rule of the desk."""
    if not form.is_valid():
        fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        raise ApiError(422, "invalid", REFUSED, fields=fields)
    return form.cleaned_data


def refused(message: str) -> ApiError:
    """A service's refusal that is not a Django ValidationError, shaped like one."""
    return ApiError(422, "invalid", "The change was refused.", fields={"__all__": [message]})


ConcernStatus = one_of(Concern.Status)
Extremism = one_of(ExtremismKind)
LocalDecision = one_of(LocalAssessment.Decision)


# --- what is sent ---------------------------------------------------------------------------------

class ConcernStatusOut(Schema):
    """A concern as the one who reported it sees it: where it is now and, once it is finished, the
    outcome in general terms. Never what the assessment found or what is done."""

    id: int
    reference: str
    status: ConcernStatus
    urgent: bool = Field(description="The reporter said there is immediate danger")
    received_at: datetime
    outcome: str = Field(description="What the reporter may be told, in general terms; empty until there is one")


class ConcernAttachmentOut(Schema):
    """A file sent with a concern: what it is, not its content."""

    id: int
    name: str = Field(description="The file's name as it was sent")
    content_type: str
    size: int = Field(description="Bytes")
    uploaded_at: datetime


class LocalQueueItemOut(Schema):
    """A concern from the resource person's institution, as the local queue lists it."""

    id: int
    reference: str
    status: ConcernStatus
    urgent: bool
    received_at: datetime
    reported_by: ProfessionalRef | None


class LocalAssessmentOut(Schema):
    """The institution's cross-professional assessment of a concern and its decision."""

    decision: LocalDecision
    participants: str
    conclusion: str
    assessed_by: ProfessionalRef
    assessed_at: datetime


class LocalConcernOut(Schema):
    """A concern as the institution's resource person sees it: everything the reporter wrote, its
    attachments, and the local assessment once it is made."""

    id: int
    reference: str
    version: int = Field(description="Send it back with the local assessment")
    status: ConcernStatus
    urgent: bool
    received_at: datetime
    reported_by: ProfessionalRef | None
    reporter_organisation: OrganisationBrief | None
    info_house: OrganisationBrief = Field(description="Where the concern goes if it is forwarded")
    observed: str
    observed_on: date
    observed_where: str
    others_who_know: str
    worries: str
    extremism: Extremism
    person_described: str = Field(description="What the reporter wrote about the person; empty if not known")
    attachments: list[ConcernAttachmentOut]
    local_assessment: LocalAssessmentOut | None = Field(description="Null while the concern waits for it")


MyConcernPage = page_schema(ConcernStatusOut, "MyConcernPage")
LocalQueuePage = page_schema(LocalQueueItemOut, "LocalQueuePage")


def status_of(concern: Concern) -> ConcernStatusOut:
    return ConcernStatusOut(id=concern.pk, reference=concern.reference, status=concern.status,
                            urgent=concern.urgent, received_at=concern.received_at,
                            outcome=concern.outcome_for_reporter)


def attachment_out(attachment: ConcernAttachment) -> ConcernAttachmentOut:
    return ConcernAttachmentOut(id=attachment.pk, name=attachment.original_name,
                                content_type=attachment.content_type, size=attachment.size,
                                uploaded_at=attachment.uploaded_at)


def _queue_item(concern: Concern) -> LocalQueueItemOut:
    return LocalQueueItemOut(id=concern.pk, reference=concern.reference, status=concern.status,
                             urgent=concern.urgent, received_at=concern.received_at,
                             reported_by=professional(concern.reported_by))


def _assessment_out(assessment: LocalAssessment) -> LocalAssessmentOut:
    return LocalAssessmentOut(decision=assessment.decision, participants=assessment.participants,
                              conclusion=assessment.conclusion, assessed_by=professional(assessment.assessed_by),
                              assessed_at=assessment.assessed_at)


def _local_out(concern: Concern, attachments: list[ConcernAttachment]) -> LocalConcernOut:
    waiting = concern.status == Concern.Status.LOCAL_ASSESSMENT
    assessment = None if waiting else getattr(concern, "local_assessment", None)
    return LocalConcernOut(
        id=concern.pk, reference=concern.reference, version=concern.version, status=concern.status,
        urgent=concern.urgent, received_at=concern.received_at, reported_by=professional(concern.reported_by),
        reporter_organisation=organisation(concern.reporter_organisation),
        info_house=organisation(concern.info_house), observed=concern.observed, observed_on=concern.observed_on,
        observed_where=concern.observed_where, others_who_know=concern.others_who_know, worries=concern.worries,
        extremism=concern.extremism, person_described=concern.person_described,
        attachments=[attachment_out(a) for a in attachments],
        local_assessment=_assessment_out(assessment) if assessment is not None else None,
    )


# --- what is received -----------------------------------------------------------------------------

class ConcernReportIn(Input):
    """What someone saw or heard, in the words of the report form. Files are not taken here."""

    observed: str = Field(min_length=1, max_length=10_000,
                          description="What was seen or heard: what was said or done, by whom")
    observed_on: date = Field(description="When it happened (the latest date if over a period); not in the future")
    observed_where: str = Field(min_length=1, max_length=300)
    worries: str = Field(min_length=1, max_length=10_000,
                         description="Why it is a worry, and any change noticed over time")
    others_who_know: str = Field("", max_length=5_000)
    immediate_danger: bool = Field(False, description="Someone may be hurt soon; the concern is then urgent")
    extremism: Extremism = ExtremismKind.NOT_KNOWN.value
    person_unknown: bool = Field(False, description="The reporter does not know who the person is")
    person_described: str = Field("", max_length=2_000,
                                  description="Who the person is; needed unless person_unknown is true")


class TelephoneConcernIn(ConcernReportIn):
    """A concern taken by telephone at the Info house; the caller may stay anonymous."""

    caller_anonymous: bool = False
    caller_name: str = Field("", max_length=200, description="Needed unless the caller is anonymous")
    caller_relation: str = Field("", max_length=100)
    caller_contact: str = Field("", max_length=200, description="Left empty for an anonymous caller")


class LocalAssessmentIn(Version):
    participants: str = Field(min_length=1, max_length=5_000, description="Name and role of each participant")
    conclusion: str = Field(min_length=1, max_length=10_000)
    decision: LocalDecision


class LocalQueueFilters(Schema):
    state: Literal["waiting", "assessed"] = Field(
        "waiting", description="waiting: urgent first, then the oldest; assessed: the newest first")


# --- the reporter ---------------------------------------------------------------------------------

@router.get("/concerns", response=MyConcernPage, auth=READ, summary="The concerns I reported")
def concern_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The caller's own concerns, newest first, with their status and general outcome."""
    require_capability(request, Capability.SUBMIT_CONCERN)
    return page_of(selectors.my_concerns(request.user), paging, status_of)


@router.get("/concerns/{int:concern_id}", response=ConcernStatusOut, auth=READ,
            summary="One of the concerns I reported")
def concern_detail(request: HttpRequest, concern_id: int) -> ConcernStatusOut:
    """Status and general outcome of a concern the caller reported; 404 for any other."""
    require_capability(request, Capability.SUBMIT_CONCERN)
    return status_of(selectors.my_concern(request.user, concern_id, purpose="api: reporter's status"))


@router.post("/concerns", response={201: ConcernStatusOut}, auth=WRITE, summary="Report a concern")
def concern_submit(request: HttpRequest, body: ConcernReportIn) -> Status[ConcernStatusOut]:
    """A concern from the caller, acting for their organisation. It goes to the institution's
    resource person first where the organisation is a prison or probation institution that has
    one, and otherwise to the organisation's Info house. Immediate danger marks it urgent."""
    require_capability(request, Capability.SUBMIT_CONCERN)
    form = ConcernFactsForm(body.model_dump())
    checked(form)
    membership = active_membership(request)
    assert membership is not None  # the capability check found one
    try:
        concern = services.submit_concern(reporter=acting_user(request), organisation=membership.organisation,
                                          facts=form.facts())
    except services.ConcernError as refusal:
        raise refused(str(refusal)) from None
    return Status(201, status_of(concern))


@router.post("/concerns/telephone", response={201: ConcernStatusOut}, auth=WRITE,
             summary="Record a concern taken by telephone")
def concern_telephone(request: HttpRequest, body: TelephoneConcernIn) -> Status[ConcernStatusOut]:
    """A concern the caller's Info house received by telephone; it waits for triage there."""
    require_capability(request, Capability.TRIAGE)
    form = TelephoneConcernForm(body.model_dump())
    checked(form)
    membership = active_membership(request)
    assert membership is not None
    try:
        concern = services.record_telephone_concern(recorded_by=acting_user(request),
                                                    info_house=membership.organisation, facts=form.facts(),
                                                    caller=form.caller())
    except services.ConcernError as refusal:
        raise refused(str(refusal)) from None
    return Status(201, status_of(concern))


# --- the institution's resource person ------------------------------------------------------------

@router.get("/concerns/local", response=LocalQueuePage, auth=READ,
            summary="Concerns of my institution for local assessment")
def concern_local_queue(request: HttpRequest, filters: Query[LocalQueueFilters],
                        paging: Query[Paging]) -> dict[str, Any]:
    """Concerns reported in the institutions where the caller is the resource person: those
    waiting for the local assessment, or those already assessed."""
    require_capability(request, Capability.LOCAL_ASSESSMENT)
    user = request.user
    concerns = selectors.local_queue(user) if filters.state == "waiting" else selectors.locally_assessed(user)
    return page_of(concerns, paging, _queue_item)


@router.get("/concerns/local/{int:concern_id}", response=LocalConcernOut, auth=READ,
            summary="A concern of my institution")
def concern_local_detail(request: HttpRequest, concern_id: int) -> LocalConcernOut:
    """Everything the reporter wrote, the attachments (what they are) and the local assessment."""
    require_capability(request, Capability.LOCAL_ASSESSMENT)
    concern = selectors.concern_for_local_assessment(request.user, concern_id, purpose="api: local assessment")
    return _local_out(concern, selectors.attachments_of(concern))


@router.post("/concerns/local/{int:concern_id}/assessment", response={201: LocalAssessmentOut, **CONFLICT},
             auth=WRITE, summary="Record the local assessment of a concern")
def concern_local_assess(request: HttpRequest, concern_id: int,
                         body: LocalAssessmentIn) -> Status[LocalAssessmentOut]:
    """Handle the concern locally, close it as no concern (the reporter is told in general terms)
    or forward it to the Info house. A concern that changed after `version`, or was assessed
    already, answers 409 and nothing is recorded."""
    require_capability(request, Capability.LOCAL_ASSESSMENT)
    user = acting_user(request)
    concern = selectors.concern_for_local_assessment(user, concern_id, audit=False,
                                                     purpose="api: local assessment")
    data = checked(LocalAssessmentForm(body.model_dump()))
    try:
        assessment = services.record_local_assessment(
            concern=concern, assessed_by=user, participants=data["participants"].strip(),
            conclusion=data["conclusion"].strip(), decision=data["decision"], expected_version=data["version"])
    except services.StaleConcern:
        current = selectors.concern_for_local_assessment(user, concern_id, audit=False)
        raise ApiError(409, "stale_version", "Someone else changed this concern after the version you sent (it may "
                       "already have been assessed); nothing was recorded.",
                       extra={"current_version": current.version}) from None
    return Status(201, _assessment_out(assessment))


# --- attachments ----------------------------------------------------------------------------------

@router.get("/concerns/{int:concern_id}/attachments", response=list[ConcernAttachmentOut], auth=READ,
            summary="The files sent with a concern")
def concern_attachments(request: HttpRequest, concern_id: int) -> list[ConcernAttachmentOut]:
    """What each file is (not its content), for the institution's resource person and the Info
    house that triages the concern. A concern has at most five, so the list is not paged."""
    require_capability(request, Capability.LOCAL_ASSESSMENT, Capability.TRIAGE)
    attachments = selectors.attachments_for_user(request.user, concern_id, purpose="api: concern attachments")
    return [attachment_out(a) for a in attachments]
