"""Authorisation-matrix rows of the community operations of the desk's API (api_partners.py,
api_dialogue.py, api_cohorts.py, api_ambassadors.py), built like the page rows beside them: each
row builds its own objects (kwargs and body are called once per person).

Inside: records kept by Aarhus, whose community coordinator is kamal. Outside: the same kept by
Randers, which has no community coordinator among the named people, so nobody may open them (kamal
gets 404, everyone else 403, as on the pages). The ambassador's own operations have no object in
the path: they act on the caller's own ambassador record only (yasmin's, linked to her account
here); everyone else is refused (403 without the role of an ambassador).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation
from infohus.community.models import Ambassador, AmbassadorModule, AmbassadorModuleDone, YouthCohort, YouthGoal
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_contact,
    make_event,
    make_follow_up,
    make_meeting,
    make_participant,
    make_partner,
    make_report,
)
from tests.authz import ApiRow, allowed

COORDINATOR = allowed("kamal")
AMBASSADOR = allowed("yasmin")
NOBODY: frozenset[str] = frozenset()
TODAY = timezone.localdate()
API = "/api/v1/community"


def _randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def _where(outside: bool) -> dict[str, Any]:
    return {"organisation": _randers()} if outside else {}


def _kamal(world: dict[str, Any]) -> Any:
    return world["people"]["kamal"]


def _partner(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    return {"partner_id": make_partner(created_by=_kamal(world), **_where(outside)).pk}


def partner(world: dict[str, Any]) -> dict[str, Any]:
    return _partner(world)


def outside_partner(world: dict[str, Any]) -> dict[str, Any]:
    return _partner(world, True)


def _contact(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    return {"contact_id": make_contact(make_partner(created_by=_kamal(world), **_where(outside))).pk}


def contact(world: dict[str, Any]) -> dict[str, Any]:
    return _contact(world)


def outside_contact(world: dict[str, Any]) -> dict[str, Any]:
    return _contact(world, True)


def _meeting(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    return {"meeting_id": make_meeting(created_by=_kamal(world), **_where(outside)).pk}


def meeting(world: dict[str, Any]) -> dict[str, Any]:
    return _meeting(world)


def outside_meeting(world: dict[str, Any]) -> dict[str, Any]:
    return _meeting(world, True)


def _follow_up(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    m = make_meeting(created_by=_kamal(world), held_on=TODAY - timedelta(days=3), **_where(outside))
    return {"follow_up_id": make_follow_up(m, due_on=TODAY).pk}


def follow_up(world: dict[str, Any]) -> dict[str, Any]:
    return _follow_up(world)


def outside_follow_up(world: dict[str, Any]) -> dict[str, Any]:
    return _follow_up(world, True)


def _event(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    return {"event_id": make_event(created_by=_kamal(world), **_where(outside)).pk}


def event(world: dict[str, Any]) -> dict[str, Any]:
    return _event(world)


def outside_event(world: dict[str, Any]) -> dict[str, Any]:
    return _event(world, True)


def _cohort(world: dict[str, Any], outside: bool = False) -> YouthCohort:
    return make_cohort(created_by=_kamal(world), **_where(outside))


def cohort(world: dict[str, Any]) -> dict[str, Any]:
    return {"cohort_id": _cohort(world).pk}


def outside_cohort(world: dict[str, Any]) -> dict[str, Any]:
    return {"cohort_id": _cohort(world, True).pk}


def participant(world: dict[str, Any]) -> dict[str, Any]:
    return {"participant_id": make_participant(_cohort(world)).pk}


def outside_participant(world: dict[str, Any]) -> dict[str, Any]:
    return {"participant_id": make_participant(_cohort(world, True)).pk}


def _goal(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    p = make_participant(_cohort(world, outside))
    return {"goal_id": YouthGoal.objects.create(participant=p, text="Blive frivillig i klubben", set_on=p.joined_on,
                                                recorded_by=_kamal(world)).pk}


def goal(world: dict[str, Any]) -> dict[str, Any]:
    return _goal(world)


def outside_goal(world: dict[str, Any]) -> dict[str, Any]:
    return _goal(world, True)


def _ambassador(world: dict[str, Any], outside: bool = False) -> Ambassador:
    return make_ambassador(make_participant(_cohort(world, outside), age=19))


def ambassador(world: dict[str, Any]) -> dict[str, Any]:
    return {"ambassador_id": _ambassador(world).pk}


def outside_ambassador(world: dict[str, Any]) -> dict[str, Any]:
    return {"ambassador_id": _ambassador(world, True).pk}


def _trained(world: dict[str, Any], outside: bool = False) -> dict[str, Any]:
    """An ambassador with every module done, not yet marked ready."""
    a = make_ambassador(make_participant(_cohort(world, outside), age=19), ready=False)
    AmbassadorModuleDone.objects.bulk_create(
        AmbassadorModuleDone(ambassador=a, module=m, completed_on=TODAY, recorded_by=_kamal(world))
        for m in AmbassadorModule)
    return {"ambassador_id": a.pk}


def trained(world: dict[str, Any]) -> dict[str, Any]:
    return _trained(world)


def outside_trained(world: dict[str, Any]) -> dict[str, Any]:
    return _trained(world, True)


def report(world: dict[str, Any]) -> dict[str, Any]:
    return {"report_id": make_report(_ambassador(world)).pk}


def outside_report(world: dict[str, Any]) -> dict[str, Any]:
    return {"report_id": make_report(_ambassador(world, True)).pk}


def yasmins_record(world: dict[str, Any]) -> dict[str, Any]:
    """yasmin's own ambassador record, made once (her account links to one record only)."""
    yasmin = world["people"]["yasmin"]
    if not Ambassador.objects.filter(user=yasmin).exists():
        make_ambassador(make_participant(_cohort(world), age=19), user=yasmin)
    return {}


# --- bodies ------------------------------------------------------------------------------------------

def _body(values: dict[str, Any]) -> Any:
    return lambda world: dict(values)


PARTNER = {"name": "Kulturforeningen Broen", "kind": "cultural_society", "area": "Gellerup"}
CONTACT = {"name": "Aisha Formand", "consent_given_on": str(TODAY), "consent_how": "in_writing"}
MEETING = {"held_on": str(TODAY + timedelta(days=10)), "place": "Foreningens lokaler"}
EVENT = {"held_on": str(TODAY - timedelta(days=2)), "kind": "presentation", "audience": "school",
         "title": "Oplæg i 8. klasse", "attendees": 25, "evaluation_counts": {"4": 10, "5": 8}}
COHORT = {"programme": "CoCoRa", "name": "Forår", "starts_on": str(TODAY - timedelta(days=60)),
          "ends_on": str(TODAY + timedelta(days=60))}
YOUNG = {"first_name": "Sara", "last_name": "Testesen", "birth_date": "2005-03-01", "joined_on": str(TODAY),
         "consent_given_on": str(TODAY), "consent_by": "self"}
ACTIVITY = {"kind": "peer_conversation", "held_on": str(TODAY), "people_reached": 2}


def _goal_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"text": "Finde en fritidsaktivitet", "set_on": str(TODAY)}


def _concern_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "observed": "En ung taler om at rejse ud.", "observed_on": str(TODAY),
            "observed_where": "Ungdomsklubben", "worries": "Ændret omgangskreds.", "person_unknown": True,
            "reply": "Tak. En fagperson har givet det videre."}


def _row(operation: str, who: frozenset[str], kwargs: Any = None, body: Any = None, note: str = "") -> ApiRow:
    return ApiRow(operation, who, kwargs=kwargs or (lambda world: {}), body=body, note=note)


API_ROWS: list[ApiRow] = [
    # Partners and contact people (api_partners.py).
    _row(f"GET {API}/partners", COORDINATOR, note="each coordinator sees their own organisations' partners"),
    _row(f"GET {API}/partners/{{partner_id}}", COORDINATOR, partner),
    _row(f"GET {API}/partners/{{partner_id}}", NOBODY, outside_partner, note="a partner of Randers"),
    _row(f"POST {API}/partners", COORDINATOR, body=_body(PARTNER)),
    _row(f"PUT {API}/partners/{{partner_id}}", COORDINATOR, partner, _body({**PARTNER, "version": 1})),
    _row(f"PUT {API}/partners/{{partner_id}}", NOBODY, outside_partner, _body({**PARTNER, "version": 1})),
    _row(f"POST {API}/partners/{{partner_id}}/contacts", COORDINATOR, partner, _body(CONTACT)),
    _row(f"POST {API}/partners/{{partner_id}}/contacts", NOBODY, outside_partner, _body(CONTACT)),
    _row(f"PUT {API}/contacts/{{contact_id}}", COORDINATOR, contact, _body({**CONTACT, "version": 1})),
    _row(f"PUT {API}/contacts/{{contact_id}}", NOBODY, outside_contact, _body({**CONTACT, "version": 1})),
    _row(f"POST {API}/contacts/{{contact_id}}/withdraw", COORDINATOR, contact, _body({})),
    _row(f"POST {API}/contacts/{{contact_id}}/withdraw", NOBODY, outside_contact, _body({})),

    # Dialogue meetings, follow-ups, outreach (api_dialogue.py).
    _row(f"GET {API}/dialogue-meetings", COORDINATOR),
    _row(f"GET {API}/dialogue-meetings/{{meeting_id}}", COORDINATOR, meeting),
    _row(f"GET {API}/dialogue-meetings/{{meeting_id}}", NOBODY, outside_meeting),
    _row(f"POST {API}/dialogue-meetings", COORDINATOR, body=_body(MEETING)),
    _row(f"PUT {API}/dialogue-meetings/{{meeting_id}}", COORDINATOR, meeting, _body({**MEETING, "version": 1})),
    _row(f"PUT {API}/dialogue-meetings/{{meeting_id}}", NOBODY, outside_meeting, _body({**MEETING, "version": 1})),
    _row(f"POST {API}/dialogue-meetings/{{meeting_id}}/topics", COORDINATOR, meeting, _body({"title": "Fritid"})),
    _row(f"POST {API}/dialogue-meetings/{{meeting_id}}/topics", NOBODY, outside_meeting, _body({"title": "Fritid"})),
    _row(f"POST {API}/dialogue-meetings/{{meeting_id}}/follow-ups", COORDINATOR, meeting,
         _body({"what": "Send referat", "due_on": str(TODAY + timedelta(days=20)), "owner": "kamal"})),
    _row(f"POST {API}/dialogue-meetings/{{meeting_id}}/follow-ups", NOBODY, outside_meeting,
         _body({"what": "Send referat", "due_on": str(TODAY + timedelta(days=20)), "owner_name": "Formanden"})),
    _row(f"GET {API}/follow-ups", COORDINATOR),
    _row(f"POST {API}/follow-ups/{{follow_up_id}}/done", COORDINATOR, follow_up, _body({})),
    _row(f"POST {API}/follow-ups/{{follow_up_id}}/done", NOBODY, outside_follow_up, _body({})),
    _row(f"GET {API}/outreach-events", COORDINATOR),
    _row(f"GET {API}/outreach-events/totals", COORDINATOR),
    _row(f"GET {API}/outreach-events/{{event_id}}", COORDINATOR, event),
    _row(f"GET {API}/outreach-events/{{event_id}}", NOBODY, outside_event),
    _row(f"POST {API}/outreach-events", COORDINATOR, body=_body(EVENT)),
    _row(f"PUT {API}/outreach-events/{{event_id}}", COORDINATOR, event, _body({**EVENT, "version": 1})),
    _row(f"PUT {API}/outreach-events/{{event_id}}", NOBODY, outside_event, _body({**EVENT, "version": 1})),

    # Youth cohorts (api_cohorts.py).
    _row(f"GET {API}/cohorts", COORDINATOR),
    _row(f"GET {API}/cohorts/{{cohort_id}}", COORDINATOR, cohort),
    _row(f"GET {API}/cohorts/{{cohort_id}}", NOBODY, outside_cohort),
    _row(f"POST {API}/cohorts", COORDINATOR, body=_body(COHORT)),
    _row(f"PUT {API}/cohorts/{{cohort_id}}", COORDINATOR, cohort, _body({**COHORT, "version": 1})),
    _row(f"PUT {API}/cohorts/{{cohort_id}}", NOBODY, outside_cohort, _body({**COHORT, "version": 1})),
    _row(f"POST {API}/cohorts/{{cohort_id}}/modules", COORDINATOR, cohort, _body({"number": 9, "title": "Afslutning"})),
    _row(f"POST {API}/cohorts/{{cohort_id}}/modules", NOBODY, outside_cohort, _body({"number": 9, "title": "Slut"})),
    _row(f"GET {API}/cohorts/{{cohort_id}}/attendance", COORDINATOR, cohort),
    _row(f"GET {API}/cohorts/{{cohort_id}}/attendance", NOBODY, outside_cohort),
    _row(f"PUT {API}/cohorts/{{cohort_id}}/attendance", COORDINATOR, cohort, _body({"cells": []})),
    _row(f"PUT {API}/cohorts/{{cohort_id}}/attendance", NOBODY, outside_cohort, _body({"cells": []})),
    _row(f"POST {API}/cohorts/{{cohort_id}}/participants", COORDINATOR, cohort, _body(YOUNG)),
    _row(f"POST {API}/cohorts/{{cohort_id}}/participants", NOBODY, outside_cohort, _body(YOUNG)),
    _row(f"GET {API}/participants/{{participant_id}}", COORDINATOR, participant),
    _row(f"GET {API}/participants/{{participant_id}}", NOBODY, outside_participant),
    _row(f"PUT {API}/participants/{{participant_id}}", COORDINATOR, participant, _body({**YOUNG, "version": 1})),
    _row(f"PUT {API}/participants/{{participant_id}}", NOBODY, outside_participant, _body({**YOUNG, "version": 1})),
    _row(f"POST {API}/participants/{{participant_id}}/goals", COORDINATOR, participant, _goal_body),
    _row(f"POST {API}/participants/{{participant_id}}/goals", NOBODY, outside_participant, _goal_body),
    _row(f"POST {API}/goals/{{goal_id}}/progress", COORDINATOR, goal,
         _body({"noted_on": str(TODAY), "progress": "started"})),
    _row(f"POST {API}/goals/{{goal_id}}/progress", NOBODY, outside_goal,
         _body({"noted_on": str(TODAY), "progress": "started"})),

    # The ambassador programme (api_ambassadors.py).
    _row(f"POST {API}/participants/{{participant_id}}/ambassador", COORDINATOR, participant,
         _body({"started_on": str(TODAY)})),
    _row(f"POST {API}/participants/{{participant_id}}/ambassador", NOBODY, outside_participant,
         _body({"started_on": str(TODAY)})),
    _row(f"GET {API}/ambassadors", COORDINATOR),
    _row(f"GET {API}/ambassadors/{{ambassador_id}}", COORDINATOR, ambassador),
    _row(f"GET {API}/ambassadors/{{ambassador_id}}", NOBODY, outside_ambassador),
    _row(f"POST {API}/ambassadors/{{ambassador_id}}/modules", COORDINATOR, ambassador,
         _body({"module": "role", "completed_on": str(TODAY)})),
    _row(f"POST {API}/ambassadors/{{ambassador_id}}/modules", NOBODY, outside_ambassador,
         _body({"module": "role", "completed_on": str(TODAY)})),
    _row(f"POST {API}/ambassadors/{{ambassador_id}}/ready", COORDINATOR, trained, _body({"version": 1})),
    _row(f"POST {API}/ambassadors/{{ambassador_id}}/ready", NOBODY, outside_trained, _body({"version": 1})),
    _row(f"POST {API}/ambassadors/{{ambassador_id}}/activities", COORDINATOR, ambassador, _body(ACTIVITY)),
    _row(f"POST {API}/ambassadors/{{ambassador_id}}/activities", NOBODY, outside_ambassador, _body(ACTIVITY)),
    _row(f"GET {API}/ambassador", AMBASSADOR, yasmins_record, note="the caller's own record only"),
    _row(f"POST {API}/ambassador/activities", AMBASSADOR, yasmins_record, _body(ACTIVITY)),
    _row(f"POST {API}/ambassador/reports", AMBASSADOR, yasmins_record,
         _body({"kind": "need", "text": "Vi mangler et sted at være om aftenen."})),
    _row(f"GET {API}/reports", COORDINATOR),
    _row(f"GET {API}/reports/{{report_id}}", COORDINATOR, report),
    _row(f"GET {API}/reports/{{report_id}}", NOBODY, outside_report),
    _row(f"POST {API}/reports/{{report_id}}/dialogue", COORDINATOR, report,
         _body({"version": 1, "title": "Mødested om aftenen", "new_meeting_on": str(TODAY + timedelta(days=14))})),
    _row(f"POST {API}/reports/{{report_id}}/dialogue", NOBODY, outside_report,
         _body({"version": 1, "title": "Mødested om aftenen", "new_meeting_on": str(TODAY + timedelta(days=14))})),
    _row(f"POST {API}/reports/{{report_id}}/concern", COORDINATOR, report, _concern_body,
         note="a coordinator who may also submit concerns"),
    _row(f"POST {API}/reports/{{report_id}}/concern", NOBODY, outside_report, _concern_body),
    _row(f"POST {API}/reports/{{report_id}}/close", COORDINATOR, report, _body({"version": 1, "reply": "Tak."})),
    _row(f"POST {API}/reports/{{report_id}}/close", NOBODY, outside_report, _body({"version": 1, "reply": "Tak."})),
]
