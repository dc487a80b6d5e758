"""The course catalogue in the browser: who opens it, a new course from the defaults of its kind,
a course with its runs (upcoming first), and the edit with its version check (a stale save answers
409 and shows what is saved now). Refused input comes back with a 400, the message at its field and
everything typed still there. Query counts are pinned and do not grow with the number of courses
or runs."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.training.models import Course, CourseKind, UnitKind
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request itself (session, user, second factor, memberships: 4; the session saved at the end:
# 3) and the courses with their counts of runs (1).
LIST_QUERIES = 8
# The request (4 + 3), the course (1) and its runs with their places taken (1).
DETAIL_QUERIES = 9


def url(name: str, *args: int) -> str:
    return reverse(f"training:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def _centre() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.NATIONAL_CENTRE)


# --- who opens what ---------------------------------------------------------------------------------------

def test_a_trainer_sees_the_courses_of_their_organisation_only(signed_in: ClientFor, people: People) -> None:
    make_course(title="PSP-kursus", created_by=people["tina"])
    make_course(title="Aarhus-kursus", organisation=_aarhus(), created_by=people["tina"])
    page = page_of(signed_in("tina").get(url("course_list")))
    assert "PSP-kursus" in page and "Aarhus-kursus" not in page


@pytest.mark.parametrize("username", ["rikke", "kamal", "anders", "sofie"])
def test_others_may_not_open_the_catalogue(signed_in: ClientFor, people: People, username: str) -> None:
    course = make_course(created_by=people["tina"])
    client = signed_in(username)
    assert client.get(url("course_list")).status_code == 403
    assert client.get(url("course_detail", course.pk)).status_code == 403


def test_a_course_of_another_organisation_is_not_found(signed_in: ClientFor, people: People) -> None:
    course = make_course(organisation=_aarhus(), created_by=people["tina"])
    client = signed_in("tina")
    assert client.get(url("course_detail", course.pk)).status_code == 404
    assert client.get(url("course_edit", course.pk)).status_code == 404


# --- a new course ------------------------------------------------------------------------------------------

def test_a_new_course_starts_from_the_defaults_of_its_kind(signed_in: ClientFor) -> None:
    page = page_of(signed_in("tina").get(url("course_new"), {"kind": CourseKind.MENTOR_METHOD}))
    assert 'name="units" value="3"' in page
    assert '<option value="block" selected>' in page
    assert "6 days in three blocks of two days" in page


def test_a_trainer_adds_a_course(signed_in: ClientFor, people: People) -> None:
    response = signed_in("tina").post(url("course_new"), {
        "organisation": _centre().pk, "kind": CourseKind.AWARENESS, "title": "Bevidsthed på personalemødet",
        "units": "1", "unit_kind": UnitKind.SESSION, "duration": "1,5 time", "is_active": "on"})
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == url("course_detail", course.pk)
    assert (course.kind, course.units, course.unit_kind, course.created_by) == (
        CourseKind.AWARENESS, 1, UnitKind.SESSION, people["tina"])
    assert AuditEvent.objects.filter(action="training.course_created", object_id=str(course.pk)).exists()


def test_a_bad_course_is_refused_with_everything_typed_kept(signed_in: ClientFor) -> None:
    page = page_of(signed_in("tina").post(url("course_new"), {
        "organisation": _centre().pk, "kind": CourseKind.PSP, "title": "  ", "units": "0", "unit_kind": "day",
        "duration": "To dage", "description": "For nøglepersoner i PSP"}), 400)
    assert "Give the course a title." in page
    assert "Give from 1 to 30 days, blocks or sessions." in page
    assert "To dage" in page and "For nøglepersoner i PSP" in page
    assert not Course.objects.exists()


def test_a_course_cannot_be_added_to_an_organisation_one_does_not_train_for(signed_in: ClientFor) -> None:
    page = page_of(signed_in("tina").post(url("course_new"), {
        "organisation": _aarhus().pk, "kind": CourseKind.PSP, "title": "PSP", "units": "2", "unit_kind": "day"}), 400)
    assert "Select a valid choice" in page
    assert not Course.objects.exists()


# --- one course ---------------------------------------------------------------------------------------------

def test_a_course_lists_its_upcoming_runs_first_soonest_first(signed_in: ClientFor, people: People) -> None:
    course = make_course(title="Ressourcepersonkursus", created_by=people["tina"])
    for days in (60, -200, 20, -30):
        make_run(course, starts_on=TODAY + timedelta(days=days), place=f"Sted {days}")
    page = page_of(signed_in("tina").get(url("course_detail", course.pk)))
    upcoming, past = page.split('data-testid="past-runs"')
    assert upcoming.index("Sted 20") < upcoming.index("Sted 60") and "Sted -30" not in upcoming
    assert past.index("Sted -30") < past.index("Sted -200")


def test_places_taken_count_those_enrolled_not_withdrawn(signed_in: ClientFor, people: People) -> None:
    course = make_course(created_by=people["tina"])
    run = make_run(course, starts_on=TODAY + timedelta(days=5), capacity=2)
    make_enrolment(run, name="A")
    make_enrolment(run, name="B", status="withdrawn")
    page = page_of(signed_in("tina").get(url("course_detail", course.pk)))
    assert "1 of 2" in page and "(full)" not in page


# --- the edit -------------------------------------------------------------------------------------------------

def _edit(course: Course, **changes: Any) -> dict[str, Any]:
    data = {"kind": course.kind, "title": course.title, "units": str(course.units), "unit_kind": course.unit_kind,
            "duration": course.duration, "description": course.description, "is_active": "on",
            "version": str(course.version)}
    data.update(changes)
    return data


def test_an_edit_is_saved_and_the_version_moves_on(signed_in: ClientFor, people: People) -> None:
    course = make_course(created_by=people["tina"])
    response = signed_in("tina").post(url("course_edit", course.pk), _edit(course, title="PSP, ny udgave"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "PSP, ny udgave" and course.version == 2
    assert AuditEvent.objects.get(action="training.course_updated").details == {"changed": ["title"]}


def test_a_stale_edit_answers_409_and_shows_what_is_saved(signed_in: ClientFor, people: People) -> None:
    course = make_course(title="Første titel", created_by=people["tina"])
    client = signed_in("tina")
    client.post(url("course_edit", course.pk), _edit(course, title="Anden titel"))
    page = page_of(client.post(url("course_edit", course.pk), _edit(course, title="Min titel")), 409)
    assert 'data-testid="stale-edit"' in page
    current, mine = page.split("Your input")
    assert "Anden titel" in current and 'value="Min titel"' in mine and 'name="version" value="2"' in mine
    course.refresh_from_db()
    assert course.title == "Anden titel"


def test_the_number_of_days_cannot_change_once_the_course_has_runs(signed_in: ClientFor, people: People) -> None:
    course = make_course(units=2, created_by=people["tina"])
    make_run(course)
    page = page_of(signed_in("tina").post(url("course_edit", course.pk), _edit(course, units="3", title="Ny")), 400)
    assert "The course has runs, planned with 2 days, blocks or sessions each: the number cannot change." in page
    course.refresh_from_db()
    assert course.units == 2 and course.title != "Ny"


# --- query counts -------------------------------------------------------------------------------------------

def test_the_catalogue_costs_the_same_with_many_courses(signed_in: ClientFor, people: People,
                                                         django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    make_run(make_course(created_by=people["tina"]))
    with django_assert_max_num_queries(LIST_QUERIES):
        page_of(client.get(url("course_list")))
    for n in range(15):
        make_run(make_course(title=f"Kursus {n}", created_by=people["tina"]), starts_on=TODAY + timedelta(days=n))
    with django_assert_max_num_queries(LIST_QUERIES):
        page = page_of(client.get(url("course_list")))
    assert page.count('data-testid="course-row"') == 16


def test_a_course_page_costs_the_same_with_many_runs(signed_in: ClientFor, people: People,
                                                      django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    course = make_course(created_by=people["tina"])
    make_run(course)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        page_of(client.get(url("course_detail", course.pk)))
    for n in range(15):
        run = make_run(course, starts_on=TODAY + timedelta(days=n * 10 - 70))
        make_enrolment(run, name=f"Deltager {n}")
    with django_assert_max_num_queries(DETAIL_QUERIES):
        page = page_of(client.get(url("course_detail", course.pk)))
    assert page.count('data-testid="run-row"') == 16
