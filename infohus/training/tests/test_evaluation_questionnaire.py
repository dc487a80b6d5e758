"""Attaching a questionnaire to a run: only published course evaluations, not once anyone has
answered, a stale save answers 409 and shows the run's current questionnaire. Also the shipped
course evaluation and the demo that loads it."""

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from infohus.accounts.models import User
from infohus.assessments.models import FieldKind, Instrument, InstrumentVersion
from infohus.assessments.services.instruments import load_definition
from infohus.audit.models import AuditEvent
from infohus.training.demo_evaluation import add_demo_evaluation, course_evaluation_definition, load_course_evaluation
from infohus.training.models import CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.selectors.evaluation import questionnaire_fields, run_effect
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved: 3), the run (1), the
# course evaluations (1), the count of answers (1), the current questionnaire's instrument (1).
CHOOSE_QUERIES = 11


def url(run: CourseRun) -> str:
    return reverse("training:questionnaire_choose", args=[run.pk])


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return " ".join(response.content.decode().split())


def evaluation_version(slug: str = "other-evaluation", use: str = "training", **changes: Any) -> InstrumentVersion:
    definition = copy.deepcopy(course_evaluation_definition())
    definition.update(slug=slug, use=use, name_en=f"Evaluation {slug}", **changes)
    version, _new = load_definition(definition=definition)
    return version


@pytest.fixture
def run(people: People) -> CourseRun:
    tina = people["tina"]
    return make_run(make_course(created_by=tina, title="PSP-kursus"), starts_on=TODAY + timedelta(days=5),
                    trainers=(tina,))


def test_the_choice_offers_published_course_evaluations_only(signed_in: ClientFor, run: CourseRun) -> None:
    shipped = load_course_evaluation()
    case_instrument = evaluation_version("case-instrument", use="case")
    page = page_of(signed_in("tina").get(url(run)))
    assert f'<option value="{shipped.pk}">Course evaluation before and after (version 1)</option>' in page
    assert f'value="{case_instrument.pk}"' not in page
    assert '<option value="" selected>No questionnaire</option>' in page
    assert f'name="version" value="{run.version}"' in page


def test_attaching_a_questionnaire(signed_in: ClientFor, run: CourseRun) -> None:
    version = load_course_evaluation()
    response = signed_in("tina").post(url(run), {"questionnaire": version.pk, "version": run.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("training:run_evaluation", args=[run.pk])
    run.refresh_from_db()
    assert run.questionnaire_id == version.pk and run.version == 2
    event = AuditEvent.objects.get(action="training.questionnaire_attached")
    assert (event.actor_username, event.object_id) == ("tina", str(run.pk))
    assert event.details == {"version": 2, "questionnaire": version.pk, "instrument": "course-evaluation",
                             "instrument_version": 1}


def test_taking_it_off_again_before_anyone_answered(signed_in: ClientFor, run: CourseRun) -> None:
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=load_course_evaluation())
    assert signed_in("tina").post(url(run), {"questionnaire": "", "version": run.version}).status_code == 302
    run.refresh_from_db()
    assert run.questionnaire is None
    assert AuditEvent.objects.filter(action="training.questionnaire_removed").count() == 1


def test_it_cannot_change_once_anyone_has_answered(signed_in: ClientFor, people: People, run: CourseRun) -> None:
    shipped = load_course_evaluation()
    other = evaluation_version()
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=shipped)
    QuestionnaireAnswer.objects.create(enrolment=make_enrolment(run, people["rikke"]), phase=Phase.PRE,
                                       questionnaire=shipped, answers={"recognise-signs": 4},
                                       recorded_by=people["rikke"])
    client = signed_in("tina")
    page = page_of(client.get(url(run)))
    assert ("One answer has been given to “Course evaluation before and after, version 1”, so the run's "
            "questionnaire can no longer be changed.") in page.replace("&#x27;", "'")
    assert "Save the questionnaire" not in page
    refused = page_of(client.post(url(run), {"questionnaire": other.pk, "version": run.version}), 400)
    assert ("1 answers have been given to “Course evaluation before and after”, so the run's questionnaire can no "
            "longer be changed.") in refused.replace("&#x27;", "'")
    run.refresh_from_db()
    assert run.questionnaire_id == shipped.pk and run.version == 1
    assert not AuditEvent.objects.filter(action__startswith="training.questionnaire_").exists()


def test_a_stale_save_answers_409_and_shows_the_current_questionnaire(signed_in: ClientFor,
                                                                      run: CourseRun) -> None:
    shipped = load_course_evaluation()
    other = evaluation_version()
    # Someone else attached the other evaluation after the page was opened at version 1.
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=other, version=2)
    response = signed_in("tina").post(url(run), {"questionnaire": shipped.pk, "version": "1"})
    page = page_of(response, 409)
    assert "Someone else changed this run after you opened the page." in page
    assert "Its questionnaire is now “Evaluation other-evaluation, version 1”." in page
    assert f'<option value="{shipped.pk}" selected>' in page  # the trainer's choice is kept
    assert 'name="version" value="2"' in page  # saving again is a choice made knowing the change
    run.refresh_from_db()
    assert (run.questionnaire_id, run.version) == (other.pk, 2)


def test_not_a_course_evaluation_is_refused(signed_in: ClientFor, run: CourseRun) -> None:
    load_course_evaluation()
    case_instrument = evaluation_version("case-instrument", use="case")
    refused = page_of(signed_in("tina").post(url(run), {"questionnaire": case_instrument.pk,
                                                        "version": run.version}), 400)
    assert "Select a valid choice." in refused
    run.refresh_from_db()
    assert run.questionnaire is None and run.version == 1


def test_a_form_without_the_runs_version_is_refused(signed_in: ClientFor, run: CourseRun) -> None:
    refused = page_of(signed_in("tina").post(url(run), {"questionnaire": load_course_evaluation().pk}), 400)
    assert "The form was incomplete. Open the page again and choose once more." in refused
    run.refresh_from_db()
    assert run.questionnaire is None


def test_a_cancelled_run_takes_no_questionnaire(signed_in: ClientFor, run: CourseRun) -> None:
    CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CANCELLED)
    refused = page_of(signed_in("tina").post(url(run), {"questionnaire": load_course_evaluation().pk,
                                                        "version": run.version}), 400)
    assert "This run was cancelled, so it takes no questionnaire." in refused
    run.refresh_from_db()
    assert run.questionnaire is None


def test_the_choice_page_queries_do_not_grow_with_the_evaluations(signed_in: ClientFor, run: CourseRun,
                                                                  django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=load_course_evaluation())
    counts = []
    for total in (1, 12):
        for n in range(total):
            evaluation_version(f"evaluation-{total}-{n}")
        with django_assert_max_num_queries(CHOOSE_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url(run)))
        counts.append(len(queries))
        assert f"Evaluation evaluation-{total}-{total - 1} (version 1)" in page
    assert counts[0] == counts[1]


# --- the shipped questionnaire and the demo ------------------------------------------------------------

def test_the_shipped_course_evaluation(db: None) -> None:
    version = load_course_evaluation()
    assert version.is_published and version.instrument.use == Instrument.Use.TRAINING
    assert load_course_evaluation().pk == version.pk  # loading again changes nothing
    fields = questionnaire_fields(version.pk)
    kinds = [f.kind for f in fields]
    assert kinds.count(FieldKind.SCALE) == 5 and kinds.count(FieldKind.LONG_TEXT) == 1
    for f in fields:
        assert f.label_da and f.label_en and f.label_da != f.label_en
        assert not f.required
    with override("da"):
        assert version.instrument.name == "Kursusevaluering før og efter"
        assert questionnaire_fields(version.pk)[0].label.startswith("Hvor sikker er du på")


def test_the_demo_types_in_paper_forms_before_and_after(people: People) -> None:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina), starts_on=TODAY - timedelta(days=3), trainers=(tina,))
    for n in range(6):
        make_enrolment(run, name=f"Demo Deltager {n}")
    make_enrolment(run, name="Udtrådt", status=Enrolment.Status.WITHDRAWN)
    assert add_demo_evaluation(run, trainer=tina) == 12
    run.refresh_from_db()
    assert run.questionnaire is not None and run.questionnaire.instrument.slug == "course-evaluation"
    effect = run_effect(run)
    assert effect is not None and effect.participants == 6
    assert AuditEvent.objects.filter(action="training.answers_recorded", purpose="demo data").count() == 12
    assert add_demo_evaluation(run, trainer=tina) == 0  # once only


def test_the_demo_records_nothing_on_a_run_already_held(people: People) -> None:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina), trainers=(tina,), status=CourseRun.Status.HELD)
    make_enrolment(run, name="Demo Deltager")
    assert add_demo_evaluation(run, trainer=tina) == 0
    assert not QuestionnaireAnswer.objects.exists()
