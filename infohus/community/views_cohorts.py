"""Pages of the youth cohorts: the list, a cohort with its modules and participants, the attendance
grid, and a young participant with their goals and progress.

Who: the community coordinators (COMMUNITY) of the organisation that keeps the cohort; everyone
else gets 403, a coordinator of another organisation 404 (audited in selectors/access.py). Reads of
a young person's record are audited there; pages that list young people by name are audited in
selectors/cohorts.py. The rules are in services/cohorts.py: a refused form comes back with 400, the
message at its field and everything typed kept; an edit after someone else's comes back with 409
and the current values.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.community import forms_cohorts as f
from infohus.community.models import CohortModule, YouthCohort, YouthParticipant
from infohus.community.selectors import cohorts as reads
from infohus.community.services import cohorts as services
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import form_page, put_back

community_required = capability_required(Capability.COMMUNITY)
FORM = "community/cohorts/form.html"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (bound even when empty, so that a bare POST shows what is missing)."""
    return request.POST if request.method == "POST" else None


def _organisation(request: HttpRequest) -> Organisation:
    membership = active_membership(request)
    assert membership is not None  # capability_required let the request through
    return membership.organisation


def stale_message() -> str:
    return _("Someone else saved this record after you opened it. Nothing was overwritten. The current values are "
             "shown below and your input is kept; check it and save again.")


def page(request: HttpRequest, form: BaseForm, *, title: str, submit: str, back_url: str, back_label: str,
         status: int | None = None, template: str = FORM, **context: Any) -> HttpResponse:
    """The form page of community records (form_page with a notice or the current values of a stale
    edit); a POST that reaches here was refused (400) unless `status` says otherwise."""
    response = form_page(request, form, title=title, submit=submit, back_url=back_url, back_label=back_label,
                         template=template, **context)
    if status is not None:
        response.status_code = status
    return response


def stale_form(form_class: Any, request: HttpRequest, current_version: int, **kwargs: Any) -> BaseForm:
    """The editor's own input again, now carrying the current version."""
    data = request.POST.copy()
    data["version"] = str(current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


# --- cohorts ---------------------------------------------------------------------------------------------

@community_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/cohorts/list.html", {"page": reads.cohort_page(request.user,
                                                                                     request.GET.get("page"))})


def _to_cohort(cohort: YouthCohort | int, anchor: str = "") -> HttpResponse:
    response = redirect("community:cohort_detail", pk=cohort if isinstance(cohort, int) else cohort.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@community_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    form = f.CohortForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.create_cohort(actor=_user(request), organisation=_organisation(request),
                                            data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The cohort %(name)s was created. Add its modules and participants.")
                             % {"name": cohort})
            return _to_cohort(cohort)
    return page(request, form, title=_("New youth cohort"), submit=_("Create the cohort"),
                back_url=reverse("community:cohort_list"), back_label=_("Back to the youth cohorts"))


@community_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = reads.get_cohort(request.user, pk, purpose="youth cohorts: cohort page")
    return render(request, "community/cohorts/detail.html", {"view": reads.cohort_view(request.user, cohort),
                                                             "cohort": cohort})


def _cohort_rows(cohort: YouthCohort) -> list[tuple[str, object]]:
    return [(_("Programme"), cohort.programme), (_("Name of the cohort"), cohort.name),
            (_("Starts on"), services.day(cohort.starts_on)), (_("Ends on"), services.day(cohort.ends_on)),
            (_("Place"), cohort.place or "—")]


@community_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = reads.get_cohort(request.user, pk, purpose="youth cohorts: edit the cohort")
    form = f.CohortForm(posted(request), cohort=cohort)
    context: dict[str, Any] = {"title": _("Change the cohort %(name)s") % {"name": cohort}, "submit": _("Save"),
                               "back_url": reverse("community:cohort_detail", args=[cohort.pk]),
                               "back_label": _("Back to the cohort")}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cohort(actor=_user(request), cohort=cohort, data=form.data_for_service(),
                                   version=form.version_seen())
        except StaleEdit as stale:
            current = cast(YouthCohort, stale.current)
            return page(request, stale_form(f.CohortForm, request, current.version), status=409,
                        stale=stale_message(), current_rows=_cohort_rows(current), **context)
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The cohort was saved."))
            return _to_cohort(cohort)
    return page(request, form, **context)


@community_required
def module_new(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = reads.get_cohort(request.user, pk, purpose="youth cohorts: add a module")
    following = (CohortModule.objects.filter(cohort=cohort).order_by("-number").values_list("number", flat=True)
                 .first() or 0) + 1
    form = f.ModuleForm(posted(request), initial={"number": following})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            module = services.add_module(actor=_user(request), cohort=cohort, number=d["number"], title=d["title"],
                                         held_on=d.get("held_on"))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("Module %(module)s was added.") % {"module": module})
            return _to_cohort(cohort, "modules")
    return page(request, form, title=_("Add a module to %(name)s") % {"name": cohort}, submit=_("Add the module"),
                back_url=reverse("community:cohort_detail", args=[cohort.pk]), back_label=_("Back to the cohort"))


@community_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid: a checkbox per participant and module. Each editable cell is sent as `cell`, the
    ticked ones as `present`; a refused grid comes back as it was ticked, with the reasons."""
    cohort = reads.get_cohort(request.user, pk, purpose="youth cohorts: attendance")
    errors: list[str] = []
    ticked: set[tuple[int, int]] | None = None
    if request.method == "POST":
        cells = reads.parse_cells(request.POST.getlist("cell"))
        ticked = reads.parse_cells(request.POST.getlist("present"))
        if cells is None or ticked is None:
            errors = [_("The attendance could not be read. Reload the page and tick the boxes again.")]
            ticked = None
        else:
            try:
                services.record_attendance(actor=_user(request), cohort=cohort, cells=cells, present=ticked)
            except ValidationError as error:
                errors = list(error.messages)
            else:
                messages.success(request, _("The attendance was saved."))
                return _to_cohort(cohort, "participants")
    grid = reads.attendance_grid(request.user, cohort, ticked=ticked)
    return render(request, "community/cohorts/attendance.html", {"cohort": cohort, "grid": grid, "errors": errors},
                  status=400 if errors else 200)


# --- young participants -----------------------------------------------------------------------------------

def _to_participant(participant: YouthParticipant, anchor: str = "") -> HttpResponse:
    response = redirect("community:participant_detail", pk=participant.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@community_required
def participant_new(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = reads.get_cohort(request.user, pk, purpose="youth cohorts: add a participant")
    form = f.ParticipantForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.add_participant(actor=_user(request), cohort=cohort, data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("%(name)s joined the cohort.") % {"name": participant})
            return _to_participant(participant)
    return page(request, form, title=_("Add a young participant to %(name)s") % {"name": cohort},
                submit=_("Add the participant"), back_url=reverse("community:cohort_detail", args=[cohort.pk]),
                back_label=_("Back to the cohort"),
                intro=_("A young person joins only with consent. Under 18 on the day of consent, a parent or "
                        "guardian must give it."))


@community_required
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = reads.get_participant(request.user, pk, purpose="youth cohorts: participant page")
    return render(request, "community/cohorts/participant.html", {
        "participant": participant, "cohort": participant.cohort,
        "age": services.age_on(participant.birth_date, timezone.localdate()),
        "goals": reads.goals_of(participant), "attendance": reads.attendance_of(participant),
        "ambassador": reads.ambassador_of(participant),
    })


def _participant_rows(participant: YouthParticipant) -> list[tuple[str, object]]:
    return [(_("Name"), participant), (_("Date of birth"), services.day(participant.birth_date)),
            (_("Joined on"), services.day(participant.joined_on)),
            (_("Consent given on"), services.day(participant.consent_given_on)),
            (_("Consent given by"), participant.get_consent_by_display()),
            (_("Parent or guardian who consented"), participant.parent_name or "—"),
            (_("Left the cohort on"), services.day(participant.left_on) if participant.left_on else "—")]


@community_required
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = reads.get_participant(request.user, pk, purpose="youth cohorts: edit a participant")
    form = f.ParticipantForm(posted(request), participant=participant)
    context: dict[str, Any] = {"title": _("Change the record of %(name)s") % {"name": participant},
                               "submit": _("Save"),
                               "back_url": reverse("community:participant_detail", args=[participant.pk]),
                               "back_label": _("Back to %(name)s") % {"name": participant}}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_participant(actor=_user(request), participant=participant, data=form.data_for_service(),
                                        version=form.version_seen())
        except StaleEdit as stale:
            current = cast(YouthParticipant, stale.current)
            return page(request, stale_form(f.ParticipantForm, request, current.version, participant=current),
                        status=409, stale=stale_message(), current_rows=_participant_rows(current), **context)
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The record was saved."))
            return _to_participant(participant)
    return page(request, form, **context)


@community_required
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    participant = reads.get_participant(request.user, pk, purpose="youth cohorts: add a goal")
    form = f.GoalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(actor=_user(request), participant=participant, text=form.cleaned_data["text"],
                              set_on=form.cleaned_data["set_on"])
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The goal was added."))
            return _to_participant(participant, "goals")
    return page(request, form, title=_("A goal of %(name)s") % {"name": participant}, submit=_("Add the goal"),
                back_url=reverse("community:participant_detail", args=[participant.pk]),
                back_label=_("Back to %(name)s") % {"name": participant},
                intro=_("Write the goal as the young person says it. It is theirs, not an assessment of them."))


@community_required
def progress_new(request: HttpRequest, pk: int) -> HttpResponse:
    goal = reads.get_goal(request.user, pk, purpose="youth cohorts: note progress")
    participant = goal.participant
    form = f.ProgressForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_progress(actor=_user(request), goal=goal, noted_on=d["noted_on"], progress=d["progress"],
                                  note=d.get("note", ""))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The progress was noted."))
            return _to_participant(participant, f"goal-{goal.pk}")
    return page(request, form, title=_("Progress on a goal of %(name)s") % {"name": participant},
                submit=_("Note the progress"), back_url=reverse("community:participant_detail", args=[participant.pk]),
                back_label=_("Back to %(name)s") % {"name": participant},
                intro=_("The goal: “%(goal)s”") % {"goal": goal.text})
