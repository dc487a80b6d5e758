"""The done-when test: a run of 30 paired participants (and two who do not count) gives exactly the
figures computed by hand in docs/training-evaluation.md, both from run_effect and on the page.

The figures are read from the table between the worked-example markers of the documentation, so
the documentation and the code cannot drift apart."""

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from infohus.accounts.models import User
from infohus.training.demo_evaluation import load_course_evaluation
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.evaluation import run_effect
from infohus.training.statistics import Effect, Verdict, rounded
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
DOC = Path(settings.BASE_DIR) / "docs" / "training-evaluation.md"

# Per question: (before, after) for the groups A, B and C of ten participants each.
GROUPS: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "recognise-signs": ((4, 5), (5, 7), (3, 6)),
    "where-to-turn": ((3, 3), (4, 6), (2, 6)),
    "unsure-what-to-do": ((6, 5), (7, 4), (5, 3)),
    "talk-with-colleagues": ((5, 5), (4, 5), (6, 5)),
}


def documented() -> dict[str, list[str]]:
    """The worked example's table: question key → its cells (n, means, change, sd, interval, words)."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- worked-example:start -->")[1].split("<!-- worked-example:end -->")[0]
    lines = [line.strip() for line in block.strip().splitlines()][2:]  # the header and its rule
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return {row[0]: row[1:] for row in rows}


def _answers(group: int, position: int, phase: str) -> dict[str, Any]:
    index = 0 if phase == Phase.PRE else 1
    answers: dict[str, Any] = {key: values[group][index] for key, values in GROUPS.items()}
    # Question 4: answered both times by two of A (5 → 5) and two of C (4 → 5); B before only.
    if group == 0 and position < 2:
        answers["talk-about-views"] = 5
    elif group == 2 and position < 2:
        answers["talk-about-views"] = 4 if phase == Phase.PRE else 5
    elif group == 1 and phase == Phase.PRE:
        answers["talk-about-views"] = 6
    if phase == Phase.POST and position == 0:
        answers["learn-more"] = "Mere om samtaler med unge på nettet."
    return answers


@pytest.fixture
def worked_example(people: dict[str, User]) -> CourseRun:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina, title="PSP-kursus"), trainers=(tina,), capacity=40)
    version = load_course_evaluation()
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=version)
    run.refresh_from_db()
    rows: list[QuestionnaireAnswer] = []
    for group in range(3):
        for position in range(10):
            enrolment = make_enrolment(run, name=f"Deltager {'ABC'[group]}{position + 1}")
            for phase in (Phase.PRE, Phase.POST):
                rows.append(QuestionnaireAnswer(enrolment=enrolment, phase=phase, questionnaire=version,
                                                answers=_answers(group, position, phase), recorded_by=tina))
    # Two who do not count: one withdrew (0 before, 10 after on every question), one answered before only.
    withdrawn = make_enrolment(run, name="Udtrådt Deltager", status=Enrolment.Status.WITHDRAWN)
    everything = [*GROUPS, "talk-about-views"]
    rows += [QuestionnaireAnswer(enrolment=withdrawn, phase=Phase.PRE, questionnaire=version, recorded_by=tina,
                                 answers=dict.fromkeys(everything, 0)),
             QuestionnaireAnswer(enrolment=withdrawn, phase=Phase.POST, questionnaire=version, recorded_by=tina,
                                 answers=dict.fromkeys(everything, 10)),
             QuestionnaireAnswer(enrolment=make_enrolment(run, name="Kun Før"), phase=Phase.PRE,
                                 questionnaire=version, recorded_by=tina, answers=dict.fromkeys(everything, 1))]
    QuestionnaireAnswer.objects.bulk_create(rows)
    return run


WORDS = {"Answers rose": Verdict.ROSE, "Answers fell": Verdict.FELL, "No clear change": Verdict.NO_CLEAR_CHANGE,
         "Too few": Verdict.TOO_FEW}


def _figures(effect: Effect) -> list[str]:
    if effect.too_few:
        return [str(effect.n), "", "", "", "", ""]
    return [str(effect.n), rounded(effect.mean_before), rounded(effect.mean_after), rounded(effect.mean_change),
            rounded(effect.sd), f"{rounded(effect.low)} to {rounded(effect.high)}"]


def _verdict(words: str) -> Verdict:
    return next(verdict for start, verdict in WORDS.items() if words.startswith(start))


def test_the_documentation_has_every_question_and_the_overall_row() -> None:
    assert list(documented()) == ["recognise-signs", "where-to-turn", "unsure-what-to-do", "talk-about-views",
                                  "talk-with-colleagues", "overall"]


def test_run_effect_gives_the_documented_figures(worked_example: CourseRun,
                                                 django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(2):
        effect = run_effect(worked_example)
    assert effect is not None
    expected = documented()
    assert effect.participants == 30
    for question in effect.questions:
        cells = expected[question.key]
        assert _figures(question.effect) == cells[:6], question.key
        assert question.effect.verdict == _verdict(cells[6]), question.key
    overall = expected["overall"]
    e = effect.overall
    assert [str(e.n), rounded(e.mean_change), rounded(e.sd), f"{rounded(e.low)} to {rounded(e.high)}"] == \
        [overall[0], *overall[3:6]]
    assert overall[1:3] == ["", ""]
    assert e.verdict == _verdict(overall[6])


def _cells(page: str, key: str) -> dict[str, str]:
    row = re.search(rf'<tr data-question="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert row is not None, key
    found = re.findall(r'<td data-figure="([\w-]+)">(.*?)</td>', row.group(1), re.S)
    return {name: " ".join(html.unescape(re.sub(r"<[^>]+>", "", value)).split()) for name, value in found}


def test_the_page_shows_the_documented_figures(worked_example: CourseRun,
                                               signed_in: Callable[[str], Client]) -> None:
    response = signed_in("tina").get(reverse("training:run_evaluation", args=[worked_example.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    names = ["n", "mean-before", "mean-after", "mean-change", "sd", "interval"]
    for key, cells in documented().items():
        shown = _cells(page, key)
        if key == "overall" or cells[1] == "":
            # Too few, or overall: no means before and after.
            assert "mean-before" not in shown and "mean-after" not in shown, key
        expected = {name: value for name, value in zip(names, cells[:6], strict=True) if value}
        assert {name: shown[name] for name in expected} == expected, key
        assert shown["words"] == cells[6], key
    assert "30 participants answered both before and after." in page
    assert "Overall: Answers rose by 0.5 points on average." in " ".join(re.sub(r"<[^>]+>", "", page).split())
