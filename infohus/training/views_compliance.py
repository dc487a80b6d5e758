"""Pages of recurring requirements: the list, a new one, an edit (with a version check), the
compliance of one requirement (per person, overdue first; per institution; nationally; as a CSV
download), and every signed-in person's own training.

Who: requirements and their compliance are kept by the trainers of the organisation that keeps the
requirement (selectors/access.py requirements_for and requirement_access; 404 outside, audited);
one's own training is open to every signed-in person and shows their data only. The rules are in
services/requirements.py, the reads in selectors/compliance.py; a refused form comes back with a
400 (a stale edit with a 409 and the current values) and nothing typed is lost.
"""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.permissions import active_membership, capability_required, signed_in_required
from infohus.accounts.roles import Capability
from infohus.core import exports
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import form_page, put_back
from infohus.training.forms_compliance import RequirementForm
from infohus.training.models import CourseKind, Requirement
from infohus.training.selectors import compliance as reads
from infohus.training.services import requirements as services

train_required = capability_required(Capability.TRAIN)
FORM_TEMPLATE = "training/compliance/requirement_form.html"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _kinds(requirement: Requirement) -> str:
    return ", ".join(str(CourseKind(k).label) for k in requirement.satisfied_by if k in CourseKind.values)


# --- the list ---------------------------------------------------------------------------------------------

@train_required
def requirement_list(request: HttpRequest) -> HttpResponse:
    """The requirements kept by the trainer's organisations (no personal data: not audited)."""
    requirements = list(reads.requirement_list(request.user))
    return render(request, "training/compliance/list.html", {
        "requirements": [(r, _kinds(r)) for r in requirements]})


# --- a new requirement, and its edit ------------------------------------------------------------------------

@train_required
def requirement_new(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None:  # capability_required has checked the active membership trains
        raise Http404
    organisation = membership.organisation
    posting = request.method == "POST"
    form = RequirementForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            requirement = services.create_requirement(actor=_user(request), organisation=organisation,
                                                      data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The requirement “%(name)s” was added.") % {"name": requirement.name})
            return redirect("training:compliance", pk=requirement.pk)
    return form_page(request, form, title=_("A new requirement"), submit=_("Add the requirement"),
                     back_url=reverse("training:requirement_list"), back_label=_("All requirements"),
                     intro=_("Kept by %(organisation)s. Its people and their due dates are worked out from the "
                             "courses they completed.") % {"organisation": organisation},
                     template=FORM_TEMPLATE)


def _stale_message() -> str:
    return _("Someone else saved this requirement after you opened it. Nothing was overwritten. The current "
             "values are shown below; your input is kept in the form. Check both and save again.")


@train_required
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = reads.requirement_for_user(request.user, pk, purpose="training requirements: edit")
    posting = request.method == "POST"
    form = RequirementForm(request.POST if posting else None, requirement=requirement)
    page = {"title": _("Change the requirement “%(name)s”") % {"name": requirement.name}, "submit": _("Save"),
            "back_url": reverse("training:compliance", args=[requirement.pk]),
            "back_label": _("Back to its compliance"), "template": FORM_TEMPLATE}
    if posting and form.is_valid():
        try:
            services.update_requirement(actor=_user(request), requirement=requirement,
                                        expected_version=form.cleaned_data["version"], data=form.data_for_service())
        except StaleEdit as stale:
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = RequirementForm(data, requirement=stale.current)
            form.is_valid()
            response = form_page(request, form, stale=_stale_message(), current=stale.current,
                                 current_kinds=_kinds(stale.current), **page)
            response.status_code = 409
            return response
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The requirement was saved."))
            return redirect("training:compliance", pk=requirement.pk)
    return form_page(request, form, **page)


# --- compliance ------------------------------------------------------------------------------------------------

def _csv(result: reads.Compliance) -> HttpResponse:
    """The per-person table, overdue first."""
    table = exports.Table(
        title=str(result.requirement), header=[_("Name"), _("User name"), _("Organisation"), _("Latest completion"),
                                               _("Due on"), _("Status")],
        rows=[[row.name, row.username, row.organisation, row.latest.isoformat() if row.latest else "",
               row.due_on.isoformat() if row.due_on else "", row.status_label] for row in result.people])
    return exports.csv_response(table, f"compliance-{result.requirement.pk}-{result.today:%Y-%m-%d}.csv")


@train_required
def compliance(request: HttpRequest, pk: int) -> HttpResponse:
    """Per person (overdue first), per institution and nationally; ?format=csv downloads the people."""
    exporting = request.GET.get("format") == "csv"
    result = reads.compliance_for_user(request.user, pk, today=timezone.localdate(), exported=exporting,
                                       purpose="training compliance: " + ("export" if exporting else "page"))
    if exporting:
        return _csv(result)
    return render(request, "training/compliance/detail.html", {
        "result": result, "requirement": result.requirement, "national": result.national,
        "kinds": _kinds(result.requirement), "chart": result.chart(),
        "csv_url": f"{reverse('training:compliance', args=[pk])}?format=csv",
    })


# --- one's own training ------------------------------------------------------------------------------------------

@signed_in_required
def my_training(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own enrolments and the requirements that apply to them; reading
    one's own data discloses nothing to anyone else, so it is not audited."""
    return render(request, "training/mine.html", {
        "mine": reads.my_training(request.user, today=timezone.localdate())})
