"""Pages of Info-house triage. Each fetches and authorises through the triage selectors (a concern
or meeting of another Info house is a 404, audited), checks input with a form and calls a service."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import COMPARTMENTS, Capability, Role
from infohus.audit.services import record_event
from infohus.cases import forms_triage as forms
from infohus.cases import panels
from infohus.cases.selectors import triage as selectors
from infohus.cases.services import triage as services

QUEUE_PAGE_SIZE = 50
MEETINGS_PAGE_SIZE = 50
triage_required = capability_required(Capability.TRIAGE)


def _compartments(request: HttpRequest) -> frozenset[str]:
    membership = active_membership(request)
    if membership is None:
        return frozenset()
    return frozenset(c.value for c in COMPARTMENTS.get(Role(membership.role), frozenset()))


def _refuse(form: Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _attempt(form: Form, action: Callable[[], Any]) -> bool:
    """Run a service; a refusal becomes a message on the form, which keeps what was typed."""
    try:
        action()
    except ValidationError as error:
        _refuse(form, error)
        return False
    return True


# --- the queue and one concern -------------------------------------------------------------

@triage_required
def queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.triage_queue(request.user), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(action="triage.queue_viewed", actor=request.user, object_type="concern",
                 purpose=selectors.PURPOSE, details={"concerns": [c.pk for c in page]})
    return render(request, "cases/triage/queue.html", {"page": page, "now": timezone.now()})


def _concern_page(request: HttpRequest, concern: Any, *, agenda_form: Any = None) -> HttpResponse:
    is_open = concern.status in selectors.OPEN_STATUSES
    # The upcoming meetings are read once (only for an open concern) and the select shows that list.
    upcoming = selectors.meetings_taking(request.user, concern)
    options = list(upcoming) if is_open else []
    if agenda_form is None:
        agenda_form = forms.AgendaMeetingForm(meetings=upcoming, options=options)
    return render(request, "cases/triage/concern.html", {
        "concern": concern,
        "meetings": list(concern.meetings.order_by("scheduled_for")),
        "disclosures": list(selectors.disclosures_of_concern(concern, compartments=_compartments(request))),
        "decision": getattr(concern, "decision", None),
        "is_open": is_open,
        "agenda_meetings": options,
        "agenda_form": agenda_form,
        "now": timezone.now(),
        "panels": panels.concern_panels(request, concern),
    })


@triage_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk)
    return _concern_page(request, concern)


@triage_required
@require_POST
def concern_agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk, audit=False)
    form = forms.AgendaMeetingForm(request.POST, meetings=selectors.meetings_taking(request.user, concern))
    if not form.is_valid():
        return _concern_page(request, concern, agenda_form=form)
    try:
        services.add_to_agenda(actor=request.user, meeting=form.cleaned_data["meeting"], concern=concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The concern is on the meeting's agenda."))
    return redirect("cases:triage_concern", pk=concern.pk)


@triage_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk, audit=False)
    try:
        services.take_into_triage(actor=request.user, concern=concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The concern is now being assessed by the Info house."))
    return redirect("cases:triage_concern", pk=concern.pk)


# --- the person ----------------------------------------------------------------------------

@triage_required
def person_search(request: HttpRequest, pk: int) -> HttpResponse:
    # The search is posted, never put in the address: a CPR number or a name in a query string
    # would land in access logs, proxies and the browser's history.
    concern = selectors.concern_for_triage(request.user, pk)
    form = forms.PersonSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = selectors.search_people(
            request.user, name=data["name"], birth_date=data["birth_date"], identifier=data["identifier"].strip(),
            identifier_country=data["identifier_country"] or "DK")
    return render(request, "cases/triage/person_search.html", {"concern": concern, "form": form, "results": results})


@triage_required
@require_POST
def person_link(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk, audit=False)
    try:
        person_pk = int(request.POST.get("person", ""))
    except ValueError:
        messages.error(request, _("Choose a person's record to link."))
        return redirect("cases:triage_person_search", pk=concern.pk)
    person = selectors.searchable_person(request.user, person_pk)
    try:
        services.link_person(actor=request.user, concern=concern, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:triage_person_search", pk=concern.pk)
    messages.success(request, _("The person's record is linked to the concern."))
    return redirect("cases:triage_concern", pk=concern.pk)


@triage_required
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk, audit=False)
    if request.method == "POST" and "from_search" in request.POST:
        # Coming from the search page: start the form with what was searched for (posted, so that
        # no name or birth date travels in the address).
        form = forms.PersonForm(initial=forms.initial_from_search(request.POST))
    elif request.method == "POST":
        form = forms.PersonForm(request.POST)
        if form.is_valid() and _attempt(form, lambda: services.create_person(
                actor=request.user, concern=concern, **form.cleaned_data)):
            messages.success(request, _("The person's record is made and linked to the concern."))
            return redirect("cases:triage_concern", pk=concern.pk)
    else:
        form = forms.PersonForm()
    return render(request, "cases/triage/person_form.html", {"concern": concern, "form": form})


# --- disclosures and the decision ----------------------------------------------------------

@triage_required
def disclosure_new(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk, audit=request.method == "GET")
    if concern.person_id is None:
        messages.warning(request, _("Link or create the person's record before recording what was shared "
                                    "about them."))
        return redirect("cases:triage_person_search", pk=concern.pk)
    meetings = concern.meetings.order_by("-scheduled_for")
    form = forms.DisclosureForm(request.POST or None, meetings=meetings, compartments=_compartments(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(form, lambda: services.record_disclosure(
                actor=request.user, concern=concern, meeting=data["meeting"],
                from_organisation=data["from_organisation"], to_organisation=data["to_organisation"],
                summary=data["summary"], legal_basis=data["legal_basis"], other_law=data["other_law"],
                purpose=data["purpose"], crime_prevention=data["crime_prevention"],
                compartment=data["compartment"])):
            messages.success(request, _("The disclosure is recorded with its legal basis."))
            return redirect("cases:triage_concern", pk=concern.pk)
    return render(request, "cases/triage/disclosure_form.html", {"concern": concern, "form": form})


@triage_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_triage(request.user, pk, audit=request.method == "GET")
    if concern.status not in selectors.OPEN_STATUSES:
        messages.info(request, _("This concern has already been decided."))
        return redirect("cases:triage_concern", pk=concern.pk)
    form = forms.DecisionForm(request.POST or None, meetings=concern.meetings.order_by("-scheduled_for"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(form, lambda: services.decide(
                actor=request.user, concern=concern, kind=data["kind"], reason=data["reason"],
                decided_on=data["decided_on"], meeting=data["meeting"], referred_project=data["referred_project"],
                owner=data["owner"], lead=data["lead"])):
            messages.success(request, _("The decision is recorded and the reporter will see the outcome in "
                                        "general terms."))
            return redirect("cases:triage_concern", pk=concern.pk)
    return render(request, "cases/triage/decision_form.html", {"concern": concern, "form": form})


# --- meetings ------------------------------------------------------------------------------

@triage_required
def meetings(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.meetings_for_user(request.user).order_by("-scheduled_for", "-pk"),
                     MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/triage/meetings.html", {"page": page})


@triage_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None:  # triage_required has checked it; kept for the type checker
        raise PermissionDenied
    info_house = membership.organisation
    agenda = selectors.agenda_candidates(request.user, info_house.pk)
    initial = {"concerns": [request.GET["concern"]]} if request.GET.get("concern", "").isdigit() else {}
    form = forms.MeetingForm(request.POST or None, agenda=agenda, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Any] = []
        if _attempt(form, lambda: created.append(services.schedule_meeting(
                actor=request.user, info_house=info_house, scheduled_for=data["scheduled_for"],
                place=data["place"], concerns=list(data["concerns"])))):
            messages.success(request, _("The triage meeting is scheduled."))
            return redirect("cases:triage_meeting", pk=created[0].pk)
    return render(request, "cases/triage/meeting_form.html", {"form": form, "info_house": info_house})


def _meeting_page(request: HttpRequest, meeting: Any, *, attendee_form: Form | None = None,
                  agenda_data: Any = None) -> HttpResponse:
    # The concerns that may be added are read once (not for a held meeting) and the select shows
    # that list; a posted choice is still checked against the query.
    candidates = selectors.agenda_candidates_for(request.user, meeting)
    options = [] if meeting.held else list(candidates)
    return render(request, "cases/triage/meeting.html", {
        "meeting": meeting,
        "attendee_form": attendee_form or forms.AttendeeForm(),
        "agenda_form": forms.AgendaConcernForm(agenda_data, candidates=candidates, options=options),
        "agenda_options": options,
    })


@triage_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, pk)
    return _meeting_page(request, meeting)


@triage_required
@require_POST
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, pk)
    form = forms.AttendeeForm(request.POST)
    if form.is_valid() and _attempt(form, lambda: services.add_attendee(
            actor=request.user, meeting=meeting, **form.cleaned_data)):
        messages.success(request, _("The attendee is recorded."))
        return redirect("cases:triage_meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, attendee_form=form)


@triage_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, pk)
    form = forms.AgendaConcernForm(request.POST, candidates=selectors.agenda_candidates_for(request.user, meeting))
    if not form.is_valid():
        return _meeting_page(request, meeting, agenda_data=request.POST)
    try:
        services.add_to_agenda(actor=request.user, meeting=meeting, concern=form.cleaned_data["concern"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The concern is on the agenda."))
    return redirect("cases:triage_meeting", pk=meeting.pk)


@triage_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, pk)
    try:
        services.mark_meeting_held(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting is marked as held. It takes no new agenda items or attendees."))
    return redirect("cases:triage_meeting", pk=meeting.pk)
