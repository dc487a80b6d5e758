from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.audit.forms import AuditFilterForm
from infohus.audit.selectors import audit_actions, audit_events, verify_chain
from infohus.audit.services import Action, record_event

PAGE_SIZE = 50


@capability_required(Capability.AUDIT)
def trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, actions=audit_actions())
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(**{k: v for k, v in filters.items() if v})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the rows now, so that the page shows the events that were counted and not the
    # viewing event recorded below.
    page.object_list = list(page.object_list)
    record_event(action=Action.AUDIT_VIEWED, actor=request.user, organisation=_organisation(request),
                 details={"filters": {k: v for k, v in filters.items() if v}, "page": page.number})
    return render(request, "audit/trail.html", {"form": form, "page": page})


@require_POST
@capability_required(Capability.AUDIT)
def verify(request: HttpRequest) -> HttpResponse:
    report = verify_chain()
    record_event(action=Action.AUDIT_VERIFIED, actor=request.user, organisation=_organisation(request),
                 details={"rows": report.rows_checked, "intact": report.intact,
                          "first_break": str(report.first_break) if report.first_break else ""})
    return render(request, "audit/verified.html", {"report": report})


def _organisation(request: HttpRequest) -> object:
    membership = active_membership(request)
    return membership.organisation if membership else None
