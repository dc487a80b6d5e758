"""Answering the questionnaires before and after a run: the participant for their own enrolment, a
trainer typing in a paper form. Refused input comes back with a 400, the message shown, what was
typed still there and nothing saved; every save is audited without the answers."""

import html
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.training.demo_evaluation import load_course_evaluation
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.evaluation import questionnaires_of
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved: 3), the enrolment
# and the trainer check (2) and its audited read (4, +1 on PostgreSQL's advisory lock), the saved
# answer (1) and the questions (1).
ANSWERS_PAGE_QUERIES = 16


def url(run: CourseRun, enrolment: Enrolment, phase: str) -> str:
    return reverse("training:answers_record", args=[run.pk, enrolment.pk, phase])


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return " ".join(response.content.decode().split())


def a_run(people: People, *, starts_on: date, questionnaire: bool = True, **fields: Any) -> CourseRun:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina, title="Ressourcepersonkursus"), starts_on=starts_on,
                   trainers=(tina,), **fields)
    if questionnaire:
        CourseRun.objects.filter(pk=run.pk).update(questionnaire=load_course_evaluation())
        run.refresh_from_db()
    return run


@pytest.fixture
def upcoming(people: People) -> CourseRun:
    """A two-day run starting in a week: the questionnaire from before is open."""
    return a_run(people, starts_on=TODAY + timedelta(days=7))


@pytest.fixture
def running(people: People) -> CourseRun:
    """A two-day run that started yesterday and ends today."""
    return a_run(people, starts_on=TODAY - timedelta(days=1))


def enrol_rikke(run: CourseRun, people: People) -> Enrolment:
    return make_enrolment(run, people["rikke"])


def answer(enrolment: Enrolment, phase: str, answers: dict[str, Any], by: User) -> QuestionnaireAnswer:
    assert enrolment.run.questionnaire_id is not None
    return QuestionnaireAnswer.objects.create(enrolment=enrolment, phase=phase, answers=answers, recorded_by=by,
                                              questionnaire_id=enrolment.run.questionnaire_id)


FILLED = {"a-recognise-signs": "4", "a-where-to-turn": "6", "a-unsure-what-to-do": "",
          "a-learn-more": "Hvordan man taler med unge om konspirationsteorier."}


# --- the participant ------------------------------------------------------------------------------------

def test_a_participant_answers_before_the_course(signed_in: ClientFor, people: People,
                                                 upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    client = signed_in("rikke")
    form = page_of(client.get(url(upcoming, rikke, "pre")))
    assert "<h1>Questionnaire before the course</h1>" in form
    assert ("How confident are you that you can recognise signs that someone is being drawn towards violent "
            "extremism?") in form
    assert 'name="a-recognise-signs"' in form and 'name="a-learn-more"' in form
    assert "needed to sign" not in form

    response = client.post(url(upcoming, rikke, "pre"), FILLED)
    assert response.status_code == 302 and response["Location"] == reverse("training:my_training")
    saved = QuestionnaireAnswer.objects.get(enrolment=rikke, phase=Phase.PRE)
    assert saved.answers == {"recognise-signs": 4, "where-to-turn": 6,
                             "learn-more": "Hvordan man taler med unge om konspirationsteorier."}
    assert saved.recorded_by == people["rikke"] and saved.questionnaire_id == upcoming.questionnaire_id
    event = AuditEvent.objects.filter(action="training.answers_recorded").get()
    assert (event.actor_username, event.object_type, event.object_id) == ("rikke", "enrolment", str(rikke.pk))
    assert event.details == {"run": upcoming.pk, "phase": "pre", "answered": 3, "by": "participant",
                             "replaced": False}
    assert "konspirationsteorier" not in str(event.details)


def test_answering_again_replaces_that_phase(signed_in: ClientFor, people: People, upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    answer(rikke, Phase.PRE, {"recognise-signs": 2, "where-to-turn": 2}, people["rikke"])
    client = signed_in("rikke")
    shown = page_of(client.get(url(upcoming, rikke, "pre")))
    assert 'id="a-recognise-signs-2" name="a-recognise-signs" value="2" checked' in shown
    assert "Saving again replaces these answers." in shown
    assert client.post(url(upcoming, rikke, "pre"), {"a-recognise-signs": "5"}).status_code == 302
    saved = QuestionnaireAnswer.objects.get(enrolment=rikke, phase=Phase.PRE)
    assert saved.answers == {"recognise-signs": 5}
    assert AuditEvent.objects.get(action="training.answers_recorded").details["replaced"] is True


def test_after_the_course_with_the_one_before_in(signed_in: ClientFor, people: People,
                                                 running: CourseRun) -> None:
    rikke = enrol_rikke(running, people)
    answer(rikke, Phase.PRE, {"recognise-signs": 3}, people["rikke"])
    response = signed_in("rikke").post(url(running, rikke, "post"), {"a-recognise-signs": "7"})
    assert response.status_code == 302
    assert QuestionnaireAnswer.objects.get(enrolment=rikke, phase=Phase.POST).answers == {"recognise-signs": 7}
    assert QuestionnaireAnswer.objects.filter(enrolment=rikke).count() == 2


# --- refused ----------------------------------------------------------------------------------------------

def test_after_the_course_without_the_one_before_is_refused(signed_in: ClientFor, people: People,
                                                            running: CourseRun) -> None:
    rikke = enrol_rikke(running, people)
    client = signed_in("rikke")
    shown = page_of(client.get(url(running, rikke, "post")))
    assert "Answer the questionnaire from before the course first." in shown
    assert 'name="a-recognise-signs"' not in shown
    assert f'href="{url(running, rikke, "pre")}"' in shown

    refused = page_of(client.post(url(running, rikke, "post"), {**FILLED, "a-recognise-signs": "7"}), 400)
    assert "Nothing was saved." in refused
    assert "Answer the questionnaire from before the course first." in refused
    # What was typed is still there.
    assert 'id="a-recognise-signs-7" name="a-recognise-signs" value="7" checked' in refused
    assert "Hvordan man taler med unge om konspirationsteorier." in refused
    assert not QuestionnaireAnswer.objects.exists()
    assert not AuditEvent.objects.filter(action="training.answers_recorded").exists()


def test_after_the_course_opens_on_its_first_day(signed_in: ClientFor, people: People,
                                                 upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    answer(rikke, Phase.PRE, {"recognise-signs": 3}, people["rikke"])
    refused = page_of(signed_in("rikke").post(url(upcoming, rikke, "post"), FILLED), 400)
    first_day = upcoming.starts_on.isoformat()
    assert f"The questionnaire from after the course opens on the course's first day, {first_day}." in \
        html.unescape(refused)
    assert not QuestionnaireAnswer.objects.filter(phase=Phase.POST).exists()


def test_before_the_course_closes_for_the_participant_when_it_has_ended(signed_in: ClientFor,
                                                                        people: People) -> None:
    ended = a_run(people, starts_on=TODAY - timedelta(days=10))
    rikke = enrol_rikke(ended, people)
    refused = page_of(signed_in("rikke").post(url(ended, rikke, "pre"), FILLED), 400)
    assert f"The course ended on {ended.ends_on.isoformat()}, so the questionnaire from before it can no " \
           "longer be answered." in refused
    assert not QuestionnaireAnswer.objects.exists()


def test_a_trainer_types_in_a_paper_form_until_the_run_is_held(signed_in: ClientFor, people: People) -> None:
    ended = a_run(people, starts_on=TODAY - timedelta(days=10))
    rikke = enrol_rikke(ended, people)
    client = signed_in("tina")
    shown = page_of(client.get(url(ended, rikke, "pre")))
    assert "You are typing in the answers of Rikke Fenger, as written on their paper form." in shown
    response = client.post(url(ended, rikke, "pre"), {"a-recognise-signs": "3"})
    assert response.status_code == 302
    assert response["Location"] == reverse("training:run_evaluation", args=[ended.pk]) + "#answers"
    saved = QuestionnaireAnswer.objects.get(enrolment=rikke, phase=Phase.PRE)
    assert saved.recorded_by == people["tina"]
    assert AuditEvent.objects.get(action="training.answers_recorded").details["by"] == "trainer"

    CourseRun.objects.filter(pk=ended.pk).update(status=CourseRun.Status.HELD)
    refused = page_of(client.post(url(ended, rikke, "pre"), {"a-recognise-signs": "9"}), 400)
    assert "The run has been held, so the questionnaire from before the course can no longer be recorded." in refused
    assert QuestionnaireAnswer.objects.get(enrolment=rikke, phase=Phase.PRE).answers == {"recognise-signs": 3}


def test_no_questionnaire_attached(signed_in: ClientFor, people: People) -> None:
    bare = a_run(people, starts_on=TODAY + timedelta(days=3), questionnaire=False)
    rikke = enrol_rikke(bare, people)
    client = signed_in("rikke")
    shown = page_of(client.get(url(bare, rikke, "pre")))
    assert "No questionnaire is attached to this run yet." in shown
    assert "<form method=\"post\" class=\"assessment-form\"" not in shown
    refused = page_of(client.post(url(bare, rikke, "pre"), FILLED), 400)
    assert "No questionnaire is attached to this run yet." in refused
    assert not QuestionnaireAnswer.objects.exists()


def test_a_withdrawn_enrolment_and_a_cancelled_run(signed_in: ClientFor, people: People,
                                                   upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    Enrolment.objects.filter(pk=rikke.pk).update(status=Enrolment.Status.WITHDRAWN)
    client = signed_in("tina")
    refused = page_of(client.post(url(upcoming, rikke, "pre"), FILLED), 400)
    assert "This enrolment was withdrawn, so its questionnaires cannot be answered." in refused
    Enrolment.objects.filter(pk=rikke.pk).update(status=Enrolment.Status.ENROLLED)
    CourseRun.objects.filter(pk=upcoming.pk).update(status=CourseRun.Status.CANCELLED)
    refused = page_of(client.post(url(upcoming, rikke, "pre"), FILLED), 400)
    assert "This run was cancelled, so its questionnaires cannot be answered." in refused
    assert not QuestionnaireAnswer.objects.exists()


@pytest.mark.parametrize("value, message", [
    ("11", "The scale goes from 0 to 10; 11 is outside it."),
    ("fire", "Give a whole number from 0 to 10."),
])
def test_an_answer_that_does_not_fit_is_refused_at_its_question(signed_in: ClientFor, people: People,
                                                                upcoming: CourseRun, value: str,
                                                                message: str) -> None:
    rikke = enrol_rikke(upcoming, people)
    refused = page_of(signed_in("rikke").post(url(upcoming, rikke, "pre"), {**FILLED, "a-where-to-turn": value}),
                      400)
    assert '<a href="#a-where-to-turn-none">How well do you know where to turn' in refused
    assert f'<span class="form-error-message" id="a-where-to-turn-error">{message}</span>' in refused
    assert f"You sent “{value}”." in refused
    # The other answers are kept.
    assert 'id="a-recognise-signs-4" name="a-recognise-signs" value="4" checked' in refused
    assert "Hvordan man taler med unge om konspirationsteorier." in refused
    assert not QuestionnaireAnswer.objects.exists()


def test_nothing_answered_is_refused(signed_in: ClientFor, people: People, upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    refused = page_of(signed_in("rikke").post(url(upcoming, rikke, "pre"), {"a-recognise-signs": ""}), 400)
    assert "Answer at least one question before you save." in refused
    assert not QuestionnaireAnswer.objects.exists()


# --- who ----------------------------------------------------------------------------------------------------

def test_an_unknown_phase_is_404(signed_in: ClientFor, people: People, upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    assert signed_in("tina").get(url(upcoming, rikke, "during")).status_code == 404


def test_another_participants_enrolment_is_404_and_audited(signed_in: ClientFor, people: People,
                                                           upcoming: CourseRun) -> None:
    other = make_enrolment(upcoming, people["carl"])
    client = signed_in("rikke")
    assert client.get(url(upcoming, other, "pre")).status_code == 404
    assert client.post(url(upcoming, other, "pre"), FILLED).status_code == 404
    assert not QuestionnaireAnswer.objects.exists()
    refused = AuditEvent.objects.filter(action="training.enrolment_refused", actor_username="rikke")
    assert refused.count() == 2


def test_the_own_training_page_can_list_the_questionnaires(people: People, upcoming: CourseRun) -> None:
    rikke = enrol_rikke(upcoming, people)
    answer(rikke, Phase.PRE, {"recognise-signs": 3}, people["rikke"])
    withdrawn = make_enrolment(a_run(people, starts_on=TODAY), people["rikke"], status=Enrolment.Status.WITHDRAWN)
    listed = questionnaires_of(people["rikke"])
    assert [(q.enrolment.pk, q.phase, q.answered_at is not None) for q in listed] == [
        (rikke.pk, "pre", True), (rikke.pk, "post", False)]
    assert withdrawn.pk not in {q.enrolment.pk for q in listed}
    assert questionnaires_of(people["carl"]) == []


def test_the_answers_page_queries_do_not_grow_with_the_run(signed_in: ClientFor, people: People,
                                                           upcoming: CourseRun,
                                                           django_assert_max_num_queries: Any) -> None:
    rikke = enrol_rikke(upcoming, people)
    answer(rikke, Phase.PRE, {"recognise-signs": 3}, people["rikke"])
    client = signed_in("rikke")
    counts = []
    for total in (1, 40):
        for n in range(total):
            answer(make_enrolment(upcoming, name=f"Deltager {total}-{n}"), Phase.PRE, {"recognise-signs": 5},
                   people["tina"])
        with django_assert_max_num_queries(ANSWERS_PAGE_QUERIES), CaptureQueriesContext(connection) as queries:
            page_of(client.get(url(upcoming, rikke, "pre")))
        counts.append(len(queries))
    assert counts[0] == counts[1]
