"""Pages of retention: the rules (and an edit of one, checked against the legal minimum and
versioned), legal holds (the list, placing one, lifting one), a dry run, the runs, and starting a
real run now (queued for the background worker, like the daily one).

Who: the data protection officer (the AUDIT capability) and nobody else; an analyst or the
system administrator gets 403. Rules and runs hold no personal data; the hold pages name people,
so reading them is audited with the people's ids. The rules are in services/, the reads in
selectors/retention.py; a refused form comes back with 400 (a stale edit with 409 and the current
period) and nothing typed is lost.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import form_page, put_back
from infohus.privacy.forms_retention import HoldForm, LiftForm, RuleForm
from infohus.privacy.retention import BY_KEY
from infohus.privacy.selectors import retention as reads
from infohus.privacy.services import holds as hold_services
from infohus.privacy.services.retention import queue_retention_run, run_retention
from infohus.privacy.services.rules import set_rule

dpo_required = capability_required(Capability.AUDIT)
RUNS_PER_PAGE = 50


def _organisation(request: HttpRequest) -> Any:
    membership = active_membership(request)
    return membership.organisation if membership else None


# --- rules --------------------------------------------------------------------------------------------

@dpo_required
def rules(request: HttpRequest) -> HttpResponse:
    """Every kind of record with its clock, the period in force and the legal minimum."""
    return render(request, "privacy/retention/rules.html", {"rules": reads.rules()})


@dpo_required
def rule_edit(request: HttpRequest, kind: str) -> HttpResponse:
    rule = reads.rule(kind)
    posting = request.method == "POST"
    form = RuleForm(request.POST if posting else None, rule=rule)
    page = {"title": _("How long to keep: %(kind)s") % {"kind": rule.kind.label}, "submit": _("Save"),
            "back_url": reverse("privacy:retention_rules"), "back_label": _("All retention rules"),
            "intro": _("Erased when the period has run out: %(erased)s") % {"erased": rule.kind.erased}}
    if posting and form.is_valid():
        try:
            set_rule(actor=request.user, key=kind, months=form.cleaned_data["months"],
                     expected_version=form.cleaned_data["version"], organisation=_organisation(request))
        except StaleEdit as stale:
            current: reads.Rule = stale.current
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = RuleForm(data, rule=current)
            form.is_valid()
            response = form_page(request, form, stale=_(
                "Someone else saved this rule after you opened it. Nothing was overwritten. The period in force "
                "is shown below; your input is kept in the form. Check both and save again."),
                current_rows=[(_("Kept for (months)"), current.months)], **page)
            response.status_code = 409
            return response
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The retention rule was saved."))
            return redirect("privacy:retention_rules")
    return form_page(request, form, **page)


# --- legal holds -----------------------------------------------------------------------------------------

@dpo_required
def holds(request: HttpRequest) -> HttpResponse:
    """Active holds first, then lifted ones. The list names people: its read is audited."""
    found = list(reads.holds())
    if found:
        record_event(action="privacy.legal_holds.viewed", actor=request.user, organisation=_organisation(request),
                     object_type="legal_hold", details={"people": sorted({h.person_id for h in found})})
    return render(request, "privacy/retention/holds.html", {"holds": found})


@dpo_required
def hold_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = HoldForm(request.POST if posting else None, initial={"person": request.GET.get("person", "")})
    if posting and form.is_valid():
        try:
            hold = hold_services.place_hold(
                actor=request.user, person_id=form.cleaned_data["person"], reason=form.cleaned_data["reason"],
                reference=form.cleaned_data["reference"], organisation=_organisation(request))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("Everything about person %(number)d is now kept until the hold is lifted.")
                             % {"number": hold.person_id})
            return redirect("privacy:legal_holds")
    return form_page(request, form, title=_("Place a legal hold"), submit=_("Place the hold"),
                     back_url=reverse("privacy:legal_holds"), back_label=_("All legal holds"),
                     intro=_("While the hold lasts, retention erases nothing about the person: their concerns, "
                             "cases, interventions, assessments and record are all kept."))


@dpo_required
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = reads.hold(pk)
    record_event(action="privacy.legal_hold.viewed", actor=request.user, organisation=_organisation(request),
                 object_type="legal_hold", object_id=hold.pk, person_id=hold.person_id, details={"hold": hold.pk})
    posting = request.method == "POST"
    form = LiftForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            hold_services.lift_hold(actor=request.user, hold=hold, reason=form.cleaned_data["lift_reason"],
                                    organisation=_organisation(request))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The hold was lifted. The person's records follow the retention rules again."))
            return redirect("privacy:legal_holds")
    return form_page(request, form, title=_("Lift the legal hold on person %(number)d") % {"number": hold.person_id},
                     submit=_("Lift the hold"), back_url=reverse("privacy:legal_holds"),
                     back_label=_("All legal holds"), template="privacy/retention/hold_lift.html", hold=hold)


# --- the dry run and the runs ------------------------------------------------------------------------------

@dpo_required
def dry_run(request: HttpRequest) -> HttpResponse:
    """GET explains; POST counts what the run would erase now and shows it (nothing is erased)."""
    if request.method != "POST":
        return render(request, "privacy/retention/dry_run.html", {"rules": reads.rules()})
    run = run_retention(dry_run=True, started_by=cast(User, request.user), organisation=_organisation(request))
    rows = [(BY_KEY[result.key], result) for result in run.results]  # type: ignore[attr-defined]
    return render(request, "privacy/retention/dry_run.html", {"run": run, "rows": rows})


@dpo_required
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.runs(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "privacy/retention/runs.html", {"page": page})


@dpo_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = reads.run(pk)
    rows = [(kind, run.counts.get(kind.key), run.held.get(kind.key)) for kind in BY_KEY.values()
            if kind.key in run.counts]
    return render(request, "privacy/retention/run.html", {"run": run, "rows": rows})


@dpo_required
def run_now(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST queues a real run (audited) and goes to the runs."""
    if request.method != "POST":
        return render(request, "privacy/retention/run_now.html", {"rules": reads.rules()})
    queue_retention_run(actor=cast(User, request.user), organisation=_organisation(request))
    messages.success(request, _("A retention run was queued. It appears in this list when the background worker has "
                                "done it."))
    return redirect("privacy:retention_runs")
