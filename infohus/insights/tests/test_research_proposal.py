"""An analyst proposes a research project. Direct identifiers are refused at the field with the
catalogue's reason, also when forged in a POST; quasi-identifiers must be among the fields and
include every field that can single a person out; k is at least the smallest published cell."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.insights import research_catalogue as catalogue
from infohus.insights.models import ResearchProject
from infohus.insights.services.research import ProposalData, validate_proposal

URL = "/desk/insights/research/new/"


def proposal(**changes: Any) -> ProposalData:
    values: dict[str, Any] = {
        "title": "Time to decision", "purpose": "How long concerns wait.", "researchers": "A research group",
        "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31),
        "columns": ["extremism", "age_band", "days_to_decision"], "quasi_identifiers": ["age_band", "extremism"],
        "k": 5, "dates": "month"}
    values.update(changes)
    return ProposalData(**values)


def refusal(data: ProposalData) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        validate_proposal(data)
    return caught.value.message_dict


def post_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Time to decision", "purpose": "How long concerns wait for the Info house.",
        "researchers": "A university research group", "period_start": "2025-01-01", "period_end": "2025-12-31",
        "columns": ["days_to_decision", "extremism", "municipality"], "quasi_identifiers": ["municipality"],
        "k": "5", "dates": "shift"}
    data.update(changes)
    return data


# --- the rules ---------------------------------------------------------------------------------------------

def test_a_proposal_within_the_rules_passes() -> None:
    validate_proposal(proposal())


@pytest.mark.parametrize("key", [d.key for d in catalogue.DIRECT_IDENTIFIERS])
def test_every_direct_identifier_is_refused_with_its_reason(key: str) -> None:
    identifier = catalogue.direct_identifier(key)
    assert identifier is not None
    [message] = refusal(proposal(columns=["extremism", key], quasi_identifiers=["extremism"]))["columns"]
    assert str(identifier.label) in message and str(identifier.why) in message


def test_a_direct_identifier_among_the_quasi_identifiers_is_refused_there_too() -> None:
    errors = refusal(proposal(quasi_identifiers=["age_band", "birth_date"]))
    assert list(errors) == ["quasi_identifiers"]
    assert "direct identifier" in errors["quasi_identifiers"][0]


def test_a_key_outside_the_catalogue_is_refused() -> None:
    assert refusal(proposal(columns=["extremism", "shoe_size"], quasi_identifiers=["extremism"]))["columns"] == [
        "“shoe_size” is not in the research catalogue."]


def test_a_quasi_identifier_must_be_a_chosen_field() -> None:
    errors = refusal(proposal(quasi_identifiers=["age_band", "gender"]))
    assert errors == {"quasi_identifiers": ["A quasi-identifier must be one of the chosen fields: Gender."]}


def test_a_field_that_can_single_a_person_out_must_be_a_quasi_identifier() -> None:
    errors = refusal(proposal(columns=["extremism", "age_band", "municipality"], quasi_identifiers=["extremism"]))
    [message] = errors["quasi_identifiers"]
    assert message.startswith("Age at receipt, Municipality can single a person out")


def test_k_below_the_smallest_cell_a_reversed_period_and_no_fields_are_refused(settings: Any) -> None:
    settings.INSIGHTS_MIN_CELL = 5
    errors = refusal(proposal(k=4, period_end=date(2024, 12, 31), columns=[], quasi_identifiers=[]))
    assert errors == {"columns": ["Choose at least one field."],
                      "k": ["The smallest group must be between 5 and 1000 people."],
                      "period_end": ["The period must end on or after the day it starts."]}


# --- the page ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_analyst_proposes_a_project_that_waits_for_the_data_protection_officer(
        signed_in: Any, people: dict[str, User]) -> None:
    response = signed_in("anders").post(URL, post_data())

    project = ResearchProject.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/insights/research/{project.pk}/"
    assert project.status == ResearchProject.Status.PROPOSED and project.key_encrypted == ""
    assert project.fields == ["extremism", "municipality", "days_to_decision"]  # the catalogue's order
    assert (project.quasi_identifiers, project.k, project.dates) == (["municipality"], 5, "shift")
    assert project.proposed_by == people["anders"]
    event = AuditEvent.objects.get(action="insights.research_proposed")
    assert (event.actor_username, event.object_id) == ("anders", str(project.pk))
    assert "Time to decision" not in str(event.details) and "university" not in str(event.details)


@pytest.mark.django_db
def test_a_forged_request_for_birth_dates_and_notes_is_refused_at_the_field_and_keeps_what_was_typed(
        signed_in: Any) -> None:
    client: Client = signed_in("anders")
    response = client.post(URL, post_data(columns=["extremism", "birth_date", "notes"], quasi_identifiers=[]))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["columns"]
    assert "“Birth date” is a direct identifier and never leaves the platform" in errors["columns"][0]
    assert "use the age band" in errors["columns"][0]
    assert "“Notes” is a direct identifier" in errors["columns"][1]
    page = response.content.decode()
    assert 'value="How long concerns wait for the Info house.' not in page  # a textarea keeps it as content
    assert "How long concerns wait for the Info house." in page and 'value="Time to decision"' in page
    assert not ResearchProject.objects.exists()


@pytest.mark.django_db
def test_the_proposal_page_lists_what_is_never_released_and_why(signed_in: Any) -> None:
    response = signed_in("anders").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="direct-identifiers"' in page
    for identifier in catalogue.DIRECT_IDENTIFIERS:
        assert escape(str(identifier.label)) in page and escape(str(identifier.why)) in page
    assert 'value="birth_date"' not in page  # never offered as a field
