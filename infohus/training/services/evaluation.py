"""Questionnaires before and after a run: attaching one to a run, and recording the answers.

A run's questionnaire is a published instrument made for course evaluations (use "training"); it
cannot be changed once an answer exists, since the answers were given to its questions. Answers
are recorded by the participant for their own enrolment, or by a trainer of the run typing in a
paper form. One row per phase: answering again replaces the answers of that phase. Every write
is audited without its content.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.assessments.engine import clean_answers
from infohus.assessments.models import Instrument, InstrumentVersion
from infohus.audit.services import record_event
from infohus.core.concurrency import StaleEdit
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.access import EnrolmentAccess
from infohus.training.selectors.evaluation import answers_count, questionnaire_fields


def _refuse(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


@transaction.atomic
def attach_questionnaire(*, run: CourseRun, actor: User, questionnaire: InstrumentVersion | None,
                         expected_version: int, purpose: str = "course evaluation") -> CourseRun:
    """Attach a questionnaire to the run (None: take it off), unless answers exist already."""
    current = (CourseRun.objects.select_for_update(of=("self",)).select_related("questionnaire__instrument")
               .get(pk=run.pk))
    if current.version != expected_version:
        raise StaleEdit(current)
    if current.status == CourseRun.Status.CANCELLED:
        raise ValidationError({"questionnaire": _("This run was cancelled, so it takes no questionnaire.")})
    if questionnaire is not None and not (questionnaire.is_published
                                          and questionnaire.instrument.use == Instrument.Use.TRAINING):
        raise ValidationError({"questionnaire": _("Choose a published course evaluation.")})
    new_id = questionnaire.pk if questionnaire is not None else None
    if new_id == current.questionnaire_id:
        return current
    answered = answers_count(current)
    if answered:
        assert current.questionnaire is not None
        raise ValidationError({"questionnaire": _(
            "%(count)d answers have been given to “%(name)s”, so the run's questionnaire can no longer be changed."
        ) % {"count": answered, "name": current.questionnaire.instrument.name}})
    current.questionnaire = questionnaire
    current.version += 1
    current.save(update_fields=["questionnaire", "version"])
    details: dict[str, Any] = {"version": current.version}
    if questionnaire is not None:
        details.update(questionnaire=questionnaire.pk, instrument=questionnaire.instrument.slug,
                       instrument_version=questionnaire.number)
    record_event(action="training.questionnaire_attached" if questionnaire else "training.questionnaire_removed",
                 actor=actor, object_type="course_run", object_id=current.pk, purpose=purpose, details=details)
    return current


def answering_refusal(enrolment: Enrolment, phase: str, *, as_trainer: bool, has_pre: bool,
                      today: date | None = None) -> str:
    """Why this phase cannot be answered now ("" when it can). A participant answers the
    questionnaire from before until the course has ended; a trainer typing in a paper form may
    record it until the run is marked as held. The one from after opens on the first day, and
    only once the one from before is in."""
    today = today or timezone.localdate()
    run = enrolment.run
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return _("This enrolment was withdrawn, so its questionnaires cannot be answered.")
    if run.status == CourseRun.Status.CANCELLED:
        return _("This run was cancelled, so its questionnaires cannot be answered.")
    if run.questionnaire_id is None:
        return _("No questionnaire is attached to this run yet.")
    if phase == Phase.PRE:
        if run.status == CourseRun.Status.HELD:
            return _("The run has been held, so the questionnaire from before the course can no longer be "
                     "recorded.")
        if not as_trainer and run.ends_on < today:
            return _("The course ended on %(day)s, so the questionnaire from before it can no longer be answered.") \
                % {"day": date_format(run.ends_on, "Y-m-d")}
        return ""
    if run.starts_on > today:
        return _("The questionnaire from after the course opens on the course's first day, %(day)s.") \
            % {"day": date_format(run.starts_on, "Y-m-d")}
    if not has_pre:
        return _("Answer the questionnaire from before the course first.")
    return ""


@transaction.atomic
def record_answers(*, access: EnrolmentAccess, actor: User, phase: str, raw_answers: Mapping[str, Any],
                   today: date | None = None, purpose: str = "course evaluation") -> QuestionnaireAnswer:
    """Record (or replace) the answers of one phase. Refused with a message per question whose
    answer does not fit, or one message when the phase is not open."""
    if phase not in Phase.values:
        raise _refuse(_("Choose the questionnaire from before or after the course."))
    # The enrolment is locked so two saves of the same phase cannot cross; the run is read fresh
    # (its questionnaire or status may have changed since the page was opened).
    enrolment = (Enrolment.objects.select_for_update(of=("self",)).select_related("run")
                 .get(pk=access.enrolment.pk))
    has_pre = QuestionnaireAnswer.objects.filter(enrolment=enrolment, phase=Phase.PRE).exists()
    refusal = answering_refusal(enrolment, phase, as_trainer=access.as_trainer, has_pre=has_pre, today=today)
    if refusal:
        raise _refuse(refusal)
    questionnaire_id = enrolment.run.questionnaire_id
    assert questionnaire_id is not None
    answers, errors = clean_answers(questionnaire_fields(questionnaire_id), raw_answers)
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    if not answers:
        raise _refuse(_("Answer at least one question before you save."))
    answer, created = QuestionnaireAnswer.objects.update_or_create(
        enrolment=enrolment, phase=phase,
        defaults={"questionnaire_id": questionnaire_id, "answers": answers, "recorded_by": actor})
    record_event(action="training.answers_recorded", actor=actor, object_type="enrolment", object_id=enrolment.pk,
                 purpose=purpose, details={"run": enrolment.run_id, "phase": phase, "answered": len(answers),
                                           "by": "trainer" if access.as_trainer else "participant",
                                           "replaced": not created})
    return answer
