"""The subject access pages: finding the person, the summary of what is held, the export form's
refusals, the legal hold, the audit of every step and the query counts of the pages."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in_fully
from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.tests.factories import make_case, make_concern, make_note, make_person
from infohus.privacy.models import LegalHold
from infohus.privacy.tests.test_subject_access_export import seed

FIND = "/privacy/subject-access/"
# The find page: session, user, device and membership (4), the people found (1, with their
# municipality), the search's audit event in a savepoint (4, and PostgreSQL's chain lock), and
# the session saved (3).
FIND_QUERIES = 13
# The person page: as the export (see test_subject_access_export), less nothing: the same reads
# for the counts, and the viewing event instead of the export event.
PAGE_QUERIES = 33


@pytest.fixture
def dina(people: dict[str, User]) -> Client:
    return sign_in_fully(Client(), people["dina"])


def person_url(person: Any) -> str:
    return f"{FIND}{person.pk}/"


def found_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-person="(\d+)"', html)}


# --- finding the person --------------------------------------------------------------------

def test_finds_by_case_reference_concern_reference_identifier_and_name_with_birth_date(
        dina: Client, people: dict[str, User]) -> None:
    person = make_person("Åse", "Ærø", birth_date=date(2006, 3, 4), identifier="0403061234")
    namesake = make_person("Åse", "Ærø", birth_date=date(2001, 1, 1))
    case = make_case(person=person, lead=people["carl"])
    concern = make_concern(person=person)

    for query in ({"reference": case.reference.lower()}, {"reference": concern.reference},
                  {"identifier": "040306-1234", "identifier_country": "DK"},
                  {"name": "åse ærø", "birth_date": "2006-03-04"}):
        response = dina.post(FIND, query)
        assert response.status_code == 200, query
        assert found_ids(response.content.decode()) == {person.pk}, query
    response = dina.post(FIND, {"name": "Åse", "birth_date": "2001-01-01"})
    assert found_ids(response.content.decode()) == {namesake.pk}


def test_a_search_is_audited_with_the_criteria_not_their_values(dina: Client) -> None:
    person = make_person("Åse", "Ærø", identifier="0403061234")

    dina.post(FIND, {"identifier": "0403061234"})

    event = AuditEvent.objects.get(action="privacy.subject_access.search")
    assert event.actor_username == "dina"
    assert event.person_id == str(person.pk)
    assert event.details == {"criteria": ["identifier"], "found": [person.pk]}
    assert "0403061234" not in str(event.details)


@pytest.mark.parametrize(("query", "field", "message"), [
    ({}, None, None),
    ({"reference": "", "name": ""}, None, "Give a reference, an identifier, or a name and a birth date."),
    ({"name": "Åse Ærø"}, "birth_date", "Give the birth date with the name."),
    ({"birth_date": "2006-03-04"}, "name", "Give the name with the birth date."),
    ({"identifier": "991399-1234"}, "identifier", "The first six digits of a CPR number must be a date"),
])
def test_a_search_without_enough_to_go_on_is_refused_with_the_reason(
        dina: Client, query: dict[str, str], field: str | None, message: str | None) -> None:
    response = dina.post(FIND, query) if query else dina.get(FIND)
    html = response.content.decode()
    if message is None:  # the empty page, before a search
        assert response.status_code == 200
        assert 'data-testid="found"' not in html
        return
    assert response.status_code == 400
    assert message in html
    if field is not None:
        assert f'id="id_{field}_error"' in html
    for value in query.values():
        if value:
            assert f'value="{value}"' in html  # what was typed is kept
    assert not AuditEvent.objects.filter(action="privacy.subject_access.search").exists()


def test_find_page_queries_do_not_grow_with_the_people_found(
        dina: Client, django_assert_max_num_queries: Any) -> None:
    make_person("Åse", "Ærø", birth_date=date(2006, 3, 4))
    with django_assert_max_num_queries(FIND_QUERIES):
        few = dina.post(FIND, {"name": "Åse", "birth_date": "2006-03-04"})
    for _n in range(15):
        make_person("Åse", "Ærø", birth_date=date(2006, 3, 4))
    with django_assert_max_num_queries(FIND_QUERIES):
        many = dina.post(FIND, {"name": "Åse", "birth_date": "2006-03-04"})
    assert len(found_ids(few.content.decode())) == 1
    assert len(found_ids(many.content.decode())) == 16


def test_a_search_in_the_address_is_not_run(dina: Client) -> None:
    make_person("Åse", "Ærø", identifier="0403061234")
    response = dina.get(FIND, {"identifier": "0403061234"})
    assert response.status_code == 200
    assert 'data-testid="found"' not in response.content.decode()
    assert not AuditEvent.objects.filter(action="privacy.subject_access.search").exists()


# --- what is held, and the export form -----------------------------------------------------

def test_the_page_counts_what_is_held_per_kind_and_compartment(dina: Client, people: dict[str, User]) -> None:
    person = make_person("Åse", "Ærø")
    case = make_case(person=person, lead=people["carl"])
    make_note(case, author=people["carl"], compartment="general")
    make_note(case, author=people["carl"], compartment="police")
    make_note(case, author=people["carl"], compartment="police")

    response = dina.get(person_url(person))

    assert response.status_code == 200
    html = response.content.decode()
    notes = re.search(r'<tr data-kind="notes">(.*?)</tr>', html, re.S)
    assert notes is not None
    # general, health, police, intelligence, all
    assert re.findall(r"<td>(\d+)</td>", notes.group(1)) == ["1", "0", "2", "0", "3"]
    # None preselected: the officer chooses what may be released.
    assert 'name="compartments"' in html
    assert not re.search(r'name="compartments"[^>]*checked', html)
    event = AuditEvent.objects.get(action="privacy.subject_access.viewed")
    assert (event.person_id, event.details) == (str(person.pk), {})


def test_an_export_without_a_compartment_is_refused_at_the_field(dina: Client) -> None:
    person = make_person("Åse", "Ærø")

    response = dina.post(person_url(person), {"format": "pdf"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one compartment to release." in html
    assert 'id="id_compartments_error"' in html
    assert re.search(r'value="pdf"[^>]*checked', html)  # the format chosen is kept
    assert not AuditEvent.objects.filter(action="privacy.subject_access.exported").exists()


def test_an_export_without_a_format_is_refused_and_keeps_the_compartments(dina: Client) -> None:
    person = make_person("Åse", "Ærø")

    response = dina.post(person_url(person), {"compartments": ["health"]})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose JSON or PDF." in html
    assert re.search(r'value="health"[^>]*checked', html)
    assert not re.search(r'value="general"[^>]*checked', html)


def test_an_unknown_person_is_404(dina: Client) -> None:
    assert dina.get(f"{FIND}999999/").status_code == 404


def test_person_page_queries_do_not_grow_with_the_rows(
        dina: Client, people: dict[str, User], django_assert_max_num_queries: Any) -> None:
    few = seed(people, first="Fie", last="Få", tag="FEW")["person"]
    many = seed(people, first="Mia", last="Mange", tag="MANY", many=25)["person"]
    for person in (few, many):
        with django_assert_max_num_queries(PAGE_QUERIES):
            response = dina.get(person_url(person))
        assert response.status_code == 200


# --- legal hold ----------------------------------------------------------------------------

def hold(person: Any, people: dict[str, User], **fields: Any) -> LegalHold:
    return LegalHold.objects.create(person=person, reason="Klage over sagsbehandlingen", reference="KL-2026-17",
                                    placed_by=people["dina"], **fields)


def test_a_person_under_a_legal_hold_is_refused_with_the_explanation(dina: Client, people: dict[str, User]) -> None:
    person = make_person("Åse", "Ærø")
    placed = hold(person, people)

    shown = dina.get(person_url(person))
    refused = dina.post(person_url(person), {"compartments": ["general"], "format": "json"})

    for response in (shown, refused):
        html = response.content.decode()
        assert "records are under a legal hold" in html
        assert "KL-2026-17" in html
        assert timezone.localtime(placed.placed_at).strftime("%Y-%m-%d") in html
        assert 'name="compartments"' not in html
        assert "Klage" not in html  # the reason stays with the hold
    assert shown.status_code == 200
    assert refused.status_code == 409
    assert "attachment" not in refused.get("Content-Disposition", "")
    assert not AuditEvent.objects.filter(action__in=["privacy.subject_access.exported",
                                                     "privacy.subject_access.viewed"]).exists()
    events = AuditEvent.objects.filter(action="privacy.subject_access.refused").order_by("seq")
    assert [(e.person_id, e.details) for e in events] == [
        (str(person.pk), {"reason": "legal_hold", "hold": placed.pk, "step": "view"}),
        (str(person.pk), {"reason": "legal_hold", "hold": placed.pk, "step": "export"}),
    ]


def test_a_lifted_hold_no_longer_refuses(dina: Client, people: dict[str, User]) -> None:
    person = make_person("Åse", "Ærø")
    hold(person, people, lifted_at=timezone.now() - timedelta(days=1), lifted_by=people["dina"])

    response = dina.post(person_url(person), {"compartments": ["general"], "format": "json"})

    assert response.status_code == 200
    assert response.json()["records"]["person"][0]["first_name"] == "Åse"
