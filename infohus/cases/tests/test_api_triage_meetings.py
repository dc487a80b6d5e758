"""Triage meetings through the API: the list, scheduling with an agenda, a meeting with its agenda
and attendees, adding to the agenda from either side, attendees, and marking it held. Another
Info house's meeting is a 404."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, MeetingAttendee, TriageMeeting
from infohus.cases.tests.factories import info_house, make_concern, make_person
from infohus.cases.tests.triage_helpers import concern_at_other_info_house, other_info_house
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _meeting(*concerns: Concern, house: Organisation | None = None, days: int = 7) -> TriageMeeting:
    meeting = TriageMeeting.objects.create(info_house=house or info_house(), place="Room 2",
                                           scheduled_for=timezone.now() + timedelta(days=days))
    meeting.concerns.set(concerns)
    return meeting


def _when(days: int = 7) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:00")


# --- the list and one meeting ---------------------------------------------------------------------

def test_list_holds_the_info_houses_meetings_latest_first(people: dict[str, User]) -> None:
    soon, later = _meeting(days=2), _meeting(days=9)
    _meeting(house=other_info_house())

    body = json_of(api_client(people["per"]).get("/api/v1/triage/meetings"))

    assert [m["id"] for m in body["results"]] == [later.pk, soon.pk]
    assert api_client(people["carl"]).get("/api/v1/triage/meetings").status_code == 403


@pytest.mark.parametrize("rows", [1, 20])
def test_list_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    for i in range(rows):
        _meeting(days=i + 1)
    client = api_client(people["ida"])
    with django_assert_max_num_queries(TOKEN + 3):  # the caller's Info houses, the count, one page
        response = client.get("/api/v1/triage/meetings?page_size=100")
    assert json_of(response)["count"] == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_meeting_is_read_and_audited_in_fixed_queries(people: dict[str, User], django_assert_max_num_queries: Any,
                                                      rows: int) -> None:
    meeting = _meeting(*[make_concern(person=make_person()) for _ in range(rows)])
    for i in range(rows):
        MeetingAttendee.objects.create(meeting=meeting, organisation=info_house(), role=f"Role {i}")
    client = api_client(people["ida"])
    # the caller's Info houses, the meeting, its agenda with the people, its attendees with their
    # organisations, the audit event
    with django_assert_max_num_queries(TOKEN + 4 + AUDIT):
        body = json_of(client.get(f"/api/v1/triage/meetings/{meeting.pk}"))
    assert (len(body["agenda"]), len(body["attendees"])) == (rows, rows)
    assert AuditEvent.objects.filter(action="triage_meeting.viewed", object_id=str(meeting.pk)).exists()


def test_another_info_houses_meeting_is_404(people: dict[str, User]) -> None:
    meeting = _meeting(house=other_info_house())
    client = api_client(people["ida"])

    assert client.get(f"/api/v1/triage/meetings/{meeting.pk}").status_code == 404
    assert _post(client, f"/api/v1/triage/meetings/{meeting.pk}/held").status_code == 404
    assert TriageMeeting.objects.get(pk=meeting.pk).held is False


# --- scheduling and the agenda --------------------------------------------------------------------

def test_scheduling_a_meeting_with_open_concerns_on_its_agenda(people: dict[str, User]) -> None:
    concern = make_concern()

    response = _post(api_client(people["ida"]), "/api/v1/triage/meetings",
                     {"scheduled_for": _when(), "place": "Room 2", "concerns": [concern.pk]})

    assert response.status_code == 201
    meeting = TriageMeeting.objects.get()
    assert json_of(response)["agenda"][0]["id"] == concern.pk
    assert (meeting.info_house, meeting.place) == (info_house(), "Room 2")


@pytest.mark.parametrize("status", [Concern.Status.DECIDED, None])
def test_only_open_concerns_of_the_info_house_go_on_the_agenda(people: dict[str, User],
                                                               status: str | None) -> None:
    concern = make_concern(status=status) if status else concern_at_other_info_house()

    response = _post(api_client(people["ida"]), "/api/v1/triage/meetings",
                     {"scheduled_for": _when(), "concerns": [concern.pk]})

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"concerns"}
    assert not TriageMeeting.objects.exists()


def test_adding_to_the_agenda_from_the_meeting_and_from_the_concern(people: dict[str, User]) -> None:
    first, second = make_concern(), make_concern()
    meeting = _meeting()
    client = api_client(people["ida"])

    from_meeting = _post(client, f"/api/v1/triage/meetings/{meeting.pk}/agenda", {"concern": first.pk})
    from_concern = _post(client, f"/api/v1/triage/concerns/{second.pk}/agenda", {"meeting": meeting.pk})
    again = _post(client, f"/api/v1/triage/meetings/{meeting.pk}/agenda", {"concern": first.pk})

    assert [c["id"] for c in json_of(from_meeting)["agenda"]] == [first.pk]
    assert [m["id"] for m in json_of(from_concern)["meetings"]] == [meeting.pk]
    assert set(json_of(again)["error"]["fields"]) == {"concern"}
    assert set(meeting.concerns.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_attendees_and_a_held_meeting_takes_no_more(people: dict[str, User]) -> None:
    meeting = _meeting()
    client = api_client(people["per"])
    attendee = {"organisation": info_house().pk, "role": "Police coordinator", "name": "Per"}

    added = _post(client, f"/api/v1/triage/meetings/{meeting.pk}/attendees", attendee)
    held = _post(client, f"/api/v1/triage/meetings/{meeting.pk}/held")
    late = _post(client, f"/api/v1/triage/meetings/{meeting.pk}/attendees", attendee)
    agenda = _post(client, f"/api/v1/triage/meetings/{meeting.pk}/agenda", {"concern": make_concern().pk})

    assert added.status_code == 201
    assert json_of(added)["role"] == "Police coordinator"
    assert json_of(held)["held"] is True
    assert (late.status_code, agenda.status_code) == (422, 422)
    assert MeetingAttendee.objects.count() == 1
    assert meeting.concerns.count() == 0


def test_an_attendee_needs_a_role_and_a_known_organisation(people: dict[str, User]) -> None:
    meeting = _meeting()
    response = _post(api_client(people["ida"]), f"/api/v1/triage/meetings/{meeting.pk}/attendees",
                     {"organisation": 999_999, "role": " "})
    assert set(json_of(response)["error"]["fields"]) == {"organisation", "role"}
    assert not MeetingAttendee.objects.exists()


def test_meeting_writes_are_refused_outside_and_for_other_roles(people: dict[str, User]) -> None:
    inside, outside = _meeting(), _meeting(house=other_info_house())
    concern = make_concern()
    attendee = {"organisation": info_house().pk, "role": "Police coordinator"}

    def calls(client: Client, meeting: TriageMeeting) -> list[int]:
        return [response.status_code for response in (
            client.get(f"/api/v1/triage/meetings/{meeting.pk}"),
            _post(client, f"/api/v1/triage/meetings/{meeting.pk}/attendees", attendee),
            _post(client, f"/api/v1/triage/meetings/{meeting.pk}/agenda", {"concern": concern.pk}),
            _post(client, f"/api/v1/triage/meetings/{meeting.pk}/held"),
            _post(client, f"/api/v1/triage/concerns/{concern.pk}/agenda", {"meeting": meeting.pk}),
        )]

    assert calls(api_client(people["carl"]), inside) == [403] * 5
    assert calls(api_client(people["ida"]), outside) == [404, 404, 404, 404, 422]  # the last: not a meeting to pick
    assert _post(api_client(people["carl"]), "/api/v1/triage/meetings", {"scheduled_for": _when()}).status_code == 403
    assert not MeetingAttendee.objects.exists()
    assert not TriageMeeting.objects.filter(held=True).exists()
    assert concern.meetings.count() == 0
