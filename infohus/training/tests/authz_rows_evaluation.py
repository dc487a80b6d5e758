"""Authorisation-matrix rows of the evaluation pages: the questionnaire of a run, the answers before
and after, the effect, and the cost report. Each row builds its own objects (kwargs is called once
per person), so a POST by one person does not change what the next one finds.

Inside: a run of a course of the national centre, where tina trains. Outside: a run of a course
of Aarhus municipality, which has no trainer among the named people. A participant answers only
their own enrolment: rikke (resource person, Statsfængslet Østjylland) is enrolled on both runs;
another participant's enrolment is closed to her.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation
from infohus.training.demo_evaluation import load_course_evaluation
from infohus.training.models import CourseRun, Enrolment
from infohus.training.tests.factories import make_course, make_enrolment, make_run
from tests.authz import Row, allowed

TRAINER = allowed("tina")
TRAINER_AND_RIKKE = allowed("tina", "rikke")
RIKKE = allowed("rikke")
NOBODY: frozenset[str] = frozenset()

TODAY = timezone.localdate()


def _run(world: dict[str, Any], *, inside: bool = True, questionnaire: bool = True) -> CourseRun:
    """A run starting in a week (the questionnaire from before is open), with its questionnaire."""
    tina = world["people"]["tina"]
    organisation = None if inside else Organisation.objects.get(name__startswith="Aarhus")
    course = make_course(organisation=organisation, created_by=tina)
    run = make_run(course, starts_on=TODAY + timedelta(days=7), trainers=(tina,) if inside else (),
                   cost=12000)
    if questionnaire:
        CourseRun.objects.filter(pk=run.pk).update(questionnaire=load_course_evaluation())
    return run


def _enrolments(world: dict[str, Any], run: CourseRun) -> tuple[Enrolment, Enrolment]:
    """Rikke's own enrolment, and an external participant's."""
    rikke = make_enrolment(run, world["people"]["rikke"])
    other = make_enrolment(run, name="Jonas Ekstern", organisation_name="Foreningen Broen")
    return rikke, other


def run(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _run(world).pk}


def outside_run(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _run(world, inside=False).pk}


QUESTIONNAIRE: dict[str, Any] = {"version": "1"}


def run_to_attach_to(world: dict[str, Any]) -> dict[str, Any]:
    QUESTIONNAIRE["questionnaire"] = load_course_evaluation().pk
    return {"pk": _run(world, questionnaire=False).pk}


def outside_run_to_attach_to(world: dict[str, Any]) -> dict[str, Any]:
    QUESTIONNAIRE["questionnaire"] = load_course_evaluation().pk
    return {"pk": _run(world, inside=False, questionnaire=False).pk}


def _answers(world: dict[str, Any], *, inside: bool, own: bool, phase: str = "pre") -> dict[str, Any]:
    r = _run(world, inside=inside)
    rikke, other = _enrolments(world, r)
    return {"pk": r.pk, "enrolment_pk": (rikke if own else other).pk, "phase": phase}


def rikkes_answers(world: dict[str, Any]) -> dict[str, Any]:
    return _answers(world, inside=True, own=True)


def other_participants_answers(world: dict[str, Any]) -> dict[str, Any]:
    return _answers(world, inside=True, own=False)


def rikkes_answers_outside(world: dict[str, Any]) -> dict[str, Any]:
    return _answers(world, inside=False, own=True)


def other_answers_outside(world: dict[str, Any]) -> dict[str, Any]:
    return _answers(world, inside=False, own=False)


def unknown_phase(world: dict[str, Any]) -> dict[str, Any]:
    return _answers(world, inside=True, own=True, phase="during")


ANSWERS = {"a-recognise-signs": "4", "a-where-to-turn": "6", "a-learn-more": "Samtaler med unge."}

# A page opens (200); a write is done and redirects (302: a form sent back with errors is 400).
PAGE = frozenset({200})
DONE = frozenset({302})


def page(route: str, who: frozenset[str], kwargs: Any = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=PAGE, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any], note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs, method="POST", data=data, ok=DONE, note=note)


ROWS = [
    page("training:questionnaire_choose", TRAINER, run, note="a run of the centre, where tina trains"),
    page("training:questionnaire_choose", NOBODY, outside_run, note="a run of an Aarhus course"),
    write("training:questionnaire_choose", TRAINER, run_to_attach_to, QUESTIONNAIRE),
    write("training:questionnaire_choose", NOBODY, outside_run_to_attach_to, QUESTIONNAIRE,
          note="a forged POST outside the trainer's runs"),
    page("training:answers_record", TRAINER_AND_RIKKE, rikkes_answers,
         note="the participant's own enrolment, and the trainers of the run"),
    page("training:answers_record", TRAINER, other_participants_answers,
         note="another participant's enrolment is closed to rikke"),
    page("training:answers_record", RIKKE, rikkes_answers_outside,
         note="rikke's own enrolment on a run tina does not train on"),
    page("training:answers_record", NOBODY, other_answers_outside),
    page("training:answers_record", NOBODY, unknown_phase, note="a phase other than pre or post is 404"),
    write("training:answers_record", TRAINER_AND_RIKKE, rikkes_answers, ANSWERS),
    write("training:answers_record", TRAINER, other_participants_answers, ANSWERS,
          note="a trainer types in a paper form; another participant cannot"),
    write("training:answers_record", NOBODY, other_answers_outside, ANSWERS, note="a forged POST"),
    page("training:run_evaluation", TRAINER, run),
    page("training:run_evaluation", NOBODY, outside_run),
    page("training:cost_report", TRAINER, note="runs of the trainer's own organisations only"),
]
