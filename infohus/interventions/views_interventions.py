"""Pages of interventions: start one on a case, record an advice consultation (anonymous or on a
case), read an intervention, add and change goals, log sessions, end it, and the provider's list.

Every page starts from the access selectors: case_access to start one on a case, and
intervention_access for everything else (404 outside the need-to-know, audited). The views turn
forms into the services' arguments; the rules are in services/interventions.py, whose refusals
come back at the fields of a form sent back with 400 and everything typed kept. POSTs open the
intervention without auditing the read, since the service audits the write; a form sent back
records the read it shows.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.cases.models import Case
from infohus.cases.selectors.need_to_know import case_access
from infohus.interventions import forms_interventions as f
from infohus.interventions.models import Intervention
from infohus.interventions.selectors import interventions as reads
from infohus.interventions.selectors.access import InterventionAccess, intervention_access
from infohus.interventions.services import interventions as services

MINE_PAGE_SIZE = 50
# Interventions are worked on by the case team; advice consultations also by mentors.
desk_required = capability_required(Capability.WORK_ON_CASE, Capability.MENTOR)
work_required = capability_required(Capability.WORK_ON_CASE)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _access(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True) -> InterventionAccess:
    return intervention_access(request.user, pk, purpose=f"intervention: {purpose}", audit=audit)


def _audit_read(request: HttpRequest, access: InterventionAccess, purpose: str) -> None:
    """The read of a form sent back with its errors (the POST opened it without auditing)."""
    intervention = access.intervention
    record_event(action="intervention.viewed", actor=request.user, object_type="intervention",
                 object_id=intervention.pk,
                 person_id=intervention.case.person_id if intervention.case is not None else "",
                 purpose=f"intervention: {purpose}", details={"case": intervention.case_id})


def _to_detail(intervention: Intervention, anchor: str = "") -> HttpResponse:
    return redirect(reverse("interventions:intervention_detail", args=[intervention.pk])
                    + (f"#{anchor}" if anchor else ""))


def _writer_only(access: InterventionAccess) -> None:
    if not access.may_write:
        raise PermissionDenied


def _put_errors(form: Any, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """A service's refusal at the form's fields (by the services' names, renamed where the form
    calls them otherwise); what belongs to no field goes to the top of the form."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            name = rename.get(key, key)
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _form_page(request: HttpRequest, access: InterventionAccess, form: Any, *, title: str, submit: str,
               status: int = 200, intro: str = "", anchor: str = "") -> HttpResponse:
    return render(request, "interventions/intervention/form.html", {
        "intervention": access.intervention, "access": access, "form": form, "title": title, "submit": submit,
        "intro": intro, "anchor": anchor,
    }, status=status)


# --- starting ---------------------------------------------------------------------------------------

@work_required
def case_start(request: HttpRequest, case_pk: int) -> HttpResponse:
    access = case_access(request.user, case_pk, purpose="intervention: start on a case")
    if access.team_member is None or access.case.status != Case.Status.OPEN:
        raise PermissionDenied
    posting = request.method == "POST"
    form = f.StartForm(request.POST if posting else None, users=reads.provider_users(access),
                       organisations=reads.provider_organisations(), projects=reads.provider_projects())
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            intervention, warnings = services.start_intervention(
                access=access, actor=_user(request), kind=data["kind"], organisation=access.team_member.organisation,
                provider_user=data["provider_user"], provider_organisation=data["provider_organisation"],
                provider_project=data["provider_project"], started_on=data["started_on"],
                description=data["description"], treatment=data["treatment"])
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The intervention was started."))
            for warning in warnings:
                messages.warning(request, warning)
            return _to_detail(intervention)
    return render(request, "interventions/intervention/start.html", {
        "access": access, "case": access.case, "form": form,
    }, status=400 if posting else 200)


@desk_required
def advice_new(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    assert membership is not None  # the capability check needs one
    posting = request.method == "POST"
    form = f.AdviceForm(request.POST if posting else None)
    if posting and form.is_valid():
        data = form.cleaned_data
        on_case = bool(data["on_case"])
        access = reads.case_by_reference(request.user, data["case_reference"],
                                         purpose="intervention: advice consultation") if on_case else None
        if on_case and access is None:
            form.add_error("case_reference", _("There is no case with this reference that you may open."))
        else:
            try:
                intervention = services.start_advice_consultation(
                    actor=_user(request), organisation=membership.organisation, advice_for=data["advice_for"],
                    anonymous=not on_case, case_access=access, held_on=data["started_on"],
                    duration_minutes=data["duration_minutes"], notes=data["description"])
            except ValidationError as error:
                _put_errors(form, error, {"held_on": "started_on", "notes": "description", "case": "case_reference"})
            else:
                messages.success(request, _("The advice consultation was recorded. An anonymous one is counted "
                                            "without any person or case.") if not on_case
                                 else _("The advice consultation was recorded on the case."))
                return _to_detail(intervention)
    return render(request, "interventions/intervention/advice_new.html", {
        "form": form, "organisation": membership.organisation,
    }, status=400 if posting else 200)


# --- one intervention --------------------------------------------------------------------------------

@desk_required
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "read")
    intervention = access.intervention
    active = intervention.status == Intervention.Status.ACTIVE
    return render(request, "interventions/intervention/detail.html", {
        "intervention": intervention, "access": access, "case": intervention.case,
        "goals": reads.goals_of(access), "page": reads.sessions_page(access, request.GET.get("page")),
        "lending": reads.lending_of(access, request.user),
        "may_write": access.may_write, "active": active, "may_log": access.may_write and active,
    })


@desk_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    access = _access(request, pk, "add a goal" if posting else "goal form", audit=not posting)
    _writer_only(access)
    if access.intervention.status != Intervention.Status.ACTIVE:
        messages.info(request, _("The intervention has ended: its plan takes no new goals."))
        return _to_detail(access.intervention, "plan")
    form = f.GoalForm(request.POST if posting else None, lines=reads.goal_lines(access))
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_goal(access=access, actor=_user(request), what=data["what"], by_when=data["by_when"],
                              how_we_know=data["how_we_know"], from_assessment=data["from_assessment"])
        except ValidationError as error:
            _put_errors(form, error, {"from_assessment": "from_line"})
        else:
            messages.success(request, _("The goal was added to the plan."))
            return _to_detail(access.intervention, "plan")
    if posting:
        _audit_read(request, access, "goal form sent back")
    return _form_page(request, access, form, title=_("Add a goal"), submit=_("Add the goal"),
                      status=400 if posting else 200, anchor="plan",
                      intro=_("What should be different, by when, and how you will know."))


@desk_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    posting = request.method == "POST"
    access = _access(request, pk, "change a goal" if posting else "goal form", audit=not posting)
    _writer_only(access)
    goal = reads.goal_of(access, goal_pk)
    initial = {"status": goal.status, "what": goal.what, "by_when": goal.by_when, "how_we_know": goal.how_we_know}
    form = f.GoalEditForm(request.POST if posting else None, initial=initial)
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_goal(access=access, actor=_user(request), goal=goal, status=data["status"],
                                 what=data["what"], by_when=data["by_when"], how_we_know=data["how_we_know"])
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return _to_detail(access.intervention, "plan")
    if posting:
        _audit_read(request, access, "goal form sent back")
    return _form_page(request, access, form, title=_("Change a goal"), submit=_("Save the goal"),
                      status=400 if posting else 200, anchor="plan")


@desk_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    access = _access(request, pk, "log a session" if posting else "session form", audit=not posting)
    _writer_only(access)
    if access.intervention.status != Intervention.Status.ACTIVE:
        messages.info(request, _("The intervention has ended: it takes no more sessions."))
        return _to_detail(access.intervention, "sessions")
    goals = reads.goals_of(access)
    form = f.SessionForm(request.POST if posting else None, compartments=access.compartments, goals=goals,
                         network=reads.network_choices(access))
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_session(
                access=access, actor=_user(request), held_on=data["held_on"],
                duration_minutes=data["duration_minutes"], mode=data["mode"], with_person=data["with_person"],
                family=data["family"], network_ids=data.get("network") or [], professionals=data["professionals"],
                notes=data["notes"], compartment=data["compartment"], goal_ids=data.get("goals") or [],
                next_appointment=data["next_appointment"])
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The session was logged."))
            return _to_detail(access.intervention, "sessions")
    if posting:
        _audit_read(request, access, "session form sent back")
    return _form_page(request, access, form, title=_("Log a session"), submit=_("Log the session"),
                      status=400 if posting else 200, anchor="sessions")


@desk_required
def intervention_end(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    access = _access(request, pk, "end" if posting else "end form", audit=not posting)
    _writer_only(access)
    if access.intervention.status != Intervention.Status.ACTIVE:
        messages.info(request, _("The intervention has ended already."))
        return _to_detail(access.intervention)
    form = f.EndForm(request.POST if posting else None)
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            services.end_intervention(access=access, actor=_user(request), ended_on=data["ended_on"],
                                      outcome=data["outcome"], reason=data["outcome_reason"])
        except ValidationError as error:
            _put_errors(form, error, {"reason": "outcome_reason"})
        else:
            messages.success(request, _("The intervention was ended. The case timeline shows it."))
            return _to_detail(access.intervention)
    if posting:
        _audit_read(request, access, "end form sent back")
    intro = _("A lent mentor's lending ends with the intervention, and the mentor leaves the case team.") \
        if reads.lending_of(access, request.user) else ""
    return _form_page(request, access, form, title=_("End the intervention"), submit=_("End the intervention"),
                      status=400 if posting else 200, intro=intro)


# --- the provider's list ------------------------------------------------------------------------------

@desk_required
def my_interventions(request: HttpRequest) -> HttpResponse:
    """The active interventions the user provides, overdue follow-ups first; and how many advice
    consultations their organisation gave this year (numbers only)."""
    today = timezone.localdate()
    page = Paginator(reads.active_provided(request.user, today=today), MINE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    membership = active_membership(request)
    record_event(action="intervention.listed", actor=request.user, object_type="intervention",
                 purpose="interventions you provide", details={"interventions": [i.pk for i in page]})
    return render(request, "interventions/intervention/mine.html", {
        "page": page, "today": today,
        "advice": reads.advice_counts(membership.organisation if membership else None, today.year),
    })
