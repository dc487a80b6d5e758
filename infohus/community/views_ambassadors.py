"""Pages of the ambassador programme: the coordinators' list of ambassadors and one ambassador's page
(modules, readiness, activities), the ambassador's own pages (their work, an activity, a report),
and the coordinators' inbox of reports with the three ways to handle one.

Who: the community coordinators (COMMUNITY) of the organisation that keeps the ambassador's cohort;
a coordinator of another organisation gets 404 (audited in selectors/access.py), everyone else 403.
An ambassador (AMBASSADOR) reads and writes only through `own_ambassador`: without an ambassador
record, 404. Passing a report on to the desk as a concern also needs SUBMIT_CONCERN (a
professional). The rules are in services/ambassadors.py and services/reports.py: refused input
comes back with 400 and everything typed; a report handled by someone else meanwhile comes back
with 409 and its current state.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required, has_capability
from infohus.accounts.roles import Capability
from infohus.community import forms_ambassadors as f
from infohus.community.models import Ambassador, AmbassadorModule, PeerReport
from infohus.community.selectors import ambassadors as reads
from infohus.community.selectors.access import own_ambassador
from infohus.community.selectors.cohorts import ambassador_of, get_participant
from infohus.community.services import ambassadors as services
from infohus.community.services import reports as report_services
from infohus.community.services.cohorts import day
from infohus.community.views_cohorts import page, posted, stale_form, stale_message
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import put_back

community_required = capability_required(Capability.COMMUNITY)
ambassador_required = capability_required(Capability.AMBASSADOR)
REPORT_FORM = "community/reports/form.html"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _to_ambassador(ambassador: Ambassador, anchor: str = "") -> HttpResponse:
    response = redirect("community:ambassador_detail", pk=ambassador.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# --- the coordinators: ambassadors ------------------------------------------------------------------------

@community_required
def ambassador_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a young participant an ambassador (pk: the participant)."""
    participant = get_participant(request.user, pk, purpose="ambassador programme: start")
    back = reverse("community:participant_detail", args=[participant.pk])
    existing = ambassador_of(participant)
    if existing is not None:
        messages.info(request, _("%(name)s is already an ambassador.") % {"name": participant})
        return _to_ambassador(existing)
    form = f.StartForm(posted(request), accounts=services.ambassador_accounts(participant.cohort.organisation_id)
                       .order_by("first_name", "last_name", "username"))
    if request.method == "POST" and form.is_valid():
        try:
            ambassador = services.start_ambassador(actor=_user(request), participant=participant,
                                                   started_on=form.cleaned_data["started_on"],
                                                   user=form.cleaned_data.get("user"))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("%(name)s is now an ambassador. Record the modules of the programme as they "
                                        "are completed.") % {"name": ambassador})
            return _to_ambassador(ambassador)
    return page(request, form, title=_("Make %(name)s an ambassador") % {"name": participant},
                submit=_("Make an ambassador"), back_url=back, back_label=_("Back to %(name)s") % {"name": participant},
                intro=_("An ambassador completes the modules of the ambassador programme. When every module is done, "
                        "you mark them ready to act, and they can log their activities."))


@community_required
def ambassador_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/ambassadors/list.html",
                  {"page": reads.ambassador_page(request.user, request.GET.get("page")),
                   "module_total": len(AmbassadorModule)})


def _ambassador_page(request: HttpRequest, ambassador: Ambassador, *, status: int = 200,
                     **context: Any) -> HttpResponse:
    return render(request, "community/ambassadors/detail.html", {
        "ambassador": ambassador, "view": reads.ambassador_view(ambassador), "participant": ambassador.participant,
        "ready_form": f.ReadyForm(initial={"version": ambassador.version}), **context,
    }, status=status)


@community_required
def ambassador_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = reads.get_ambassador(request.user, pk, purpose="ambassador programme: ambassador page")
    return _ambassador_page(request, ambassador)


@community_required
def module_done(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = reads.get_ambassador(request.user, pk, purpose="ambassador programme: module done")
    form = f.ModuleDoneForm(posted(request), to_do=services.missing_modules(ambassador))
    if request.method == "POST" and form.is_valid():
        try:
            done = services.record_module_done(actor=_user(request), ambassador=ambassador,
                                               module=form.cleaned_data["module"],
                                               completed_on=form.cleaned_data["completed_on"])
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("“%(module)s” is done.") % {"module": done.get_module_display()})
            return _to_ambassador(ambassador, "modules")
    return page(request, form, title=_("A module completed by %(name)s") % {"name": ambassador},
                submit=_("Record the module"), back_url=reverse("community:ambassador_detail", args=[ambassador.pk]),
                back_label=_("Back to %(name)s") % {"name": ambassador})


@community_required
@require_POST
def mark_ready(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = reads.get_ambassador(request.user, pk, purpose="ambassador programme: ready to act")
    form = f.ReadyForm(request.POST)
    form.is_valid()
    try:
        services.mark_ready(actor=_user(request), ambassador=ambassador, version=form.version_seen())
    except StaleEdit as stale:
        return _ambassador_page(request, cast(Ambassador, stale.current), status=409, ready_error=stale_message())
    except ValidationError as error:
        return _ambassador_page(request, ambassador, status=400, ready_error=" ".join(error.messages))
    messages.success(request, _("%(name)s is ready to act.") % {"name": ambassador})
    return _to_ambassador(ambassador, "modules")


def _activity(request: HttpRequest, ambassador: Ambassador, *, back_url: str, back_label: str,
              done_url: str) -> HttpResponse:
    """The activity form, for a coordinator or for the ambassador themself."""
    form = f.ActivityForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.log_activity(actor=_user(request), ambassador=ambassador, kind=d["kind"], held_on=d["held_on"],
                                  people_reached=d["people_reached"], note=d.get("note", ""))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The activity was logged."))
            return redirect(done_url)
    not_ready = ambassador.ready_on is None
    return page(request, form, title=_("Log an activity"), submit=_("Log the activity"), back_url=back_url,
                back_label=back_label, no_form=not_ready and request.method != "POST",
                notice=_("Activities can be logged once the ambassador is ready to act: the coordinator marks that "
                         "when every module of the programme is done.") if not_ready else "")


@community_required
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = reads.get_ambassador(request.user, pk, purpose="ambassador programme: log an activity")
    url = reverse("community:ambassador_detail", args=[ambassador.pk])
    return _activity(request, ambassador, back_url=url, back_label=_("Back to %(name)s") % {"name": ambassador},
                     done_url=url + "#activities")


# --- the ambassador's own pages ---------------------------------------------------------------------------

def _own(request: HttpRequest) -> Ambassador:
    ambassador = own_ambassador(request.user)
    if ambassador is None:
        raise Http404
    return ambassador


@ambassador_required
def my_ambassador(request: HttpRequest) -> HttpResponse:
    ambassador = _own(request)
    return render(request, "community/ambassadors/mine.html", {
        "ambassador": ambassador, "view": reads.own_view(request.user, ambassador)})


@ambassador_required
def my_activity_new(request: HttpRequest) -> HttpResponse:
    ambassador = _own(request)
    url = reverse("community:my_ambassador")
    return _activity(request, ambassador, back_url=url, back_label=_("Back to your ambassador page"),
                     done_url=url + "#activities")


@ambassador_required
def report_new(request: HttpRequest) -> HttpResponse:
    ambassador = _own(request)
    form = f.ReportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = report_services.submit_report(actor=_user(request), ambassador=ambassador, kind=d["kind"],
                                                   text=d["text"], someone_at_risk=d["someone_at_risk"])
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("Thank you. Your report has been sent to your coordinator."))
            if report.someone_at_risk:
                messages.warning(request, _("You said someone may be at risk. A professional will read your report "
                                            "and decide what to do. If someone is in immediate danger, call 112 "
                                            "now."))
            return redirect(reverse("community:my_ambassador") + f"#report-{report.pk}")
    return page(request, form, title=_("Report a need or a worry"), submit=_("Send the report"),
                back_url=reverse("community:my_ambassador"), back_label=_("Back to your ambassador page"),
                intro=_("Tell your coordinator about a need in your peer group, or a worry about someone. Your "
                        "coordinator reads it and tells you here what happens next."),
                notice=_("If you tick “Someone may be at risk”: a professional will read your report and decide what "
                         "to do. If someone is in immediate danger, call 112 now."))


# --- the coordinators: the inbox ------------------------------------------------------------------------------

@community_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "community/reports/inbox.html",
                  {"page": reads.inbox_page(request.user, request.GET.get("page"))})


def _may_pass_to_desk(request: HttpRequest) -> bool:
    return has_capability(request, Capability.SUBMIT_CONCERN)


@community_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = reads.get_report(request.user, pk, purpose="ambassadors' reports: open a report")
    report_services.mark_read(actor=_user(request), report=report)
    return render(request, "community/reports/detail.html", {
        "report": report, "topics": reads.topics_of(report), "may_pass_to_desk": _may_pass_to_desk(request),
        "is_open": report.status in report_services.OPEN, "closable": report.status in report_services.CLOSABLE,
        "own_concern": report.concern_id is not None and report.handled_by_id == request.user.pk,
    })


def _report_rows(report: PeerReport) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [(_("Status"), report.get_status_display())]
    if report.handled_by is not None:
        rows.append((_("Handled by"), report.handled_by.get_full_name() or report.handled_by.get_username()))
    if report.reply:
        rows.append((_("What the ambassador is told"), report.reply))
    return rows


def _report_form_page(request: HttpRequest, report: PeerReport, form: Any, *, title: str, submit: str,
                      status: int | None = None, **context: Any) -> HttpResponse:
    return page(request, form, title=title, submit=submit, status=status,
                back_url=reverse("community:report_detail", args=[report.pk]), back_label=_("Back to the report"),
                report=report, template=REPORT_FORM, **context)


def _handled_already(request: HttpRequest, report: PeerReport, allowed: tuple[str, ...]) -> HttpResponse | None:
    """A GET of a form for a report that can no longer be handled that way goes back to the report."""
    if request.method == "POST" or report.status in allowed:
        return None
    messages.info(request, _("This report has already been handled: %(status)s.")
                  % {"status": report.get_status_display()})
    return redirect("community:report_detail", pk=report.pk)


@community_required
def report_to_dialogue(request: HttpRequest, pk: int) -> HttpResponse:
    report = reads.get_report(request.user, pk, purpose="ambassadors' reports: to a dialogue meeting")
    back = _handled_already(request, report, report_services.OPEN)
    if back is not None:
        return back
    meetings = reads.upcoming_meetings(report.ambassador.participant.cohort.organisation_id)
    form = f.DialogueForm(posted(request), meetings=meetings, initial={"version": report.version})
    title, submit = _("Take the report to a dialogue meeting"), _("Add it to the meeting")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            topic = report_services.take_to_dialogue(
                actor=_user(request), report=report, version=form.version_seen(), title=d["title"],
                notes=d.get("notes", ""), meeting=d.get("meeting"), new_meeting_on=d.get("new_meeting_on"),
                place=d.get("place", ""))
        except StaleEdit as stale:
            current = cast(PeerReport, stale.current)
            return _report_form_page(request, current, stale_form(f.DialogueForm, request, current.version,
                                                                  meetings=meetings),
                                     title=title, submit=submit, status=409, stale=stale_message(),
                                     current_rows=_report_rows(current))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The report is a topic of the dialogue meeting on %(day)s. The ambassador is "
                                        "told it will be raised there.") % {"day": day(topic.meeting.held_on)})
            return redirect("community:report_detail", pk=report.pk)
    return _report_form_page(request, report, form, title=title, submit=submit,
                             intro=_("The report becomes a topic on the meeting's agenda, linked to the report. Write "
                                     "the topic without names: the meeting's partners read the agenda."))


@community_required
def report_to_concern(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_pass_to_desk(request):
        # Only a professional who may submit concerns passes a report on to the desk.
        raise PermissionDenied
    report = reads.get_report(request.user, pk, purpose="ambassadors' reports: pass on as a concern")
    back = _handled_already(request, report, report_services.OPEN)
    if back is not None:
        return back
    form = f.ConcernForm(posted(request), initial={
        "observed": report.text, "observed_on": timezone.localdate(report.reported_at),
        "observed_where": _("Heard by a youth ambassador in their peer group"),
        "reply": report_services.default_desk_reply(), "version": report.version})
    title, submit = _("Pass the report on as a concern"), _("Submit the concern")
    if request.method == "POST" and form.is_valid():
        try:
            concern = report_services.pass_to_desk(actor=_user(request), report=report, version=form.version_seen(),
                                                   facts=form.facts(), reply=form.cleaned_data["reply"])
        except StaleEdit as stale:
            current = cast(PeerReport, stale.current)
            return _report_form_page(request, current, stale_form(f.ConcernForm, request, current.version),
                                     title=title, submit=submit, status=409, stale=stale_message(),
                                     current_rows=_report_rows(current))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The concern %(reference)s was submitted to the desk. The ambassador is told "
                                        "what happens next, and never sees the concern.")
                             % {"reference": concern.reference})
            return redirect("community:report_detail", pk=report.pk)
    return _report_form_page(request, report, form, title=title, submit=submit,
                             intro=_("You submit the concern as a professional, in your own name: it goes to the Info "
                                     "house like any concern you report. Check what the ambassador wrote and add "
                                     "what you know."))


@community_required
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    report = reads.get_report(request.user, pk, purpose="ambassadors' reports: close")
    back = _handled_already(request, report, report_services.CLOSABLE)
    if back is not None:
        return back
    form = f.CloseForm(posted(request), initial={"reply": report_services.default_close_reply(),
                                                       "version": report.version})
    title, submit = _("Close the report"), _("Close the report")
    if request.method == "POST" and form.is_valid():
        try:
            report_services.close_report(actor=_user(request), report=report, version=form.version_seen(),
                                         reply=form.cleaned_data["reply"])
        except StaleEdit as stale:
            current = cast(PeerReport, stale.current)
            return _report_form_page(request, current, stale_form(f.CloseForm, request, current.version),
                                     title=title, submit=submit, status=409, stale=stale_message(),
                                     current_rows=_report_rows(current))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The report was closed. The ambassador reads your reply."))
            return redirect("community:report_detail", pk=report.pk)
    return _report_form_page(request, report, form, title=title, submit=submit)
