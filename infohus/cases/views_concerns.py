"""Concern pages: the reporter's form and status pages, the Info house's telephone intake, and the
resource person's queue and local assessment. Views check input and call the services; every
concern is fetched through selectors/concerns.py, which answers 404 outside the need-to-know."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from infohus.accounts.permissions import active_membership, capability_required, has_capability, signed_in_required
from infohus.accounts.roles import Capability
from infohus.cases.forms_concerns import ConcernFactsForm, LocalAssessmentForm, TelephoneConcernForm
from infohus.cases.models import Concern, LocalAssessment
from infohus.cases.selectors import concerns as selectors
from infohus.cases.services import concerns as services

PAGE_SIZE = 50
RECENTLY_ASSESSED = 20

reporter_required = capability_required(Capability.SUBMIT_CONCERN)
triage_required = capability_required(Capability.TRIAGE)
resource_person_required = capability_required(Capability.LOCAL_ASSESSMENT)


def _form_page(request: HttpRequest, template: str, form: ConcernFactsForm, *, status: int = 200,
               **extra: Any) -> HttpResponse:
    files_dropped = form.is_bound and form.had_files and bool(form.errors)
    return render(request, template, {"form": form, "files_dropped": files_dropped, **extra}, status=status)


@reporter_required
def concern_new(request: HttpRequest) -> HttpResponse:
    template = "cases/concerns/new.html"
    if request.method != "POST":
        return _form_page(request, template, ConcernFactsForm())
    form = ConcernFactsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, template, form)
    membership = active_membership(request)
    assert membership is not None  # the capability check found one
    try:
        concern = services.submit_concern(reporter=request.user, organisation=membership.organisation,  # type: ignore[arg-type]
                                          facts=form.facts(), attachments=form.uploads())
    except services.AttachmentRefused as refusal:
        form.add_error("attachments", str(refusal))
        return _form_page(request, template, form)
    except services.ConcernError as refusal:
        form.add_error(None, str(refusal))
        return _form_page(request, template, form)
    messages.success(request, _("Thank you. Your concern has been received as %(reference)s.")
                     % {"reference": concern.reference})
    return redirect("cases:my_concern", pk=concern.pk)


@reporter_required
def my_concerns(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_concerns(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/concerns/mine.html", {"page": page})


@reporter_required
def my_concern(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.my_concern(request.user, pk)
    return render(request, "cases/concerns/mine_detail.html", {
        "concern": concern, "outcome": _(concern.outcome_for_reporter) if concern.outcome_for_reporter else "",
    })


@triage_required
def telephone_concern(request: HttpRequest) -> HttpResponse:
    template = "cases/concerns/telephone.html"
    membership = active_membership(request)
    assert membership is not None
    info_house = membership.organisation
    if request.method != "POST":
        return _form_page(request, template, TelephoneConcernForm(), info_house=info_house)
    form = TelephoneConcernForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, template, form, info_house=info_house)
    try:
        concern = services.record_telephone_concern(
            recorded_by=request.user, info_house=info_house, facts=form.facts(),  # type: ignore[arg-type]
            caller=form.caller(), attachments=form.uploads())
    except services.ConcernError as refusal:
        form.add_error("attachments" if isinstance(refusal, services.AttachmentRefused) else None, str(refusal))
        return _form_page(request, template, form, info_house=info_house)
    if concern.urgent:
        done = _("The concern was recorded as %(reference)s, marked urgent, and waits for triage.")
    else:
        done = _("The concern was recorded as %(reference)s and waits for triage.")
    messages.success(request, done % {"reference": concern.reference})
    return redirect("cases:telephone_concern")


@resource_person_required
def local_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.local_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/concerns/local_queue.html", {
        "page": page, "assessed": list(selectors.locally_assessed(request.user)[:RECENTLY_ASSESSED]),
    })


@resource_person_required
def local_concern(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_local_assessment(request.user, pk)
    waiting = concern.status == Concern.Status.LOCAL_ASSESSMENT
    form: LocalAssessmentForm | None = None
    status = 200
    if waiting:
        form = LocalAssessmentForm(request.POST if request.method == "POST" else None,
                                   initial={"version": concern.version})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.record_local_assessment(
                    concern=concern, assessed_by=request.user, participants=data["participants"].strip(),  # type: ignore[arg-type]
                    conclusion=data["conclusion"].strip(), decision=data["decision"],
                    expected_version=data["version"])
            except services.StaleConcern as stale:
                form.add_error(None, str(stale))
                status = 409
            else:
                messages.success(request, _done_message(concern.reference, data["decision"]))
                return redirect("cases:local_queue")
    elif request.method == "POST":
        messages.error(request, _("This concern has already been assessed; nothing was changed."))
        status = 409
    assessment = getattr(concern, "local_assessment", None) if not waiting else None
    return render(request, "cases/concerns/local_detail.html", {
        "concern": concern, "form": form, "assessment": assessment,
        "attachments": selectors.attachments_of(concern),
    }, status=status)


def _done_message(reference: str, decision: str) -> str:
    D = LocalAssessment.Decision
    if decision == D.FORWARD:
        return _("%(reference)s was forwarded to the Info house.") % {"reference": reference}
    if decision == D.HANDLE_LOCALLY:
        return _("%(reference)s is recorded as handled in your institution.") % {"reference": reference}
    return _("%(reference)s is closed as no concern. The reporter is told in general terms.") % {
        "reference": reference}


@signed_in_required
def concern_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A concern's attachment, for the institution's resource person and the Info house that
    triages it; the file is always sent as a download, with the type decided at upload."""
    if not any(has_capability(request, c) for c in (Capability.LOCAL_ASSESSMENT, Capability.TRIAGE)):
        raise PermissionDenied
    attachment = selectors.attachment_for_user(request.user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    return cast(HttpResponse, response)  # the decorators are typed for HttpResponse; a stream serves as well
