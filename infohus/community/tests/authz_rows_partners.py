"""Authorisation-matrix rows of the community pages for partners, contacts, dialogue meetings,
topics, follow-ups and outreach events. Each row builds its own objects (kwargs is called once per
person), so a POST by one person does not change what the next one finds.

Inside: records kept by Aarhus, whose community coordinator is kamal. Outside: the same records
kept by Randers, which none of the demo people does community work for. Nobody else has the
capability (the ambassador yasmin of Aarhus included): 403; an outsider's record answers 404.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation
from infohus.community.models import OutreachEvent, PartnerKind
from infohus.community.tests.factories import (
    make_contact,
    make_event,
    make_follow_up,
    make_meeting,
    make_partner,
)
from tests.authz import Row, allowed

COORD = allowed("kamal")
NOBODY: frozenset[str] = frozenset()
TODAY = timezone.localdate()

PAGE = frozenset({200})
DONE = frozenset({302})


def _randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def _kamal(world: dict[str, Any]) -> Any:
    return world["people"]["kamal"]


def _partner(world: dict[str, Any], *, outside: bool = False) -> Any:
    return make_partner(created_by=_kamal(world), organisation=_randers() if outside else None)


def partner(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _partner(world).pk}


def outside_partner(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _partner(world, outside=True).pk}


def contact(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_contact(_partner(world)).pk}


def outside_contact(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_contact(_partner(world, outside=True)).pk}


def meeting(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_meeting(created_by=_kamal(world)).pk}


def outside_meeting(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_meeting(created_by=_kamal(world), organisation=_randers()).pk}


def follow_up(world: dict[str, Any]) -> dict[str, Any]:
    m = make_meeting(created_by=_kamal(world))
    return {"pk": make_follow_up(m, due_on=m.held_on + timedelta(days=14)).pk}


def outside_follow_up(world: dict[str, Any]) -> dict[str, Any]:
    m = make_meeting(created_by=_kamal(world), organisation=_randers())
    return {"pk": make_follow_up(m, due_on=m.held_on + timedelta(days=14)).pk}


def event(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_event(created_by=_kamal(world)).pk}


def outside_event(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_event(created_by=_kamal(world), organisation=_randers()).pk}


# --- form data -----------------------------------------------------------------------------------------

PARTNER = {"name": "Foreningen Fællesskab", "kind": PartnerKind.ASSOCIATION, "area": "Gellerup",
           "description": "Samarbejde om ungdomsaftener.", "is_active": "on", "version": "1"}
CONTACT = {"name": "Amira Testesen", "role_at_partner": "Formand", "phone": "+45 20 00 00 01",
           "email": "amira@example.org", "consent_given_on": str(TODAY - timedelta(days=2)),
           "consent_how": "in_writing", "version": "1"}
WITHDRAW = {"withdrawn_on": str(TODAY)}
MEETING = {"held_on": str(TODAY + timedelta(days=10)), "place": "Foreningens lokaler", "status": "planned",
           "community_participants": "Formanden og to fra bestyrelsen", "other_authorities": "",
           "agreed": "", "version": "1"}
TOPIC = {"title": "Unges mødesteder om aftenen", "notes": ""}
FOLLOW_UP = {"what": "Send referat", "owner_name": "Formanden", "due_on": str(TODAY + timedelta(days=30))}
EVENT = {"held_on": str(TODAY - timedelta(days=2)), "kind": OutreachEvent.Kind.WORKSHOP,
         "audience": OutreachEvent.Audience.PARENTS, "title": "Forældreværksted", "place": "Biblioteket",
         "attendees": "20", "answer_1": "0", "answer_2": "1", "answer_3": "2", "answer_4": "5", "answer_5": "4",
         "evaluation_summary": "", "version": "1"}


def page(route: str, who: frozenset[str], kwargs: Any = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=PAGE, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any], note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), method="POST", data=data, ok=DONE, note=note)


ROWS: list[Row] = [
    # Partners (views_partners.py).
    page("community:partner_list", COORD),
    page("community:partner_new", COORD),
    write("community:partner_new", COORD, None, PARTNER),
    page("community:partner_detail", COORD, partner),
    page("community:partner_detail", NOBODY, outside_partner, note="kept by Randers"),
    page("community:partner_edit", COORD, partner),
    page("community:partner_edit", NOBODY, outside_partner),
    write("community:partner_edit", COORD, partner, PARTNER),
    write("community:partner_edit", NOBODY, outside_partner, PARTNER, note="a forged POST"),
    # Contact people.
    page("community:contact_new", COORD, partner),
    page("community:contact_new", NOBODY, outside_partner),
    write("community:contact_new", COORD, partner, CONTACT),
    write("community:contact_new", NOBODY, outside_partner, CONTACT, note="a forged POST"),
    page("community:contact_edit", COORD, contact),
    page("community:contact_edit", NOBODY, outside_contact),
    write("community:contact_edit", COORD, contact, CONTACT),
    write("community:contact_edit", NOBODY, outside_contact, CONTACT, note="a forged POST"),
    page("community:contact_withdraw", COORD, contact, note="the confirmation page"),
    page("community:contact_withdraw", NOBODY, outside_contact),
    write("community:contact_withdraw", COORD, contact, WITHDRAW),
    write("community:contact_withdraw", NOBODY, outside_contact, WITHDRAW, note="a forged POST"),
    # Dialogue meetings, topics and follow-ups (views_dialogue.py).
    page("community:meeting_list", COORD),
    page("community:meeting_new", COORD),
    write("community:meeting_new", COORD, None, MEETING),
    page("community:meeting_detail", COORD, meeting),
    page("community:meeting_detail", NOBODY, outside_meeting),
    page("community:meeting_edit", COORD, meeting),
    page("community:meeting_edit", NOBODY, outside_meeting),
    write("community:meeting_edit", COORD, meeting, MEETING),
    write("community:meeting_edit", NOBODY, outside_meeting, MEETING, note="a forged POST"),
    page("community:topic_new", COORD, meeting),
    page("community:topic_new", NOBODY, outside_meeting),
    write("community:topic_new", COORD, meeting, TOPIC),
    write("community:topic_new", NOBODY, outside_meeting, TOPIC, note="a forged POST"),
    page("community:follow_up_new", COORD, meeting),
    page("community:follow_up_new", NOBODY, outside_meeting),
    write("community:follow_up_new", COORD, meeting, FOLLOW_UP),
    write("community:follow_up_new", NOBODY, outside_meeting, FOLLOW_UP, note="a forged POST"),
    page("community:follow_up_list", COORD, note="the open follow-ups of the coordinator's organisations"),
    write("community:follow_up_done", COORD, follow_up, {}),
    write("community:follow_up_done", NOBODY, outside_follow_up, {}, note="a forged POST"),
    # Outreach events.
    page("community:outreach_list", COORD),
    page("community:outreach_new", COORD),
    write("community:outreach_new", COORD, None, EVENT),
    page("community:outreach_detail", COORD, event),
    page("community:outreach_detail", NOBODY, outside_event),
    page("community:outreach_edit", COORD, event),
    page("community:outreach_edit", NOBODY, outside_event),
    write("community:outreach_edit", COORD, event, EVENT),
    write("community:outreach_edit", NOBODY, outside_event, EVENT, note="a forged POST"),
]
