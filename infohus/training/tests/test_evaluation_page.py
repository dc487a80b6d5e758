"""The evaluation page of a run and the effect summary of the run page: the figures with their words,
the chart beside a table (drawn only for questions with enough pairs, run under the strict CSP),
whose questionnaires are in (never what they say), the audit of the read, and the query pin."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.training.demo_evaluation import load_course_evaluation
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.evaluation import run_effect
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved: 3), the run (1) and
# its audited read (4, +1 on PostgreSQL's advisory lock), the scale questions and the answers (2), the
# enrolments with when they answered (1), the questionnaire's instrument (1).
EVALUATION_QUERIES = 17


def url(run: CourseRun) -> str:
    return reverse("training:run_evaluation", args=[run.pk])


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return " ".join(response.content.decode().split())


@pytest.fixture
def run(people: People) -> CourseRun:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina, title="PSP-kursus"), trainers=(tina,), capacity=100)
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=load_course_evaluation())
    run.refresh_from_db()
    return run


def paired(run: CourseRun, by: User, count: int, *, before: dict[str, Any], after: dict[str, Any],
           prefix: str = "Deltager") -> list[Enrolment]:
    enrolments = [make_enrolment(run, name=f"{prefix} {n}") for n in range(count)]
    QuestionnaireAnswer.objects.bulk_create(
        QuestionnaireAnswer(enrolment=e, phase=phase, questionnaire_id=run.questionnaire_id, recorded_by=by,
                            answers=answers)
        for e in enrolments for phase, answers in ((Phase.PRE, before), (Phase.POST, after)))
    return enrolments


def test_no_questionnaire_yet(signed_in: ClientFor, people: People) -> None:
    tina = people["tina"]
    bare = make_run(make_course(created_by=tina), trainers=(tina,))
    page = page_of(signed_in("tina").get(url(bare)))
    assert "No questionnaire is attached to this run, so its effect cannot be shown." in page
    assert f'href="{reverse("training:questionnaire_choose", args=[bare.pk])}">Attach a questionnaire</a>' in page
    assert 'id="effect-chart"' not in page


def test_too_few_pairs_are_said_in_words_and_not_drawn(signed_in: ClientFor, people: People,
                                                       run: CourseRun) -> None:
    paired(run, people["tina"], 3, before={"recognise-signs": 4}, after={"recognise-signs": 7})
    page = page_of(signed_in("tina").get(url(run)))
    assert "Too few paired answers to tell (3 of the 5 needed)" in page
    assert 'data-testid="effect-chart"' not in page and "chart.umd.min.js" not in page


def test_the_chart_draws_questions_with_enough_pairs_beside_the_table(signed_in: ClientFor, people: People,
                                                                      run: CourseRun) -> None:
    paired(run, people["tina"], 5, before={"recognise-signs": 4, "where-to-turn": 2},
           after={"recognise-signs": 6, "where-to-turn": 3})
    paired(run, people["tina"], 2, before={"unsure-what-to-do": 6}, after={"unsure-what-to-do": 2}, prefix="Få")
    response = signed_in("tina").get(url(run))
    page = page_of(response)
    data = json.loads(re.search(r'<script id="effect-chart-data" type="application/json">(.*?)</script>',
                                page).group(1))  # type: ignore[union-attr]
    assert data["labels"] == ["Question 1", "Question 2"]
    assert data["series"] == [{"label": "Mean before the course", "values": [4.0, 2.0]},
                              {"label": "Mean after the course", "values": [6.0, 3.0]}]
    assert (data["min"], data["max"]) == (0, 10)
    # The table holds the same numbers, so the page reads the same without JavaScript.
    assert '<td data-figure="mean-before">4.00</td><td data-figure="mean-after">6.00</td>' in page
    assert "Answers rose by 2.0 points on average" in page
    assert "Too few paired answers to tell (2 of the 5 needed)" in page
    # The canvas stays hidden until the script draws it; the script runs with the page's nonce.
    assert '<canvas id="effect-chart" role="img" hidden' in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js"></script>' in page
    assert f'<script nonce="{nonce}">' in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert all("src=" in tag or "nonce=" in tag or 'type="application/json"' in tag for tag in scripts)


def test_whose_questionnaires_are_in_and_never_what_they_say(signed_in: ClientFor, people: People,
                                                             run: CourseRun) -> None:
    tina = people["tina"]
    both = make_enrolment(run, name="Bente Begge")
    before_only = make_enrolment(run, name="Frida Foer")
    withdrawn = make_enrolment(run, name="Ulla Udtraadt", status=Enrolment.Status.WITHDRAWN)
    for enrolment, phase in ((both, Phase.PRE), (both, Phase.POST), (before_only, Phase.PRE)):
        QuestionnaireAnswer.objects.create(enrolment=enrolment, phase=phase, questionnaire_id=run.questionnaire_id,
                                           recorded_by=tina, answers={"recognise-signs": 3,
                                                                      "learn-more": "Hemmelig tekst"})
    page = page_of(signed_in("tina").get(url(run)))
    day = TODAY.isoformat()
    row = re.search(rf'<tr data-enrolment="{both.pk}">(.*?)</tr>', page).group(1)  # type: ignore[union-attr]
    assert row.count(f"Answered {day}") == 2
    row = re.search(rf'<tr data-enrolment="{before_only.pk}">(.*?)</tr>', page).group(1)  # type: ignore[union-attr]
    assert f"Answered {day}" in row and "Not yet" in row
    post = reverse("training:answers_record", args=[run.pk, before_only.pk, "post"])
    assert f'href="{post}">Type in a paper form' in row
    row = re.search(rf'<tr data-enrolment="{withdrawn.pk}">(.*?)</tr>', page).group(1)  # type: ignore[union-attr]
    assert "(withdrawn, not counted)" in row and "Type in a paper form" not in row
    assert "Hemmelig tekst" not in page
    assert "1 participant answered both before and after." in page


def test_opening_the_page_is_an_audited_read(signed_in: ClientFor, run: CourseRun) -> None:
    signed_in("tina").get(url(run))
    event = AuditEvent.objects.get(action="training.run_viewed")
    assert (event.actor_username, event.object_id, event.purpose) == ("tina", str(run.pk), "course evaluation")


def test_the_page_queries_do_not_grow_with_participants(signed_in: ClientFor, people: People, run: CourseRun,
                                                        django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    counts = []
    for total in (1, 40):
        paired(run, people["tina"], total, before={"recognise-signs": 4, "where-to-turn": 5},
               after={"recognise-signs": 6, "where-to-turn": 5}, prefix=f"P{total}")
        with django_assert_max_num_queries(EVALUATION_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url(run)))
        counts.append(len(queries))
        assert page.count("<tr data-enrolment=") == (1 if total == 1 else 41)
    assert counts[0] == counts[1]


# --- the summary on the run page --------------------------------------------------------------------------

def test_run_effect_without_a_questionnaire_is_none_and_free(people: People,
                                                             django_assert_max_num_queries: Any) -> None:
    tina = people["tina"]
    bare = make_run(make_course(created_by=tina), trainers=(tina,))
    with django_assert_max_num_queries(0):
        assert run_effect(bare) is None
    html = render_to_string("training/_effect_summary.html", {"effect": None, "run": bare})
    assert "No questionnaire is attached to this run, so its effect cannot be shown." in html
    assert reverse("training:questionnaire_choose", args=[bare.pk]) in html


def test_the_summary_shows_each_question_and_overall_in_words(people: People, run: CourseRun,
                                                              django_assert_max_num_queries: Any) -> None:
    paired(run, people["tina"], 6, before={"recognise-signs": 4, "unsure-what-to-do": 7},
           after={"recognise-signs": 4, "unsure-what-to-do": 5})
    with django_assert_max_num_queries(2):
        effect = run_effect(run)
    html = " ".join(render_to_string("training/_effect_summary.html", {"effect": effect, "run": run}).split())
    assert '<h2 id="effect-heading">Effect of the course</h2>' in html
    assert "6 participants answered both before and after." in html
    assert "No clear change" in html  # recognise-signs: 4 → 4
    assert "Answers fell by 2.0 points on average" in html
    # Overall: each participant's own mean change (0 − 2) ÷ 2 = −1.
    assert "<strong>Overall: Answers fell by 1.0 points on average.</strong>" in html
    assert "Too few paired answers to tell (0 of the 5 needed)" in html  # questions nobody answered
    assert "mean-before" not in html  # the summary leaves the means to the full page
    assert reverse("training:run_evaluation", args=[run.pk]) in html


def test_withdrawn_participants_do_not_count(people: People, run: CourseRun) -> None:
    paired(run, people["tina"], 5, before={"recognise-signs": 4}, after={"recognise-signs": 5})
    gone = paired(run, people["tina"], 1, before={"recognise-signs": 0}, after={"recognise-signs": 10}, prefix="U")
    Enrolment.objects.filter(pk=gone[0].pk).update(status=Enrolment.Status.WITHDRAWN)
    effect = run_effect(run)
    assert effect is not None and effect.participants == 5
    assert effect.questions[0].effect.n == 5 and effect.questions[0].effect.mean_change == 1


def test_the_questionnaire_is_named_with_a_link_to_change_it(signed_in: ClientFor, run: CourseRun) -> None:
    page = page_of(signed_in("tina").get(url(run)))
    assert ('<dd data-testid="questionnaire">Course evaluation before and after, version 1 · <a href="'
            f'{reverse("training:questionnaire_choose", args=[run.pk])}">Change the questionnaire</a></dd>') in page


def test_a_run_in_the_future_lists_its_enrolments_too(signed_in: ClientFor, people: People) -> None:
    tina = people["tina"]
    later = make_run(make_course(created_by=tina), starts_on=TODAY + timedelta(days=20), trainers=(tina,))
    make_enrolment(later, people["rikke"])
    page = page_of(signed_in("tina").get(url(later)))
    assert "Rikke Fenger" in page and "Nobody is enrolled" not in page
