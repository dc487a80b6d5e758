"""Course runs in the API: the list, one run with its participants (an audited read), planning and
changing a run (409 when stale), enrolment and withdrawal, the attendance sheet, completion, the
questionnaire and its effect; all through the run pages' rules, and only for the run's trainers."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.training.demo_evaluation import load_course_evaluation
from infohus.training.models import Attendance, CourseKind, CourseRun, Enrolment, Phase, QuestionnaireAnswer
from infohus.training.tests.factories import attend, make_course, make_enrolment, make_run
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/training/runs"
TODAY = timezone.localdate()


@pytest.fixture
def tina(people: dict[str, User]) -> Client:
    return api_client(people["tina"])


def aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def a_run(people: dict[str, User], *, days_ago: int = 30, outside: bool = False, units: int = 2,
          **fields: Any) -> CourseRun:
    course = make_course(organisation=aarhus() if outside else None, kind=CourseKind.RESOURCE_PERSON, units=units,
                         created_by=people["tina"])
    return make_run(course, starts_on=TODAY - timedelta(days=days_ago),
                    trainers=() if outside else (people["tina"],), **fields)


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, "" if body is None else json.dumps(body),
                          content_type="application/json")


# --- the list and one run -----------------------------------------------------------------------------

def test_the_runs_of_the_trainer_upcoming_and_past(people: dict[str, User], tina: Client) -> None:
    past = a_run(people, days_ago=30)
    coming = a_run(people, days_ago=-10)
    a_run(people, outside=True)

    every = json_of(tina.get(URL))
    upcoming = json_of(tina.get(URL, {"when": "upcoming"}))
    over = json_of(tina.get(URL, {"when": "past"}))

    assert [r["id"] for r in every["results"]] == [coming.pk, past.pk]
    assert [r["id"] for r in upcoming["results"]] == [coming.pk]
    assert [r["id"] for r in over["results"]] == [past.pk]
    first = upcoming["results"][0]
    assert first["trainers"] == [{"username": "tina", "name": "Tina Lund"}]
    assert first["free_places"] == 20 and first["enrolled"] == 0 and first["version"] == 1
    assert tina.get(URL, {"when": "someday"}).status_code == 422


def test_one_run_with_its_participants_is_an_audited_read(people: dict[str, User], tina: Client) -> None:
    run = a_run(people)
    rikke = make_enrolment(run, people["rikke"])
    external = make_enrolment(run, name="Ekstern Deltager")
    attend(rikke)
    attend(external, units=[1])

    response = tina.get(f"{URL}/{run.pk}")

    assert response.status_code == 200
    body = json_of(response)
    assert [u["number"] for u in body["units"]] == [1, 2] and body["is_over"] is True
    assert body["units"][0]["present"] == 2 and body["units"][1]["present"] == 1
    by_name = {p["name"]: p for p in body["participants"]}
    assert by_name["Rikke Fenger"]["external"] is False
    assert len(by_name["Rikke Fenger"]["present_units"]) == 2 and by_name["Rikke Fenger"]["missed_units"] == []
    assert by_name["Ekstern Deltager"]["external"] is True
    assert by_name["Ekstern Deltager"]["missed_units"] == [body["units"][1]["id"]]
    assert "email" not in by_name["Rikke Fenger"]
    assert AuditEvent.objects.filter(action="training.run_viewed", object_id=str(run.pk), actor_username="tina",
                                     purpose="training run: run page").exists()


def test_a_run_of_another_organisation_is_404_and_the_refusal_audited(people: dict[str, User],
                                                                       tina: Client) -> None:
    run = a_run(people, outside=True)
    make_enrolment(run, people["rikke"])

    for method, path in (("GET", ""), ("GET", "/attendance"), ("GET", "/evaluation"), ("POST", "/complete"),
                         ("PUT", "/attendance")):
        response = send(tina, method, f"{URL}/{run.pk}{path}", {"sheet": []} if method == "PUT" else None)
        assert response.status_code == 404, path
    assert AuditEvent.objects.filter(action="training.run_refused", object_id=str(run.pk)).count() == 5
    assert not AuditEvent.objects.filter(action="training.run_viewed", object_id=str(run.pk)).exists()


@pytest.mark.parametrize("username", ["rikke", "carl", "anders"])
def test_only_trainers_open_runs(people: dict[str, User], username: str) -> None:
    run = a_run(people)
    make_enrolment(run, people["rikke"])
    client = api_client(people[username])

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{run.pk}").status_code == 403
    assert send(client, "POST", f"{URL}/{run.pk}/enrolments", {"participant": "carl"}).status_code == 403


@pytest.mark.parametrize("count", [1, 12])
def test_queries_do_not_grow_with_runs_or_participants(people: dict[str, User], tina: Client,
                                                       django_assert_max_num_queries: Any, count: int) -> None:
    run = a_run(people)
    for n in range(count):
        attend(make_enrolment(run, name=f"Deltager {n}"))
        a_run(people, days_ago=n)

    # The token (and its last-used mark), the memberships, the count, the runs, their trainers.
    with django_assert_max_num_queries(6):
        assert json_of(tina.get(URL, {"page_size": 100}))["count"] == count + 1
    # The token, the memberships, the run with its audited read (its savepoint and release, the
    # chain's last link, the event, PostgreSQL's lock), its units, trainers, enrolments and attendance.
    with django_assert_max_num_queries(12):
        assert len(json_of(tina.get(f"{URL}/{run.pk}"))["participants"]) == count
    with django_assert_max_num_queries(12):
        assert len(json_of(tina.get(f"{URL}/{run.pk}/attendance"))["rows"]) == count


# --- planning and changing a run ------------------------------------------------------------------------

def test_a_trainer_plans_a_run_with_its_days(people: dict[str, User], tina: Client) -> None:
    course = make_course(created_by=people["tina"], units=2)
    start = TODAY + timedelta(days=30)

    response = send(tina, "POST", f"/api/v1/training/courses/{course.pk}/runs", {
        "starts_on": str(start), "ends_on": str(start + timedelta(days=1)), "capacity": 12, "cost": "9000.50",
        "trainers": ["tina"], "place": "Aarhus"})

    assert response.status_code == 201, response.content
    body = json_of(response)
    assert [u["held_on"] for u in body["units"]] == [str(start), str(start + timedelta(days=1))]
    assert body["cost"] == "9000.50" and body["trainers"][0]["username"] == "tina" and body["status"] == "planned"
    assert AuditEvent.objects.filter(action="training.run_created", object_id=str(body["id"])).exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"ends_on": str(TODAY)}, "ends_on"),
    ({"trainers": ["carl"]}, "trainers"),
    ({"capacity": 0}, "capacity"),
    ({"cost": "-1"}, "cost"),
    ({"cost": "1.001"}, "cost"),
    ({"unit_dates": [str(TODAY + timedelta(days=30))]}, "unit_dates"),
    ({"unit_dates": [str(TODAY + timedelta(days=30)), str(TODAY + timedelta(days=90))]}, "unit_2"),
    ({"place": "x" * 201}, "place"),
    ({"starts_on": "9999-12-31"}, "starts_on"),
])
def test_a_run_that_does_not_fit_is_refused_at_its_field(people: dict[str, User], tina: Client,
                                                          change: dict[str, Any], field: str) -> None:
    course = make_course(created_by=people["tina"], units=2)
    start = TODAY + timedelta(days=30)
    body = {"starts_on": str(start), "ends_on": str(start + timedelta(days=1)), "capacity": 12, **change}

    response = send(tina, "POST", f"/api/v1/training/courses/{course.pk}/runs", body)

    assert response.status_code == 422, response.content
    assert field in json_of(response)["error"]["fields"]
    assert not CourseRun.objects.exists()


def test_a_trainer_changes_a_run_and_its_days_stay(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, days_ago=-40)
    days = [u.held_on for u in run.units.order_by("number")]

    response = send(tina, "PUT", f"{URL}/{run.pk}", {
        "starts_on": str(run.starts_on), "ends_on": str(run.ends_on), "capacity": 30, "status": "planned",
        "place": "Odense", "trainers": ["tina"], "version": 1})

    assert response.status_code == 200, response.content
    body = json_of(response)
    assert body["version"] == 2 and body["capacity"] == 30 and body["place"] == "Odense"
    assert [u["held_on"] for u in body["units"]] == [str(d) for d in days]


def test_a_stale_run_is_409(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, days_ago=-40)
    CourseRun.objects.filter(pk=run.pk).update(version=2)

    response = send(tina, "PUT", f"{URL}/{run.pk}", {
        "starts_on": str(run.starts_on), "ends_on": str(run.ends_on), "capacity": 30, "status": "planned",
        "version": 1})

    assert response.status_code == 409
    assert json_of(response)["error"]["current_version"] == 2
    assert CourseRun.objects.get(pk=run.pk).capacity == 20


# --- enrolment -----------------------------------------------------------------------------------------

def test_a_trainer_enrols_a_user_and_an_external_participant(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, days_ago=-10)

    user = send(tina, "POST", f"{URL}/{run.pk}/enrolments", {"participant": "rikke"})
    external = send(tina, "POST", f"{URL}/{run.pk}/enrolments", {"external": {
        "name": "Ole Ekstern", "organisation_name": "Kriminalforsorgen Nord", "organisation_kind": "prison_probation"}})

    assert user.status_code == 201 and external.status_code == 201
    assert json_of(user)["external"] is False and json_of(external)["external"] is True
    assert Enrolment.objects.filter(run=run, status=Enrolment.Status.ENROLLED).count() == 2
    assert AuditEvent.objects.filter(action="training.enrolled").count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({}, "participant"),
    ({"participant": "rikke", "external": {"name": "A", "organisation_name": "B", "organisation_kind": "ngo"}},
     "participant"),
    ({"participant": "nobody-here"}, "participant"),
    ({"participant": "rikke", "organisation": 999_999}, "organisation"),
    ({"external": {"name": "", "organisation_name": "B", "organisation_kind": "ngo"}}, "name"),
    ({"external": {"name": "A", "organisation_name": "B", "organisation_kind": "club"}}, "external.organisation_kind"),
])
def test_an_enrolment_that_does_not_fit_is_refused(people: dict[str, User], tina: Client, body: dict[str, Any],
                                                  field: str) -> None:
    run = a_run(people, days_ago=-10)

    response = send(tina, "POST", f"{URL}/{run.pk}/enrolments", body)

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"], json_of(response)
    assert not Enrolment.objects.exists()


def test_a_full_run_takes_nobody_more(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, days_ago=-10, capacity=1)
    make_enrolment(run, name="Første")

    response = send(tina, "POST", f"{URL}/{run.pk}/enrolments", {"participant": "rikke"})

    assert response.status_code == 422
    assert "full" in json_of(response)["error"]["fields"]["__all__"][0]


def test_a_trainer_withdraws_a_participant(people: dict[str, User], tina: Client) -> None:
    run = a_run(people)
    enrolment = make_enrolment(run, people["rikke"])
    other = make_enrolment(a_run(people), people["carl"])

    response = send(tina, "POST", f"{URL}/{run.pk}/enrolments/{enrolment.pk}/withdraw")
    again = send(tina, "POST", f"{URL}/{run.pk}/enrolments/{enrolment.pk}/withdraw")
    wrong_run = send(tina, "POST", f"{URL}/{run.pk}/enrolments/{other.pk}/withdraw")

    assert response.status_code == 200 and json_of(response)["status"] == "withdrawn"
    assert again.status_code == 422
    assert wrong_run.status_code == 404
    assert Enrolment.objects.get(pk=other.pk).status == Enrolment.Status.ENROLLED


# --- attendance and completion ------------------------------------------------------------------------------

def test_the_sheet_records_present_and_absent(people: dict[str, User], tina: Client) -> None:
    run = a_run(people)
    rikke, carl = make_enrolment(run, people["rikke"]), make_enrolment(run, people["carl"])
    day_1, day_2 = list(run.units.order_by("number"))

    response = send(tina, "PUT", f"{URL}/{run.pk}/attendance", {"sheet": [
        {"enrolment": rikke.pk, "present": [day_1.pk, day_2.pk]}, {"enrolment": carl.pk, "present": [day_1.pk]}]})

    assert response.status_code == 200, response.content
    body = json_of(response)
    assert body["changed"] == 4
    rows = {row["enrolment"]: row for row in body["rows"]}
    assert rows[rikke.pk]["present"] == [day_1.pk, day_2.pk] and rows[carl.pk]["present"] == [day_1.pk]
    assert Attendance.objects.get(enrolment=carl, unit=day_2).present is False
    assert AuditEvent.objects.filter(action="training.attendance_recorded", object_id=str(run.pk)).exists()
    assert json_of(tina.get(f"{URL}/{run.pk}/attendance"))["rows"] == body["rows"]


def test_a_sheet_with_a_day_to_come_is_refused_whole(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, days_ago=0)  # day 2 is tomorrow
    rikke = make_enrolment(run, people["rikke"])
    day_1, day_2 = list(run.units.order_by("number"))
    stranger = make_enrolment(a_run(people), people["carl"])

    future = send(tina, "PUT", f"{URL}/{run.pk}/attendance",
                  {"sheet": [{"enrolment": rikke.pk, "present": [day_1.pk, day_2.pk]}]})
    foreign = send(tina, "PUT", f"{URL}/{run.pk}/attendance",
                   {"sheet": [{"enrolment": stranger.pk, "present": [day_1.pk]}]})

    assert future.status_code == 422 and foreign.status_code == 422
    assert "in the future" in " ".join(json_of(future)["error"]["fields"]["__all__"])
    assert not Attendance.objects.exists()


def test_completing_a_run_issues_certificates_to_those_present_throughout(people: dict[str, User],
                                                                           tina: Client) -> None:
    run = a_run(people)
    rikke, carl = make_enrolment(run, people["rikke"]), make_enrolment(run, people["carl"])
    attend(rikke)
    attend(carl, units=[1])

    response = send(tina, "POST", f"{URL}/{run.pk}/complete")

    assert response.status_code == 200
    body = json_of(response)
    assert [p["id"] for p in body["completed"]] == [rikke.pk]
    assert body["completed"][0]["certificate_number"].startswith("IH-")
    assert [p["id"] for p in body["not_completed"]] == [carl.pk]
    assert CourseRun.objects.get(pk=run.pk).status == CourseRun.Status.HELD


def test_a_run_not_over_cannot_be_completed(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, days_ago=-5)

    response = send(tina, "POST", f"{URL}/{run.pk}/complete")

    assert response.status_code == 422
    assert CourseRun.objects.get(pk=run.pk).status == CourseRun.Status.PLANNED


# --- the questionnaire and its effect ----------------------------------------------------------------------

def test_a_trainer_attaches_a_questionnaire_and_reads_its_effect(people: dict[str, User], tina: Client) -> None:
    run = a_run(people, capacity=50)
    version = load_course_evaluation()

    attached = send(tina, "PUT", f"{URL}/{run.pk}/questionnaire", {"questionnaire": version.pk, "version": 1})
    stale = send(tina, "PUT", f"{URL}/{run.pk}/questionnaire", {"questionnaire": None, "version": 1})
    for n in range(6):
        e = make_enrolment(run, name=f"Deltager {n}")
        QuestionnaireAnswer.objects.create(enrolment=e, phase=Phase.PRE, questionnaire=version,
                                           recorded_by=people["tina"], answers={"recognise-signs": 3 + n % 2})
        QuestionnaireAnswer.objects.create(enrolment=e, phase=Phase.POST, questionnaire=version,
                                           recorded_by=people["tina"], answers={"recognise-signs": 7})
    evaluation = tina.get(f"{URL}/{run.pk}/evaluation")

    assert attached.status_code == 200 and json_of(attached)["questionnaire"]["id"] == version.pk
    assert stale.status_code == 409
    body = json_of(evaluation)
    assert body["participants"] == 6 and len(body["answers"]) == 6
    signs = next(q for q in body["questions"] if q["key"] == "recognise-signs")
    assert signs["effect"]["n"] == 6 and signs["effect"]["verdict"] == "rose"
    assert signs["effect"]["mean_change"] == pytest.approx(3.5)
    assert AuditEvent.objects.filter(action="training.run_viewed", purpose="course evaluation").exists()


def test_an_unknown_questionnaire_is_refused(people: dict[str, User], tina: Client) -> None:
    run = a_run(people)

    response = send(tina, "PUT", f"{URL}/{run.pk}/questionnaire", {"questionnaire": 999_999, "version": 1})

    assert response.status_code == 422
    assert "questionnaire" in json_of(response)["error"]["fields"]


def test_a_run_without_a_questionnaire_has_no_effect(people: dict[str, User], tina: Client) -> None:
    run = a_run(people)

    body = json_of(tina.get(f"{URL}/{run.pk}/evaluation"))

    assert body["questionnaire"] is None and body["overall"] is None and body["questions"] == []


@pytest.mark.parametrize("count", [1, 12])
def test_the_evaluation_takes_the_same_queries_however_many_answers(people: dict[str, User], tina: Client,
                                                                    django_assert_max_num_queries: Any,
                                                                    count: int) -> None:
    run = a_run(people, capacity=50)
    version = load_course_evaluation()
    CourseRun.objects.filter(pk=run.pk).update(questionnaire=version)
    for n in range(count):
        e = make_enrolment(run, name=f"Deltager {n}")
        for phase in (Phase.PRE, Phase.POST):
            QuestionnaireAnswer.objects.create(enrolment=e, phase=phase, questionnaire=version,
                                               recorded_by=people["tina"], answers={"recognise-signs": 5})
    tina.get(URL)  # the token's last-used mark

    # The token, the memberships, the run and its audited read (5), the questionnaire's instrument,
    # the scale questions, the answers, the enrolments with when they answered.
    with django_assert_max_num_queries(12):
        assert len(json_of(tina.get(f"{URL}/{run.pk}/evaluation"))["answers"]) == count
