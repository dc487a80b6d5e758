"""Triage meetings: scheduling with an agenda, attendees, and another Info house's meeting."""

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
from infohus.cases.services.triage import add_attendee, schedule_meeting
from infohus.cases.tests.factories import info_house, make_concern, make_person
from infohus.cases.tests.triage_helpers import (
    REQUEST_QUERIES,
    audit_queries,
    concern_at_other_info_house,
    other_info_house,
)

# The request's own queries, the user's Info houses, the meeting, its agenda (person joined)
# and attendees (organisation joined), the attendee form's organisations, and the audit event.
MEETING_QUERIES = REQUEST_QUERIES + 5 + audit_queries(1)


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


@pytest.mark.parametrize("rows", [1, 15])
def test_meeting_detail_query_count_does_not_grow(people: dict[str, User], signed_in: Callable[[str], Client],
                                                  rows: int, django_assert_max_num_queries: Any) -> None:
    client = signed_in("ida")
    meeting = make_meeting(people["ida"], [make_concern(person=make_person(last_name=f"N{i}")) for i in range(rows)])
    for i in range(rows):
        add_attendee(actor=people["ida"], meeting=meeting, organisation=info_house(), role=f"Role {i}")
    with django_assert_max_num_queries(MEETING_QUERIES):
        response = client.get(f"/desk/triage/meetings/{meeting.pk}/")
    assert response.status_code == 200
