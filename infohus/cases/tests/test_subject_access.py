"""The cases app's part of a subject access export: finding the person, and their rows only."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from infohus.accounts.models import User
from infohus.cases.models import Disclosure, LegalBasis
from infohus.cases.selectors.subject_access import find_people, holdings_of
from infohus.cases.tests.factories import make_case, make_concern, make_note, make_person


def test_find_people_by_each_criterion(people: dict[str, User]) -> None:
    person = make_person("Jonas", "Åberg", birth_date=date(2007, 5, 17), identifier="1705071234")
    other = make_person("Jonas", "Åberg", birth_date=date(2008, 1, 1))
    case = make_case(person=person, lead=people["carl"])
    concern = make_concern(person=person)

    assert find_people(reference=case.reference) == [person]
    assert find_people(reference=concern.reference.lower()) == [person]
    assert find_people(identifier="170507-1234") == [person]
    assert find_people(name="jonas åberg", birth_date=date(2008, 1, 1)) == [other]
    assert find_people(name="jonas", birth_date=date(2007, 5, 17)) == [person]
    assert find_people() == []
    assert find_people(reference="S-NOPE") == []


def test_find_people_refuses_an_invalid_identifier(db: None) -> None:
    with pytest.raises(ValidationError):
        find_people(identifier="12")


def test_holdings_are_the_persons_own_rows_even_on_a_shared_case(people: dict[str, User]) -> None:
    carl, per = people["carl"], people["per"]
    person, sibling = make_person("Jonas", "Åberg"), make_person("Sara", "Åberg")
    case = make_case(person=person, lead=carl)
    sibling_case = make_case(person=sibling, lead=carl)
    note = make_note(case, author=carl, text="Jonas's note")
    make_note(sibling_case, author=carl, text="Sara's note")
    concern = make_concern(person=person)
    make_concern(person=sibling)
    organisation = per.memberships.first().organisation
    own = Disclosure.objects.create(person=person, case=case, from_organisation=organisation, summary="about Jonas",
                                    legal_basis=LegalBasis.S115_SSP, purpose="prevention", recorded_by=per)
    Disclosure.objects.create(person=sibling, case=case, from_organisation=organisation, summary="about Sara",
                              legal_basis=LegalBasis.S115_SSP, purpose="prevention", recorded_by=per)

    held = holdings_of(person)

    assert held.case_ids == [case.pk]
    assert held.concern_ids == [concern.pk]
    assert [r["id"] for r in held.records["notes"]] == [note.pk]
    assert [r["id"] for r in held.records["disclosures"]] == [own.pk]
    assert [r["id"] for r in held.records["person"]] == [person.pk]
    text = str(held.records)
    assert "Sara" not in text


def test_holdings_never_name_the_reporter_or_caller(people: dict[str, User]) -> None:
    person = make_person("Jonas", "Åberg")
    make_concern(person=person, reporter=people["rasmus"], caller_name="Karen Opkald", caller_contact="22334455")

    held = holdings_of(person)

    concern = held.records["concerns"][0]
    assert "reported_by" not in concern and "caller_name" not in concern
    assert "Karen" not in str(held.records) and "22334455" not in str(held.records)
    assert "rasmus" not in str(held.records).lower()
