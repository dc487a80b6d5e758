"""The catalogue in the API: a trainer lists, reads, adds and changes the courses of the
organisations they train for; everyone else is refused; a stale version answers 409."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.api.scopes import Scope
from infohus.audit.models import AuditEvent
from infohus.training.models import Course, CourseKind
from infohus.training.tests.factories import centre, make_course, make_run
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/training/courses"
NEW = {"kind": "psp", "title": "PSP-kursus for nøglepersoner", "units": 2, "unit_kind": "day", "duration": "2 dage"}


@pytest.fixture
def tina(people: dict[str, User]) -> Client:
    return api_client(people["tina"])


def aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, body, content_type="application/json")


# --- reading ---------------------------------------------------------------------------------------------

def test_the_trainer_lists_the_courses_of_their_organisations(people: dict[str, User], tina: Client) -> None:
    tina_ = people["tina"]
    offered = make_course(created_by=tina_, title="A PSP course")
    old = make_course(created_by=tina_, title="An old course", is_active=False, kind=CourseKind.AWARENESS)
    make_course(organisation=aarhus(), created_by=tina_, title="Aarhus' own course")
    make_run(offered, starts_on=timezone.localdate() + timedelta(days=5))

    body = json_of(tina.get(URL))

    assert body["count"] == 2 and body["pages"] == 1
    assert [c["title"] for c in body["results"]] == ["A PSP course", "An old course"]  # offered first
    first = body["results"][0]
    assert first["upcoming_runs"] == 1 and first["runs_total"] == 1 and first["version"] == 1
    assert first["organisation"] == {"id": centre().pk, "name": centre().name}
    assert [c["id"] for c in json_of(tina.get(URL, {"kind": "awareness"}))["results"]] == [old.pk]
    assert [c["id"] for c in json_of(tina.get(URL, {"offered": "true"}))["results"]] == [offered.pk]
    assert json_of(tina.get(URL, {"page": 2, "page_size": 1}))["results"][0]["id"] == old.pk


def test_one_course_with_its_runs(people: dict[str, User], tina: Client) -> None:
    course = make_course(created_by=people["tina"])
    today = timezone.localdate()
    past = make_run(course, starts_on=today - timedelta(days=40))
    coming = make_run(course, starts_on=today + timedelta(days=10))

    body = json_of(tina.get(f"{URL}/{course.pk}"))

    assert body["id"] == course.pk and body["units"] == 2
    assert [r["id"] for r in body["upcoming_runs"]] == [coming.pk]
    assert [r["id"] for r in body["past_runs"]] == [past.pk]


def test_a_course_of_another_organisation_is_404(people: dict[str, User], tina: Client) -> None:
    course = make_course(organisation=aarhus(), created_by=people["tina"])

    for response in (tina.get(f"{URL}/{course.pk}"), put(tina, f"{URL}/{course.pk}", {**NEW, "version": 1})):
        assert response.status_code == 404
        assert json_of(response)["error"]["code"] == "not_found"
    assert Course.objects.get(pk=course.pk).title != NEW["title"]


@pytest.mark.parametrize("username", ["carl", "anders", "kamal", "sofie"])
def test_only_trainers(people: dict[str, User], username: str) -> None:
    client = api_client(people[username])
    course = make_course(created_by=people["tina"])

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{course.pk}").status_code == 403
    assert client.post(URL, NEW, content_type="application/json").status_code == 403
    assert Course.objects.count() == 1


@pytest.mark.parametrize("courses", [1, 15])
def test_the_list_and_a_course_take_the_same_queries_however_many(people: dict[str, User], tina: Client,
                                                                  django_assert_max_num_queries: Any,
                                                                  courses: int) -> None:
    made = [make_course(created_by=people["tina"]) for _ in range(courses)]
    for course in made:
        make_run(course)

    # The token (and its last-used mark), the memberships, the count, the page of courses with
    # their runs counted.
    with django_assert_max_num_queries(5):
        assert len(json_of(tina.get(URL, {"page_size": 100}))["results"]) == courses
    # The token, the memberships, the course, its runs.
    with django_assert_max_num_queries(5):
        assert tina.get(f"{URL}/{made[-1].pk}").status_code == 200


# --- writing ------------------------------------------------------------------------------------------

def test_a_trainer_adds_a_course_kept_by_their_organisation(people: dict[str, User], tina: Client) -> None:
    response = tina.post(URL, NEW, content_type="application/json")

    assert response.status_code == 201
    body = json_of(response)
    course = Course.objects.get(pk=body["id"])
    assert course.organisation == centre() and course.title == NEW["title"] and course.created_by == people["tina"]
    assert body["version"] == 1 and body["kind_label"].startswith("PSP course")
    assert AuditEvent.objects.filter(action="training.course_created", object_id=str(course.pk),
                                     actor_username="tina").exists()


def test_a_course_for_an_organisation_the_trainer_does_not_train_for_is_refused(tina: Client) -> None:
    response = tina.post(URL, {**NEW, "organisation": aarhus().pk}, content_type="application/json")

    assert response.status_code == 422
    assert "organisation" in json_of(response)["error"]["fields"]
    assert not Course.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"units": 31}, "units"),
    ({"kind": "lecture"}, "kind"),
    ({"duration": "x" * 61}, "duration"),
    ({"title": "Nul\x00"}, "title"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_input_is_refused_at_its_field(tina: Client, change: dict[str, Any], field: str) -> None:
    response = tina.post(URL, {**NEW, **change}, content_type="application/json")

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    assert not Course.objects.exists()


def test_a_trainer_changes_a_course(people: dict[str, User], tina: Client) -> None:
    course = make_course(created_by=people["tina"])

    response = put(tina, f"{URL}/{course.pk}", {**NEW, "title": "PSP (2. udgave)", "version": 1})

    assert response.status_code == 200
    assert json_of(response)["version"] == 2
    course.refresh_from_db()
    assert course.title == "PSP (2. udgave)" and course.version == 2
    assert AuditEvent.objects.filter(action="training.course_updated", object_id=str(course.pk)).exists()


def test_a_stale_version_is_409_and_changes_nothing(people: dict[str, User], tina: Client) -> None:
    course = make_course(created_by=people["tina"], title="Original")
    Course.objects.filter(pk=course.pk).update(version=3)

    response = put(tina, f"{URL}/{course.pk}", {**NEW, "title": "Overwritten", "version": 2})

    assert response.status_code == 409
    assert json_of(response)["error"]["code"] == "stale_version"
    assert json_of(response)["error"]["current_version"] == 3
    assert Course.objects.get(pk=course.pk).title == "Original"


def test_a_course_with_runs_keeps_its_days(people: dict[str, User], tina: Client) -> None:
    course = make_course(created_by=people["tina"], units=2)
    make_run(course)

    response = put(tina, f"{URL}/{course.pk}", {**NEW, "units": 3, "version": 1})

    assert response.status_code == 422
    assert "units" in json_of(response)["error"]["fields"]


def test_writing_needs_the_write_scope(people: dict[str, User]) -> None:
    client = api_client(people["tina"], scopes=[Scope.TRAINING_READ])

    response = client.post(URL, NEW, content_type="application/json")

    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "missing_scope"
    assert client.get(URL).status_code == 200
