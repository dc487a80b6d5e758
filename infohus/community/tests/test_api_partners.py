"""Partners and their contact people in the API: a coordinator lists, reads (the contacts an
audited read), adds and changes their organisation's partners; contacts are held with consent and
erased when it is withdrawn; another organisation's partner is 404; a stale version is 409."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import ContactPerson, Partner
from infohus.community.tests.factories import make_contact, make_meeting, make_partner
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/community/partners"
TODAY = timezone.localdate()
PARTNER = {"name": "Moskeforeningen Øst", "kind": "mosque", "area": "Aarhus Ø"}
CONTACT = {"name": "Aisha Formand", "role_at_partner": "Formand", "phone": "+45 20 00 00 01",
           "email": "aisha@example.org", "consent_given_on": str(TODAY), "consent_how": "in_writing"}


@pytest.fixture
def kamal(people: dict[str, User]) -> Client:
    return api_client(people["kamal"])


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_the_coordinator_lists_and_searches_their_partners(people: dict[str, User], kamal: Client) -> None:
    mosque = make_partner(created_by=people["kamal"], name="Moskeen", kind="mosque")
    club = make_partner(created_by=people["kamal"], name="Boldklubben", kind="sports_club")
    make_contact(mosque)
    make_meeting(created_by=people["kamal"], partners=(mosque,))
    make_partner(created_by=people["kamal"], organisation=randers(), name="Randers' own")

    every = json_of(kamal.get(URL))
    by_kind = json_of(kamal.get(URL, {"kind": "mosque"}))
    by_name = json_of(kamal.get(URL, {"q": "bold"}))

    assert [p["name"] for p in every["results"]] == ["Boldklubben", "Moskeen"]
    assert every["results"][1]["contacts"] == 1 and every["results"][1]["meetings"] == 1
    assert [p["id"] for p in by_kind["results"]] == [mosque.pk]
    assert [p["id"] for p in by_name["results"]] == [club.pk]
    assert kamal.get(URL, {"kind": "bakery"}).status_code == 422


def test_a_partner_with_its_contacts_is_an_audited_read(people: dict[str, User], kamal: Client) -> None:
    partner = make_partner(created_by=people["kamal"])
    shown = make_contact(partner, name="Vis Mig")
    make_contact(partner, name="", role_at_partner="", phone="", consent_withdrawn_on=TODAY)
    meeting = make_meeting(created_by=people["kamal"], partners=(partner,))

    body = json_of(kamal.get(f"{URL}/{partner.pk}"))

    assert [c["name"] for c in body["contacts"]] == ["Vis Mig", ""]
    assert body["contacts"][1]["consent_withdrawn_on"] == str(TODAY)
    assert [m["id"] for m in body["meetings"]] == [meeting.pk] and body["meeting_count"] == 1
    event = AuditEvent.objects.get(action="community.contacts_viewed", object_id=str(partner.pk))
    assert event.details["contacts"] == [shown.pk] and event.actor_username == "kamal"


def test_another_organisations_partner_and_contact_are_404_and_audited(people: dict[str, User],
                                                                        kamal: Client) -> None:
    partner = make_partner(created_by=people["kamal"], organisation=randers())
    contact = make_contact(partner)

    assert kamal.get(f"{URL}/{partner.pk}").status_code == 404
    assert send(kamal, "PUT", f"{URL}/{partner.pk}", {**PARTNER, "version": 1}).status_code == 404
    assert send(kamal, "POST", f"{URL}/{partner.pk}/contacts", CONTACT).status_code == 404
    assert send(kamal, "PUT", f"/api/v1/community/contacts/{contact.pk}", {**CONTACT, "version": 1}).status_code == 404
    assert send(kamal, "POST", f"/api/v1/community/contacts/{contact.pk}/withdraw", {}).status_code == 404
    assert AuditEvent.objects.filter(action="community.refused").count() == 5
    assert ContactPerson.objects.get(pk=contact.pk).consent_withdrawn_on is None


@pytest.mark.parametrize("username", ["yasmin", "carl", "anders", "tina"])
def test_only_community_coordinators(people: dict[str, User], username: str) -> None:
    client = api_client(people[username])
    partner = make_partner(created_by=people["kamal"])

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{partner.pk}").status_code == 403
    assert send(client, "POST", URL, PARTNER).status_code == 403


@pytest.mark.parametrize("count", [1, 12])
def test_queries_do_not_grow_with_partners_or_contacts(people: dict[str, User], kamal: Client,
                                                       django_assert_max_num_queries: Any, count: int) -> None:
    partners = [make_partner(created_by=people["kamal"]) for _ in range(count)]
    for partner in partners:
        make_contact(partner)
        make_meeting(created_by=people["kamal"], partners=(partner,))
    make_contact(partners[0])

    # The token (and its last-used mark), the memberships, the count, the page of partners.
    with django_assert_max_num_queries(5):
        assert json_of(kamal.get(URL, {"page_size": 100}))["count"] == count
    # The token, the memberships, the partner, its contacts and their audited read (its savepoint and
    # release, the chain's last link, the event, PostgreSQL's lock), its meetings.
    with django_assert_max_num_queries(10):
        assert kamal.get(f"{URL}/{partners[0].pk}").status_code == 200


def test_the_coordinator_adds_and_changes_a_partner(people: dict[str, User], kamal: Client) -> None:
    created = send(kamal, "POST", URL, PARTNER)
    partner = Partner.objects.get(pk=json_of(created)["id"])
    changed = send(kamal, "PUT", f"{URL}/{partner.pk}", {**PARTNER, "area": "Gellerup", "version": 1})

    assert created.status_code == 201 and partner.organisation.name.startswith("Aarhus")
    assert changed.status_code == 200 and json_of(changed)["area"] == "Gellerup" and json_of(changed)["version"] == 2
    assert {e.action for e in AuditEvent.objects.filter(object_type="partner")} == {
        "community.partner_created", "community.partner_updated"}


def test_a_stale_partner_is_409(people: dict[str, User], kamal: Client) -> None:
    partner = make_partner(created_by=people["kamal"], name="Original")
    Partner.objects.filter(pk=partner.pk).update(version=2)

    response = send(kamal, "PUT", f"{URL}/{partner.pk}", {**PARTNER, "version": 1})

    assert response.status_code == 409 and json_of(response)["error"]["current_version"] == 2
    assert Partner.objects.get(pk=partner.pk).name == "Original"


@pytest.mark.parametrize(("change", "field"), [
    ({"name": " "}, "name"), ({"name": "x" * 201}, "name"), ({"kind": "bakery"}, "kind"), ({"area": "\x00"}, "area"),
])
def test_a_partner_that_does_not_fit_is_refused(kamal: Client, change: dict[str, Any], field: str) -> None:
    response = send(kamal, "POST", URL, {**PARTNER, **change})

    assert response.status_code == 422 and field in json_of(response)["error"]["fields"]
    assert not Partner.objects.exists()


def test_a_contact_is_held_with_consent_and_erased_when_it_is_withdrawn(people: dict[str, User],
                                                                         kamal: Client) -> None:
    partner = make_partner(created_by=people["kamal"])

    added = send(kamal, "POST", f"{URL}/{partner.pk}/contacts", CONTACT)
    contact_id = json_of(added)["id"]
    changed = send(kamal, "PUT", f"/api/v1/community/contacts/{contact_id}",
                   {**CONTACT, "phone": "+45 20 00 00 02", "version": 1})
    withdrawn = send(kamal, "POST", f"/api/v1/community/contacts/{contact_id}/withdraw", {})
    after = send(kamal, "PUT", f"/api/v1/community/contacts/{contact_id}", {**CONTACT, "version": 3})

    assert added.status_code == 201 and changed.status_code == 200
    assert json_of(changed)["phone"] == "+45 20 00 00 02"
    assert withdrawn.status_code == 200
    assert {k: json_of(withdrawn)[k] for k in ("name", "phone", "email", "consent_withdrawn_on")} == {
        "name": "", "phone": "", "email": "", "consent_withdrawn_on": str(TODAY)}
    assert after.status_code == 422
    assert AuditEvent.objects.filter(action="community.contact_consent_withdrawn", object_id=str(contact_id)).exists()
    assert AuditEvent.objects.filter(action="community.viewed", object_type="contactperson",
                                     object_id=str(contact_id)).count() >= 2  # each fetch of the contact is read


@pytest.mark.parametrize(("change", "field"), [
    ({"consent_given_on": str(TODAY + timedelta(days=1))}, "consent_given_on"),
    ({"consent_how": "telepathy"}, "consent_how"),
    ({"email": "not-an-address"}, "email"),
    ({"name": ""}, "name"),
    ({"phone": "1" * 41}, "phone"),
])
def test_a_contact_that_does_not_fit_is_refused(people: dict[str, User], kamal: Client, change: dict[str, Any],
                                                field: str) -> None:
    partner = make_partner(created_by=people["kamal"])

    response = send(kamal, "POST", f"{URL}/{partner.pk}/contacts", {**CONTACT, **change})

    assert response.status_code == 422 and field in json_of(response)["error"]["fields"], json_of(response)
    assert not ContactPerson.objects.exists()


def test_a_withdrawal_cannot_be_dated_in_the_future(people: dict[str, User], kamal: Client) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]))

    response = send(kamal, "POST", f"/api/v1/community/contacts/{contact.pk}/withdraw",
                    {"withdrawn_on": str(TODAY + timedelta(days=3))})

    assert response.status_code == 422 and "withdrawn_on" in json_of(response)["error"]["fields"]
    assert ContactPerson.objects.get(pk=contact.pk).name
