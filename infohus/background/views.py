"""The page of background work for system administrators (the ADMINISTER capability): failed
tasks waiting for attention, newest first, each with "try again" and "dismiss with a note"; the
state of the queue, with a warning when a task has waited so long that the worker may be down;
and the failures handled last.

Failures may hold personal data (an e-mail's recipients, an exception's message), so showing the
list is audited with the failures' ids; trying again and dismissing are audited by the services.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.background import selectors as reads
from infohus.background import services
from infohus.background.forms import DismissForm
from infohus.core.form_pages import form_page, put_back

administrator_required = capability_required(Capability.ADMINISTER)
FAILURES_PER_PAGE = 25
ACTION_VIEWED = "background.failed_tasks.viewed"


def _organisation(request: HttpRequest) -> Any:
    membership = active_membership(request)
    return membership.organisation if membership else None


@administrator_required
def failures(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.failures_waiting(), FAILURES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(failure, reads.shown_arguments(failure)) for failure in page]
    if rows:
        record_event(action=ACTION_VIEWED, actor=request.user, organisation=_organisation(request),
                     object_type="failed_task", details={"failed_tasks": [failure.pk for failure, _args in rows]})
    return render(request, "background/failures.html", {
        "page": page, "rows": rows, "queue": reads.queue_state(), "handled": reads.recently_handled(),
        "stalled_minutes": int(reads.STALLED_AFTER.total_seconds() // 60),
    })


@administrator_required
@require_POST
def failure_retry(request: HttpRequest, pk: int) -> HttpResponse:
    failure = reads.open_failure(pk)
    try:
        services.try_again(actor=request.user, failure=failure, organisation=_organisation(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(task)s” was queued again. If it fails again, it comes back to this list.")
                         % {"task": failure.task_name})
    return redirect("background:failures")


@administrator_required
def failure_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    failure = reads.open_failure(pk)
    posting = request.method == "POST"
    form = DismissForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.dismiss(actor=request.user, failure=failure, note=form.cleaned_data["note"],
                             organisation=_organisation(request))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("“%(task)s” was dismissed.") % {"task": failure.task_name})
            return redirect("background:failures")
    return form_page(request, form, title=_("Dismiss the failed task “%(task)s”") % {"task": failure.task_name},
                     submit=_("Dismiss it"), back_url=reverse("background:failures"),
                     back_label=_("Background work"),
                     intro=_("It leaves the list and is not tried again. It failed at %(when)s with %(error)s.") % {
                         "when": date_format(timezone.localtime(failure.failed_at), "SHORT_DATETIME_FORMAT"),
                         "error": failure.exception_class.rsplit(".", 1)[-1] or _("an unknown error")})
