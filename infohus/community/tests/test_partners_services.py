"""services/partners.py: only the organisation's coordinators write; consent is required and not in
the future; a withdrawal erases the details at once (and the database refuses details without
consent); edits are optimistic."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import ContactPerson, Partner, PartnerKind
from infohus.community.services import partners as services
from infohus.community.tests.factories import make_contact, make_partner
from infohus.core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = timezone.localdate()


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def _contact_data(**changes: object) -> services.ContactData:
    values: dict[str, object] = {"name": "Amira Testesen", "consent_given_on": TODAY, "consent_how": "orally",
                                 "phone": "+45 20 00 00 01"}
    values.update(changes)
    return services.ContactData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("username", ["carl", "yasmin", "sofie"])
def test_only_a_coordinator_of_the_organisation_creates_a_partner(people: People, username: str) -> None:
    data = services.PartnerData(name="Kulturforeningen Sol", kind=PartnerKind.CULTURAL_SOCIETY)
    with pytest.raises(PermissionDenied):
        services.create_partner(actor=people[username], organisation=_aarhus(), data=data)
    randers = Organisation.objects.get(name__startswith="Randers")
    with pytest.raises(PermissionDenied):
        services.create_partner(actor=people["kamal"], organisation=randers, data=data)
    assert not Partner.objects.exists()


def test_a_partner_needs_a_name_and_a_known_kind(people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_partner(actor=people["kamal"], organisation=_aarhus(),
                                data=services.PartnerData(name="", kind="casino"))
    assert set(refused.value.message_dict) == {"name", "kind"}


def test_a_stale_partner_edit_changes_nothing(people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Første")
    services.update_partner(actor=people["kamal"], partner=partner, expected_version=1,
                            data=services.PartnerData(name="Anden", kind=partner.kind))
    with pytest.raises(StaleEdit) as stale:
        services.update_partner(actor=people["kamal"], partner=partner, expected_version=1,
                                data=services.PartnerData(name="Tredje", kind=partner.kind))
    assert isinstance(stale.value.current, Partner) and stale.value.current.name == "Anden"
    partner.refresh_from_db()
    assert (partner.name, partner.version) == ("Anden", 2)


def test_an_edit_that_changes_nothing_is_not_a_new_version(people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Første", area="")
    services.update_partner(actor=people["kamal"], partner=partner, expected_version=1,
                            data=services.PartnerData(name="Første", kind=partner.kind))
    partner.refresh_from_db()
    assert partner.version == 1 and not AuditEvent.objects.filter(action="community.partner_updated").exists()


def test_consent_in_the_future_or_missing_is_refused(people: People) -> None:
    partner = make_partner(created_by=people["kamal"])
    for data, field in ((_contact_data(consent_given_on=TODAY + timedelta(days=1)), "consent_given_on"),
                        (_contact_data(consent_given_on=None), "consent_given_on"),
                        (_contact_data(consent_how="by pigeon"), "consent_how")):
        with pytest.raises(ValidationError) as refused:
            services.add_contact(actor=people["kamal"], partner=partner, data=data)
        assert field in refused.value.message_dict
    assert not ContactPerson.objects.exists()


def test_an_older_way_of_consent_may_be_kept_on_an_edit(people: People) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]), consent_how="Skriftligt")
    services.update_contact(actor=people["kamal"], contact=contact, expected_version=1,
                            data=_contact_data(consent_how="Skriftligt", consent_given_on=contact.consent_given_on))
    contact.refresh_from_db()
    assert contact.consent_how == "Skriftligt" and contact.name == "Amira Testesen"
    assert services.consent_how_label("Skriftligt") == "Skriftligt"
    assert services.consent_how_label("orally") == "Orally, noted by the coordinator"


def test_a_withdrawal_erases_the_details_and_cannot_be_undone(people: People) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]), consent_given_on=TODAY - timedelta(days=10),
                           email="amira@example.org")
    with pytest.raises(ValidationError) as refused:
        services.withdraw_consent(actor=people["kamal"], contact=contact, withdrawn_on=TODAY - timedelta(days=11))
    assert "withdrawn_on" in refused.value.message_dict

    services.withdraw_consent(actor=people["kamal"], contact=contact)
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.email, contact.consent_withdrawn_on) == ("", "", "", TODAY)
    with pytest.raises(ValidationError):
        services.withdraw_consent(actor=people["kamal"], contact=contact)
    with pytest.raises(ValidationError):
        services.update_contact(actor=people["kamal"], contact=contact, expected_version=contact.version,
                                data=_contact_data())
    contact.refresh_from_db()
    assert contact.name == ""


def test_the_database_refuses_details_without_consent(people: People) -> None:
    contact = make_contact(make_partner(created_by=people["kamal"]), name="Amira Testesen")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPerson.objects.filter(pk=contact.pk).update(consent_withdrawn_on=TODAY)


def test_a_coordinator_of_another_organisation_cannot_withdraw(people: People) -> None:
    randers = Organisation.objects.get(name__startswith="Randers")
    contact = make_contact(make_partner(created_by=people["kamal"], organisation=randers), name="Amira Testesen")
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(actor=people["kamal"], contact=contact)
    contact.refresh_from_db()
    assert contact.name == "Amira Testesen"
