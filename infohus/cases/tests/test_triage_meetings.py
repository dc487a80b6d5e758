"""Triage meetings: scheduling with an agenda, adding to the agenda of an existing meeting,
attendees, marking a meeting held, and another Info house's meeting."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, MeetingAttendee, TriageMeeting
from infohus.cases.services.triage import add_attendee, add_to_agenda, mark_meeting_held, schedule_meeting
from infohus.cases.tests.factories import info_house, make_concern, make_person
from infohus.cases.tests.triage_helpers import (
    REQUEST_QUERIES,
    audit_queries,
    concern_at_other_info_house,
    other_coordinator,
    other_info_house,
)

# The request's own queries, the user's Info houses, the meeting, its agenda (person joined)
# and attendees (organisation joined), the open concerns that may be added, the attendee form's
# organisations, and the audit event.
MEETING_QUERIES = REQUEST_QUERIES + 6 + audit_queries(1)


def when() -> str:
    return (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def make_meeting(user: User, concerns: list[Concern] | None = None) -> TriageMeeting:
    return schedule_meeting(actor=user, info_house=info_house(), scheduled_for=timezone.now() + timedelta(days=7),
                            place="Room 2", concerns=concerns or [])


def test_schedule_a_meeting_with_concerns_on_the_agenda(signed_in: Callable[[str], Client]) -> None:
    urgent, other = make_concern(urgent=True), make_concern(status=Concern.Status.IN_TRIAGE)
    make_concern(status=Concern.Status.DECIDED)
    client = signed_in("ida")
    page = client.get("/desk/triage/meetings/new/")
    assert list(page.context["form"].fields["concerns"].queryset) == [urgent, other]
    response = client.post("/desk/triage/meetings/new/", {
        "scheduled_for": when(), "place": "Politigården, room 2", "concerns": [urgent.pk, other.pk]})
    assert response.status_code == 302
    meeting = TriageMeeting.objects.get()
    assert meeting.info_house == info_house()
    assert set(meeting.concerns.all()) == {urgent, other}
    assert AuditEvent.objects.filter(action="concern.put_on_agenda").count() == 2


def test_concern_of_another_info_house_cannot_be_put_on_the_agenda(people: dict[str, User],
                                                                   signed_in: Callable[[str], Client]) -> None:
    foreign = concern_at_other_info_house()
    response = signed_in("ida").post("/desk/triage/meetings/new/", {"scheduled_for": when(),
                                                                  "concerns": [foreign.pk]})
    assert response.status_code == 200
    assert not TriageMeeting.objects.exists()
    with pytest.raises(ValidationError):
        make_meeting(people["ida"], [foreign])


def test_meeting_needs_a_date(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").post("/desk/triage/meetings/new/", {"place": "Room"})
    assert "This field is required." in response.content.decode()


def test_record_attendees(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    meeting = make_meeting(people["ida"], [make_concern(person=make_person("Jonas", "Testesen"))])
    psychiatry = Organisation.objects.get(kind=Organisation.Kind.PSYCHIATRY)
    client = signed_in("per")
    response = client.post(f"/desk/triage/meetings/{meeting.pk}/attendees/",
                           {"organisation": psychiatry.pk, "role": "Psychiatry liaison", "name": "Signe Aldal"})
    assert response.status_code == 302
    attendee = MeetingAttendee.objects.get()
    assert (attendee.organisation, attendee.role, attendee.name) == (psychiatry, "Psychiatry liaison", "Signe Aldal")
    page = client.get(f"/desk/triage/meetings/{meeting.pk}/").content.decode()
    assert "Signe Aldal" in page and "Jonas Testesen" in page


def test_attendee_needs_a_role(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    meeting = make_meeting(people["ida"])
    response = signed_in("ida").post(f"/desk/triage/meetings/{meeting.pk}/attendees/",
                                     {"organisation": info_house().pk, "role": ""})
    assert response.status_code == 200
    assert not MeetingAttendee.objects.exists()


def test_meeting_of_another_info_house_is_404_and_audited(people: dict[str, User],
                                                          signed_in: Callable[[str], Client]) -> None:
    meeting = TriageMeeting.objects.create(info_house=other_info_house(), scheduled_for=timezone.now())
    client = signed_in("ida")
    assert client.get(f"/desk/triage/meetings/{meeting.pk}/").status_code == 404
    assert client.post(f"/desk/triage/meetings/{meeting.pk}/attendees/",
                       {"organisation": info_house().pk, "role": "Spy"}).status_code == 404
    assert AuditEvent.objects.filter(action="triage_meeting.refused", object_id=str(meeting.pk)).count() == 2
    with pytest.raises(ValidationError):
        add_attendee(actor=people["ida"], meeting=meeting, organisation=info_house(), role="Spy")
    assert "meetings" in client.get("/desk/triage/meetings/").content.decode()
    assert meeting not in client.get("/desk/triage/meetings/").context["page"]


def test_add_an_open_concern_to_the_agenda_from_the_meeting_page(people: dict[str, User],
                                                                 signed_in: Callable[[str], Client]) -> None:
    on_it, waiting = make_concern(), make_concern(urgent=True, person=make_person("Jonas", "Testesen"))
    make_concern(status=Concern.Status.DECIDED)
    foreign = concern_at_other_info_house()
    meeting = make_meeting(people["ida"], [on_it])
    client = signed_in("per")
    page = client.get(f"/desk/triage/meetings/{meeting.pk}/")
    assert list(page.context["agenda_options"]) == [waiting]
    assert "Put it on the agenda" in page.content.decode()
    response = client.post(f"/desk/triage/meetings/{meeting.pk}/agenda/", {"concern": waiting.pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"/desk/triage/meetings/{meeting.pk}/"
    assert set(meeting.concerns.all()) == {on_it, waiting}
    assert "Jonas Testesen" in response.content.decode()
    event = AuditEvent.objects.filter(action="concern.put_on_agenda", object_id=str(waiting.pk)).get()
    assert event.person_id == str(waiting.person_id) and event.details["meeting"] == meeting.pk
    # Once on the agenda, it is no longer offered; a concern already on it cannot be added twice.
    assert client.get(f"/desk/triage/meetings/{meeting.pk}/").context["agenda_options"] == []
    with pytest.raises(ValidationError):
        add_to_agenda(actor=people["ida"], meeting=meeting, concern=waiting)
    assert foreign not in meeting.concerns.all()


def test_add_to_the_agenda_from_the_concern_page(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    upcoming = make_meeting(people["ida"])
    already = make_meeting(people["ida"], [concern])
    held = make_meeting(people["ida"])
    mark_meeting_held(actor=people["ida"], meeting=held)
    past = schedule_meeting(actor=people["ida"], info_house=info_house(),
                            scheduled_for=timezone.now() - timedelta(days=3), concerns=[])
    foreign = TriageMeeting.objects.create(info_house=other_info_house(), scheduled_for=timezone.now()
                                           + timedelta(days=2))
    client = signed_in("ida")
    page = client.get(f"/desk/triage/concerns/{concern.pk}/")
    assert page.context["agenda_meetings"] == [upcoming]
    assert not {already, held, past, foreign} & set(page.context["agenda_meetings"])
    response = client.post(f"/desk/triage/concerns/{concern.pk}/agenda/", {"meeting": upcoming.pk})
    assert response.status_code == 302
    assert concern in upcoming.concerns.all()
    # A meeting of another Info house is not a valid choice: the page says so and nothing changes.
    response = client.post(f"/desk/triage/concerns/{concern.pk}/agenda/", {"meeting": foreign.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not foreign.concerns.exists()


def test_concern_of_another_info_house_or_closed_is_refused(people: dict[str, User],
                                                            signed_in: Callable[[str], Client]) -> None:
    meeting = make_meeting(people["ida"])
    foreign = concern_at_other_info_house()
    decided = make_concern(status=Concern.Status.DECIDED)
    client = signed_in("ida")
    for concern in (foreign, decided):
        response = client.post(f"/desk/triage/meetings/{meeting.pk}/agenda/", {"concern": concern.pk})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        with pytest.raises(ValidationError, match="Only open concerns of this Info house"):
            add_to_agenda(actor=people["ida"], meeting=meeting, concern=concern)
    assert not meeting.concerns.exists()
    assert not AuditEvent.objects.filter(action="concern.put_on_agenda").exists()
    # olga triages at the other Info house only: she may not add to the demo Info house's meeting.
    with pytest.raises(ValidationError):
        add_to_agenda(actor=other_coordinator(), meeting=meeting, concern=foreign)


def test_mark_a_meeting_held(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    meeting = make_meeting(people["ida"], [concern])
    client = signed_in("ida")
    assert "Mark the meeting as held" in client.get(f"/desk/triage/meetings/{meeting.pk}/").content.decode()
    response = client.post(f"/desk/triage/meetings/{meeting.pk}/held/", follow=True)
    meeting.refresh_from_db()
    assert meeting.held
    page = response.content.decode()
    assert "It takes no new agenda items or attendees." in page
    assert "Mark the meeting as held" not in page and "Add the attendee" not in page
    event = AuditEvent.objects.get(action="triage_meeting.held")
    assert event.object_id == str(meeting.pk) and event.details["concerns"] == [concern.pk]
    # Marking it again changes nothing and writes no second event.
    client.post(f"/desk/triage/meetings/{meeting.pk}/held/")
    assert AuditEvent.objects.filter(action="triage_meeting.held").count() == 1


def test_held_meeting_refuses_new_agenda_items_and_attendees(people: dict[str, User],
                                                             signed_in: Callable[[str], Client]) -> None:
    meeting = make_meeting(people["ida"])
    mark_meeting_held(actor=people["ida"], meeting=meeting)
    concern = make_concern()
    message = "This meeting has been held. It takes no new agenda items or attendees."
    with pytest.raises(ValidationError, match=message):
        add_to_agenda(actor=people["ida"], meeting=meeting, concern=concern)
    with pytest.raises(ValidationError, match=message):
        add_attendee(actor=people["ida"], meeting=meeting, organisation=info_house(), role="Police coordinator")
    client = signed_in("ida")
    response = client.post(f"/desk/triage/meetings/{meeting.pk}/agenda/", {"concern": concern.pk}, follow=True)
    assert message in response.content.decode()
    response = client.post(f"/desk/triage/meetings/{meeting.pk}/attendees/",
                           {"organisation": info_house().pk, "role": "Police coordinator"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not meeting.concerns.exists() and not MeetingAttendee.objects.exists()
    # Nor is it offered on the concern's page.
    assert meeting not in signed_in("per").get(f"/desk/triage/concerns/{concern.pk}/").context["agenda_meetings"]


def test_another_info_houses_meeting_cannot_be_added_to_or_marked_held(people: dict[str, User],
                                                                       signed_in: Callable[[str], Client]) -> None:
    meeting = TriageMeeting.objects.create(info_house=other_info_house(), scheduled_for=timezone.now())
    foreign = concern_at_other_info_house()
    client = signed_in("ida")
    assert client.post(f"/desk/triage/meetings/{meeting.pk}/agenda/", {"concern": foreign.pk}).status_code == 404
    assert client.post(f"/desk/triage/meetings/{meeting.pk}/held/").status_code == 404
    meeting.refresh_from_db()
    assert not meeting.held and not meeting.concerns.exists()
    assert AuditEvent.objects.filter(action="triage_meeting.refused", object_id=str(meeting.pk)).count() == 2
    with pytest.raises(ValidationError):
        mark_meeting_held(actor=people["ida"], meeting=meeting)


@pytest.mark.parametrize("rows", [1, 15])
def test_meeting_detail_query_count_does_not_grow(people: dict[str, User], signed_in: Callable[[str], Client],
                                                  rows: int, django_assert_max_num_queries: Any) -> None:
    client = signed_in("ida")
    meeting = make_meeting(people["ida"], [make_concern(person=make_person(last_name=f"N{i}")) for i in range(rows)])
    for i in range(rows):
        add_attendee(actor=people["ida"], meeting=meeting, organisation=info_house(), role=f"Role {i}")
        make_concern(person=make_person(last_name=f"W{i}"))  # open, not on the agenda: offered to add
    with django_assert_max_num_queries(MEETING_QUERIES):
        response = client.get(f"/desk/triage/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert len(response.context["agenda_options"]) == rows
