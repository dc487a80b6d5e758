"""A case's timeline through the API: notes only in the compartments the reader sees, newest
first, paged; a note only by someone on the team, in a compartment they see, on an open case."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from infohus.accounts.models import User
from infohus.accounts.roles import Compartment
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Note
from infohus.cases.tests.factories import grant_break_glass, make_case, make_note
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

GENERAL, POLICE, HEALTH = Compartment.GENERAL.value, Compartment.POLICE.value, Compartment.HEALTH.value
TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    case = make_case(lead=people["carl"], team={
        people["mads"]: GENERAL, people["per"]: f"{GENERAL},{POLICE}", people["signe"]: f"{GENERAL},{HEALTH}"})
    make_note(case, author=people["carl"], compartment=GENERAL, text="Met the family at home.")
    make_note(case, author=people["per"], compartment=POLICE, text="Known to the police for threats.")
    make_note(case, author=people["signe"], compartment=HEALTH, text="In treatment for anxiety.")
    return case


def _texts(client: Client, case: Case) -> list[str]:
    return [n["text"] for n in json_of(client.get(f"/api/v1/cases/{case.pk}/notes"))["results"]]


def _add(client: Client, case: Case, compartment: str = GENERAL, text: str = "Talked with the school.") -> Any:
    return client.post(f"/api/v1/cases/{case.pk}/notes", {"compartment": compartment, "text": text},
                       content_type="application/json")


# --- reading --------------------------------------------------------------------------------------

def test_each_reader_sees_the_compartments_of_their_place(people: dict[str, User], case: Case) -> None:
    assert _texts(api_client(people["mads"]), case) == ["Met the family at home."]
    assert set(_texts(api_client(people["per"]), case)) == {"Met the family at home.",
                                                             "Known to the police for threats."}
    assert set(_texts(api_client(people["signe"]), case)) == {"Met the family at home.", "In treatment for anxiety."}


def test_newest_first_and_paged(people: dict[str, User], case: Case) -> None:
    Note.objects.filter(text="Met the family at home.").update(written_at=case.opened_at - timedelta(days=1))
    make_note(case, author=people["carl"], text="Second visit.")
    client = api_client(people["mads"])

    first = json_of(client.get(f"/api/v1/cases/{case.pk}/notes?page_size=1"))
    second = json_of(client.get(f"/api/v1/cases/{case.pk}/notes?page_size=1&page=2"))

    assert (first["count"], first["pages"]) == (2, 2)
    assert [n["text"] for n in first["results"] + second["results"]] == ["Second visit.", "Met the family at home."]
    assert first["results"][0]["author"] == {"username": "carl", "name": "Carl Brink"}


def test_reading_the_timeline_is_audited_and_outsiders_get_404(people: dict[str, User], case: Case) -> None:
    api_client(people["mads"]).get(f"/api/v1/cases/{case.pk}/notes")

    assert AuditEvent.objects.filter(action="case.viewed", actor_id=people["mads"].pk, object_id=str(case.pk),
                                     purpose="api: case timeline").exists()
    assert api_client(people["otto"]).get(f"/api/v1/cases/{case.pk}/notes").status_code == 404
    assert api_client(people["kamal"]).get(f"/api/v1/cases/{case.pk}/notes").status_code == 403


@pytest.mark.parametrize("rows", [1, 40])
def test_timeline_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    case = make_case(lead=people["carl"], team={people["mads"]: GENERAL})
    for i in range(rows):
        make_note(case, author=people["mads" if i % 2 else "carl"])
    client = api_client(people["carl"])
    # the case, carl's place on the team, the audit event, the count, one page with the authors
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT + 2):
        response = client.get(f"/api/v1/cases/{case.pk}/notes?page_size=100")
    assert json_of(response)["count"] == rows


# --- writing --------------------------------------------------------------------------------------

def test_a_team_member_adds_a_note_in_a_compartment_they_see(people: dict[str, User], case: Case) -> None:
    response = _add(api_client(people["per"]), case, POLICE, "Seen with a known recruiter.")

    assert response.status_code == 201
    note = Note.objects.get(text="Seen with a known recruiter.")
    assert (json_of(response)["id"], note.compartment, note.author) == (note.pk, POLICE, people["per"])
    assert AuditEvent.objects.filter(action="case.note_added", object_id=str(note.pk)).exists()
    assert "Seen with a known recruiter." not in _texts(api_client(people["mads"]), case)


def test_a_compartment_the_writer_does_not_see_answers_422(people: dict[str, User], case: Case) -> None:
    response = _add(api_client(people["mads"]), case, POLICE)

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"compartment"}
    assert Note.objects.count() == 3


def test_an_empty_or_too_long_note_answers_422(people: dict[str, User], case: Case) -> None:
    client = api_client(people["carl"])
    assert set(json_of(_add(client, case, text="   "))["error"]["fields"]) == {"text"}
    assert set(json_of(_add(client, case, text="x" * 10_001))["error"]["fields"]) == {"text"}
    assert Note.objects.count() == 3


def test_break_the_glass_reads_but_does_not_write(people: dict[str, User], case: Case) -> None:
    grant_break_glass(case, people["ida"])
    client = api_client(people["ida"])

    assert "Met the family at home." in _texts(client, case)
    assert _add(client, case).status_code == 403
    assert Note.objects.count() == 3


def test_outsiders_cannot_write_and_closed_cases_take_no_notes(people: dict[str, User], case: Case) -> None:
    assert _add(api_client(people["otto"]), case).status_code == 404
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    closed = _add(api_client(people["carl"]), case)
    assert closed.status_code == 422
    assert Note.objects.count() == 3
