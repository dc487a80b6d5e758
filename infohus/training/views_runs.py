"""Course runs: the list of runs, planning and changing a run, its page with participants and
attendance, enrolment and withdrawal, the attendance sheet, completion and certificates.

Who: trainers (TRAIN) of the organisation that keeps the course, and trainers named on the run;
every run is fetched through selectors/access.py run_access (404 otherwise, audited both ways). A
certificate is also open to the participant themself (enrolment_access). The rules are in
services/runs.py; refused input comes back with a 400, the message at its field and nothing lost.
POSTs fetch the run without auditing the read, since the service audits the write; a page shown
again with a refusal records the read it shows.
"""

import re
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required, signed_in_required
from infohus.accounts.roles import Capability
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import put_back
from infohus.training import forms_runs as f
from infohus.training import pdf
from infohus.training.models import CourseRun, Enrolment
from infohus.training.selectors import runs as reads
from infohus.training.selectors.access import course_access, enrolment_access, run_access, runs_for
from infohus.training.selectors.evaluation import run_effect
from infohus.training.services import runs as services

train_required = capability_required(Capability.TRAIN)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _run(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True) -> CourseRun:
    return run_access(request.user, pk, purpose=f"training run: {purpose}", audit=audit)


def _to_run(run: CourseRun, anchor: str = "") -> HttpResponse:
    response = redirect("training:run_detail", pk=run.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _run_page(request: HttpRequest, run: CourseRun, *, status: int = 200, errors: list[str] | None = None,
              user_form: f.EnrolUserForm | None = None) -> HttpResponse:
    page = reads.run_page(run)
    return render(request, "training/runs/detail.html", {
        "run": run, "course": run.course, "page": page, "effect": run_effect(run), "errors": errors or [],
        "user_form": user_form or f.EnrolUserForm(), "phases": ("pre", "post"),
    }, status=status)


# --- lists and the run page ------------------------------------------------------------------------

@train_required
def run_list(request: HttpRequest) -> HttpResponse:
    lists = reads.run_lists(runs_for(request.user), page_number=request.GET.get("page"))
    return render(request, "training/runs/list.html", {"lists": lists, "page": lists.past})


@train_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, _run(request, pk, "run page"))


# --- planning a run ----------------------------------------------------------------------------------

def _form_page(request: HttpRequest, form: f.RunForm, *, title: str, submit: str, run: CourseRun | None = None,
               status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "training/runs/form.html", {
        "form": form, "title": title, "submit": submit, "course": form.course, "run": run,
        "unit_fields": [form[name] for name in form.unit_fields()], **extra}, status=status)


def _other_fields(form: f.RunForm) -> list[Any]:
    units = set(form.unit_fields())
    return [field for field in form.visible_fields() if field.name not in units]


@train_required
def run_new(request: HttpRequest, pk: int) -> HttpResponse:
    course = course_access(request.user, pk)
    posting = request.method == "POST"
    candidates = reads.trainer_candidates(course)
    me = _user(request)
    initial = {"trainers": [me.pk] if candidates.filter(pk=me.pk).exists() else [], "cost": 0}
    form = f.RunForm(request.POST if posting else None, course=course, trainers=candidates, initial=initial)
    if posting and form.is_valid():
        try:
            run = services.create_run(actor=_user(request), course=course, data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The run is planned. Enrol its participants below."))
            return _to_run(run)
    return _form_page(request, form, title=_("Plan a run of “%(title)s”") % {"title": course.title},
                      submit=_("Plan the run"), status=400 if posting else 200, other_fields=_other_fields(form))


def _stale_message() -> str:
    return _("Someone else saved this run after you opened it. Nothing was overwritten. The values saved now are "
             "shown above your input; check them and save again.")


@train_required
def run_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = request.method == "POST"
    run = _run(request, pk, "edit the run", audit=False)
    course = run.course
    trainers = (reads.trainer_candidates(course) | User.objects.filter(training_runs=run)).distinct()
    dates = list(run.units.order_by("number").values_list("held_on", flat=True))
    form = f.RunForm(request.POST if posting else None, course=course, trainers=trainers, run=run, unit_dates=dates)
    title = _("Change the run of “%(title)s”") % {"title": course.title}
    if posting and form.is_valid():
        try:
            services.update_run(actor=_user(request), run=run, expected_version=form.cleaned_data["version"],
                                data=form.data_for_service())
        except StaleEdit as stale:
            current = cast(CourseRun, stale.current)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = f.RunForm(data, course=course, trainers=trainers, run=current)
            form.is_valid()
            return _form_page(request, form, title=title, submit=_("Save"), run=current, status=409,
                              stale=_stale_message(), current=current, other_fields=_other_fields(form),
                              current_dates=list(current.units.order_by("number")))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The run was saved."))
            return _to_run(run)
    return _form_page(request, form, title=title, submit=_("Save"), run=run, status=400 if posting else 200,
                      other_fields=_other_fields(form))


# --- enrolment ---------------------------------------------------------------------------------------

@train_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a platform user (by username or e-mail) or an external participant. The page shows the
    places left, not who holds them."""
    posting = request.method == "POST"
    run = _run(request, pk, "enrol" if posting else "enrolment form", audit=not posting)
    who = request.POST.get("who", "") if posting else ""
    user_form = f.EnrolUserForm(request.POST if who == "user" else None)
    external_form = f.EnrolExternalForm(request.POST if who == "external" else None)
    errors: list[str] = []
    if posting:
        try:
            enrolment = _enrol(request, run, who, user_form, external_form)
        except ValidationError as error:
            put_back(user_form if who == "user" else external_form, error)
        else:
            if enrolment is not None:
                messages.success(request, _("%(name)s is enrolled.") % {"name": enrolment.name})
                return _to_run(run, "participants")
        if who not in ("user", "external"):
            errors.append(_("Choose whether you enrol someone on the platform or an external participant."))
    taken = run.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    return render(request, "training/runs/enrol.html", {
        "run": run, "course": run.course, "user_form": user_form, "external_form": external_form,
        "taken": taken, "free": max(run.capacity - taken, 0), "errors": errors, "who": who,
    }, status=400 if posting else 200)


def _enrol(request: HttpRequest, run: CourseRun, who: str, user_form: f.EnrolUserForm,
           external_form: f.EnrolExternalForm) -> Enrolment | None:
    """The enrolment made, or None when the form itself was not valid."""
    if who == "user" and user_form.is_valid():
        person = services.find_user(user_form.cleaned_data["participant"])
        return services.enrol_user(actor=_user(request), run=run, user=person,
                                   organisation=user_form.cleaned_data.get("organisation"))
    if who == "external" and external_form.is_valid():
        return services.enrol_external(actor=_user(request), run=run, person=external_form.participant())
    return None


@train_required
@require_POST
def withdraw(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    run = _run(request, pk, "withdraw", audit=False)
    enrolment = reads.enrolment_of_run(run, enrolment_pk)
    if enrolment is None:
        raise Http404
    try:
        services.withdraw(actor=_user(request), run=run, enrolment=enrolment)
    except ValidationError as error:
        reads.audit_run_read(request.user, run, purpose="training run: withdrawal refused")
        return _run_page(request, run, status=400, errors=error.messages)
    messages.success(request, _("%(name)s has withdrawn; the place is free.") % {"name": enrolment.name})
    return _to_run(run, "participants")


# --- attendance ----------------------------------------------------------------------------------------

_MARK = re.compile(r"^(\d{1,12}):(\d{1,12})$")


def _sheet(request: HttpRequest) -> tuple[list[int], set[tuple[int, int]]]:
    """The participants on the sheet and the (enrolment, unit) pairs ticked present."""
    try:
        ids = [int(value) for value in request.POST.getlist("enrolment")]
    except ValueError:
        raise ValidationError(_("The attendance sent could not be read. Open the sheet again and retry.")) from None
    marks = set()
    for value in request.POST.getlist("present"):
        match = _MARK.match(value)
        if match is None:
            raise ValidationError(_("The attendance sent could not be read. Open the sheet again and retry."))
        marks.add((int(match[1]), int(match[2])))
    return ids, marks


@train_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """A checkbox per participant enrolled and day or block; days still to come cannot be ticked."""
    posting = request.method == "POST"
    run = _run(request, pk, "record attendance" if posting else "attendance sheet", audit=not posting)
    errors: list[str] = []
    ticked: set[str] | None = None
    if posting:
        try:
            ids, marks = _sheet(request)
            changed = services.record_attendance(actor=_user(request), run=run, enrolment_ids=ids, present=marks)
        except ValidationError as error:
            errors = error.messages
            ticked = set(request.POST.getlist("present"))
            reads.audit_run_read(request.user, run, purpose="training run: attendance sent back")
        else:
            messages.success(request, ngettext("Attendance saved: %(count)d mark changed.",
                                               "Attendance saved: %(count)d marks changed.", changed)
                             % {"count": changed})
            return _to_run(run, "attendance")
    page = reads.run_page(run)
    if ticked is None:
        ticked = {f"{row.enrolment.pk}:{unit}" for row in page.enrolled for unit in row.present}
    grid = [(row, [(s, f"{row.enrolment.pk}:{s.unit.pk}") for s in page.unit_summaries]) for row in page.enrolled]
    return render(request, "training/runs/attendance.html", {
        "run": run, "course": run.course, "page": page, "grid": grid, "ticked": ticked, "errors": errors,
    }, status=400 if errors else 200)


# --- completion and certificates ---------------------------------------------------------------------

@train_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, "complete", audit=False)
    try:
        done = services.complete_run(actor=_user(request), run=run)
    except ValidationError as error:
        reads.audit_run_read(request.user, run, purpose="training run: completion refused")
        return _run_page(request, run, status=400, errors=error.messages)
    completed, missing = len(done.completed), len(done.not_completed)
    text = ngettext("The run is held. %(completed)d participant completed it now and has a certificate.",
                    "The run is held. %(completed)d participants completed it now and have a certificate.",
                    completed) % {"completed": completed}
    if missing:
        text += " " + ngettext("%(missing)d participant did not complete it: see which days they missed below.",
                               "%(missing)d participants did not complete it: see which days they missed below.",
                               missing) % {"missing": missing}
    messages.success(request, text)
    return _to_run(run, "completion")


def _filename(number: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", number).strip("-") or "certificate"
    return f"certificate-{safe}.pdf"


@signed_in_required
def certificate(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """The certificate of a completed enrolment, for the run's trainers and the participant."""
    access = enrolment_access(request.user, pk, enrolment_pk, purpose="training certificate")
    enrolment = access.enrolment
    if enrolment.completed_on is None or enrolment.status == Enrolment.Status.WITHDRAWN:
        raise Http404
    run = enrolment.run
    trainers = [reads.person_name(t) for t in run.trainers.order_by("first_name", "last_name", "username")]
    units = [(reads.unit_name(run.course.unit_kind, u.number), u.held_on) for u in run.units.order_by("number")]
    document = pdf.certificate_document(pdf.facts_of(enrolment, trainers=trainers, units=units))
    content = document.output_bytes()
    services.audit_certificate(actor=request.user, enrolment=enrolment, own=not access.as_trainer)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(enrolment.certificate_number)}"'
    response["Cache-Control"] = "no-store"
    return response
