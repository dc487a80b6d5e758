"""The partner pages in the browser: the list with its search and filter, a partner's page with
its contacts and meetings, the partner and contact forms (refused input comes back with a 400 and
everything typed kept; a save after someone else's is a 409 with the current values), and the
withdrawal of consent that erases a contact's details. Reads of contacts are audited. Query counts
are pinned and do not grow with the number of partners, contacts or meetings."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import ContactPerson, Partner, PartnerKind
from infohus.community.tests.factories import make_contact, make_meeting, make_partner

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved at the end: up
# to 3), the count and the page of partners with their counts (2).
LIST_QUERIES = 9
# The request (4 + 3), the partner (1), its contacts (1), the audited read of the contacts shown
# (savepoint, chain head, insert, release: 4, and PostgreSQL's advisory lock: 1), the latest
# meetings (1) and, when there are more than are shown, their count (1).
DETAIL_QUERIES = 16


def url(name: str, *args: int) -> str:
    return reverse(f"community:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


# --- who opens what ---------------------------------------------------------------------------------

def test_the_coordinator_sees_only_the_partners_of_their_organisation(signed_in: ClientFor, people: People) -> None:
    make_partner(created_by=people["kamal"], name="Kulturforeningen Aarhus")
    make_partner(created_by=people["kamal"], organisation=randers(), name="Randers Moské")
    page = page_of(signed_in("kamal").get(url("partner_list")))
    assert "Kulturforeningen Aarhus" in page and "Randers Moské" not in page


@pytest.mark.parametrize("username", ["yasmin", "carl", "tina", "sofie"])
def test_others_may_not_open_the_partners(signed_in: ClientFor, people: People, username: str) -> None:
    partner = make_partner(created_by=people["kamal"])
    client = signed_in(username)
    assert client.get(url("partner_list")).status_code == 403
    assert client.get(url("partner_detail", partner.pk)).status_code == 403


def test_another_organisations_partner_is_404_and_the_refusal_audited(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"], organisation=randers())
    contact = make_contact(partner)
    client = signed_in("kamal")
    for name, pk in (("partner_detail", partner.pk), ("partner_edit", partner.pk), ("contact_new", partner.pk),
                     ("contact_edit", contact.pk), ("contact_withdraw", contact.pk)):
        assert client.get(url(name, pk)).status_code == 404, name
    assert client.post(url("contact_withdraw", contact.pk), {"withdrawn_on": str(TODAY)}).status_code == 404
    contact.refresh_from_db()
    assert contact.name and contact.consent_withdrawn_on is None
    assert AuditEvent.objects.filter(action="community.refused", actor_username="kamal",
                                     object_type="contactperson", object_id=str(contact.pk)).exists()


# --- the list ---------------------------------------------------------------------------------------------

def test_search_by_name_and_filter_by_kind(signed_in: ClientFor, people: People) -> None:
    kamal = people["kamal"]
    make_partner(created_by=kamal, name="Moskéforeningen Nordlys", kind=PartnerKind.MOSQUE)
    make_partner(created_by=kamal, name="Boldklubben Nordvest", kind=PartnerKind.SPORTS_CLUB)
    make_partner(created_by=kamal, name="Kulturforeningen Sol", kind=PartnerKind.CULTURAL_SOCIETY)
    client = signed_in("kamal")
    page = page_of(client.get(url("partner_list"), {"q": "nord"}))
    assert "Moskéforeningen Nordlys" in page and "Boldklubben Nordvest" in page and "Kulturforeningen Sol" not in page
    page = page_of(client.get(url("partner_list"), {"q": "nord", "kind": PartnerKind.SPORTS_CLUB}))
    assert "Boldklubben Nordvest" in page and "Moskéforeningen Nordlys" not in page
    assert page.count('data-testid="partner-row"') == 1


def test_an_unknown_kind_is_refused_with_400(signed_in: ClientFor, people: People) -> None:
    make_partner(created_by=people["kamal"], name="Kulturforeningen Sol")
    page = page_of(signed_in("kamal").get(url("partner_list"), {"kind": "casino"}), 400)
    assert "Select a valid choice" in page and "Kulturforeningen Sol" not in page


def test_the_list_counts_consenting_contacts_and_meetings(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Kulturforeningen Sol")
    make_contact(partner)
    make_contact(partner, name="", phone="", email="", consent_withdrawn_on=TODAY)
    make_meeting(created_by=people["kamal"], partners=(partner,))
    make_meeting(created_by=people["kamal"], partners=(partner,))
    page = page_of(signed_in("kamal").get(url("partner_list")))
    row = page.split('data-testid="partner-row"')[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[4:6]] == ["1", "2"]


def test_list_queries_do_not_grow_with_partners(signed_in: ClientFor, people: People,
                                                django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    counts = []
    for total in (1, 60):
        Partner.objects.all().delete()
        for n in range(total):
            partner = make_partner(created_by=people["kamal"], name=f"Forening {n:03d}")
            make_contact(partner)
            make_meeting(created_by=people["kamal"], partners=(partner,))
        with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("partner_list")))
        counts.append(len(queries))
        assert page.count('data-testid="partner-row"') == min(total, 50)
    assert counts[0] == counts[1]


# --- a partner's page ------------------------------------------------------------------------------------

def test_the_partner_page_shows_contacts_and_meetings_and_audits_the_contacts_read(
        signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Moskéforeningen Nordlys", area="Aarhus V")
    amira = make_contact(partner, name="Amira Testesen", phone="+45 20 11 22 33", consent_how="by_email",
                         consent_given_on=TODAY - timedelta(days=4))
    make_contact(partner, name="", phone="", email="", role_at_partner="", consent_withdrawn_on=TODAY)
    meeting = make_meeting(created_by=people["kamal"], partners=(partner,), place="Mødelokalet")
    page = page_of(signed_in("kamal").get(url("partner_detail", partner.pk)))
    assert "Amira Testesen" in page and "+45 20 11 22 33" in page
    assert f"Given {TODAY - timedelta(days=4)} (By e-mail)" in page
    assert 'data-testid="contact-withdrawn"' in page and "contact (consent withdrawn)" in page
    assert url("meeting_detail", meeting.pk) in page and "Mødelokalet" in page
    event = AuditEvent.objects.get(action="community.contacts_viewed", actor_username="kamal")
    assert event.object_type == "partner" and event.object_id == str(partner.pk)
    assert event.details == {"contacts": [amira.pk]}
    assert "Amira" not in str(event.details)


def test_detail_queries_do_not_grow_with_contacts_or_meetings(signed_in: ClientFor, people: People,
                                                              django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    counts = []
    for total in (1, 60):
        partner = make_partner(created_by=people["kamal"])
        for _n in range(total):
            make_contact(partner)
            make_meeting(created_by=people["kamal"], partners=(partner,))
        with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("partner_detail", partner.pk)))
        counts.append(len(queries))
        assert page.count('data-testid="contact-row"') == total
        assert ("the latest 50 shown" in page) is (total == 60)
    assert counts[1] - counts[0] <= 1  # only the count of meetings, when more than are shown


# --- the partner form --------------------------------------------------------------------------------------

PARTNER = {"name": "Foreningen Fællesskab", "kind": PartnerKind.ASSOCIATION, "area": "Gellerup",
           "description": "Ungdomsaftener.", "is_active": "on"}


def test_a_new_partner_is_kept_by_the_coordinators_organisation(signed_in: ClientFor, people: People) -> None:
    response = signed_in("kamal").post(url("partner_new"), PARTNER)
    partner = Partner.objects.get()
    assert response.status_code == 302 and response["Location"] == url("partner_detail", partner.pk)
    assert partner.organisation.name.startswith("Aarhus") and partner.created_by == people["kamal"]
    assert AuditEvent.objects.filter(action="community.partner_created", object_id=str(partner.pk)).exists()


def test_a_partner_without_a_name_is_refused_and_the_input_kept(signed_in: ClientFor) -> None:
    page = page_of(signed_in("kamal").post(url("partner_new"), {**PARTNER, "name": " "}), 400)
    assert "Give the partner&#x27;s name." in page and 'value="Gellerup"' in page
    assert not Partner.objects.exists()


def test_editing_a_partner(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Gammelt navn")
    response = signed_in("kamal").post(url("partner_edit", partner.pk), {**PARTNER, "is_active": "", "version": "1"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.is_active, partner.version) == ("Foreningen Fællesskab", False, 2)
    event = AuditEvent.objects.get(action="community.partner_updated")
    assert "name" in event.details["changed"] and "Fællesskab" not in str(event.details)


def test_a_save_after_someone_elses_is_409_with_the_current_values(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Gammelt navn")
    Partner.objects.filter(pk=partner.pk).update(name="Sat af en anden", version=2)
    page = page_of(signed_in("kamal").post(url("partner_edit", partner.pk), {**PARTNER, "version": "1"}), 409)
    assert 'data-testid="stale"' in page and "Sat af en anden" in page
    assert 'value="Foreningen Fællesskab"' in page  # the editor's input kept
    assert 'name="version" value="2"' in page  # and now carrying the current version
    partner.refresh_from_db()
    assert partner.name == "Sat af en anden"


# --- contacts ---------------------------------------------------------------------------------------------

CONTACT = {"name": "Amira Testesen", "role_at_partner": "Formand", "phone": "+45 20 00 00 01",
           "email": "amira@example.org", "consent_given_on": str(TODAY - timedelta(days=2)),
           "consent_how": "in_writing"}


def test_a_contact_is_added_with_consent(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"])
    response = signed_in("kamal").post(url("contact_new", partner.pk), CONTACT)
    assert response.status_code == 302 and response["Location"].endswith("#contacts")
    contact = ContactPerson.objects.get()
    assert (contact.name, contact.consent_how, contact.recorded_by) == ("Amira Testesen", "in_writing", people["kamal"])
    event = AuditEvent.objects.get(action="community.contact_added")
    assert "Amira" not in str(event.details) and "example.org" not in str(event.details)


@pytest.mark.parametrize(("change", "message"), [
    ({"consent_given_on": ""}, "Give the date the contact person consented"),
    ({"consent_given_on": str(TODAY + timedelta(days=1))}, "Consent cannot be given in the future"),
    ({"consent_how": ""}, "Say how consent was given."),
    ({"name": ""}, "Give the contact person&#x27;s name."),
    ({"email": "not-an-address"}, "valid e-mail address"),
])
def test_a_contact_without_valid_consent_is_refused_and_nothing_lost(
        signed_in: ClientFor, people: People, change: dict[str, str], message: str) -> None:
    partner = make_partner(created_by=people["kamal"])
    page = page_of(signed_in("kamal").post(url("contact_new", partner.pk), {**CONTACT, **change}), 400)
    assert message in page
    assert 'value="+45 20 00 00 01"' in page  # what was typed is still there
    assert not ContactPerson.objects.exists()


def test_opening_a_contact_to_edit_is_an_audited_read(signed_in: ClientFor, people: People) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]), name="Amira Testesen")
    page = page_of(signed_in("kamal").get(url("contact_edit", contact.pk)))
    assert 'value="Amira Testesen"' in page
    assert AuditEvent.objects.filter(action="community.viewed", object_type="contactperson",
                                     object_id=str(contact.pk), actor_username="kamal").exists()


def test_editing_a_contact_and_a_stale_save(signed_in: ClientFor, people: People) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]), name="Amira Testesen")
    client = signed_in("kamal")
    response = client.post(url("contact_edit", contact.pk), {**CONTACT, "phone": "+45 99", "version": "1"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.phone, contact.version) == ("+45 99", 2)
    page = page_of(client.post(url("contact_edit", contact.pk), {**CONTACT, "phone": "+45 11", "version": "1"}), 409)
    assert "+45 99" in page  # the current value shown
    contact.refresh_from_db()
    assert contact.phone == "+45 99"


def test_withdrawing_consent_asks_first_then_erases_the_details(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"])
    contact = make_contact(partner, name="Amira Testesen", phone="+45 20 11 22 33", email="amira@example.org",
                           consent_given_on=TODAY - timedelta(days=30))
    client = signed_in("kamal")
    page = page_of(client.get(url("contact_withdraw", contact.pk)))
    assert "erased at once" in page and "Amira Testesen" in page
    contact.refresh_from_db()
    assert contact.name == "Amira Testesen"  # nothing happens on opening the page

    response = client.post(url("contact_withdraw", contact.pk), {"withdrawn_on": str(TODAY)})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.role_at_partner, contact.phone, contact.email) == ("", "", "", "")
    assert contact.consent_withdrawn_on == TODAY and contact.consent_given_on == TODAY - timedelta(days=30)
    assert str(contact) == "contact (consent withdrawn)"
    event = AuditEvent.objects.get(action="community.contact_consent_withdrawn")
    assert event.object_id == str(contact.pk)
    assert not any(secret in str(event.details) for secret in ("Amira", "20 11 22 33", "example.org"))

    page = page_of(client.get(url("partner_detail", partner.pk)))
    assert "Amira" not in page and "contact (consent withdrawn)" in page
    # Once withdrawn, the details cannot come back through the edit form.
    assert client.post(url("contact_edit", contact.pk), {**CONTACT, "version": "2"}).status_code == 302
    contact.refresh_from_db()
    assert contact.name == ""


def test_a_withdrawal_dated_in_the_future_is_refused(signed_in: ClientFor, people: People) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]), name="Amira Testesen")
    page = page_of(signed_in("kamal").post(url("contact_withdraw", contact.pk),
                                           {"withdrawn_on": str(TODAY + timedelta(days=3))}), 400)
    assert "cannot be recorded for a date in the future" in page
    contact.refresh_from_db()
    assert contact.name == "Amira Testesen" and contact.consent_withdrawn_on is None
