"""A case's team through the API: the list, who may be added, adding someone with compartments
their role allows, changing them, and taking someone off (never the lead). Only the lead or a case
manager of the owning organisation changes the team."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from infohus.accounts.models import Membership, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, TeamMember
from infohus.cases.tests.factories import make_case
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json")


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _membership(username: str) -> Membership:
    return Membership.objects.get(user__username=username)


def _entry(case: Case, username: str) -> TeamMember:
    return TeamMember.objects.get(case=case, user__username=username)


# --- the list and the candidates ------------------------------------------------------------------

def test_team_members_see_the_team(people: dict[str, User], case: Case) -> None:
    body = json_of(api_client(people["mads"]).get(f"/api/v1/cases/{case.pk}/team"))

    assert [(m["member"]["username"], m["role"], m["compartments"], m["is_lead"]) for m in body["results"]] == [
        ("carl", "case_worker", ["general"], True), ("mads", "mentor", ["general"], False)]
    assert AuditEvent.objects.filter(action="case.viewed", purpose="api: case team", object_id=str(case.pk)).exists()


def test_outsiders_do_not_see_the_team(people: dict[str, User], case: Case) -> None:
    assert api_client(people["otto"]).get(f"/api/v1/cases/{case.pk}/team").status_code == 404
    assert api_client(people["tina"]).get(f"/api/v1/cases/{case.pk}/team").status_code == 403


@pytest.mark.parametrize("rows", [1, 8])
def test_team_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    others = ["mads", "otto", "pia", "morten", "per", "signe", "rita", "ida"][:rows]
    case = make_case(lead=people["carl"], team={people[name]: "general" for name in others})
    client = api_client(people["carl"])
    # the case, carl's place on the team, the audit event, the count, one page with users and organisations
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT + 2):
        response = client.get(f"/api/v1/cases/{case.pk}/team")
    assert json_of(response)["count"] == rows + 1


def test_candidates_are_the_pages_choices(people: dict[str, User], case: Case) -> None:
    body = json_of(api_client(people["carl"]).get(f"/api/v1/cases/{case.pk}/team/candidates?page_size=100"))

    usernames = {c["person"]["username"] for c in body["results"]}
    assert "otto" in usernames and "pia" in usernames
    assert not usernames & {"carl", "mads", "rasmus", "anders"}  # on the team already, or not case roles
    assert api_client(people["mads"]).get(f"/api/v1/cases/{case.pk}/team/candidates").status_code == 403


@pytest.mark.parametrize("rows", [1, 20])
def test_candidates_queries_do_not_grow(people: dict[str, User], case: Case, django_assert_max_num_queries: Any,
                                        rows: int) -> None:
    aarhus = _membership("mads").organisation
    for i in range(rows):
        user = User.objects.create(username=f"mentor{i}", first_name=f"Mentor {i}")
        Membership.objects.create(user=user, organisation=aarhus, role="mentor")
    client = api_client(people["carl"])
    # the case, carl's place on the team, the audit event, the team's users, the count, one page
    # with users and organisations
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT + 3):
        response = client.get(f"/api/v1/cases/{case.pk}/team/candidates?page_size=100")
    assert json_of(response)["count"] >= rows


def test_candidates_are_not_shown_outside(people: dict[str, User], case: Case) -> None:
    assert api_client(people["rita"]).get(f"/api/v1/cases/{case.pk}/team/candidates").status_code == 404


# --- adding, changing, removing -------------------------------------------------------------------

def test_lead_adds_someone_with_compartments_their_role_allows(people: dict[str, User], case: Case) -> None:
    response = _send(api_client(people["carl"]), "POST", f"/api/v1/cases/{case.pk}/team",
                     {"membership": _membership("per").pk, "compartments": ["general", "police"]})

    assert response.status_code == 201
    assert json_of(response)["compartments"] == ["general", "police"]
    assert _entry(case, "per").compartment_set() == {"general", "police"}
    assert AuditEvent.objects.filter(action="case.team_member_added", person_id=str(case.person_id)).exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"compartments": ["general", "police"]}, "compartments"),  # otto is a mentor: general only
    ({"compartments": []}, "compartments"),
    ({"compartments": ["secret"]}, "compartments.0"),
])
def test_adding_beyond_the_role_or_without_compartments_answers_422(people: dict[str, User], case: Case,
                                                                    body: dict[str, Any], field: str) -> None:
    response = _send(api_client(people["carl"]), "POST", f"/api/v1/cases/{case.pk}/team",
                     {"membership": _membership("otto").pk, **body})

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    assert not TeamMember.objects.filter(case=case, user=people["otto"]).exists()


def test_someone_already_on_the_team_or_outside_the_choices_is_refused(people: dict[str, User], case: Case) -> None:
    client = api_client(people["carl"])
    again = _send(client, "POST", f"/api/v1/cases/{case.pk}/team",
                  {"membership": _membership("mads").pk, "compartments": ["general"]})
    analyst = _send(client, "POST", f"/api/v1/cases/{case.pk}/team",
                    {"membership": _membership("anders").pk, "compartments": ["general"]})

    assert set(json_of(again)["error"]["fields"]) == set(json_of(analyst)["error"]["fields"]) == {"membership"}
    assert TeamMember.objects.filter(case=case).count() == 2


def test_only_the_lead_changes_the_team(people: dict[str, User], case: Case) -> None:
    body = {"membership": _membership("otto").pk, "compartments": ["general"]}

    assert _send(api_client(people["mads"]), "POST", f"/api/v1/cases/{case.pk}/team", body).status_code == 403
    assert _send(api_client(people["rita"]), "POST", f"/api/v1/cases/{case.pk}/team", body).status_code == 404
    assert TeamMember.objects.filter(case=case).count() == 2


def test_changing_what_a_member_sees(people: dict[str, User], case: Case) -> None:
    per = make_case(lead=people["carl"], team={people["per"]: "general"})
    entry = _entry(per, "per")
    client = api_client(people["carl"])

    response = _send(client, "PATCH", f"/api/v1/cases/{per.pk}/team/{entry.pk}",
                     {"compartments": ["general", "intelligence"]})
    refused = _send(client, "PATCH", f"/api/v1/cases/{case.pk}/team/{_entry(case, 'mads').pk}",
                    {"compartments": ["health"]})

    assert json_of(response)["compartments"] == ["general", "intelligence"]
    assert refused.status_code == 422
    assert _entry(case, "mads").compartments == "general"
    assert _send(client, "PATCH", f"/api/v1/cases/{case.pk}/team/{entry.pk}",
                 {"compartments": ["general"]}).status_code == 404  # an entry of another case


def test_taking_someone_off_the_team_but_never_the_lead(people: dict[str, User], case: Case) -> None:
    client = api_client(people["carl"])

    removed = _send(client, "DELETE", f"/api/v1/cases/{case.pk}/team/{_entry(case, 'mads').pk}")
    lead = _send(client, "DELETE", f"/api/v1/cases/{case.pk}/team/{_entry(case, 'carl').pk}")

    assert removed.status_code == 204
    assert lead.status_code == 422
    assert {(m.user.username, m.is_active) for m in TeamMember.objects.filter(case=case)} == {
        ("carl", True), ("mads", False)}
    assert api_client(people["mads"]).get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_a_member_cannot_take_others_off(people: dict[str, User], case: Case) -> None:
    response = _send(api_client(people["mads"]), "DELETE", f"/api/v1/cases/{case.pk}/team/{_entry(case, 'carl').pk}")
    assert response.status_code == 403
    assert TeamMember.objects.filter(case=case, is_active=True).count() == 2


def test_changing_and_removing_are_refused_by_role_and_outside(people: dict[str, User], case: Case) -> None:
    entry = _entry(case, "mads")
    for who, status in (("mads", 403), ("rita", 404)):
        client = api_client(people[who])
        change = _send(client, "PATCH", f"/api/v1/cases/{case.pk}/team/{entry.pk}", {"compartments": ["general"]})
        remove = _send(client, "DELETE", f"/api/v1/cases/{case.pk}/team/{entry.pk}")
        assert (change.status_code, remove.status_code) == (status, status)
    entry.refresh_from_db()
    assert entry.is_active
