"""A token acts in the one membership it was issued for. carl works for Aarhus and Odder; a token
issued for his Aarhus role reaches the Aarhus case and nothing of Odder's (not the case, not its
lending request), while his pages, which act through both memberships, show both."""

from typing import Any

import pytest
from django.test import Client

from conftest import sign_in_fully
from infohus.accounts.models import Membership, Organisation, User
from infohus.cases.tests.factories import make_case
from infohus.interventions.tests.factories import make_lending
from tests.api import api_client, json_of


def _membership(user: User, organisation_start: str) -> Membership:
    return Membership.objects.select_related("organisation").get(
        user=user, organisation__name__startswith=organisation_start)


@pytest.fixture
def world(people: dict[str, User]) -> dict[str, Any]:
    carl = people["carl"]
    aarhus, odder = _membership(carl, "Aarhus"), _membership(carl, "Odder")
    elsewhere = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).exclude(
        pk__in=[aarhus.organisation_id, odder.organisation_id]).first()
    assert elsewhere is not None
    aarhus_case = make_case(lead=carl, owner=aarhus.organisation)
    odder_case = make_case(lead=carl, owner=odder.organisation)
    # make_case puts carl on the team for his first membership; the Odder case's place is Odder's.
    odder_case.team.filter(user=carl).update(organisation=odder.organisation, role=odder.role)
    aarhus_case.team.filter(user=carl).update(organisation=aarhus.organisation, role=aarhus.role)
    odder_lending = make_lending(case=odder_case, lending_organisation=elsewhere)
    return {"carl": carl, "aarhus": aarhus, "odder": odder, "aarhus_case": aarhus_case, "odder_case": odder_case,
            "odder_lending": odder_lending}


def ids(response: Any) -> set[int]:
    return {row["id"] for row in json_of(response)["results"]}


def test_a_token_for_one_role_sees_only_that_organisations_cases(world: dict[str, Any]) -> None:
    aarhus = api_client(world["carl"], membership=world["aarhus"])
    assert ids(aarhus.get("/api/v1/cases")) == {world["aarhus_case"].pk}
    assert aarhus.get(f"/api/v1/cases/{world['aarhus_case'].pk}").status_code == 200
    assert aarhus.get(f"/api/v1/cases/{world['odder_case'].pk}").status_code == 404

    odder = api_client(world["carl"], membership=world["odder"])
    assert ids(odder.get("/api/v1/cases")) == {world["odder_case"].pk}


def test_a_token_for_one_role_sees_only_that_organisations_lending_requests(world: dict[str, Any]) -> None:
    lending = world["odder_lending"]
    aarhus = api_client(world["carl"], membership=world["aarhus"])
    assert lending.pk not in ids(aarhus.get("/api/v1/lending-requests", {"side": "borrowing"}))
    assert aarhus.get(f"/api/v1/lending-requests/{lending.pk}").status_code == 404
    odder = api_client(world["carl"], membership=world["odder"])
    assert lending.pk in ids(odder.get("/api/v1/lending-requests", {"side": "borrowing"}))
    assert odder.get(f"/api/v1/lending-requests/{lending.pk}").status_code == 200


def test_the_pages_act_through_every_membership(world: dict[str, Any]) -> None:
    page = sign_in_fully(Client(), world["carl"]).get("/desk/cases/").content.decode()
    assert world["aarhus_case"].reference in page and world["odder_case"].reference in page
