"""Reading community partners and their contact people.

Every read starts from selectors/access.py (`visible`, `get_visible`): a coordinator sees the
partners kept by their own organisations, nobody else does. A contact person's details are
personal data: opening one is audited by `get_visible`, and a partner's page, which lists its
contacts, records one audited read naming the contacts it showed.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from infohus.audit.services import record_event
from infohus.community.models import ContactPerson, DialogueMeeting, Partner, PartnerKind
from infohus.community.selectors.access import get_visible, visible
from infohus.community.services.partners import consent_how_label

PAGE_SIZE = 50
MEETINGS_SHOWN = 50


def partners(user: Any, *, q: str = "", kind: str = "") -> QuerySet[Partner]:
    """The partners the user's organisations keep, by name, searched by name and filtered by kind;
    each with its number of consenting contacts and of meetings."""
    rows = visible(user, Partner)
    q = q.strip()
    if q:
        rows = rows.filter(name__icontains=q)
    if kind in PartnerKind.values:
        rows = rows.filter(kind=kind)
    return (rows.select_related("organisation")
            .annotate(contact_count=Count("contacts", filter=Q(contacts__consent_withdrawn_on__isnull=True),
                                          distinct=True),
                      meeting_count=Count("meetings", distinct=True))
            .order_by("name", "pk"))


def partner_for(user: Any, pk: int, *, purpose: str) -> Partner:
    """One partner the user's organisations keep, or 404 (refusals audited)."""
    return get_visible(user, Partner, pk, purpose=purpose,
                       queryset=Partner.objects.select_related("organisation"))


def contact_for(user: Any, pk: int, *, purpose: str) -> ContactPerson:
    """One contact person of a partner the user's organisations keep, or 404; the read is audited."""
    return get_visible(user, ContactPerson, pk, purpose=purpose,
                       queryset=ContactPerson.objects.select_related("partner__organisation"))


@dataclass(frozen=True)
class PartnerPage:
    contacts: list[ContactPerson]
    meetings: list[DialogueMeeting]
    meeting_count: int


def partner_page(user: Any, partner: Partner) -> PartnerPage:
    """What a partner's page shows: its contact people (those whose consent was withdrawn as a bare
    line) and the latest dialogue meetings it took part in. Showing the contacts' details is one
    audited read."""
    # Those who consent first, on every database (PostgreSQL sorts NULL last by default).
    contacts = list(ContactPerson.objects.filter(partner=partner)
                    .order_by(F("consent_withdrawn_on").asc(nulls_first=True), "name", "pk"))
    for contact in contacts:
        setattr(contact, "how_label", consent_how_label(contact.consent_how))  # noqa: B010  (for the template)
    shown = [c.pk for c in contacts if c.consent_withdrawn_on is None]
    if shown:
        record_event(action="community.contacts_viewed", actor=user, object_type="partner", object_id=partner.pk,
                     purpose="community partners: partner page", details={"contacts": shown})
    meetings = (partner.meetings.all().order_by("-held_on", "-pk"))
    listed = list(meetings[:MEETINGS_SHOWN])
    count = len(listed) if len(listed) < MEETINGS_SHOWN else meetings.count()
    return PartnerPage(contacts=contacts, meetings=listed, meeting_count=count)
