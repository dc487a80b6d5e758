"""Writing community partners and their contact people.

A partner (a mosque, a cultural society, a club, an association) is kept by one organisation and
written only by its community coordinators. A contact person's details are held only while they
consent: the consent date (never in the future) and how it was given are required, and when the
consent is withdrawn the name, role, telephone and e-mail are erased at once; only the fact of the
contact and its dates remain. Audit rows name the record and the fields that changed, never the
content.

Edits are optimistic: the caller passes the version it saw, and a save made after someone else's
raises StaleEdit with the current row; nothing is changed then.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Model, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infohus.accounts.models import Organisation, User
from infohus.audit.services import record_event
from infohus.community.models import ContactPerson, Partner, PartnerKind
from infohus.community.selectors.access import community_organisations
from infohus.core.concurrency import StaleEdit

PURPOSE = "community partners"


class ConsentHow(TextChoices):
    """How a contact person gave their consent (stored as the code; older rows may hold words)."""

    IN_WRITING = "in_writing", gettext_lazy("In writing (signed form)")
    BY_EMAIL = "by_email", gettext_lazy("By e-mail")
    ORALLY = "orally", gettext_lazy("Orally, noted by the coordinator")
    BY_TEXT = "by_text", gettext_lazy("By text message")


def consent_how_label(value: str) -> str:
    """The words for how consent was given; a value from before the list is shown as written."""
    try:
        return str(ConsentHow(value).label)
    except ValueError:
        return value


def require_keeper(actor: Any, organisation_id: int) -> None:
    """PermissionDenied unless the actor does community work for the organisation."""
    if not community_organisations(actor).filter(organisation_id=organisation_id).exists():
        raise PermissionDenied(_("Only the community coordinators of the organisation keep this record."))


# --- partners ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartnerData:
    name: str
    kind: str
    area: str = ""
    description: str = ""
    is_active: bool = True


def _check_partner(data: PartnerData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the partner's name.")
    if data.kind not in PartnerKind.values:
        errors["kind"] = _("Choose what kind of partner it is.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "kind": data.kind, "area": data.area.strip(), "description": data.description.strip(),
            "is_active": data.is_active}


def _audit(action: str, actor: User, obj: Model, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type=obj._meta.model_name or "", object_id=obj.pk,
                 purpose=PURPOSE, details=details)


@transaction.atomic
def create_partner(*, actor: User, organisation: Organisation, data: PartnerData) -> Partner:
    """A new partner kept by `organisation`."""
    require_keeper(actor, organisation.pk)
    fields = _check_partner(data)
    partner = Partner.objects.create(organisation=organisation, created_by=actor, **fields)
    _audit("community.partner_created", actor, partner, organisation=organisation.pk)
    return partner


@transaction.atomic
def update_partner(*, actor: User, partner: Partner, expected_version: int, data: PartnerData) -> Partner:
    """Change a partner; StaleEdit if it changed since `expected_version` was read."""
    require_keeper(actor, partner.organisation_id)
    fields = _check_partner(data)
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    if locked.version != expected_version:
        raise StaleEdit(locked)
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    if changed:
        Partner.objects.filter(pk=locked.pk).update(version=F("version") + 1, **fields)
        _audit("community.partner_updated", actor, locked, changed=changed)
    locked.refresh_from_db()
    return locked


# --- contact people ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactData:
    name: str
    consent_given_on: date | None
    consent_how: str
    role_at_partner: str = ""
    phone: str = ""
    email: str = ""


def _check_contact(data: ContactData, *, today: date, kept_how: str = "") -> dict[str, Any]:
    """The contact's fields as stored, or ValidationError. `kept_how` is the way of consent already
    recorded, which an edit may keep even if it is from before the list of ways."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the contact person's name.")
    if data.consent_given_on is None:
        errors["consent_given_on"] = _("Give the date the contact person consented to us holding their details. "
                                       "Without consent, record no contact.")
    elif data.consent_given_on > today:
        errors["consent_given_on"] = _("Consent cannot be given in the future: give the date it was given.")
    if not data.consent_how.strip():
        errors["consent_how"] = _("Say how consent was given.")
    elif data.consent_how not in ConsentHow.values and data.consent_how != kept_how:
        errors["consent_how"] = _("Choose how consent was given from the list.")
    email = data.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "role_at_partner": data.role_at_partner.strip(), "phone": data.phone.strip(),
            "email": email, "consent_given_on": data.consent_given_on, "consent_how": data.consent_how}


@transaction.atomic
def add_contact(*, actor: User, partner: Partner, data: ContactData) -> ContactPerson:
    """A contact person at the partner, held with their consent."""
    require_keeper(actor, partner.organisation_id)
    fields = _check_contact(data, today=timezone.localdate())
    contact = ContactPerson.objects.create(partner=partner, recorded_by=actor, **fields)
    _audit("community.contact_added", actor, contact, partner=partner.pk)
    return contact


@transaction.atomic
def update_contact(*, actor: User, contact: ContactPerson, expected_version: int, data: ContactData) -> ContactPerson:
    """Change a contact's details; refused once consent is withdrawn. StaleEdit if it changed since
    `expected_version` was read."""
    require_keeper(actor, contact.partner.organisation_id)
    locked = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    if locked.consent_withdrawn_on is not None:
        raise ValidationError(_("Consent was withdrawn: the contact's details were erased and cannot be "
                                "recorded again. Add a new contact if the person consents again."))
    fields = _check_contact(data, today=timezone.localdate(), kept_how=locked.consent_how)
    if locked.version != expected_version:
        raise StaleEdit(locked)
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    if changed:
        ContactPerson.objects.filter(pk=locked.pk).update(version=F("version") + 1, **fields)
        _audit("community.contact_updated", actor, locked, partner=locked.partner_id, changed=changed)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def withdraw_consent(*, actor: User, contact: ContactPerson, withdrawn_on: date | None = None) -> ContactPerson:
    """Record that the contact withdrew their consent, and erase their name, role, telephone and
    e-mail at once. The audit row holds the dates, nothing of what was erased."""
    require_keeper(actor, contact.partner.organisation_id)
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    locked = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    if locked.consent_withdrawn_on is not None:
        raise ValidationError(_("Consent was already withdrawn; the details are erased."))
    if withdrawn_on > today:
        raise ValidationError({"withdrawn_on": _("A withdrawal cannot be recorded for a date in the future.")})
    if withdrawn_on < locked.consent_given_on:
        raise ValidationError({"withdrawn_on": _("Consent cannot be withdrawn before it was given (%(day)s).")
                               % {"day": locked.consent_given_on.isoformat()}})
    ContactPerson.objects.filter(pk=locked.pk).update(
        name="", role_at_partner="", phone="", email="", consent_withdrawn_on=withdrawn_on,
        version=F("version") + 1)
    _audit("community.contact_consent_withdrawn", actor, locked, partner=locked.partner_id,
           consent_given_on=locked.consent_given_on, consent_withdrawn_on=withdrawn_on,
           erased=["name", "role_at_partner", "phone", "email"])
    locked.refresh_from_db()
    return locked
