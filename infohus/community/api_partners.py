"""Community partners and their contact people in the desk's API.

Who: the community coordinators (COMMUNITY) of the organisation that keeps a partner, as on the
partner pages (views_partners.py): 403 without the capability, 404 for another organisation's
partner or contact (the refusal audited). Rows are fetched through selectors/partners.py; a
partner's contacts and each contact are audited reads there. A contact's details are held only
with consent: once withdrawn, only the dates remain. Edits carry the version read (409 when stale).
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.api.fields import Day, VersionSeen, one_of, path_id, text
from infohus.api.schemas import ErrorOut, Input, Paging, page_of, page_schema
from infohus.community.api_fields import (
    READ,
    WRITE,
    CommunityOrganisationRef,
    acting_organisation,
    coordinator,
    organisation_ref,
)
from infohus.community.models import ContactPerson, Partner, PartnerKind
from infohus.community.selectors import partners as reads
from infohus.community.services import partners as services

router = Router()


# --- what is sent ----------------------------------------------------------------------------------

class PartnerOut(Schema):
    """A community partner: a mosque, a cultural society, a club, an association."""

    id: int
    organisation: CommunityOrganisationRef = Field(description="Kept by")
    name: str
    kind: str
    kind_label: str
    area: str
    description: str
    is_active: bool
    created_at: datetime
    version: int


class PartnerListOut(PartnerOut):
    contacts: int = Field(description="Contact people who consent")
    meetings: int = Field(description="Dialogue meetings it took part in")


class PartnerContactOut(Schema):
    """A contact person at a partner; after consent is withdrawn only the dates remain."""

    id: int
    partner: int
    name: str
    role_at_partner: str
    phone: str
    email: str
    consent_given_on: date
    consent_how: str
    consent_how_label: str
    consent_withdrawn_on: date | None
    version: int


class DialogueMeetingRef(Schema):
    id: int
    held_on: date
    place: str
    status: str


class PartnerDetailOut(PartnerOut):
    contacts: list[PartnerContactOut] = Field(description="Those who consent first; withdrawn ones without details")
    meetings: list[DialogueMeetingRef] = Field(description="The latest dialogue meetings it took part in (50 at most)")
    meeting_count: int


PartnerPage = page_schema(PartnerListOut, "PartnerPage")


def partner_out(partner: Partner) -> dict[str, Any]:
    return {"id": partner.pk, "organisation": organisation_ref(partner.organisation), "name": partner.name,
            "kind": partner.kind, "kind_label": str(partner.get_kind_display()), "area": partner.area,
            "description": partner.description, "is_active": partner.is_active, "created_at": partner.created_at,
            "version": partner.version}


def _listed(partner: Partner) -> dict[str, Any]:
    return {**partner_out(partner), "contacts": getattr(partner, "contact_count", 0),
            "meetings": getattr(partner, "meeting_count", 0)}


def contact_out(contact: ContactPerson) -> dict[str, Any]:
    return {"id": contact.pk, "partner": contact.partner_id, "name": contact.name,
            "role_at_partner": contact.role_at_partner, "phone": contact.phone, "email": contact.email,
            "consent_given_on": contact.consent_given_on, "consent_how": contact.consent_how,
            "consent_how_label": services.consent_how_label(contact.consent_how),
            "consent_withdrawn_on": contact.consent_withdrawn_on, "version": contact.version}


# --- what is taken ---------------------------------------------------------------------------------

class PartnerFilter(Schema):
    q: str = text(100, "", description="A part of the name")
    kind: one_of(PartnerKind) | None = None  # type: ignore[valid-type]


class PartnerIn(Input):
    name: str = text(200)
    kind: one_of(PartnerKind)  # type: ignore[valid-type]
    area: str = text(200, "")
    description: str = text(None, "", description="What the partnership is about (not about individual people)")
    is_active: bool = True


class PartnerEditIn(PartnerIn):
    version: VersionSeen


class PartnerContactIn(Input):
    name: str = text(200)
    role_at_partner: str = text(200, "")
    phone: str = text(40, "")
    email: str = text(254, "")
    consent_given_on: Day = Field(description="The day the contact consented to us holding their details")
    consent_how: str = text(200, description="How consent was given: " + ", ".join(services.ConsentHow.values))


class PartnerContactEditIn(PartnerContactIn):
    version: VersionSeen


class ConsentWithdrawIn(Input):
    withdrawn_on: Day | None = Field(None, description="The day consent was withdrawn (today by default)")


def _partner_data(body: PartnerIn) -> services.PartnerData:
    return services.PartnerData(name=body.name, kind=body.kind, area=body.area, description=body.description,
                                is_active=body.is_active)


def _contact_data(body: PartnerContactIn) -> services.ContactData:
    return services.ContactData(name=body.name, role_at_partner=body.role_at_partner, phone=body.phone,
                                email=body.email, consent_given_on=body.consent_given_on,
                                consent_how=body.consent_how)


# --- partners ------------------------------------------------------------------------------------------

@router.get("/community/partners", response=PartnerPage, auth=READ, summary="Community partners",
            description="The partners kept by the caller's organisations, by name.")
def partner_list(request: HttpRequest, filters: Query[PartnerFilter], paging: Query[Paging]) -> dict[str, Any]:
    rows = reads.partners(coordinator(request), q=filters.q, kind=filters.kind or "")
    return page_of(rows, paging, _listed)


@router.get("/community/partners/{partner_id}", response=PartnerDetailOut, auth=READ,
            summary="One partner with its contacts and meetings",
            description="Showing the contacts' details is an audited read.")
def partner_detail(request: HttpRequest, partner_id: int = path_id("The partner's id")) -> dict[str, Any]:
    user = coordinator(request)
    partner = reads.partner_for(user, partner_id, purpose="community partners: partner page")
    page = reads.partner_page(user, partner)
    return {**partner_out(partner), "contacts": [contact_out(c) for c in page.contacts],
            "meetings": [{"id": m.pk, "held_on": m.held_on, "place": m.place, "status": m.status}
                         for m in page.meetings], "meeting_count": page.meeting_count}


@router.post("/community/partners", response={201: PartnerOut}, auth=WRITE, summary="Add a community partner",
             description="Kept by the organisation of the token's role.")
def partner_create(request: HttpRequest, body: PartnerIn) -> Status[Any]:
    partner = services.create_partner(actor=coordinator(request), organisation=acting_organisation(request),
                                      data=_partner_data(body))
    return Status(201, partner_out(partner))


@router.put("/community/partners/{partner_id}", response={200: PartnerOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a partner",
            description="Send every field and the version you read; a stale version answers 409.")
def partner_update(request: HttpRequest, body: PartnerEditIn,
                   partner_id: int = path_id("The partner's id")) -> dict[str, Any]:
    user = coordinator(request)
    partner = reads.partner_for(user, partner_id, purpose="community partners: edit a partner")
    saved = services.update_partner(actor=user, partner=partner, expected_version=body.version,
                                    data=_partner_data(body))
    saved.organisation = partner.organisation
    return partner_out(saved)


# --- contact people ----------------------------------------------------------------------------------------

@router.post("/community/partners/{partner_id}/contacts", response={201: PartnerContactOut}, auth=WRITE,
             summary="Add a contact person at a partner",
             description="Only with their consent to us holding their name and details.")
def contact_create(request: HttpRequest, body: PartnerContactIn,
                   partner_id: int = path_id("The partner's id")) -> Status[Any]:
    user = coordinator(request)
    partner = reads.partner_for(user, partner_id, purpose="community partners: add a contact")
    return Status(201, contact_out(services.add_contact(actor=user, partner=partner, data=_contact_data(body))))


@router.put("/community/contacts/{contact_id}", response={200: PartnerContactOut, 409: ErrorOut}, auth=WRITE,
            summary="Change a contact person",
            description="Refused once consent is withdrawn. A stale version answers 409.")
def contact_update(request: HttpRequest, body: PartnerContactEditIn,
                   contact_id: int = path_id("The contact's id")) -> dict[str, Any]:
    user = coordinator(request)
    contact = reads.contact_for(user, contact_id, purpose="community partners: edit a contact")
    saved = services.update_contact(actor=user, contact=contact, expected_version=body.version,
                                    data=_contact_data(body))
    return contact_out(saved)


@router.post("/community/contacts/{contact_id}/withdraw", response=PartnerContactOut, auth=WRITE,
             summary="Record that a contact withdrew their consent",
             description="Their name, role, telephone and e-mail address are erased at once.")
def contact_withdraw(request: HttpRequest, body: ConsentWithdrawIn,
                     contact_id: int = path_id("The contact's id")) -> dict[str, Any]:
    user = coordinator(request)
    contact = reads.contact_for(user, contact_id, purpose="community partners: withdraw a consent")
    return contact_out(services.withdraw_consent(actor=user, contact=contact, withdrawn_on=body.withdrawn_on))
