"""Pages of "Get involved", "EU networks" and "About" (public) and of moderation (directory
editors). The views check input and call the services; they hold no rules of their own."""

import logging
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.models import Organisation as AccountOrganisation
from infohus.accounts.models import User
from infohus.accounts.permissions import active_membership, capability_required, has_capability, is_fully_signed_in
from infohus.accounts.roles import Capability
from infohus.directory import selectors_moderation as selectors
from infohus.directory import services, spam
from infohus.directory.forms import (
    ApproveForm,
    EUNetworkForm,
    GetInvolvedForm,
    ProposalForm,
    RejectForm,
    RequestChangesForm,
)
from infohus.directory.models import ModerationStep, Submission

logger = logging.getLogger(__name__)

QUEUE_PAGE_SIZE = 50
editor_required = capability_required(Capability.MODERATE_DIRECTORY)


# --- public pages ---------------------------------------------------------------------------

def get_involved(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _get_involved_page(request, GetInvolvedForm())
    if spam.request_too_large(request):
        return _too_large(request, GetInvolvedForm())
    if spam.honeypot_filled(request):
        # Looks like success to the sender, so that a bot learns nothing; nothing is stored.
        logger.info("get-involved: honeypot filled, proposal dropped")
        return redirect("directory:get_involved_thanks")
    form = GetInvolvedForm(request.POST)
    address_hash = spam.hash_client_address(spam.client_address(request))
    if spam.rate_limited(address_hash):
        return _get_involved_page(request, form, status=429, refusal=_(
            "You have sent %(count)s proposals within the last hour, which is as many as we accept from one "
            "address. Please wait an hour and send it again; what you wrote is still in the form below."
        ) % {"count": spam.SUBMISSIONS_PER_WINDOW})
    if not form.is_valid():
        return _get_involved_page(request, form)
    services.submit_proposal(
        content=form.content(), proposer_name=form.cleaned_data["proposer_name"].strip(),
        proposer_email=form.cleaned_data["proposer_email"], client_address_hash=address_hash,
    )
    spam.count_submission(address_hash)
    return redirect("directory:get_involved_thanks")


def _get_involved_page(request: HttpRequest, form: GetInvolvedForm, *, status: int = 200,
                       refusal: str = "") -> HttpResponse:
    return render(request, "directory/pages/get_involved.html",
                  {"form": form, "refusal": refusal, "honeypot_field": spam.HONEYPOT_FIELD}, status=status)


def _too_large(request: HttpRequest, form: ProposalForm, *, template: str = "directory/pages/get_involved.html",
               extra: dict[str, Any] | None = None) -> HttpResponse:
    refusal = _(
        "Your proposal is larger than we can accept (at most %(kb)s kB in all). Please shorten the longer "
        "texts, for example the description, and send it again."
    ) % {"kb": spam.MAX_REQUEST_BYTES // 1024}
    context = {"form": form, "refusal": refusal, "honeypot_field": spam.HONEYPOT_FIELD, **(extra or {})}
    return render(request, template, context, status=413)


def get_involved_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/pages/get_involved_thanks.html")


def resubmit(request: HttpRequest, token: str) -> HttpResponse:
    """The page a proposer reaches from the link in a request for changes."""
    submission = services.submission_for_token(token)
    if submission is None:
        return render(request, "directory/pages/resubmit_invalid.html", status=404)
    request_note = (submission.steps.filter(action=ModerationStep.Action.CHANGES_REQUESTED)
                    .order_by("-at", "-pk").values_list("note", flat=True).first() or "")
    context = {"submission": submission, "request_note": request_note}
    template = "directory/pages/resubmit.html"
    if request.method != "POST":
        form = ProposalForm(initial=ProposalForm.initial_for(submission))
        return render(request, template, {**context, "form": form})
    if spam.request_too_large(request):
        return _too_large(request, ProposalForm(initial=ProposalForm.initial_for(submission)),
                          template=template, extra=context)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        return render(request, template, {**context, "form": form})
    services.resubmit_proposal(submission=submission, content=form.content())
    return redirect("directory:get_involved_thanks")


def eu_networks(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/pages/eu_networks.html", {
        "networks": selectors.eu_networks(),
        "can_edit": is_fully_signed_in(request) and has_capability(request, Capability.MODERATE_DIRECTORY),
    })


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/pages/about.html")


# --- moderation -----------------------------------------------------------------------------

@editor_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Submission.Status.values:
        status = ""
    page = Paginator(selectors.moderation_queue(status=status), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/moderation/queue.html", {
        "page": page, "status": status, "counts": selectors.counts_per_status(),
    })


@editor_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.submission_for_moderation(pk))


def _detail(request: HttpRequest, submission: Submission, *, status: int = 200, **forms: Any) -> HttpResponse:
    is_open = submission.status in {Submission.Status.PENDING, Submission.Status.CHANGES_REQUESTED}
    context = {
        "submission": submission,
        "is_open": is_open,
        "can_request_changes": submission.status == Submission.Status.PENDING,
        "preview": selectors.publication_preview(submission) if is_open else None,
        "edit_form": forms.get("edit_form")
        or ProposalForm(prefix="edit", initial=ProposalForm.initial_for(submission)),
        "approve_form": forms.get("approve_form") or ApproveForm(prefix="approve"),
        "reject_form": forms.get("reject_form") or RejectForm(prefix="reject"),
        "changes_form": forms.get("changes_form") or RequestChangesForm(prefix="changes"),
    }
    return render(request, "directory/moderation/submission.html", context, status=status)


def _editor(request: HttpRequest) -> User:
    # Only called behind editor_required, which has checked that someone is signed in.
    return cast(User, request.user)


def _organisation(request: HttpRequest) -> AccountOrganisation | None:
    membership = active_membership(request)
    return membership.organisation if membership else None


def _decided(request: HttpRequest, submission: Submission, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("directory:submission_detail", pk=submission.pk)


def _refused(request: HttpRequest, submission: Submission, error: services.ModerationError) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("directory:submission_detail", pk=submission.pk)


@require_POST
@editor_required
def submission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for_moderation(pk)
    form = ProposalForm(request.POST, prefix="edit")
    if not form.is_valid():
        return _detail(request, submission, edit_form=form, status=400)
    try:
        services.edit_submission(submission=submission, content=form.content(), actor=_editor(request),
                                 organisation=_organisation(request))
    except services.ModerationError as error:
        return _refused(request, submission, error)
    return _decided(request, submission, _("Your changes to the proposal are saved."))


@require_POST
@editor_required
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for_moderation(pk)
    form = ApproveForm(request.POST, prefix="approve")
    if not form.is_valid():
        return _detail(request, submission, approve_form=form, status=400)
    try:
        services.approve_submission(submission=submission, actor=_editor(request), note=form.cleaned_data["note"],
                                    organisation=_organisation(request))
    except services.ModerationError as error:
        return _refused(request, submission, error)
    return _decided(request, submission, _("The proposal is approved and published."))


@require_POST
@editor_required
def submission_reject(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for_moderation(pk)
    form = RejectForm(request.POST, prefix="reject")
    if not form.is_valid():
        return _detail(request, submission, reject_form=form, status=400)
    try:
        services.reject_submission(submission=submission, actor=_editor(request), reason=form.cleaned_data["reason"],
                                   organisation=_organisation(request))
    except services.ModerationError as error:
        return _refused(request, submission, error)
    return _decided(request, submission, _("The proposal is rejected, and the proposer has been told why."))


@require_POST
@editor_required
def submission_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for_moderation(pk)
    form = RequestChangesForm(request.POST, prefix="changes")
    if not form.is_valid():
        return _detail(request, submission, changes_form=form, status=400)

    def link_for(token: str) -> str:
        return request.build_absolute_uri(reverse("directory:resubmit", kwargs={"token": token}))

    try:
        services.request_changes(submission=submission, actor=_editor(request), note=form.cleaned_data["note"],
                                 link_for=link_for, organisation=_organisation(request))
    except services.ModerationError as error:
        return _refused(request, submission, error)
    return _decided(request, submission, _("The proposer has been asked for changes and sent a link to resubmit."))


# --- EU networks (editors) ------------------------------------------------------------------

@editor_required
def eu_network_create(request: HttpRequest) -> HttpResponse:
    form = EUNetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = services.create_eu_network(content=form.content(), actor=_editor(request),
                                             organisation=_organisation(request))
        messages.success(request, _("“%(name)s” is added to the EU networks.") % {"name": network.name})
        return redirect("directory:eu_networks")
    return render(request, "directory/moderation/eu_network_form.html", {"form": form, "network": None})


@editor_required
def eu_network_edit(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.eu_network(pk)
    form = EUNetworkForm(request.POST or None, initial=EUNetworkForm.initial_for(network))
    if request.method == "POST" and form.is_valid():
        services.update_eu_network(network=network, content=form.content(), actor=_editor(request),
                                   organisation=_organisation(request))
        messages.success(request, _("Your changes to “%(name)s” are saved.") % {"name": network.name})
        return redirect("directory:eu_networks")
    return render(request, "directory/moderation/eu_network_form.html", {"form": form, "network": network})


@editor_required
def eu_network_delete(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.eu_network(pk)
    if request.method == "POST":
        name = network.name
        services.delete_eu_network(network=network, actor=_editor(request),
                                   organisation=_organisation(request))
        messages.success(request, _("“%(name)s” is removed from the EU networks.") % {"name": name})
        return redirect("directory:eu_networks")
    return render(request, "directory/moderation/eu_network_delete.html", {"network": network})

