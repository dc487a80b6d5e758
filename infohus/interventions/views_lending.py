"""Pages for lending mentors between municipalities: the lists of requests, a new request from a
case, one request seen from either side with its steps (offer, decline, withdraw, accept, end),
and the report of hours lent and borrowed.

Every page starts from the access selectors: case_access for a new request, lending_access for
one request (404 outside both sides, audited), requests_borrowed_by / requests_to_lend for the
lists. The lending side never sees the case or the person: its page shows the needs and the
summary only. The rules are in services/lending.py.

A step that is refused (a field left empty, a mentor who cannot be assigned, or a request that
changed meanwhile: withdrawn, answered, accepted by someone else) changes nothing and always
answers the same way: the request's page again, as it now is, with status 400, the service's
message at its field or at the top, and what was typed still in the form.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required
from infohus.accounts.roles import Capability
from infohus.cases.selectors.need_to_know import case_access
from infohus.cases.services.cases import can_manage
from infohus.core import exports
from infohus.interventions import forms_lending as f
from infohus.interventions.models import LendingRequest
from infohus.interventions.selectors import lending as reads
from infohus.interventions.selectors.access import LendingAccess, lending_access
from infohus.interventions.services import corps
from infohus.interventions.services import lending as services

LIST_PAGE_SIZE = 25
S = LendingRequest.Status

lending_required = capability_required(Capability.MANAGE_CASE, Capability.COACH_MENTORS)
manage_required = capability_required(Capability.MANAGE_CASE)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _access(request: HttpRequest, pk: int, purpose: str) -> LendingAccess:
    return lending_access(request.user, pk, purpose=f"mentor lending: {purpose}")


def _to_detail(access: LendingAccess) -> HttpResponse:
    return redirect("interventions:lending_detail", pk=access.request.pk)


def steps_by_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A step is taken by POST. A refused step is answered at the step's address (400); a GET there
    (the language switch, a reload) goes back to the request's page, which checks access itself."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return redirect("interventions:lending_detail", pk=pk)
        return view(request, pk)

    return wrapped


# --- the lists --------------------------------------------------------------------------------------

@lending_required
def lending_list(request: HttpRequest) -> HttpResponse:
    """Requests sent by the user's municipalities, and requests to them; those waiting for the
    user first. Two lists, each paged on its own."""
    borrowed = Paginator(reads.borrowed_list(request.user), LIST_PAGE_SIZE).get_page(request.GET.get("sent_page"))
    to_lend = Paginator(reads.to_lend_list(request.user), LIST_PAGE_SIZE).get_page(request.GET.get("to_lend_page"))
    return render(request, "interventions/lending/list.html", {"borrowed": borrowed, "to_lend": to_lend})


# --- a new request ----------------------------------------------------------------------------------

@manage_required
def lending_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    access = case_access(request.user, case_pk, purpose="mentor lending: ask to borrow a mentor")
    if not can_manage(access):
        raise PermissionDenied
    case = access.case
    if case.status != case.Status.OPEN:
        messages.error(request, _("The case is closed. Reopen it first."))
        return redirect("cases:case_detail", pk=case.pk)
    posting = request.method == "POST"
    form = f.LendingRequestForm(request.POST if posting else None, owner=case.owner,
                                mentions=lambda text: reads.identifying_details(access, text))
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.send_request(
                access=access, actor=_user(request), requesting_organisation=case.owner,
                lending_organisation=data["lending_organisation"], needs=form.needs(), summary=data["summary"],
                corps_role=data["corps_role"], hours_per_month=data.get("hours_per_month"))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The request %(reference)s was sent to %(municipality)s. Their answer "
                                        "will appear here and under Lending.") % {
                                            "reference": sent.reference, "municipality": sent.lending_organisation})
            return redirect("interventions:lending_detail", pk=sent.pk)
    return render(request, "interventions/lending/new.html", {"case": case, "form": form},
                  status=400 if posting else 200)


def _add_errors(form: Form, error: ValidationError) -> None:
    """The service's message at its field where the form has one, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- one request ------------------------------------------------------------------------------------

@lending_required
def lending_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _access(request, pk, "read a request"))


def _detail_page(request: HttpRequest, access: LendingAccess, *, status: int = 200,
                 forms: dict[str, Form] | None = None) -> HttpResponse:
    """The request as the user's side may see it. forms: a form sent back with its errors."""
    lent = access.request
    forms = forms or {}
    state = lent.status
    context: dict[str, Any] = {
        "lent": lent, "access": access, "borrowing": access.borrowing, "needs": reads.needs_in_words(lent.needs),
    }
    if not access.borrowing and state == S.SENT:
        options = reads.corps_options(lent)
        context["options"] = options
        context["offer_form"] = forms.get("offer") or f.OfferForm(options=options)
    if not access.borrowing and state in (S.SENT, S.OFFERED):
        context["decline_form"] = forms.get("decline") or _decline_form()
    if lent.offered_mentor is not None and state in (S.OFFERED, S.ACCEPTED, S.ENDED):
        context["mentor"] = lent.offered_mentor
        context["mentor_accreditation"] = corps.accreditation(lent.offered_mentor)
        context["mentor_words"] = reads.profile_in_words(lent.offered_mentor)
        context["mentor_fit"] = reads.fit_to_needs(lent.offered_mentor, lent.needs or {})
    if state in (S.ACCEPTED, S.ENDED):
        context["hours_so_far"] = reads.hours(reads.minutes_so_far(lent))
    if state == S.ACCEPTED:
        context["end_form"] = forms.get("end") or _end_form()
    return render(request, "interventions/lending/detail.html", context, status=status)


# The decline and end forms share the field name "reason" (and so its id): the page never shows
# both, since a request can be declined only before it is accepted and ended only after.
def _decline_form(data: Any = None) -> f.ReasonForm:
    return f.ReasonForm(data, label=_("Reason for declining"),
                        help_text=_("The borrowing municipality sees this, so that they can look elsewhere."))


def _end_form(data: Any = None) -> f.ReasonForm:
    return f.ReasonForm(data, label=_("Reason for ending the lending"),
                        help_text=_("The other municipality sees this. The mentor leaves the case team, and the "
                                    "mentor's course of mentoring on the case ends."))


def _refused(request: HttpRequest, access: LendingAccess, error: ValidationError,
             forms: dict[str, Form] | None = None) -> HttpResponse:
    """A refused step: nothing changed. The page again as the request now is, with the message."""
    sent_back = forms or {}
    shown = next(iter(sent_back.values()), None)
    if shown is not None and hasattr(error, "error_dict"):
        _add_errors(shown, error)
    else:
        for message in error.messages:
            messages.error(request, message)
    access.request.refresh_from_db()
    return _detail_page(request, access, status=400, forms=_still_shown(access, sent_back))


def _still_shown(access: LendingAccess, forms: dict[str, Form]) -> dict[str, Form]:
    # A form sent back for a step that is no longer possible is not shown again.
    state = access.request.status
    possible = {"offer": state == S.SENT, "decline": state in (S.SENT, S.OFFERED), "end": state == S.ACCEPTED}
    return {name: form for name, form in forms.items() if possible.get(name)}


@steps_by_post
@lending_required
def lending_offer(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "offer a mentor")
    if access.borrowing:
        raise PermissionDenied
    form = f.OfferForm(request.POST, options=reads.corps_options(access.request))
    if not form.is_valid():
        return _detail_page(request, access, status=400, forms={"offer": form})
    try:
        offered = services.offer(access=access, actor=_user(request), mentor=form.cleaned_data["mentor"])
    except ValidationError as error:
        return _refused(request, access, error, {"offer": form})
    messages.success(request, _("%(mentor)s was offered to %(municipality)s. They will accept the offer, or you "
                                "may still decline.") % {"mentor": offered.offered_mentor,
                                                         "municipality": offered.requesting_organisation})
    return _to_detail(access)


@steps_by_post
@lending_required
def lending_decline(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "decline a request")
    if access.borrowing:
        raise PermissionDenied
    form = _decline_form(request.POST)
    if not form.is_valid():
        return _detail_page(request, access, status=400, forms={"decline": form})
    try:
        services.decline(access=access, actor=_user(request), reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, access, error, {"decline": form})
    messages.success(request, _("The request was declined. The borrowing municipality sees your reason."))
    return _to_detail(access)


@steps_by_post
@lending_required
def lending_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "withdraw a request")
    if not access.borrowing:
        raise PermissionDenied
    try:
        services.withdraw(access=access, actor=_user(request))
    except ValidationError as error:
        return _refused(request, access, error)
    messages.success(request, _("The request was withdrawn. The lending municipality sees that it is no longer "
                                "needed."))
    return _to_detail(access)


@steps_by_post
@lending_required
def lending_accept(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "accept an offer")
    if not access.borrowing:
        raise PermissionDenied
    on_case = case_access(request.user, access.request.case_id, purpose="mentor lending: accept an offer")
    try:
        accepted = services.accept(access=access, case_access=on_case, actor=_user(request))
    except ValidationError as error:
        return _refused(request, access, error)
    messages.success(request, _("The offer was accepted. %(mentor)s is on the case team (general compartment) and "
                                "provides the mentoring; their sessions count as lent hours.") % {
                                    "mentor": accepted.offered_mentor})
    return _to_detail(access)


@steps_by_post
@lending_required
def lending_end(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "end a lending")
    form = _end_form(request.POST)
    if not form.is_valid():
        if access.request.status != S.ACCEPTED:
            return _refused(request, access, ValidationError(_("Only an accepted lending can be ended.")))
        return _detail_page(request, access, status=400, forms={"end": form})
    try:
        services.end(access=access, actor=_user(request), reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, access, error, {"end": form})
    messages.success(request, _("The lending has ended. The mentor has left the case team; the hours logged stay "
                                "in the report."))
    return _to_detail(access)


# --- the hours report -------------------------------------------------------------------------------

@lending_required
def hours_report(request: HttpRequest) -> HttpResponse:
    """Hours lent and borrowed per municipality in a period, as a page, CSV or XLSX."""
    start, end = f.current_quarter(timezone.localdate())
    given = "from" in request.GET or "to" in request.GET
    data = {"from": request.GET.get("from", start.isoformat()), "to": request.GET.get("to", end.isoformat())}
    form = f.HoursReportForm(data if given else None, initial={"from": start, "to": end})
    if given and not form.is_valid():
        return render(request, "interventions/lending/hours.html", {"form": form}, status=400)
    if given:
        start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    report = reads.hours_report(start, end)
    wanted = request.GET.get("format", "")
    if wanted in ("csv", "xlsx"):
        municipalities, pairs = _tables(report)
        stem = f"lending-hours-{start.isoformat()}-{end.isoformat()}"
        if wanted == "xlsx":
            return exports.xlsx_response([municipalities, pairs], f"{stem}.xlsx")
        if request.GET.get("table") == "pairs":
            return exports.csv_response(pairs, f"{stem}-pairs.csv")
        return exports.csv_response(municipalities, f"{stem}.csv")
    query = f"from={start.isoformat()}&to={end.isoformat()}"
    return render(request, "interventions/lending/hours.html", {
        "form": form, "report": report, "query": query,
        "csv_url": f"{reverse('interventions:hours_report')}?{query}&format=csv",
    })


def _tables(report: reads.HoursReport) -> tuple[exports.Table, exports.Table]:
    municipalities = exports.Table(
        title=_("Per municipality"),
        header=[_("Municipality"), _("Municipality code"), _("Hours lent"), _("Hours borrowed")],
        rows=[[m.name, m.code, m.hours_lent, m.hours_borrowed] for m in report.municipalities])
    pairs = exports.Table(
        title=_("Per pair"),
        header=[_("Lending municipality"), _("Lending code"), _("Borrowing municipality"), _("Borrowing code"),
                _("Hours")],
        rows=[[p.lending, p.lending_code, p.borrowing, p.borrowing_code, p.hours] for p in report.pairs])
    return municipalities, pairs
