"""Pages of research projects: the register, a proposal, one project with its extract log, the
data protection officer's decision, and the extract itself (a CSV download, or the refusal).

Who: an analyst (ANALYSE) proposes and reads projects and their log, never rows; the data protection
officer (AUDIT) reads, decides and makes extracts. The register holds no personal data and is not
audited; proposals, decisions and every extract attempt are (services/research.py). A refused form
or extract answers 400 with the reason, and nothing typed is lost.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.models import User
from infohus.accounts.permissions import active_membership, capability_required, has_capability
from infohus.accounts.roles import Capability
from infohus.core.exports import csv_response
from infohus.core.form_pages import form_page, put_back
from infohus.insights import research_catalogue as catalogue
from infohus.insights.forms_research import DecisionForm, ProposalForm
from infohus.insights.models import ResearchProject
from infohus.insights.selectors import research as reads
from infohus.insights.services import research as services

S = ResearchProject.Status
readers_required = capability_required(Capability.ANALYSE, Capability.AUDIT)
analyst_required = capability_required(Capability.ANALYSE)
dpo_required = capability_required(Capability.AUDIT)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _organisation(request: HttpRequest) -> Any:
    membership = active_membership(request)
    return membership.organisation if membership else None


@readers_required
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/research/list.html", {
        "projects": list(reads.project_list()), "may_propose": has_capability(request, Capability.ANALYSE)})


@analyst_required
def project_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = ProposalForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            project = services.propose_project(actor=_user(request), organisation=_organisation(request),
                                               data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The project was sent to the data protection officer."))
            return redirect("insights:research_detail", pk=project.pk)
    return form_page(request, form, title=_("Propose a research project"), submit=_("Send for approval"),
                     back_url=reverse("insights:research_list"), back_label=_("All research projects"),
                     intro=_("The data protection officer approves the project before any extract is made. Rows "
                             "carry a pseudonym, never a name or an identifier."),
                     template="insights/research/proposal_form.html",
                     direct_identifiers=catalogue.DIRECT_IDENTIFIERS)


def _terms(project: ResearchProject) -> dict[str, Any]:
    """What the project asks for, as the catalogue describes it."""
    return {"project": project,
            "fields": [f for f in map(catalogue.field, project.fields) if f is not None],
            "quasi_identifiers": [f for f in map(catalogue.field, project.quasi_identifiers) if f is not None]}


def _detail(request: HttpRequest, project: ResearchProject, *, refusal: str = "", status: int = 200) -> HttpResponse:
    dpo = has_capability(request, Capability.AUDIT)
    return render(request, "insights/research/detail.html", {
        **_terms(project),
        "extracts": list(reads.extract_log(project)),
        "may_decide": dpo and project.status == S.PROPOSED,
        "may_extract": dpo and project.status == S.APPROVED,
        "refusal": refusal,
    }, status=status)


@readers_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, reads.project(pk))


@dpo_required
def project_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = reads.project(pk, status=S.PROPOSED)
    posting = request.method == "POST"
    form = DecisionForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.decide_project(actor=_user(request), organisation=_organisation(request), project=project,
                                    approve=form.cleaned_data["decision"] == DecisionForm.APPROVE,
                                    note=form.cleaned_data["note"])
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect("insights:research_detail", pk=project.pk)
    return form_page(request, form, title=_("Decide on “%(title)s”") % {"title": project.title},
                     submit=_("Record the decision"), back_url=reverse("insights:research_detail", args=[project.pk]),
                     back_label=_("Back to the project"), template="insights/research/decide.html",
                     **_terms(project))


@require_POST
@dpo_required
def project_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """The extract as a download; it is not kept. A refusal shows the project with the reason."""
    project = reads.project(pk, status=S.APPROVED)
    outcome = services.make_extract(actor=_user(request), organisation=_organisation(request), project=project)
    if outcome.table is None:
        return _detail(request, project, refusal=outcome.extract.refusal, status=400)
    return csv_response(outcome.table, outcome.filename)
