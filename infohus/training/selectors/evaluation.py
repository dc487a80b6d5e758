"""Reads of the questionnaires answered before and after a run, and of their effect.

run_effect(run) is what the run page's summary and the evaluation page show: two queries (the
scale questions, then the answers), whatever the number of participants; the arithmetic is in
statistics.py. Every function here takes a run or an enrolment that the access selectors
(selectors/access.py) have already fetched for the user, so none of them decides who may read.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from infohus.assessments.models import Field, FieldKind, Instrument, InstrumentVersion
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.statistics import RunEffect, run_effect_of

# Files cannot be answered on a questionnaire page; every other kind of field can.
NOT_ANSWERABLE = (FieldKind.ATTACHMENT,)
FIELD_ORDER = ("section__order", "section__pk", "order", "pk")


def training_questionnaires() -> QuerySet[InstrumentVersion]:
    """Published versions of the instruments made for course evaluations, newest first."""
    return (InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED,
                                             instrument__use=Instrument.Use.TRAINING)
            .select_related("instrument").order_by("instrument__slug", "-number"))


def questionnaire_fields(version_id: int) -> list[Field]:
    """The questions of a questionnaire in their order (one query). Signing does not apply to a
    questionnaire, so every question may be skipped whatever the instrument says."""
    fields = list(Field.objects.filter(version_id=version_id).exclude(kind__in=NOT_ANSWERABLE)
                  .select_related("section").order_by(*FIELD_ORDER))
    for field in fields:
        field.required = False
    return fields


def run_effect(run: CourseRun) -> RunEffect | None:
    """The effect of the run on each scale question and overall; None without a questionnaire.
    Two queries: the scale questions, and the answers of the enrolments that are not withdrawn."""
    if run.questionnaire_id is None:
        return None
    questions = [(f.key, f.label) for f in Field.objects.filter(version_id=run.questionnaire_id, kind=FieldKind.SCALE)
                 .order_by(*FIELD_ORDER)]
    rows = (QuestionnaireAnswer.objects.filter(enrolment__run_id=run.pk, enrolment__status=Enrolment.Status.ENROLLED,
                                               questionnaire_id=run.questionnaire_id)
            .order_by("enrolment_id").values_list("enrolment_id", "phase", "answers"))
    by_enrolment: dict[int, dict[str, dict[str, Any]]] = {}
    for enrolment_id, phase, answers in rows:
        by_enrolment.setdefault(enrolment_id, {})[phase] = answers if isinstance(answers, dict) else {}
    pairs = [(given[Phase.PRE], given[Phase.POST]) for given in by_enrolment.values()
             if Phase.PRE in given and Phase.POST in given]
    return run_effect_of(questions, pairs)


def answer_of(enrolment: Enrolment, phase: str) -> QuestionnaireAnswer | None:
    return (QuestionnaireAnswer.objects.select_related("recorded_by")
            .filter(enrolment=enrolment, phase=phase).first())


def answers_count(run: CourseRun) -> int:
    """How many answers (before and after together) are recorded on the run."""
    return QuestionnaireAnswer.objects.filter(enrolment__run_id=run.pk).count()


@dataclass(frozen=True)
class AnswerStatus:
    """Whether a participant's questionnaires are in (not what they say)."""

    enrolment: Enrolment
    pre_at: datetime | None
    post_at: datetime | None


def answer_statuses(run: CourseRun) -> list[AnswerStatus]:
    """Every enrolment of the run with when each questionnaire was recorded, in one query."""
    def recorded(phase: str) -> Subquery:
        return Subquery(QuestionnaireAnswer.objects.filter(enrolment_id=OuterRef("pk"), phase=phase)
                        .values("recorded_at")[:1])

    enrolments = (Enrolment.objects.filter(run_id=run.pk).annotate(pre_at=recorded(Phase.PRE),
                                                                   post_at=recorded(Phase.POST))
                  .order_by("status", "name", "pk"))
    return [AnswerStatus(enrolment=e, pre_at=e.pre_at, post_at=e.post_at) for e in enrolments]


@dataclass(frozen=True)
class OpenQuestionnaire:
    enrolment: Enrolment
    phase: str
    answered_at: datetime | None


def questionnaires_of(user: Any) -> list[OpenQuestionnaire]:
    """The user's own enrolments (not withdrawn) on runs with a questionnaire that are not
    cancelled, each phase with when it was answered (None: not yet), for the user's own training
    page. Which phase is open today is for services.evaluation.answering_refusal to say. Two
    queries."""
    if not getattr(user, "is_authenticated", False):
        return []
    enrolments = list(Enrolment.objects.filter(user=user, status=Enrolment.Status.ENROLLED,
                                               run__questionnaire__isnull=False)
                      .exclude(run__status=CourseRun.Status.CANCELLED)
                      .select_related("run__course").order_by("-run__starts_on", "pk"))
    answered = {(a.enrolment_id, a.phase): a.recorded_at for a in
                QuestionnaireAnswer.objects.filter(enrolment__in=[e.pk for e in enrolments]).only(
                    "enrolment_id", "phase", "recorded_at")}
    return [OpenQuestionnaire(enrolment=e, phase=phase, answered_at=answered.get((e.pk, phase)))
            for e in enrolments for phase in (Phase.PRE, Phase.POST)]
