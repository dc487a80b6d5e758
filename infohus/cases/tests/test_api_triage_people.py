"""The person's record at triage through the API: the search (with the identifier in the body,
never in the address), linking a record found, and making a new one."""

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, Person
from infohus.cases.tests.factories import make_case, make_concern, make_person
from infohus.cases.tests.triage_helpers import concern_at_other_info_house
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

S = Concern.Status
BORN = date(2007, 5, 17)
CPR = "170507-1234"
TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)


def _post(client: Client, url: str, body: dict[str, Any], method: str = "POST") -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def _search(client: Client, concern: Concern, **criteria: Any) -> Any:
    return _post(client, f"/api/v1/triage/concerns/{concern.pk}/people/search", criteria)


# --- search ---------------------------------------------------------------------------------------

def test_search_finds_exact_and_near_matches_and_is_audited(people: dict[str, User]) -> None:
    exact = make_person("Jonas", "Testesen", birth_date=BORN, identifier="1705071234")
    near = make_person("Jonas", "Testsen", birth_date=BORN)
    for person in (exact, near):
        make_concern(person=person, status=S.DECIDED)
    concern = make_concern()

    body = json_of(_search(api_client(people["ida"]), concern, name="jonas testesen", birth_date=str(BORN)))

    assert [p["id"] for p in body["exact"]] == [exact.pk]
    assert [p["id"] for p in body["near"]] == [near.pk]
    assert body["exact"][0]["identifier_recorded"] is True
    assert "1705071234" not in str(body)
    searched = AuditEvent.objects.get(action="person.searched", actor_id=people["ida"].pk)
    assert searched.details["exact"] == [exact.pk]
    assert searched.purpose == "api: Info-house triage"


def test_search_by_identifier_never_reaches_people_outside(people: dict[str, User]) -> None:
    unrelated = make_person("Jonas", "Testesen", birth_date=BORN, identifier="1705071234")
    make_case(person=unrelated, lead=people["rita"])  # a case ida is not on, no concern of her Info house
    concern = make_concern()

    body = json_of(_search(api_client(people["ida"]), concern, identifier=CPR))

    assert body == {"exact": [], "near": []}


@pytest.mark.parametrize(("criteria", "field"), [({}, "__all__"), ({"identifier": "123"}, "identifier")])
def test_search_needs_a_criterion_and_a_valid_identifier(people: dict[str, User], criteria: dict[str, Any],
                                                          field: str) -> None:
    response = _search(api_client(people["ida"]), make_concern(), **criteria)
    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]


@pytest.mark.parametrize("rows", [1, 20])
def test_search_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    for _ in range(rows):
        make_concern(person=make_person("Jonas", "Testesen", birth_date=BORN), status=S.DECIDED)
    concern = make_concern()
    client = api_client(people["ida"])
    # the concern and its audit event; the caller's Info houses, exact matches, near-match
    # candidates (municipalities joined) and the search's audit event
    with django_assert_max_num_queries(TOKEN + 1 + AUDIT + 3 + AUDIT):
        body = json_of(_search(client, concern, name="Jonas Testesen"))
    assert len(body["exact"]) == rows


def test_search_is_refused_outside_and_for_other_roles(people: dict[str, User]) -> None:
    assert _search(api_client(people["ida"]), concern_at_other_info_house(), name="Jonas").status_code == 404
    assert _search(api_client(people["carl"]), make_concern(), name="Jonas").status_code == 403


# --- linking --------------------------------------------------------------------------------------

def test_linking_a_record_found(people: dict[str, User]) -> None:
    person = make_person()
    make_concern(person=person, status=S.DECIDED)
    concern = make_concern()

    response = _post(api_client(people["per"]), f"/api/v1/triage/concerns/{concern.pk}/person", {"person": person.pk},
                     "PUT")

    assert response.status_code == 200
    assert json_of(response)["person"]["id"] == person.pk
    concern.refresh_from_db()
    assert concern.person == person
    assert AuditEvent.objects.filter(action="concern.person_linked", object_id=str(concern.pk)).exists()


def test_a_record_the_caller_cannot_find_is_404(people: dict[str, User]) -> None:
    hidden = make_person()
    make_case(person=hidden, lead=people["rita"])
    concern = make_concern()

    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/person", {"person": hidden.pk},
                     "PUT")

    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.person is None


# --- making a record ------------------------------------------------------------------------------

def test_making_a_record_links_it_and_keeps_the_identifier_to_itself(people: dict[str, User]) -> None:
    concern = make_concern()

    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/people",
                     {"first_name": "Jonas", "last_name": "Testesen", "birth_date": str(BORN), "identifier": CPR})

    assert response.status_code == 201
    person = Person.objects.get()
    assert json_of(response) == {"id": person.pk, "name": "Jonas Testesen", "birth_date": str(BORN)}
    assert person.identifier_hash != ""
    concern.refresh_from_db()
    assert concern.person == person


@pytest.mark.parametrize(("body", "field"), [
    ({"first_name": "Jonas", "birth_date": "2007-05-18", "identifier": CPR}, "identifier"),
    ({"first_name": "  "}, "first_name"),
    ({"first_name": "Jonas", "municipality": 999_999}, "municipality"),
    ({"first_name": "Jonas", "gender": "none"}, "gender"),
])
def test_the_forms_checks_answer_422(people: dict[str, User], body: dict[str, Any], field: str) -> None:
    concern = make_concern()
    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/people", body)

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    assert not Person.objects.exists()


def test_a_known_identifier_is_to_be_linked_not_made_again(people: dict[str, User]) -> None:
    known = make_person(identifier="1705071234")
    make_concern(person=known, status=S.DECIDED)
    concern = make_concern()

    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/people",
                     {"first_name": "Jonas", "birth_date": str(BORN), "identifier": CPR})

    assert response.status_code == 422
    assert Person.objects.count() == 1


def test_linking_and_making_are_refused_outside_and_for_other_roles(people: dict[str, User]) -> None:
    person = make_person()
    make_concern(person=person, status=S.DECIDED)
    inside, outside = make_concern(), concern_at_other_info_house()

    for concern, who, status in ((outside, "ida", 404), (inside, "carl", 403)):
        client = api_client(people[who])
        link = _post(client, f"/api/v1/triage/concerns/{concern.pk}/person", {"person": person.pk}, "PUT")
        make = _post(client, f"/api/v1/triage/concerns/{concern.pk}/people", {"first_name": "Jonas"})
        assert (link.status_code, make.status_code) == (status, status)
    assert Person.objects.count() == 1
    assert not Concern.objects.filter(person=person).exclude(status=S.DECIDED).exists()


def test_linking_needs_a_record_id(people: dict[str, User]) -> None:
    concern = make_concern()
    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/person", {"person": "Jonas"},
                     "PUT")
    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"person"}
