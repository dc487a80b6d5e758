"""Pages of the mentor corps: the register and its search by needs, one entry, and what the mentor
coaches keep there (entries, supervision sessions, coach pairings).

Who: the register and its entries are read by those who manage cases (looking for a mentor) and by
mentor coaches; a mentor opens their own entry, read-only; only mentor coaches write. Every entry
is fetched through selectors/corps.py profile_for_user (404 otherwise, audited). The rules are in
services/corps.py; refused input comes back with a 400, the message at its field and nothing lost.
POSTs fetch without auditing the read, since the service audits the write; a form sent back with
its errors records the read it shows.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required, has_capability
from infohus.accounts.roles import Capability
from infohus.interventions import forms_corps as f
from infohus.interventions.models import MentorProfile
from infohus.interventions.selectors import corps as reads
from infohus.interventions.services import corps as services

register_required = capability_required(Capability.MANAGE_CASE, Capability.COACH_MENTORS)
# A mentor may open their own entry; the selector decides which entries anyone else opens.
profile_required = capability_required(Capability.MANAGE_CASE, Capability.COACH_MENTORS, Capability.MENTOR)
coach_required = capability_required(Capability.COACH_MENTORS)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_coach(request: HttpRequest) -> bool:
    return has_capability(request, Capability.COACH_MENTORS)


def _reads_register(request: HttpRequest) -> bool:
    return has_capability(request, Capability.MANAGE_CASE) or _is_coach(request)


def _profile(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True) -> MentorProfile:
    return reads.profile_for_user(request.user, pk, purpose=f"mentor corps: {purpose}",
                                  register_reader=_reads_register(request), audit=audit)


def _put_back(form: Form, error: ValidationError) -> None:
    """A service's refusal at the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, ValidationError(errors))
    else:
        form.add_error(None, error)


def _to_profile(profile: MentorProfile, anchor: str = "") -> HttpResponse:
    response = redirect("interventions:corps_profile", pk=profile.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _form_page(request: HttpRequest, form: Form, *, title: str, submit: str, profile: MentorProfile | None = None,
               intro: str = "", status: int = 200) -> HttpResponse:
    return render(request, "interventions/corps/form.html", {
        "form": form, "title": title, "submit": submit, "profile": profile, "intro": intro,
    }, status=status)


# --- the register ----------------------------------------------------------------------------------------

@register_required
def corps_list(request: HttpRequest) -> HttpResponse:
    """The register, searched by needs; each result says why it fits and, if it cannot be
    assigned now, why not."""
    coach = _is_coach(request)
    searching = any(key != "page" for key in request.GET)
    form = f.RegisterSearchForm(request.GET if searching else None, coach=coach)
    context: dict[str, Any] = {"form": form, "coach": coach, "result": None}
    if searching and not form.is_valid():
        return render(request, "interventions/corps/list.html", context, status=400)
    needs = form.needs() if searching else reads.Needs()
    result = reads.register_page(request.user, needs, page_number=request.GET.get("page"))
    context.update(result=result, page=result.page)
    return render(request, "interventions/corps/list.html", context)


@coach_required
def corps_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = f.ProfileForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            profile = services.create_profile(actor=_user(request), user=form.cleaned_data["user"],
                                              data=form.data_for_service())
        except ValidationError as error:
            _put_back(form, error)
        else:
            messages.success(request, _("%(name)s is now in the register of the mentor corps.") % {"name": profile})
            return _to_profile(profile)
    return _form_page(request, form, title=_("Add a member to the mentor corps"), submit=_("Add to the register"),
                      status=400 if posting else 200)


# --- one entry ---------------------------------------------------------------------------------------------

@profile_required
def corps_profile(request: HttpRequest, pk: int) -> HttpResponse:
    reads_register = _reads_register(request)
    profile = reads.profile_for_user(request.user, pk, purpose="mentor corps: profile",
                                     register_reader=reads_register)
    coach = _is_coach(request)
    page = reads.profile_page(request.user, profile, coach=coach)
    return render(request, "interventions/corps/profile.html", {
        "profile": profile, "page": page, "row": page.row, "coach": coach, "reads_register": reads_register,
    })


@coach_required
def corps_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    profile = _profile(request, pk, "save the entry" if posting else "edit the entry", audit=not posting)
    form = f.ProfileForm(request.POST if posting else None, profile=profile)
    if posting and form.is_valid():
        try:
            services.update_profile(actor=_user(request), profile=profile, data=form.data_for_service())
        except ValidationError as error:
            _put_back(form, error)
        else:
            messages.success(request, _("The entry was saved."))
            return _to_profile(profile)
    if posting:
        reads.audit_read(request.user, profile, purpose="mentor corps: entry sent back")
    return _form_page(request, form, title=_("Change the entry of %(name)s") % {"name": profile},
                      submit=_("Save"), profile=profile, intro=reads.training_record_in_words(profile),
                      status=400 if posting else 200)


# --- supervision and pairing ---------------------------------------------------------------------------------

@coach_required
def supervision_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    profile = _profile(request, pk, "log a supervision" if posting else "supervision form", audit=not posting)
    form = f.SupervisionForm(request.POST if posting else None, cases=reads.supervision_cases(request.user))
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_supervision(actor=_user(request), profile=profile, held_on=data["held_on"],
                                     duration_minutes=data["duration_minutes"], topics=data["topics"],
                                     case_pk=data.get("case"))
        except ValidationError as error:
            _put_back(form, error)
        else:
            messages.success(request, _("The supervision was logged."))
            return _to_profile(profile, "supervision")
    if posting:
        reads.audit_read(request.user, profile, purpose="mentor corps: supervision sent back")
    return _form_page(request, form, title=_("Log a supervision of %(name)s") % {"name": profile},
                      submit=_("Log the supervision"), profile=profile, status=400 if posting else 200)


@coach_required
def pairing_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    profile = _profile(request, pk, "pair a coach" if posting else "pairing form", audit=not posting)
    form = f.PairingForm(request.POST if posting else None, coaches=services.mentor_coaches().order_by(
        "first_name", "last_name", "username"), initial={"coach": request.user.pk, "started_on": timezone.localdate()})
    if posting and form.is_valid():
        try:
            services.pair_coach(actor=_user(request), profile=profile, coach=form.cleaned_data["coach"],
                                started_on=form.cleaned_data["started_on"])
        except ValidationError as error:
            _put_back(form, error)
        else:
            messages.success(request, _("The coach was paired with %(name)s.") % {"name": profile})
            return _to_profile(profile, "pairings")
    if posting:
        reads.audit_read(request.user, profile, purpose="mentor corps: pairing sent back")
    return _form_page(request, form, title=_("Pair a coach with %(name)s") % {"name": profile},
                      submit=_("Pair"), profile=profile, status=400 if posting else 200)
