"""Requirements, compliance, one's own training and the cost report in the API: the figures of the
compliance page (its read of the people audited), a requirement's edit with its version, a
person's own training and nobody else's, and the cost report's counts."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.training.models import CourseKind, Enrolment, Requirement
from infohus.training.tests.factories import centre, make_course, make_enrolment, make_requirement, make_run
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REQUIREMENTS = "/api/v1/training/requirements"
NEW = {"name": "Ressourcepersoner", "role": "resource_person", "organisation_kind": "prison_probation",
       "satisfied_by": ["resource_person", "resource_person_follow_up"], "interval_months": 6}


@pytest.fixture
def tina(people: dict[str, User]) -> Client:
    return api_client(people["tina"])


def aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def completed(user: User, tina: User, *, days_ago: int, kind: str = CourseKind.RESOURCE_PERSON) -> Enrolment:
    run = make_run(make_course(created_by=tina, kind=kind, units=1),
                   starts_on=TODAY - timedelta(days=days_ago), trainers=(tina,))
    return make_enrolment(run, user, completed_on=run.ends_on)


# --- requirements ----------------------------------------------------------------------------------------

def test_the_trainer_lists_adds_and_changes_requirements(people: dict[str, User], tina: Client) -> None:
    make_requirement(created_by=people["tina"], organisation=aarhus(), name="Aarhus' own")

    created = tina.post(REQUIREMENTS, NEW, content_type="application/json")
    listed = json_of(tina.get(REQUIREMENTS))
    requirement = Requirement.objects.get(pk=json_of(created)["id"])
    changed = tina.put(f"{REQUIREMENTS}/{requirement.pk}", {**NEW, "interval_months": 12, "version": 1},
                       content_type="application/json")

    assert created.status_code == 201 and requirement.organisation == centre()
    assert [r["name"] for r in listed["results"]] == ["Ressourcepersoner"]
    assert changed.status_code == 200 and json_of(changed)["interval_months"] == 12
    assert json_of(changed)["version"] == 2
    assert {e.action for e in AuditEvent.objects.filter(object_type="requirement")} == {
        "training.requirement_created", "training.requirement_changed"}


def test_a_stale_requirement_is_409(people: dict[str, User], tina: Client) -> None:
    requirement = make_requirement(created_by=people["tina"])
    Requirement.objects.filter(pk=requirement.pk).update(version=4)

    response = tina.put(f"{REQUIREMENTS}/{requirement.pk}", {**NEW, "version": 3}, content_type="application/json")

    assert response.status_code == 409 and json_of(response)["error"]["current_version"] == 4
    assert Requirement.objects.get(pk=requirement.pk).interval_months == requirement.interval_months


@pytest.mark.parametrize(("change", "field"), [
    ({"interval_months": 0}, "interval_months"),
    ({"satisfied_by": []}, "satisfied_by"),
    ({"satisfied_by": ["knitting"]}, "satisfied_by.0"),
    ({"role": "king"}, "role"),
    ({"name": ""}, "name"),
    ({"remind_days_before": 400}, "remind_days_before"),
])
def test_a_requirement_that_does_not_fit_is_refused(tina: Client, change: dict[str, Any], field: str) -> None:
    response = tina.post(REQUIREMENTS, {**NEW, **change}, content_type="application/json")

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"], json_of(response)
    assert not Requirement.objects.exists()


def test_a_requirement_of_another_organisation_is_404(people: dict[str, User], tina: Client) -> None:
    requirement = make_requirement(created_by=people["tina"], organisation=aarhus())

    edit = tina.put(f"{REQUIREMENTS}/{requirement.pk}", {**NEW, "version": 1}, content_type="application/json")
    figures = tina.get(f"/api/v1/training/compliance/{requirement.pk}")

    assert edit.status_code == 404 and figures.status_code == 404
    assert AuditEvent.objects.filter(action="training.requirement_refused", object_id=str(requirement.pk)).count() == 2


# --- compliance ------------------------------------------------------------------------------------------

def test_the_figures_are_the_compliance_pages(people: dict[str, User], tina: Client, signed_in: Any) -> None:
    prison = Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)
    Organisation.objects.create(name="Arresthuset (test)", kind=Organisation.Kind.PRISON_PROBATION)
    requirement = make_requirement(created_by=people["tina"])
    late = User.objects.create_user(username="late", first_name="Lars", last_name="Sen")
    Membership.objects.create(user=late, organisation=prison, role=Role.RESOURCE_PERSON)
    completed(people["rikke"], people["tina"], days_ago=30)

    page = signed_in("tina").get(f"/desk/training/requirements/{requirement.pk}/")
    response = tina.get(f"/api/v1/training/compliance/{requirement.pk}")

    assert response.status_code == 200
    body, result = json_of(response), page.context["result"]
    assert body["national"] == {"institutions": 2, "institutions_meeting_minimum": 1, "people": 2, "up_to_date": 1,
                                "due_soon": 0, "overdue": 1}
    assert [(p["username"], p["status"], p["due_on"]) for p in body["people"]] == [
        (row.username, row.status, row.due_on.isoformat() if row.due_on else None) for row in result.people]
    assert [p["username"] for p in body["people"]] == ["late", "rikke"]  # overdue first
    assert [(i["name"], i["people"], i["lacking"]) for i in body["institutions"]] == [
        (i.name, i.people, i.lacking) for i in result.institutions]
    assert "email" not in body["people"][0]
    assert AuditEvent.objects.filter(action="training.compliance_viewed", object_id=str(requirement.pk),
                                     actor_username="tina").count() == 2  # the page's and the API's


@pytest.mark.parametrize("people_in_scope", [1, 15])
def test_compliance_takes_the_same_queries_however_many_people(people: dict[str, User], tina: Client,
                                                              django_assert_max_num_queries: Any,
                                                              people_in_scope: int) -> None:
    prison = Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)
    requirement = make_requirement(created_by=people["tina"])
    for n in range(people_in_scope - 1):
        user = User.objects.create_user(username=f"rp{n}")
        Membership.objects.create(user=user, organisation=prison, role=Role.RESOURCE_PERSON)

    # The token (and its last-used mark), the memberships, the requirement, the people, the
    # institutions, the audited read (its savepoint and release, the chain's last link, the event,
    # PostgreSQL's lock).
    with django_assert_max_num_queries(11):
        assert json_of(tina.get(f"/api/v1/training/compliance/{requirement.pk}"))["national"]["people"] == (
            people_in_scope)
    with django_assert_max_num_queries(5):
        assert tina.get(REQUIREMENTS).status_code == 200


@pytest.mark.parametrize("username", ["rikke", "carl", "anders"])
def test_only_trainers_read_compliance(people: dict[str, User], username: str) -> None:
    requirement = make_requirement(created_by=people["tina"])
    client = api_client(people[username])

    assert client.get(f"/api/v1/training/compliance/{requirement.pk}").status_code == 403
    assert client.get(REQUIREMENTS).status_code == 403
    assert client.get("/api/v1/training/costs").status_code == 403


# --- one's own training -----------------------------------------------------------------------------------

def test_everyone_reads_their_own_training_only(people: dict[str, User]) -> None:
    make_requirement(created_by=people["tina"])
    mine = completed(people["rikke"], people["tina"], days_ago=30)
    completed(people["carl"], people["tina"], days_ago=30)

    rikke = json_of(api_client(people["rikke"]).get("/api/v1/training/mine"))
    carl = json_of(api_client(people["carl"]).get("/api/v1/training/mine"))

    assert [e["id"] for e in rikke["enrolments"]] == [mine.pk]
    assert rikke["enrolments"][0]["completed_on"] == mine.completed_on.isoformat()
    assert [(r["name"], r["status"]) for r in rikke["requirements"]] == [("Ressourcepersoner i fængsler og "
                                                                           "frivilligt", "up_to_date")]
    assert [e["id"] for e in carl["enrolments"]] != [mine.pk] and carl["requirements"] == []


# --- the cost report -----------------------------------------------------------------------------------------

def test_the_cost_report_counts_participants_of_the_period(people: dict[str, User], tina: Client) -> None:
    tina_ = people["tina"]
    run = make_run(make_course(created_by=tina_, units=1), starts_on=date(2025, 3, 3), cost=1000)
    make_enrolment(run, people["rikke"], completed_on=run.ends_on)
    make_enrolment(run, name="Ekstern", organisation_kind=Organisation.Kind.NGO)
    make_run(make_course(created_by=tina_, units=1), starts_on=date(2024, 3, 3), cost=5000)
    make_run(make_course(created_by=tina_, units=1, organisation=aarhus()), starts_on=date(2025, 3, 3), cost=7)

    body = json_of(tina.get("/api/v1/training/costs", {"from": "2025-01-01", "to": "2025-12-31"}))

    assert [r["run"] for r in body["runs"]] == [run.pk]
    assert Decimal(body["total_cost"]) == Decimal(1000) and body["enrolled"] == 2 and body["completed"] == 1
    assert Decimal(body["per_enrolled"]) == Decimal(500) and Decimal(body["per_completed"]) == Decimal(1000)
    assert body["by_organisation_kind"] == {"prison_probation": 1, "ngo": 1}


def test_a_cost_period_that_ends_before_it_starts_is_refused(tina: Client) -> None:
    response = tina.get("/api/v1/training/costs", {"from": "2025-06-01", "to": "2025-01-01"})

    assert response.status_code == 422
    assert "to" in json_of(response)["error"]["fields"]


@pytest.mark.parametrize("count", [1, 12])
def test_lists_of_requirements_own_training_and_costs_take_the_same_queries(people: dict[str, User], tina: Client,
                                                                            django_assert_max_num_queries: Any,
                                                                            count: int) -> None:
    tina_ = people["tina"]
    for n in range(count):
        make_requirement(created_by=tina_, name=f"Krav {n}")
        run = make_run(make_course(created_by=tina_, units=1), starts_on=date(2025, 3, n + 1), cost=100)
        make_enrolment(run, people["rikke"], completed_on=run.ends_on)
        make_enrolment(run, name="Ekstern")
    rikke = api_client(people["rikke"])
    tina.get(REQUIREMENTS)  # the tokens' last-used marks
    rikke.get("/api/v1/training/mine")

    # The token, the memberships, the count, the page of requirements.
    with django_assert_max_num_queries(4):
        assert json_of(tina.get(REQUIREMENTS, {"page_size": 100}))["count"] == count
    # The token, the memberships, the runs with their counts, the participants by kind.
    with django_assert_max_num_queries(4):
        assert len(json_of(tina.get("/api/v1/training/costs", {"from": "2025-01-01", "to": "2025-12-31"}))[
            "runs"]) == count
    # The token, the memberships, the enrolments (with their run and course), the requirements.
    with django_assert_max_num_queries(4):
        assert len(json_of(rikke.get("/api/v1/training/mine"))["enrolments"]) == count
