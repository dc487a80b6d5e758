"""Pages of a case: the list, the case page and each change to it, and break the glass.

Every page starts from the need-to-know selector: case_access fetches and authorises in one
call, answers 404 outside the need-to-know and audits both. The views check input and call the
services in services/cases.py, which hold the rules.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required
from infohus.accounts.roles import Capability, Compartment
from infohus.audit.services import record_event
from infohus.cases import forms_cases as f
from infohus.cases import identifiers, panels
from infohus.cases.models import (
    Case,
    Person,
    TeamMember,
)
from infohus.cases.selectors import cases as reads
from infohus.cases.selectors.need_to_know import CaseAccess, case_access, cases_visible_to
from infohus.cases.services import cases as services
from infohus.core.concurrency import StaleEdit

LIST_PAGE_SIZE = 50
NOTES_PAGE_SIZE = 50
work_required = capability_required(Capability.WORK_ON_CASE)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _access(request: HttpRequest, pk: int, purpose: str) -> CaseAccess:
    return case_access(request.user, pk, purpose=purpose)


def _to_case(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cases:case_detail", args=[case.pk]) + (f"#{anchor}" if anchor else ""))


def _form_page(request: HttpRequest, access: CaseAccess, form: Any, *, title: str, submit: str,
               status: int = 200, intro: str = "", extra: dict[str, Any] | None = None,
               template: str = "cases/case/form.html") -> HttpResponse:
    context = {"access": access, "case": access.case, "form": form, "title": title, "submit": submit,
               "intro": intro, **(extra or {})}
    return render(request, template, context, status=status)


def _refused(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)


# --- list and case page -----------------------------------------------------------------------

@work_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases whose team the user is on (and any opened by breaking the glass)."""
    status = request.GET.get("status", "open")
    overdue = request.GET.get("overdue") == "1"
    cases = cases_visible_to(request.user).select_related("person", "owner", "lead")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    today = timezone.localdate()
    if overdue:
        cases = cases.filter(status=Case.Status.OPEN, next_review_on__lt=today)
    cases = cases.order_by("next_review_on", "pk") if overdue else cases.order_by("-opened_at", "-pk")
    page = Paginator(cases, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(action="case.listed", actor=request.user, object_type="case", purpose="case list",
                 details={"cases": [case.pk for case in page], "status": status, "overdue": overdue})
    return render(request, "cases/case/list.html", {
        "page": page, "status": status, "overdue": overdue, "today": today, "statuses": Case.Status.choices,
    })


@work_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case page")
    return render(request, "cases/case/detail.html", _case_page_context(request, access))


def _case_page_context(request: HttpRequest, access: CaseAccess) -> dict[str, Any]:
    case = access.case
    visible = sorted(access.compartments)
    today = timezone.localdate()
    notes_page = Paginator(reads.timeline(access), NOTES_PAGE_SIZE).get_page(request.GET.get("page"))
    page = reads.case_page(access)
    member = access.team_member
    may_manage = services.can_manage(access)
    person = case.person
    identifier = identifiers.decrypt(person.identifier_encrypted)
    return {
        "access": access, "case": case, "person": person, "network": page.network, "team": page.team,
        "identifier_masked": (identifier[:6] + "-••••") if len(identifier) >= 10 else ("••••" if identifier else ""),
        "municipality": person.municipality.name if person.municipality_id and person.municipality else "",
        "notes_page": notes_page, "page": notes_page, "tasks": page.tasks, "reviews": page.reviews,
        "consents": page.consents, "disclosures": page.disclosures, "attachments": page.attachments, "today": today,
        "review_overdue": case.status == Case.Status.OPEN and case.next_review_on is not None
        and case.next_review_on < today,
        "on_team": member is not None, "may_manage": may_manage, "is_open": case.status == Case.Status.OPEN,
        "note_form": f.NoteForm(compartments=visible) if member else None,
        "visible_compartments": [str(Compartment(c).label) for c in visible],
        "panels": panels.case_panels(request, access),
    }


# --- the timeline and attachments -------------------------------------------------------------

@work_required
def case_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case work: add a note")
    form = f.NoteForm(request.POST or None, compartments=access.compartments)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(access=access, actor=_user(request), compartment=form.cleaned_data["compartment"],
                              text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The note was added."))
            return _to_case(access.case, "timeline")
    return _form_page(request, access, form, title=_("Add a note"), submit=_("Add the note"))


@work_required
def case_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case work: attach a file")
    form = f.AttachmentForm(request.POST or None, request.FILES or None, compartments=access.compartments)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(access=access, actor=_user(request), compartment=form.cleaned_data["compartment"],
                                    upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The file was attached."))
            return _to_case(access.case, "attachments")
    return _form_page(request, access, form, title=_("Attach a file"), submit=_("Attach"), extra={"multipart": True})


@work_required
def case_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    access = _access(request, pk, "case work: read an attachment")
    attachment = services.attachment_for_reader(access=access, actor=_user(request), attachment_pk=attachment_pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    # A streamed response; typed as HttpResponse only to satisfy the capability decorator.
    return cast(HttpResponse, response)


# --- the team ---------------------------------------------------------------------------------

@work_required
def case_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: add a team member")
    _manager_only(access)
    form = f.TeamMemberAddForm(request.POST or None, exclude_users=reads.team_user_ids(access))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_team_member(access=access, actor=_user(request),
                                              membership=form.cleaned_data["membership"],
                                              compartments=set(form.cleaned_data["compartments"]))
        except ValidationError as error:
            form.add_error("compartments", error)
        else:
            messages.success(request, _("%(name)s is now on the team.")
                             % {"name": member.user.get_full_name() or member.user.get_username()})
            return _to_case(access.case, "team")
    return _form_page(request, access, form, title=_("Add a team member"), submit=_("Add to the team"))


def _member(access: CaseAccess, member_pk: int) -> TeamMember:
    return reads.team_member(access, member_pk)


def _manager_only(access: CaseAccess) -> None:
    if not services.can_manage(access):
        raise PermissionDenied


@work_required
def case_member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: change a team member")
    _manager_only(access)
    member = _member(access, member_pk)
    form = f.TeamMemberEditForm(request.POST or None, initial={"compartments": sorted(member.compartment_set())})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_team_member(access=access, actor=_user(request), member=member,
                                        compartments=set(form.cleaned_data["compartments"]))
        except ValidationError as error:
            form.add_error("compartments", error)
        else:
            messages.success(request, _("The team member's compartments were changed."))
            return _to_case(access.case, "team")
    title = _("Compartments of %(name)s (%(role)s)") % {"name": member.user, "role": member.get_role_display()}
    return _form_page(request, access, form, title=title, submit=_("Save"))


@require_POST
@work_required
def case_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: remove a team member")
    _manager_only(access)
    member = _member(access, member_pk)
    try:
        services.remove_team_member(access=access, actor=_user(request), member=member)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(name)s was taken off the team.") % {"name": member.user})
    return _to_case(access.case, "team")


# --- tasks, reviews, consents -----------------------------------------------------------------

@work_required
def case_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case work: add a task")
    form = f.TaskForm(request.POST or None, case=access.case)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_task(access=access, actor=_user(request), title=form.cleaned_data["title"],
                              due_on=form.cleaned_data["due_on"], assignee=form.cleaned_data["assignee"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The task was added."))
            return _to_case(access.case, "tasks")
    return _form_page(request, access, form, title=_("Add a task"), submit=_("Add the task"))


@require_POST
@work_required
def case_task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    access = _access(request, pk, "case work: complete a task")
    try:
        services.complete_task(access=access, actor=_user(request), task_pk=task_pk)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The task is done."))
    return _to_case(access.case, "tasks")


@work_required
def case_review_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: record a review")
    _manager_only(access)
    form = f.ReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(access=access, actor=_user(request), held_on=form.cleaned_data["held_on"],
                                   summary=form.cleaned_data["summary"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review was recorded."))
            return _to_case(access.case, "reviews")
    return _form_page(request, access, form, title=_("Record a review"), submit=_("Record the review"))


@work_required
def case_consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: record a consent")
    _manager_only(access)
    form = f.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_consent(access=access, actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was recorded."))
            return _to_case(access.case, "consents")
    return _form_page(request, access, form, title=_("Record a consent"), submit=_("Record the consent"))


@work_required
def case_consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: withdraw a consent")
    _manager_only(access)
    consent = reads.open_consent(access, consent_pk)
    form = f.ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_consent(access=access, actor=_user(request), consent_pk=consent.pk,
                                      withdrawn_on=form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The withdrawal of consent was recorded."))
            return _to_case(access.case, "consents")
    return _form_page(request, access, form, title=_("Withdraw a consent"), submit=_("Record the withdrawal"),
                      intro=_("Consent given by %(who)s on %(date)s.") % {"who": consent.given_by,
                                                                            "date": consent.given_on})


# --- edits with optimistic concurrency --------------------------------------------------------

def _stale_message() -> str:
    return _("Someone else saved this record after you opened it. Nothing was overwritten. "
             "The current values are shown next to your input below; check them and save again.")


def _versioned(request: HttpRequest, access: CaseAccess, make_form: Callable[[Any], f.VersionedForm], *,
               save: Callable[[f.VersionedForm], object], done: str, anchor: str, title: str,
               submit: str) -> HttpResponse:
    """Handle a form that edits the case with its version. On a stale version the form comes back
    with the editor's own input (now carrying the current version), a message, and the current
    values; nothing was saved."""
    form = make_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEdit as stale:
            current = cast(Case, stale.current)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = make_form(data)
            form.is_valid()
            return _form_page(request, access, form, title=title, submit=submit, status=409,
                              extra={"stale": _stale_message(), "current_rows": _case_rows(current)})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return _to_case(access.case, anchor)
    return _form_page(request, access, form, title=title, submit=submit)


def _case_rows(case: Case) -> list[tuple[str, object]]:
    return [
        (_("Status"), case.get_status_display()), (_("Lead"), case.lead),
        (_("Review every (months)"), case.review_every_months), (_("Next review"), case.next_review_on or "—"),
    ]


@work_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: edit the case")
    _manager_only(access)

    def make_form(data: Any) -> f.VersionedForm:
        return f.CaseEditForm(data, case=access.case, initial=f.CaseEditForm.initial_for(access.case))

    def save(form: f.VersionedForm) -> object:
        d = form.cleaned_data
        return services.edit_case(access=access, actor=_user(request), expected_version=d["version"],
                                  review_every_months=d["review_every_months"], next_review_on=d["next_review_on"],
                                  lead=d["lead"])

    return _versioned(request, access, make_form, save=save, done=_("The case was saved."), anchor="",
                      title=_("Edit the case"), submit=_("Save"))


@work_required
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: close the case")
    _manager_only(access)
    if access.case.status != Case.Status.OPEN:
        messages.info(request, _("The case is already closed."))
        return _to_case(access.case)

    def make_form(data: Any) -> f.VersionedForm:
        return f.CloseForm(data, initial={"version": access.case.version})

    def save(form: f.VersionedForm) -> object:
        d = form.cleaned_data
        return services.close_case(access=access, actor=_user(request), expected_version=d["version"],
                                   outcome=d["outcome"], reason=d["reason"])

    return _versioned(request, access, make_form, save=save, done=_("The case was closed."), anchor="",
                      title=_("Close the case"), submit=_("Close the case"))


@require_POST
@work_required
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: reopen the case")
    _manager_only(access)
    form = f.ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; the case was not reopened."))
        return _to_case(access.case)
    try:
        services.reopen_case(access=access, actor=_user(request), expected_version=form.cleaned_data["version"])
    except StaleEdit:
        messages.error(request, _stale_message())
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The case was reopened."))
    return _to_case(access.case)


@work_required
def case_person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, pk, "case management: edit the person")
    _manager_only(access)
    person = access.case.person
    title = _("Edit the person and their network")
    if request.method != "POST":
        form = f.PersonForm(initial=f.PersonForm.initial_for(person))
        formset = f.NetworkFormSet(initial=f.network_initial(person), prefix="network")
        return _person_page(request, access, form, formset, title=title)
    form = f.PersonForm(request.POST)
    formset = f.NetworkFormSet(request.POST, initial=f.network_initial(person), prefix="network")
    if not (form.is_valid() and formset.is_valid()):
        return _person_page(request, access, form, formset, title=title)
    try:
        services.edit_person(access=access, actor=_user(request), expected_version=form.cleaned_data["version"],
                             changes=form.changes(), network=f.network_changes(formset))
    except StaleEdit as stale:
        current = cast(Person, stale.current)
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = f.PersonForm(data)
        form.is_valid()
        current_network = reads.network_of(current.pk)
        return _person_page(request, access, form, formset, title=title, status=409, stale=_stale_message(),
                            current=current, current_network=current_network)
    except ValidationError as error:
        form.add_error(None, error)
        return _person_page(request, access, form, formset, title=title)
    messages.success(request, _("The person's record was saved."))
    return _to_case(access.case, "person")


def _person_page(request: HttpRequest, access: CaseAccess, form: f.PersonForm, formset: Any, *, title: str,
                 status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "cases/case/person_form.html", {
        "access": access, "case": access.case, "form": form, "formset": formset, "title": title, **extra,
    }, status=status)


# --- break the glass --------------------------------------------------------------------------

@capability_required(Capability.BREAK_GLASS)
def case_break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case outside one's need-to-know in an emergency, after stating a reason."""
    user = _user(request)
    if reads.is_on_team(user, pk):
        return redirect("cases:case_detail", pk=pk)
    case = services.break_glass_target(case_pk=pk, actor=user)
    if case is None:
        raise Http404
    form = f.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass(case_pk=case.pk, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.warning(request, _("You opened this case by breaking the glass. The data protection officer "
                                        "has been told."))
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case/break_glass.html", {
        "case_reference": case.reference, "case_pk": case.pk, "form": form,
        "minutes": services.BREAK_GLASS_MINUTES,
    })


@capability_required(Capability.BREAK_GLASS)
def break_glass_find(request: HttpRequest) -> HttpResponse:
    """Find the case to open in an emergency by its reference (the one a caller or a colleague
    gives), then state the reason on the case's break-the-glass form."""
    reference = request.GET.get("reference", "").strip().upper()[:20]
    case_pk = reads.case_pk_for_reference(reference)
    if case_pk is None:
        record_event(action="case.break_glass_lookup_failed", actor=request.user, object_type="case",
                     purpose="break the glass", details={"reference": reference})
        messages.error(request, _("No case has the reference “%(reference)s”.") % {"reference": reference})
        return redirect("core:start")
    return redirect("cases:case_break_glass", pk=case_pk)


@capability_required(Capability.AUDIT)
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """The data protection officer's list of emergency openings: who, which case, why, until when."""
    page = Paginator(reads.break_glass_openings(), 50).get_page(request.GET.get("page"))
    return render(request, "cases/case/break_glass_reviews.html", {"page": page})


@require_POST
@capability_required(Capability.AUDIT)
def break_glass_reviewed(request: HttpRequest, access_pk: int) -> HttpResponse:
    if not reads.break_glass_opening_exists(access_pk):
        raise Http404
    services.review_break_glass(access_pk=access_pk, reviewer=_user(request))
    messages.success(request, _("Marked as reviewed."))
    return redirect("cases:break_glass_reviews")
