"""Authorisation rows for Info-house triage: the demo Info house's coordinator (ida) and police
liaison (per) may open its concerns and meetings; nobody may open another Info house's."""

from typing import Any

from tests.authz import Row, allowed

TRIAGE = allowed("ida", "per")
NOBODY: frozenset[str] = frozenset()


def _once(world: dict[str, Any], key: str, make: Any) -> Any:
    # kwargs are asked for once per person; the object is made once per row.
    if key not in world:
        world[key] = make()
    return world[key]


def _inside(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.cases.tests.factories import make_concern, make_person

    return {"pk": _once(world, "triage_concern", lambda: make_concern(person=make_person())).pk}


def _outside(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.cases.tests.factories import make_person
    from infohus.cases.tests.triage_helpers import concern_at_other_info_house

    return {"pk": _once(world, "triage_foreign_concern",
                        lambda: concern_at_other_info_house(person=make_person())).pk}


def _meeting_inside(world: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from infohus.cases.models import TriageMeeting
    from infohus.cases.tests.factories import info_house

    return {"pk": _once(world, "triage_meeting", lambda: TriageMeeting.objects.create(
        info_house=info_house(), scheduled_for=timezone.now())).pk}


def _meeting_outside(world: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from infohus.cases.models import TriageMeeting
    from infohus.cases.tests.triage_helpers import other_info_house

    return {"pk": _once(world, "triage_foreign_meeting", lambda: TriageMeeting.objects.create(
        info_house=other_info_house(), scheduled_for=timezone.now())).pk}


_CONCERN_PAGES = [
    ("cases:triage_concern", "GET"),
    ("cases:triage_take", "POST"),
    ("cases:triage_person_search", "GET"),
    ("cases:triage_person_search", "POST"),
    ("cases:triage_person_link", "POST"),
    ("cases:triage_person_create", "GET"),
    ("cases:triage_person_create", "POST"),
    ("cases:triage_disclosure_new", "GET"),
    ("cases:triage_decide", "GET"),
    ("cases:triage_concern_agenda_add", "POST"),
]

ROWS = [
    Row("cases:triage_queue", TRIAGE),
    Row("cases:triage_meetings", TRIAGE),
    Row("cases:triage_meeting_new", TRIAGE),
    *[Row(route, TRIAGE, kwargs=_inside, method=method, note="a concern at the demo Info house")
      for route, method in _CONCERN_PAGES],
    *[Row(route, NOBODY, kwargs=_outside, method=method, note="a concern at another Info house")
      for route, method in _CONCERN_PAGES],
    Row("cases:triage_meeting", TRIAGE, kwargs=_meeting_inside),
    Row("cases:triage_meeting", NOBODY, kwargs=_meeting_outside, note="another Info house's meeting"),
    Row("cases:triage_attendee_add", TRIAGE, kwargs=_meeting_inside, method="POST"),
    Row("cases:triage_attendee_add", NOBODY, kwargs=_meeting_outside, method="POST"),
    Row("cases:triage_agenda_add", TRIAGE, kwargs=_meeting_inside, method="POST"),
    Row("cases:triage_agenda_add", NOBODY, kwargs=_meeting_outside, method="POST"),
    Row("cases:triage_meeting_held", TRIAGE, kwargs=_meeting_inside, method="POST"),
    Row("cases:triage_meeting_held", NOBODY, kwargs=_meeting_outside, method="POST"),
]
