"""Assessments of a case or a concern: list, read, start, save, sign, discard, correct, and the
files of attachment fields (such as the licensed form of a proprietary instrument).

The same as the recording pages (views_recording.py): every operation starts from the access
selectors (holder_for_case / holder_for_concern to list or start, assessment_for_user for one
assessment), which answer 404 outside the need-to-know or the compartment and audit the read and
the refusal; writes go through services/recording.py, which audits them. Reads made only to write
are not audited as reads, as on the pages. Answers are returned as given and as the page shows
them; nothing is computed from them.
"""

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field as Describe
from pydantic import model_validator

from infohus.accounts.models import User
from infohus.accounts.permissions import require_capability
from infohus.accounts.roles import Capability as C
from infohus.accounts.roles import Compartment
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.schemas import Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.assessments.api_common import (
    BODY_ERRORS,
    Body,
    Day,
    DbId,
    Filters,
    PathId,
    QueryId,
    Whole,
    answers,
    known_query,
    listed,
    only,
    refused,
)
from infohus.assessments.models import Assessment, AssessmentAttachment
from infohus.assessments.selectors import reads
from infohus.assessments.selectors import recording as pages
from infohus.assessments.selectors.access import (
    AssessmentAccess,
    Holder,
    assessment_for_user,
    audit_read,
    holder_for_case,
    holder_for_concern,
)
from infohus.assessments.services import recording
from infohus.assessments.services.recording import AnswersRefused, StaleAssessment
from infohus.cases.attachments import MAX_ATTACHMENT_BYTES

router = Router(tags=["assessments"])
READ = scope(Scope.ASSESSMENTS_READ)
WRITE = scope(Scope.ASSESSMENTS_WRITE)
# An assessment is on a case or on a concern at triage; the access selectors decide which.
DESK = (C.WORK_ON_CASE, C.TRIAGE)
AssessmentStatus = Annotated[str, only(Assessment.Status.values), listed(Assessment.Status.values)]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _access(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True) -> AssessmentAccess:
    require_capability(request, *DESK)
    return assessment_for_user(request.user, pk, purpose=f"api: assessment: {purpose}", audit=audit)


def _holder(request: HttpRequest, *, case: int | None, concern: int | None, purpose: str) -> Holder:
    """The case (for those who work on cases) or the concern at triage (for those who triage)."""
    if case is not None:
        require_capability(request, C.WORK_ON_CASE)
        return holder_for_case(request.user, case, purpose=f"api: {purpose}")
    assert concern is not None
    require_capability(request, C.TRIAGE)
    return holder_for_concern(request.user, concern, purpose=f"api: {purpose}")


# --- what is returned ---------------------------------------------------------------------------

class AssessmentInstrumentRef(Schema):
    slug: str
    name: str
    version_id: int = Describe(description="The instrument version the assessment was made with")
    version_number: int


class AssessmentItem(Schema):
    """An assessment as a list shows it: what, when, by whom, in which compartment."""

    id: int
    instrument: AssessmentInstrumentRef
    case: int | None = Describe(description="The case it belongs to (or null when made on a concern)")
    concern: int | None = Describe(description="The concern it was made on at triage (or null)")
    compartment: str
    status: str = Describe(description="draft or signed")
    assessed_on: date
    created_by: str
    signed_by: str | None
    signed_at: datetime | None
    corrects: int | None = Describe(description="The signed assessment this one corrects")
    version: int = Describe(description="Send it back with a save or a signature; a stale one answers 409")


class AssessmentFileOut(Schema):
    id: int
    field_key: str
    name: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: datetime


class AssessmentAnswerRow(Schema):
    key: str
    label: str
    kind: str
    lines: list[str] = Describe(description="The answer as the page shows it, line by line; empty when not answered")
    files: list[AssessmentFileOut]


class AssessmentSectionRows(Schema):
    key: str
    title: str
    rows: list[AssessmentAnswerRow]


class AssessmentOut(AssessmentItem):
    """One assessment with its answers: as kept (keyed by field key, in the shape of each kind of
    field) and as the page shows them, by section."""

    answers: dict[str, Any]
    sections: list[AssessmentSectionRows]
    files: list[AssessmentFileOut]
    corrections: list[AssessmentItem] = Describe(description="Corrections of this assessment that you may see")
    may_write: bool = Describe(description="Whether you may change it (a draft) or correct it (signed)")


AssessmentPage = page_schema(AssessmentItem, "AssessmentPage")


def _item_fields(a: Assessment) -> dict[str, Any]:
    version = a.version
    return {
        "id": a.pk,
        "instrument": AssessmentInstrumentRef(slug=version.instrument.slug, name=version.instrument.name,
                                              version_id=version.pk, version_number=version.number),
        "case": a.case_id, "concern": a.concern_id, "compartment": a.compartment, "status": a.status,
        "assessed_on": a.assessed_on, "created_by": _name(a.created_by), "signed_by": _name(a.signed_by),
        "signed_at": a.signed_at, "corrects": a.amends_id, "version": a.revision,
    }


def _item(a: Assessment) -> AssessmentItem:
    return AssessmentItem(**_item_fields(a))


def _file(f: AssessmentAttachment) -> AssessmentFileOut:
    return AssessmentFileOut(id=f.pk, field_key=f.field_key, name=f.original_name, content_type=f.content_type,
                             size=f.size, uploaded_by=_name(f.uploaded_by), uploaded_at=f.uploaded_at)


def _detail(access: AssessmentAccess) -> AssessmentOut:
    page = pages.detail_page(access)
    assessment = access.assessment
    sections = [
        AssessmentSectionRows(key=s["section"].key, title=s["section"].title, rows=[
            AssessmentAnswerRow(key=row["field"].key, label=row["field"].label, kind=row["field"].kind,
                                lines=row["lines"], files=[_file(f) for f in row["files"]])
            for row in s["rows"]])
        for s in page.sections
    ]
    return AssessmentOut(**_item_fields(assessment), answers=assessment.answers, sections=sections,
                         files=[_file(f) for f in page.files], corrections=[_item(c) for c in page.corrections],
                         may_write=access.holder.may_write)


def _written(request: HttpRequest, access: AssessmentAccess, assessment: Assessment) -> AssessmentOut:
    """The assessment as it is after a write, for the writer (the write checked that they may
    open it). Its read is audited, as the page the write leads back to audits it."""
    written = AssessmentAccess(assessment=assessment, holder=access.holder)
    audit_read(request.user, written, purpose="api: assessment: read")
    return _detail(written)


# --- lists ---------------------------------------------------------------------------------------

class AssessmentFilters(Filters):
    case: QueryId | None = Describe(None, description="The assessments of this case (those who work on cases)")
    concern: QueryId | None = Describe(None, description="The assessments made on this concern at triage (those who "
                                                      "triage it)")
    status: AssessmentStatus | None = None
    instrument: str | None = Describe(None, max_length=60, description="An instrument's short name (slug)")

    @model_validator(mode="after")
    def _one_holder(self) -> "AssessmentFilters":
        if (self.case is None) == (self.concern is None):
            raise ValueError("Give either case or concern.")
        return self


@router.get("/assessments", response=answers({200: AssessmentPage}, 404), auth=READ,
            summary="Assessments of a case or of a concern at triage",
            description="Newest first, in the compartments you see there. For a case, with the Info-house analysis "
                        "made on the concern that opened it.")
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters], paging: Query[Paging]) -> dict[str, Any]:
    known_query(request, AssessmentFilters, Paging)
    holder = _holder(request, case=filters.case, concern=filters.concern,
                     purpose="assessments of a case" if filters.case is not None else "assessments at triage")
    found = reads.timeline(holder)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.instrument:
        found = found.filter(version__instrument__slug=filters.instrument)
    return page_of(found, paging, _item)


@router.get("/assessments/{assessment_id}", response=answers({200: AssessmentOut}, 404), auth=READ,
            summary="One assessment with its answers")
def assessment_detail(request: HttpRequest, assessment_id: PathId) -> AssessmentOut:
    return _detail(_access(request, assessment_id, "read"))


# --- starting, saving, signing -------------------------------------------------------------------

class AssessmentStart(Body):
    case: DbId | None = Describe(None, description="Start it on this case (a team member of an open case)")
    concern: DbId | None = Describe(None, description="Or on this concern at triage (before the decision)")
    instrument_version: DbId = Describe(description="The latest published version of an instrument used there")
    compartment: Compartment | None = Describe(None, description="Left out: the instrument's usual compartment")
    assessed_on: Day | None = Describe(None, description="Left out: today")

    @model_validator(mode="after")
    def _one_holder(self) -> "AssessmentStart":
        if (self.case is None) == (self.concern is None):
            raise ValueError("Give either case or concern.")
        return self


@router.post("/assessments", response=answers({201: AssessmentOut}, 404, *BODY_ERRORS), auth=WRITE,
             summary="Start an assessment as a draft",
             description="On a case (a team member, while the case is open) or on a concern at triage (until it "
                         "is decided), in a compartment you see.")
def assessment_start(request: HttpRequest, body: AssessmentStart) -> Status[AssessmentOut]:
    on_case = body.case is not None
    holder = _holder(request, case=body.case, concern=body.concern,
                     purpose="assessment: start on a case" if on_case else "assessment: start at triage")
    if not holder.may_write:
        raise PermissionDenied
    version = next((v for v in reads.startable_instruments(holder) if v.pk == body.instrument_version), None)
    if version is None:
        raise refused({"instrument_version": "Choose the latest published version of an instrument used here."})
    compartment = body.compartment.value if body.compartment else version.instrument.default_compartment
    if compartment not in holder.compartments:
        raise refused({"compartment": f"You do not see the compartment “{compartment}” here; choose one of yours: "
                                      f"{', '.join(sorted(holder.compartments))}."})
    try:
        assessment = recording.start_assessment(holder=holder, actor=_user(request), version=version,
                                                compartment=compartment, assessed_on=body.assessed_on)
    except AnswersRefused as refusal:
        raise refused(refusal.field_errors) from None
    return Status(201, _written(request, AssessmentAccess(assessment=assessment, holder=holder), assessment))


class AssessmentAnswers(Body):
    version: Whole = Describe(ge=1, description="The version you read; a stale one answers 409")
    assessed_on: Day | None = Describe(None, description="Left out: the date as it is")
    answers: dict[str, Any] = Describe(
        default_factory=dict,
        description="Every answer, keyed by field key, in the shape of its kind (see the instrument version). A "
                    "field left out is left unanswered, as when its input on the page is emptied.")


def _write(request: HttpRequest, assessment_id: int, body: AssessmentAnswers, *, sign: bool) -> AssessmentOut:
    access = _access(request, assessment_id, "sign" if sign else "save", audit=False)
    write = recording.sign if sign else recording.save_draft
    try:
        saved = write(access=access, actor=_user(request), expected_revision=body.version,
                      raw_answers=body.answers, assessed_on=body.assessed_on or access.assessment.assessed_on)
    except AnswersRefused as refusal:
        raise refused(refusal.field_errors, "The answers were refused; nothing was saved.") from None
    except StaleAssessment as stale:
        raise ApiError(409, "stale_version", "Someone else saved this assessment after the version you sent; "
                                             "nothing was changed.",
                       extra={"current_version": stale.current.revision}) from None
    return _written(request, access, saved)


@router.put("/assessments/{assessment_id}", response=answers({200: AssessmentOut}, 404, 409, *BODY_ERRORS), auth=WRITE,
            summary="Save the answers of a draft",
            description="Each answer must fit its field; required answers may wait until signing.")
def assessment_save(request: HttpRequest, body: AssessmentAnswers, assessment_id: PathId) -> AssessmentOut:
    return _write(request, assessment_id, body, sign=False)


@router.post("/assessments/{assessment_id}/sign", response=answers({200: AssessmentOut}, 404, 409, *BODY_ERRORS),
             auth=WRITE, summary="Save the answers and sign",
             description="Every required field answered (and each attachment field's file attached), and any "
                         "certification valid on the date of the assessment. A signed assessment never changes.")
def assessment_sign(request: HttpRequest, body: AssessmentAnswers, assessment_id: PathId) -> AssessmentOut:
    return _write(request, assessment_id, body, sign=True)


@router.delete("/assessments/{assessment_id}", response=answers({204: None}, 404), auth=WRITE,
               summary="Discard a draft", description="A signed assessment is never discarded; correct it instead.")
def assessment_discard(request: HttpRequest, assessment_id: PathId) -> Status[None]:
    access = _access(request, assessment_id, "discard", audit=False)
    recording.discard_draft(access=access, actor=_user(request))
    return Status(204, None)


@router.post("/assessments/{assessment_id}/corrections", response=answers({201: AssessmentOut}, 404), auth=WRITE,
             summary="Start a correction of a signed assessment",
             description="A new draft with the same instrument version, date and compartment, starting from the "
                         "signed assessment's answers, which it names. The signed assessment stays as it was.")
def assessment_correct(request: HttpRequest, assessment_id: PathId) -> Status[AssessmentOut]:
    access = _access(request, assessment_id, "correct", audit=False)
    signed = access.assessment
    correction = recording.start_assessment(holder=access.holder, actor=_user(request), version=signed.version,
                                            compartment=signed.compartment, assessed_on=signed.assessed_on,
                                            amends=signed)
    return Status(201, _written(request, access, correction))


# --- files --------------------------------------------------------------------------------------

# The JSON body carries the file in base64, a third larger than the file itself.
MAX_BASE64 = (MAX_ATTACHMENT_BYTES + 2) // 3 * 4


class AssessmentFileIn(Body):
    field_key: str = Describe(max_length=60, description="The attachment field the file answers")
    name: str = Describe(min_length=1, max_length=200, description="The file's name, with its extension")
    content_base64: str = Describe(max_length=MAX_BASE64, description="The file's content in base64 (PDF, Word "
                                                                      ".docx, OpenDocument .odt, text, PNG or JPEG)")


class AssessmentFileContentOut(AssessmentFileOut):
    content_base64: str


@router.post("/assessments/{assessment_id}/files", response=answers({201: AssessmentFileOut}, 404, *BODY_ERRORS),
             auth=WRITE, summary="Attach a file to an attachment field of a draft",
             description="The type is decided from the name and the content, never from what the caller says. The "
                         "request body is limited in size, so a large file is attached on the page.")
def assessment_file_add(request: HttpRequest, body: AssessmentFileIn,
                        assessment_id: PathId) -> Status[AssessmentFileOut]:
    access = _access(request, assessment_id, "attach a file", audit=False)
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise refused({"content_base64": "This is not base64."}) from None
    upload = SimpleUploadedFile(body.name, content)
    try:
        attachment = recording.attach_file(access=access, actor=_user(request), field_key=body.field_key,
                                           upload=upload)
    except AnswersRefused as refusal:
        raise refused({"content_base64": " ".join(refusal.field_errors.values())}) from None
    return Status(201, _file(attachment))


@router.get("/assessments/{assessment_id}/files/{file_id}", response=answers({200: AssessmentFileContentOut}, 404),
            auth=READ, summary="Read an attached file", description="The read of the file is audited.")
def assessment_file_read(request: HttpRequest, assessment_id: PathId,
                         file_id: PathId) -> AssessmentFileContentOut:
    # file_for_reader audits the read of the file; the fetch itself is not recorded twice.
    access = _access(request, assessment_id, "read a file", audit=False)
    attachment = recording.file_for_reader(access=access, actor=_user(request), attachment_pk=file_id)
    if attachment is None:
        raise Http404
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    return AssessmentFileContentOut(**_file(attachment).model_dump(), content_base64=base64.b64encode(content).decode())


@router.delete("/assessments/{assessment_id}/files/{file_id}", response=answers({204: None}, 404), auth=WRITE,
               summary="Remove a file from a draft")
def assessment_file_remove(request: HttpRequest, assessment_id: PathId,
                           file_id: PathId) -> Status[None]:
    access = _access(request, assessment_id, "remove a file", audit=False)
    recording.remove_file(access=access, actor=_user(request), attachment_pk=file_id)
    return Status(204, None)

