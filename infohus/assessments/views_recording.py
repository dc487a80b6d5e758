"""Pages for recording assessments: start one on a case or on a concern at triage, fill it in,
save drafts, sign it, record a correction, attach the licensed form, read it back.

Every page starts from the access selectors: holder_for_case / holder_for_concern to start one,
assessment_for_user for everything else (404 outside the need-to-know or the compartment, both
audited). The views turn the form into the services' arguments; the rules are in
services/recording.py. POSTs fetch without auditing the read, since the service audits the
write; a form sent back with its errors records the read it shows.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required
from infohus.accounts.roles import Capability
from infohus.assessments import forms_recording as f
from infohus.assessments.models import Assessment, FieldKind
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

work_required = capability_required(Capability.WORK_ON_CASE)
triage_required = capability_required(Capability.TRIAGE)


# An assessment is on a case or on a concern at triage; the access selectors decide which.
desk_required = capability_required(Capability.WORK_ON_CASE, Capability.TRIAGE)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _access(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True) -> AssessmentAccess:
    return assessment_for_user(request.user, pk, purpose=f"assessment: {purpose}", audit=audit)


def holder_url(holder: Holder) -> str:
    if holder.case is not None:
        return reverse("cases:case_detail", args=[holder.case.pk])
    assert holder.concern is not None
    return reverse("cases:triage_concern", args=[holder.concern.pk])


def _to_detail(assessment: Assessment) -> HttpResponse:
    return redirect("assessments:assessment_detail", pk=assessment.pk)


def _to_edit(assessment: Assessment, anchor: str = "") -> HttpResponse:
    return redirect(reverse("assessments:assessment_edit", args=[assessment.pk]) + (f"#{anchor}" if anchor else ""))


def _writer_only(access: AssessmentAccess) -> None:
    if not access.holder.may_write:
        raise PermissionDenied


def _signed_no_change() -> str:
    return _("This assessment is signed and cannot be changed. To change what it says, record a correction.")


# --- starting -------------------------------------------------------------------------------------

@work_required
def case_start(request: HttpRequest, case_pk: int) -> HttpResponse:
    holder = holder_for_case(request.user, case_pk, purpose="assessment: start on a case")
    return _start(request, holder)


@triage_required
def concern_start(request: HttpRequest, concern_pk: int) -> HttpResponse:
    holder = holder_for_concern(request.user, concern_pk, purpose="assessment: start at triage")
    return _start(request, holder)


def _start(request: HttpRequest, holder: Holder) -> HttpResponse:
    if not holder.may_write:
        raise PermissionDenied
    versions = reads.startable_instruments(holder)
    wanted = request.GET.get("version", "")
    preselected = next((v for v in versions if str(v.pk) == wanted), None)
    if preselected is None and len(versions) == 1:
        preselected = versions[0]
    posting = request.method == "POST"
    form = f.StartForm(request.POST if posting else None, versions=versions, compartments=holder.compartments,
                       preselected=preselected)
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = recording.start_assessment(holder=holder, actor=_user(request), version=data["version"],
                                                    compartment=data["compartment"], assessed_on=data["assessed_on"])
        except AnswersRefused as refusal:
            for key, message in refusal.field_errors.items():
                form.add_error(key if key in form.fields else None, message)
        except ValidationError as error:
            form.add_error("instrument_version", error)
        else:
            messages.success(request, _("The assessment was started as a draft. Nobody outside the compartment "
                                        "“%(compartment)s” can read it.") % {
                                            "compartment": assessment.get_compartment_display()})
            return _to_edit(assessment)
    return render(request, "assessments/recording/start.html", {
        "holder": holder, "form": form, "versions": versions,
    }, status=400 if posting else 200)


# --- one assessment ---------------------------------------------------------------------------------

@desk_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "read")
    return render(request, "assessments/recording/detail.html", {
        "assessment": access.assessment, "holder": access.holder, "page": pages.detail_page(access),
        "may_write": access.holder.may_write,
    })


@desk_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    access = _access(request, pk, "save" if posting else "edit", audit=not posting)
    assessment = access.assessment
    if assessment.is_signed:
        messages.info(request, _signed_no_change())
        return _to_detail(assessment)
    _writer_only(access)
    page = pages.edit_page(access)
    if not posting:
        form = f.AnswersForm(page.fields, answers=assessment.answers, assessed_on=assessment.assessed_on,
                             revision=assessment.revision, files=page.files)
        return _edit_page(request, access, form)

    form = f.AnswersForm(page.fields, data=request.POST, files=page.files)
    signing = request.POST.get("action") == "sign"
    write = recording.sign if signing else recording.save_draft
    try:
        saved = write(access=access, actor=_user(request), expected_revision=form.revision,
                      raw_answers=form.raw_answers(), assessed_on=form.assessed_on)
    except AnswersRefused as refusal:
        form.add_errors(refusal.field_errors)
        form.set_assessed_on_error()
        audit_read(request.user, access, purpose="assessment: answers sent back")
        return _edit_page(request, access, form, status=400, signing=signing)
    except StaleAssessment as stale:
        current = stale.current
        audit_read(request.user, AssessmentAccess(assessment=current, holder=access.holder),
                   purpose="assessment: someone else's save shown")
        # The editor's input stays; the revision now names what they have seen, so saving again
        # is a choice made knowing the other version.
        form.revision_value = str(current.revision)
        return _edit_page(request, access, form, status=409, current=current,
                          current_sections=reads.answer_rows(current, page.fields))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_detail(assessment)
    if signing:
        messages.success(request, _("The assessment is signed. It can no longer be changed."))
        return _to_detail(saved)
    messages.success(request, _("The draft was saved."))
    return _to_edit(saved)


def _edit_page(request: HttpRequest, access: AssessmentAccess, form: f.AnswersForm, *, status: int = 200,
               **extra: Any) -> HttpResponse:
    sections = form.sections()
    return render(request, "assessments/recording/edit.html", {
        "assessment": access.assessment, "holder": access.holder, "form": form, "sections": sections,
        "error_list": form.error_list(),
        "attachment_inputs": [i for s in sections for i in s.inputs if i.kind == FieldKind.ATTACHMENT],
        **extra,
    }, status=status)


@require_POST
@desk_required
def assessment_discard(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "discard", audit=False)
    try:
        recording.discard_draft(access=access, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_detail(access.assessment)
    messages.success(request, _("The draft was discarded."))
    return redirect(holder_url(access.holder))


@require_POST
@desk_required
def assessment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction: a new draft with the same instrument version and date, starting from the
    answers of the signed assessment, which it names."""
    access = _access(request, pk, "correct", audit=False)
    signed = access.assessment
    try:
        correction = recording.start_assessment(holder=access.holder, actor=_user(request), version=signed.version,
                                                compartment=signed.compartment, assessed_on=signed.assessed_on,
                                                amends=signed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_detail(signed)
    messages.success(request, _("A correction was started from the signed assessment's answers. Change what "
                                "needs correcting and sign it; the signed assessment stays as it was."))
    return _to_edit(correction)


# --- files ------------------------------------------------------------------------------------------

@desk_required
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    access = _access(request, pk, "attach a file" if posting else "file form", audit=not posting)
    assessment = access.assessment
    if assessment.is_signed:
        messages.info(request, _signed_no_change())
        return _to_detail(assessment)
    _writer_only(access)
    page = pages.edit_page(access)
    if not any(field.kind == FieldKind.ATTACHMENT for field in page.fields):
        messages.info(request, _("This instrument takes no files."))
        return _to_edit(assessment)
    wanted = request.GET.get("field", "")
    form = f.FileForm(request.POST if posting else None, request.FILES if posting else None, fields=page.fields,
                      initial={"field_key": wanted} if wanted else None)
    if posting and form.is_valid():
        key = form.cleaned_data["field_key"]
        try:
            recording.attach_file(access=access, actor=_user(request), field_key=key,
                                  upload=form.cleaned_data["file"])
        except AnswersRefused as refusal:
            form.add_error("file", list(refusal.field_errors.values()))
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The file was attached."))
            return _to_edit(assessment, f"files-{key}")
    if posting:
        audit_read(request.user, access, purpose="assessment: file form sent back")
    return render(request, "assessments/recording/file_add.html", {
        "assessment": assessment, "holder": access.holder, "form": form, "files": page.files,
    }, status=400 if posting else 200)


@desk_required
def file_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    # file_for_reader audits the read of the file; the fetch itself is not recorded twice.
    access = _access(request, pk, "read a file", audit=False)
    attachment = recording.file_for_reader(access=access, actor=_user(request), attachment_pk=attachment_pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    # A streamed response; typed as HttpResponse only to satisfy the decorator.
    return cast(HttpResponse, response)


@require_POST
@desk_required
def file_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    access = _access(request, pk, "remove a file", audit=False)
    try:
        recording.remove_file(access=access, actor=_user(request), attachment_pk=attachment_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if access.assessment.is_signed:
            return _to_detail(access.assessment)
    else:
        messages.success(request, _("The file was removed."))
    return _to_edit(access.assessment, "files")
