"""Pages of the questionnaires before and after a run, their effect, and the cost report.

Who: the trainers of a run attach its questionnaire, read its effect and the cost report of their
organisations' runs; a participant answers the questionnaires of their own enrolment, and a
trainer of the run may type in a paper form for anyone enrolled. Every run and enrolment is
fetched through selectors/access.py (404 otherwise, audited). The rules are in
services/evaluation.py; refused input comes back with a 400, the message at its question and
nothing typed lost.
"""

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required, signed_in_required
from infohus.accounts.roles import Capability
from infohus.assessments.forms_recording import AnswersForm
from infohus.core import exports
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import put_back
from infohus.training import forms_evaluation as f
from infohus.training.exports import cost_tables
from infohus.training.models import CourseRun, Phase
from infohus.training.selectors import costs
from infohus.training.selectors import evaluation as reads
from infohus.training.selectors.access import EnrolmentAccess, enrolment_access, run_access
from infohus.training.services import evaluation as services
from infohus.training.statistics import RunEffect, rounded

train_required = capability_required(Capability.TRAIN)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _to_evaluation(run: CourseRun, anchor: str = "") -> HttpResponse:
    return redirect(reverse("training:run_evaluation", args=[run.pk]) + (f"#{anchor}" if anchor else ""))


# --- the questionnaire of a run ----------------------------------------------------------------------

@train_required
def questionnaire_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a course evaluation to the run, or take it off, until someone has answered."""
    posting = request.method == "POST"
    # The page names no participant, so opening it is not a read of personal data.
    run = run_access(request.user, pk, purpose="course evaluation: questionnaire", audit=False)
    versions = list(reads.training_questionnaires())
    form = f.QuestionnaireForm(request.POST if posting else None, versions=versions,
                               initial={"questionnaire": run.questionnaire_id, "version": run.version})
    status = 400 if posting else 200
    context: dict[str, Any] = {}
    if posting and form.is_valid():
        try:
            services.attach_questionnaire(run=run, actor=_user(request), questionnaire=form.chosen(),
                                          expected_version=form.cleaned_data["version"])
        except StaleEdit as stale:
            run = stale.current
            # The choice stays; the version now names what the trainer has seen, so saving again
            # is a choice made knowing the other change.
            data = request.POST.copy()
            data["version"] = str(run.version)
            form = f.QuestionnaireForm(data, versions=versions)
            form.is_valid()
            status, context["stale"] = 409, True
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The questionnaire was saved. Participants can answer it before and after "
                                        "the course."))
            return _to_evaluation(run)
    elif posting and "version" in form.errors:
        # The hidden version is not shown at a field, so say it above the form.
        form.add_error(None, _("The form was incomplete. Open the page again and choose once more."))
    return render(request, "training/evaluation/questionnaire.html", {
        "run": run, "form": form, "versions": versions, "answered": reads.answers_count(run), **context,
    }, status=status)


# --- answering -----------------------------------------------------------------------------------------

def _after_saving(request: HttpRequest, access: EnrolmentAccess) -> HttpResponse:
    if access.as_trainer:
        return _to_evaluation(access.enrolment.run, "answers")
    return redirect("training:my_training")


@signed_in_required
def answers_record(request: HttpRequest, pk: int, enrolment_pk: int, phase: str) -> HttpResponse:
    """One phase of one enrolment's questionnaire: the participant's own, or a paper form typed
    in by a trainer of the run. Answering again replaces that phase's answers."""
    if phase not in Phase.values:
        raise Http404
    posting = request.method == "POST"
    access = enrolment_access(request.user, pk, enrolment_pk, purpose=f"course evaluation: answers {phase}")
    enrolment = access.enrolment
    run = enrolment.run
    saved = reads.answer_of(enrolment, phase)
    has_pre = saved is not None if phase == Phase.PRE else reads.answer_of(enrolment, Phase.PRE) is not None
    fields = reads.questionnaire_fields(run.questionnaire_id) if run.questionnaire_id else []
    problems: list[str] = []
    if posting:
        form = AnswersForm(fields, data=request.POST)
        try:
            services.record_answers(access=access, actor=_user(request), phase=phase,
                                    raw_answers=form.raw_answers())
        except ValidationError as error:
            by_key = dict(error.message_dict)
            problems = by_key.pop(NON_FIELD_ERRORS, [])
            form.add_errors({key: " ".join(texts) for key, texts in by_key.items()})
        else:
            messages.success(request, _("The answers were saved."))
            return _after_saving(request, access)
        refusal = ""
    else:
        form = AnswersForm(fields, answers=saved.answers if saved else None)
        refusal = services.answering_refusal(enrolment, phase, as_trainer=access.as_trainer, has_pre=has_pre)
    return render(request, "training/evaluation/answers.html", {
        "enrolment": enrolment, "run": run, "phase": phase, "phase_label": Phase(phase).label,
        "as_trainer": access.as_trainer, "saved": saved, "form": form, "sections": form.sections(),
        "error_list": form.error_list(), "problems": problems, "refusal": refusal,
        "pre_missing": phase == Phase.POST and not has_pre,
    }, status=400 if posting else 200)


# --- the effect of a run ------------------------------------------------------------------------------

def _chart(effect: RunEffect | None) -> dict[str, Any] | None:
    """Mean before and mean after for each question with enough pairs (numbered as in the table)."""
    if effect is None:
        return None
    drawn = [(n, q) for n, q in enumerate(effect.questions, start=1) if not q.effect.too_few]
    if not drawn:
        return None
    return {
        "labels": [_("Question %(number)d") % {"number": n} for n, _q in drawn],
        "series": [
            {"label": _("Mean before the course"),
             "values": [float(rounded(q.effect.mean_before)) for _n, q in drawn]},
            {"label": _("Mean after the course"),
             "values": [float(rounded(q.effect.mean_after)) for _n, q in drawn]},
        ],
        "min": 0, "max": 10, "yTitle": _("Mean on the scale from 0 to 10"), "xTitle": _("Question"),
    }


@train_required
def run_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """The effect of the run on each question and overall, and whose questionnaires are in."""
    run = run_access(request.user, pk, purpose="course evaluation")
    effect = reads.run_effect(run)
    return render(request, "training/evaluation/run.html", {
        "run": run, "effect": effect, "chart": _chart(effect), "statuses": reads.answer_statuses(run),
        "today": timezone.localdate(),
    })


# --- the cost report -------------------------------------------------------------------------------------

@train_required
def cost_report(request: HttpRequest) -> HttpResponse:
    """Cost per run and per participant, and participants by kind of organisation, of the runs of
    the trainer's organisations that start in a period; as a page, CSV or XLSX."""
    start, end = f.current_year(timezone.localdate())
    given = any(key in request.GET for key in ("from", "to", "kind"))
    data = {"from": request.GET.get("from", start.isoformat()), "to": request.GET.get("to", end.isoformat()),
            "kind": request.GET.get("kind", "")}
    form = f.CostReportForm(data if given else None, initial={"from": start, "to": end, "kind": ""})
    if given and not form.is_valid():
        return render(request, "training/costs/report.html", {"form": form}, status=400)
    kind = ""
    if given:
        start, end, kind = form.cleaned_data["from"], form.cleaned_data["to"], form.cleaned_data["kind"]
    report = costs.cost_report(request.user, start=start, end=end, kind=kind)
    query = urlencode({"from": start.isoformat(), "to": end.isoformat(), "kind": kind})
    wanted = request.GET.get("format", "")
    if wanted in ("csv", "xlsx"):
        runs, kinds = cost_tables(report)
        stem = f"training-costs-{start.isoformat()}-{end.isoformat()}" + (f"-{kind}" if kind else "")
        if wanted == "xlsx":
            return exports.xlsx_response([runs, kinds], f"{stem}.xlsx")
        if request.GET.get("table") == "kinds":
            return exports.csv_response(kinds, f"{stem}-by-organisation-kind.csv")
        return exports.csv_response(runs, f"{stem}.csv")
    return render(request, "training/costs/report.html", {"form": form, "report": report, "query": query})
