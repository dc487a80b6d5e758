"""The course evaluation shipped with Infohus, and synthetic answers for the demo.

load_course_evaluation() publishes infohus/training/questionnaires/course-evaluation.json through
the assessments engine (safe to run again: an unchanged file is left alone). add_demo_evaluation()
attaches it to a demo run and types in invented paper forms for its participants, before and
after, through the same services as the pages (so every write is audited). Everything it writes
is invented.
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from infohus.accounts.models import User
from infohus.assessments.models import FieldKind, InstrumentVersion
from infohus.assessments.services.instruments import load_definition
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.access import enrolment_access
from infohus.training.selectors.evaluation import questionnaire_fields
from infohus.training.services import evaluation as services

PURPOSE = "demo data"
QUESTIONNAIRE = Path(__file__).resolve().parent / "questionnaires" / "course-evaluation.json"


def course_evaluation_definition() -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(QUESTIONNAIRE.read_text(encoding="utf-8"))
    return definition


@transaction.atomic
def load_course_evaluation(*, actor: User | None = None) -> InstrumentVersion:
    """The published course evaluation: loaded from the shipped file, or the version already there."""
    version, _new = load_definition(definition=course_evaluation_definition(), actor=actor)
    return version


def _demo_answers(fields: list[Any], n: int, phase: str) -> dict[str, Any]:
    """Invented answers: before, a spread of middling numbers; after, most a little higher (the
    question on being unsure a little lower), some unchanged, and one question sometimes skipped."""
    answers: dict[str, Any] = {}
    for position, field in enumerate(fields):
        if field.kind != FieldKind.SCALE:
            continue
        if phase == Phase.POST and position == 3 and n % 3 == 0:
            continue  # not everyone answers every question
        before = 3 + (n + position) % 4
        step = (n + position) % 3
        if phase == Phase.PRE:
            answers[field.key] = before
        elif field.key == "unsure-what-to-do":
            answers[field.key] = max(0, before - step)
        else:
            answers[field.key] = min(10, before + step)
    if phase == Phase.POST and n % 2 == 0:
        answers["learn-more"] = "Mere om samtaler med unge, der deler ekstremt indhold på nettet."
    return answers


@transaction.atomic
def add_demo_evaluation(run: CourseRun, *, trainer: User) -> int:
    """Attach the course evaluation to the run and type in a paper form before and after for each
    participant (after only where the run has started). Call it before the run is marked as held:
    from then on the questionnaire from before can no longer be recorded. Returns the number of
    answers recorded (0 when the run has answers already)."""
    if QuestionnaireAnswer.objects.filter(enrolment__run=run).exists():
        return 0
    version = load_course_evaluation(actor=trainer)
    run = services.attach_questionnaire(run=run, actor=trainer, questionnaire=version,
                                        expected_version=run.version, purpose=PURPOSE)
    fields = questionnaire_fields(version.pk)
    made = 0
    enrolments = Enrolment.objects.filter(run=run, status=Enrolment.Status.ENROLLED).order_by("pk")
    for n, enrolment in enumerate(enrolments):
        access = enrolment_access(trainer, run.pk, enrolment.pk, purpose=PURPOSE)
        has_pre = False
        for phase in (Phase.PRE, Phase.POST):
            if services.answering_refusal(access.enrolment, phase, as_trainer=True, has_pre=has_pre):
                continue
            services.record_answers(access=access, actor=trainer, phase=phase,
                                    raw_answers=_demo_answers(fields, n, phase), purpose=PURPOSE)
            has_pre = True
            made += 1
    return made
