"""Sessions of an intervention through the desk's API: the list, with notes and who took part only
in the compartments the reader sees, and logging a session (the same checks as the page)."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, NetworkMember
from infohus.cases.tests.factories import grant_break_glass, make_case
from infohus.cases.tests.triage_helpers import audit_queries
from infohus.interventions.models import Intervention, Session
from infohus.interventions.tests.factories import make_goal, make_intervention, make_session
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Every call: the token, its last use, the memberships of its user.
TOKEN = 3
AUDIT_EVENT = audit_queries(1)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


@pytest.fixture
def mentoring(people: dict[str, User], case: Case) -> Intervention:
    return make_intervention(case=case, provider_user=people["mads"], created_by=people["carl"])


def _relative(case: Case) -> NetworkMember:
    return NetworkMember.objects.create(person=case.person, name="Amira", relation="mother")


# --- the list -------------------------------------------------------------------------------------

def test_the_sessions_come_newest_first_with_who_took_part(
        people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    goal = make_goal(mentoring)
    older = make_session(mentoring, held_on=TODAY - timedelta(days=7), notes="First talk.")
    newer = make_session(mentoring, held_on=TODAY, notes="About school.", family="His mother",
                         next_appointment=TODAY + timedelta(days=7))
    newer.goals.set([goal])
    newer.network.set([_relative(case)])

    response = api_client(people["mads"]).get(f"/api/v1/interventions/{mentoring.pk}/sessions")

    assert response.status_code == 200
    body = json_of(response)
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert (first["seen"], first["notes"], first["family"], first["with_person"]) == (
        True, "About school.", "His mother", True)
    assert first["goals"] == [goal.pk]
    assert [m["name"] for m in first["network"]] == ["Amira (mother)"]
    assert first["next_appointment"] == str(TODAY + timedelta(days=7))
    viewed = AuditEvent.objects.get(action="intervention.viewed")
    assert viewed.purpose == "api: intervention: sessions"


def test_a_session_in_a_compartment_not_seen_gives_no_notes_nor_who_took_part(
        people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    health = make_session(mentoring, compartment="health", notes="Medication changed.", family="His father",
                          professionals="Dr. Berg")
    health.network.set([_relative(case)])

    carls = json_of(api_client(people["carl"]).get(f"/api/v1/interventions/{mentoring.pk}/sessions"))
    signes = json_of(api_client(people["signe"]).get(f"/api/v1/interventions/{mentoring.pk}/sessions"))

    hidden = carls["results"][0]
    assert (hidden["seen"], hidden["notes"], hidden["family"], hidden["professionals"], hidden["with_person"]) == (
        False, None, None, None, None)
    assert hidden["network"] == [] and hidden["compartment"] == "health"
    assert "Medication" not in str(carls) and "Amira" not in str(carls)
    assert signes["results"][0]["notes"] == "Medication changed."


def test_outside_the_need_to_know_the_sessions_are_404(people: dict[str, User], mentoring: Intervention) -> None:
    make_session(mentoring)

    assert api_client(people["otto"]).get(f"/api/v1/interventions/{mentoring.pk}/sessions").status_code == 404


@pytest.mark.parametrize("rows", [1, 15])
def test_the_list_costs_the_same_queries_whatever_its_length(
        people: dict[str, User], case: Case, mentoring: Intervention, rows: int,
        django_assert_max_num_queries: Any) -> None:
    goal = make_goal(mentoring)
    relative = _relative(case)
    for n in range(rows):
        s = make_session(mentoring, compartment="health" if n % 3 == 0 else "general")
        s.goals.set([goal])
        s.network.set([relative])
    client = api_client(people["carl"])
    # the intervention with its providers, the case and the team place; the audit of the read;
    # count and page of sessions with who logged them; the goals and the network members of the
    # sessions the reader sees.
    with django_assert_max_num_queries(TOKEN + 3 + AUDIT_EVENT + 2 + 2):
        response = client.get(f"/api/v1/interventions/{mentoring.pk}/sessions", {"page_size": 100})
    assert json_of(response)["count"] == rows


# --- logging --------------------------------------------------------------------------------------

def test_a_session_is_logged_with_goals_and_network(
        people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    goal = make_goal(mentoring)
    relative = _relative(case)

    response = _post(api_client(people["mads"]), f"/api/v1/interventions/{mentoring.pk}/sessions", {
        "duration_minutes": 60, "mode": "walk", "notes": "A walk by the harbour.", "goals": [goal.pk],
        "network": [relative.pk], "next_appointment": str(TODAY + timedelta(days=14))})

    assert response.status_code == 201, response.content
    body = json_of(response)
    session = Session.objects.get(pk=body["id"])
    assert (session.mode, session.held_on, session.logged_by) == ("walk", TODAY, people["mads"])
    assert body["goals"] == [goal.pk] and body["network"][0]["id"] == relative.pk
    mentoring.refresh_from_db()
    assert mentoring.version == 2
    logged = AuditEvent.objects.get(action="intervention.session_logged")
    assert (logged.object_id, logged.person_id) == (str(session.pk), str(case.person_id))


@pytest.mark.parametrize(("body", "field"), [
    ({"compartment": "health"}, "compartment"),
    ({"held_on": str(TODAY + timedelta(days=1))}, "held_on"),
    ({"next_appointment": str(TODAY - timedelta(days=1))}, "next_appointment"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"goals": [987654]}, "goals"),
    ({"network": [987654]}, "network"),
    ({"mode": "telepathy"}, "mode"),
    ({"with_person": "yes"}, "with_person"),
    ({"family": "x" * 301}, "family"),
    ({"notes": "a\u0000b"}, "notes"),
])
def test_bad_input_to_a_session_is_refused_at_its_field(
        people: dict[str, User], mentoring: Intervention, body: dict[str, Any], field: str) -> None:
    response = _post(api_client(people["carl"]), f"/api/v1/interventions/{mentoring.pk}/sessions",
                     {"duration_minutes": 30, **body})

    assert response.status_code == 422, response.content
    assert field in json_of(response)["error"]["fields"]
    assert not Session.objects.exists()


def test_an_ended_intervention_takes_no_session(people: dict[str, User], case: Case) -> None:
    ended = make_intervention(case=case, provider_user=people["mads"], status=Intervention.Status.ENDED)

    response = _post(api_client(people["mads"]), f"/api/v1/interventions/{ended.pk}/sessions",
                     {"duration_minutes": 30})

    assert response.status_code == 422
    assert not Session.objects.exists()


def test_a_break_the_glass_reader_logs_nothing(people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    grant_break_glass(case, people["per"])

    response = _post(api_client(people["per"]), f"/api/v1/interventions/{mentoring.pk}/sessions",
                     {"duration_minutes": 30})

    assert response.status_code == 403
    assert not Session.objects.exists()
