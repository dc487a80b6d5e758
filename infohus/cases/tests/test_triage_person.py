"""Finding a person's record before making one, making one, and linking it to the concern."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases import identifiers
from infohus.cases.models import Concern, Person
from infohus.cases.selectors.triage import fold, search_people
from infohus.cases.services.triage import create_person
from infohus.cases.tests.factories import make_case, make_concern, make_person
from infohus.cases.tests.triage_helpers import REQUEST_QUERIES, audit_queries, concern_at_other_info_house

BORN = date(2007, 5, 17)
CPR = "170507-1234"
# The request's own queries, the concern (the user's Info houses, the concern) and the audit of
# its read, the search (the user's Info houses for the scope, exact matches, near-match
# candidates; the scope's subqueries and the municipality are joined in) and its audit event.
SEARCH_QUERIES = REQUEST_QUERIES + 2 + 3 + audit_queries(2)


def search_url(concern: Concern) -> str:
    return f"/desk/triage/concerns/{concern.pk}/person/"


# --- search --------------------------------------------------------------------------------

def test_search_finds_exact_and_near_matches(people: dict[str, User]) -> None:
    exact = make_person("Jonas", "Testesen", birth_date=BORN)
    spelt_otherwise = make_person("Jonas", "Testsen", birth_date=BORN)
    other_name = make_person("Karen", "Blixen", birth_date=BORN)
    for person in (exact, spelt_otherwise, other_name):
        make_concern(person=person, status=Concern.Status.DECIDED)
    result = search_people(people["ida"], name="jonas testesen", birth_date=BORN)
    assert result.exact == [exact]
    assert result.near == [spelt_otherwise]


def test_near_matches_without_birth_date_use_the_name_stem(people: dict[str, User]) -> None:
    person = make_person("Mohammed", "Hassan")
    make_concern(person=person)
    result = search_people(people["per"], name="Mohamed Hasan")
    assert result.exact == []
    assert result.near == [person]


def test_search_by_identifier_uses_the_lookup_hash(people: dict[str, User]) -> None:
    person = make_person(identifier="1705071234")
    make_concern(person=person)
    assert search_people(people["ida"], identifier=CPR).exact == [person]
    event = AuditEvent.objects.get(action="person.searched")
    assert CPR not in str(event.details) and "1705071234" not in str(event.details)


def test_search_finds_people_of_closed_concerns_of_the_info_house(people: dict[str, User]) -> None:
    person = make_person("Jonas", "Testesen")
    make_concern(person=person, status=Concern.Status.HANDLED_LOCALLY)
    assert search_people(people["ida"], name="Testesen").exact == [person]


def test_search_never_finds_people_outside_the_need_to_know(people: dict[str, User]) -> None:
    at_other_house = make_person("Jonas", "Testesen", birth_date=BORN, identifier="1705071234")
    concern_at_other_info_house(person=at_other_house)
    on_a_case_elsewhere = make_person("Jonas", "Testesen", birth_date=BORN)
    make_case(person=on_a_case_elsewhere, lead=people["carl"])
    make_person("Jonas", "Testesen", birth_date=BORN)  # linked to nothing
    for criteria in ({"name": "Jonas Testesen"}, {"birth_date": BORN}, {"identifier": CPR},
                     {"name": "Jonas Testesen", "birth_date": BORN}):
        result = search_people(people["ida"], **criteria)  # type: ignore[arg-type]
        assert result.exact == [] and result.near == [], criteria


def test_case_worker_finds_only_people_on_own_cases_through_the_page(signed_in: Callable[[str], Client]) -> None:
    # carl has no triage capability: the page itself is closed to him.
    concern = make_concern()
    assert signed_in("carl").post(search_url(concern), {"name": "Jonas"}).status_code == 403


def test_search_page_lists_matches_and_links(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    existing = make_person("Jonas", "Testesen", birth_date=BORN)
    make_concern(person=existing, status=Concern.Status.DECIDED)
    concern = make_concern()
    client = signed_in("ida")
    response = client.post(search_url(concern), {"name": "Jonas", "birth_date": "2007-05-17"})
    assert response.status_code == 200
    assert "Jonas Testesen" in response.content.decode()
    response = client.post(search_url(concern) + "link/", {"person": existing.pk})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.person == existing
    assert AuditEvent.objects.filter(action="concern.person_linked", person_id=str(existing.pk)).exists()


def test_linking_a_person_outside_the_search_scope_is_404(signed_in: Callable[[str], Client]) -> None:
    stranger = make_person("Hidden", "Person")
    concern = make_concern()
    response = signed_in("ida").post(search_url(concern) + "link/", {"person": stranger.pk})
    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.person is None
    assert AuditEvent.objects.filter(action="person.refused", object_id=str(stranger.pk)).exists()


def test_invalid_cpr_in_the_search_is_refused_with_a_message(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").post(search_url(make_concern()), {"identifier": "123"})
    assert "A CPR number has ten digits" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 25])
def test_search_query_count_does_not_grow(people: dict[str, User], signed_in: Callable[[str], Client], rows: int,
                                          django_assert_max_num_queries: Any) -> None:
    client = signed_in("ida")
    concern = make_concern()
    for i in range(rows):
        make_concern(person=make_person("Jonas", f"Testesen{i}", birth_date=BORN,
                                        municipality=people["carl"].memberships.first().organisation))
        make_concern(person=make_person("Jonas", f"Tstesen{i}", birth_date=BORN))
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.post(search_url(concern), {"name": "Jonas Testesen", "birth_date": "2007-05-17"})
    assert response.status_code == 200
    assert response.context["results"].exact and response.context["results"].near


def test_a_search_in_the_address_is_not_run(signed_in: Callable[[str], Client]) -> None:
    # Names and CPR numbers are posted; one in a query string (a bookmark, an old link) is ignored
    # rather than searched for, so that nobody gets used to putting them there.
    make_concern(person=make_person(identifier="1705071234"))
    response = signed_in("ida").get(search_url(make_concern()), {"identifier": CPR})
    assert response.status_code == 200
    assert response.context["results"] is None and not response.context["form"].is_bound
    assert not AuditEvent.objects.filter(action="person.searched").exists()
    assert 'method="post" role="search"' in response.content.decode()


def test_new_record_from_the_search_starts_with_what_was_searched(signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    client = signed_in("ida")
    page = client.post(search_url(concern), {"name": "Jonas Kragh Holm", "birth_date": "2004-05-17"}).content.decode()
    assert f'action="{search_url(concern)}new/"' in page and 'name="from_search"' in page
    response = client.post(search_url(concern) + "new/", {"from_search": "1", "name": "Jonas Kragh Holm",
                                                          "birth_date": "2004-05-17"})
    assert response.status_code == 200
    assert response.context["form"].initial == {"first_name": "Jonas", "last_name": "Kragh Holm",
                                                 "birth_date": "2004-05-17"}
    assert not response.context["form"].is_bound and not Person.objects.exists()


def test_new_record_from_the_search_drops_a_birth_date_that_is_not_one(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").post(search_url(make_concern()) + "new/",
                                     {"from_search": "1", "name": "Jonas", "birth_date": "17.05.2004x"})
    assert response.context["form"].initial == {"first_name": "Jonas"}


# --- create --------------------------------------------------------------------------------

def form_data(**overrides: str) -> dict[str, str]:
    return {"first_name": "Søren", "last_name": "Ågård", "birth_date": "2007-05-17", "identifier_country": "DK",
            "identifier": CPR, "gender": "male", **overrides}


def test_create_person_encrypts_identifier_and_folds_the_name(signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    response = signed_in("ida").post(search_url(concern) + "new/", form_data())
    assert response.status_code == 302
    concern.refresh_from_db()
    person = concern.person
    assert person is not None
    assert person.search_name == "soeren aagaard" == fold("Søren Ågård")
    assert person.identifier_encrypted and "1705071234" not in person.identifier_encrypted
    assert identifiers.decrypt(person.identifier_encrypted) == "1705071234"
    assert person.identifier_hash == identifiers.lookup_hash("DK", "1705071234")
    assert AuditEvent.objects.filter(action="person.created", person_id=str(person.pk), purpose__contains="triage")
    assert AuditEvent.objects.filter(action="concern.person_linked", person_id=str(person.pk)).exists()


def test_accented_name_is_found_without_accents(people: dict[str, User]) -> None:
    concern = make_concern()
    person = create_person(actor=people["ida"], concern=concern, first_name="Søren", last_name="Ågård")
    assert search_people(people["ida"], name="soeren aagaard").exact == [person]
    assert search_people(people["ida"], name="SØREN").exact == [person]


@pytest.mark.parametrize(("identifier", "message"), [
    ("12345", "A CPR number has ten digits"),
    ("3213071234", "The first six digits of a CPR number must be a date"),
    ("180507-1234", "do not match the birth date"),
])
def test_invalid_cpr_is_refused_with_a_clear_message(signed_in: Callable[[str], Client], identifier: str,
                                                     message: str) -> None:
    concern = make_concern()
    response = signed_in("ida").post(search_url(concern) + "new/", form_data(identifier=identifier))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="Søren"' in body  # what was typed is kept
    assert not Person.objects.exists()


def test_future_birth_date_is_refused(signed_in: Callable[[str], Client]) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = signed_in("ida").post(search_url(make_concern()) + "new/",
                                     form_data(birth_date=tomorrow.isoformat(), identifier=""))
    assert "The birth date cannot be in the future." in response.content.decode()
    assert not Person.objects.exists()


def test_service_refuses_future_birth_date_too(people: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="future"):
        create_person(actor=people["ida"], concern=make_concern(), first_name="A",
                      birth_date=timezone.localdate() + timedelta(days=1))


def test_duplicate_identifier_in_reach_is_refused(people: dict[str, User]) -> None:
    make_concern(person=make_person(identifier="1705071234"))
    with pytest.raises(ValidationError, match="already has a record"):
        create_person(actor=people["ida"], concern=make_concern(), first_name="Jonas", identifier=CPR,
                      birth_date=BORN)


def test_decided_concern_gets_no_new_person(people: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="already been decided"):
        create_person(actor=people["ida"], concern=make_concern(status=Concern.Status.DECIDED), first_name="A")


def test_search_covers_everyone_in_the_need_to_know(people: dict[str, User]) -> None:
    from infohus.cases.selectors.need_to_know import people_visible_to
    from infohus.cases.selectors.triage import searchable_people

    on_idas_case = make_person("Case", "Person")
    make_case(person=on_idas_case, lead=people["carl"], team={people["ida"]: "general"})
    make_concern(person=make_person("Concern", "Person"))
    visible = set(people_visible_to(people["ida"]))
    assert on_idas_case in visible
    assert visible <= set(searchable_people(people["ida"]))
