"""Disclosures at triage: each records its legal basis and purpose, and only for crime prevention."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, Disclosure, LegalBasis
from infohus.cases.services.triage import record_disclosure
from infohus.cases.tests.factories import make_concern, make_person


@pytest.fixture
def concern(people: dict[str, User]) -> Concern:
    return make_concern(person=make_person(), status=Concern.Status.IN_TRIAGE)


def url(concern: Concern) -> str:
    return f"/desk/triage/concerns/{concern.pk}/disclosures/new/"


def data(**overrides: object) -> dict[str, object]:
    school = Organisation.objects.get(kind=Organisation.Kind.SCHOOL)
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    return {"from_organisation": school.pk, "to_organisation": aarhus.pk, "summary": "Absent for six weeks.",
            "legal_basis": LegalBasis.S115_SSP, "purpose": "To plan a concern conversation.",
            "compartment": "general", "crime_prevention": "on", **overrides}


def test_disclosure_is_recorded_with_basis_and_purpose(concern: Concern, signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").post(url(concern), data())
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert (disclosure.person, disclosure.concern) == (concern.person, concern)
    assert disclosure.legal_basis == LegalBasis.S115_SSP
    assert disclosure.purpose == "To plan a concern conversation."
    assert AuditEvent.objects.filter(action="disclosure.recorded", person_id=str(concern.person_id)).exists()


@pytest.mark.parametrize(("missing", "message"), [
    ({"legal_basis": ""}, "This field is required."),
    ({"purpose": ""}, "This field is required."),
    ({"legal_basis": LegalBasis.OTHER_LAW, "other_law": ""}, "Name the law under which the information was shared."),
    ({"crime_prevention": ""}, "This field is required."),
])
def test_disclosure_requires_basis_purpose_law_and_the_crime_prevention_confirmation(
        concern: Concern, signed_in: Callable[[str], Client], missing: dict[str, str], message: str) -> None:
    response = signed_in("ida").post(url(concern), data(**missing))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Absent for six weeks." in response.content.decode()  # kept for the user
    assert not Disclosure.objects.exists()


def test_other_law_with_its_name_is_accepted(concern: Concern, signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").post(url(concern), data(legal_basis=LegalBasis.OTHER_LAW,
                                                        other_law="Social Services Act s. 49 b"))
    assert response.status_code == 302
    assert Disclosure.objects.get().other_law == "Social Services Act s. 49 b"


def test_service_refuses_without_the_crime_prevention_confirmation(concern: Concern,
                                                                  people: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="criminal investigation"):
        record_disclosure(actor=people["per"], concern=concern, meeting=None, from_organisation=concern.info_house,
                          to_organisation=None, summary="x", legal_basis=LegalBasis.S115_INFOHOUSE,
                          purpose="Prevention", crime_prevention=False)


def test_compartment_outside_the_role_is_refused(concern: Concern, people: dict[str, User],
                                                 signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").post(url(concern), data(compartment="intelligence"))
    assert response.status_code == 200
    with pytest.raises(ValidationError, match="compartment"):
        record_disclosure(actor=people["ida"], concern=concern, meeting=None, from_organisation=concern.info_house,
                          to_organisation=None, summary="x", legal_basis=LegalBasis.S115_INFOHOUSE,
                          purpose="Prevention", crime_prevention=True, compartment="intelligence")
    # the police liaison may file it there
    record_disclosure(actor=people["per"], concern=concern, meeting=None, from_organisation=concern.info_house,
                      to_organisation=None, summary="x", legal_basis=LegalBasis.S115_INFOHOUSE,
                      purpose="Prevention", crime_prevention=True, compartment="intelligence")


def test_without_a_person_the_user_is_sent_to_the_search(signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    response = signed_in("ida").get(url(concern))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/desk/triage/concerns/{concern.pk}/person/")
