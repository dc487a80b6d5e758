"""Dialogue meetings, follow-ups and outreach events in the API: a coordinator records and changes
their organisation's meetings (with its own partners only), topics and follow-ups, marks
follow-ups done, and records outreach with its evaluations counted; another organisation's record
is 404; a stale version is 409."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import DialogueMeeting, FollowUp, OutreachEvent
from infohus.community.tests.factories import make_event, make_follow_up, make_meeting, make_partner
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/community/dialogue-meetings"
EVENTS = "/api/v1/community/outreach-events"
TODAY = timezone.localdate()
EVENT = {"held_on": str(TODAY - timedelta(days=2)), "kind": "workshop", "audience": "parents",
         "title": "Forældreaften", "attendees": 30, "evaluation_counts": {"4": 10, "5": 8}}


@pytest.fixture
def kamal(people: dict[str, User]) -> Client:
    return api_client(people["kamal"])


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


# --- meetings -----------------------------------------------------------------------------------------

def test_meetings_upcoming_first_then_past(people: dict[str, User], kamal: Client) -> None:
    kamal_ = people["kamal"]
    partner = make_partner(created_by=kamal_, name="Moskeen")
    past = make_meeting(created_by=kamal_, held_on=TODAY - timedelta(days=5), partners=(partner,))
    soon = make_meeting(created_by=kamal_, held_on=TODAY + timedelta(days=2))
    later = make_meeting(created_by=kamal_, held_on=TODAY + timedelta(days=20))
    make_follow_up(past, due_on=TODAY)
    make_meeting(created_by=kamal_, organisation=randers())

    body = json_of(kamal.get(MEETINGS))

    assert [m["id"] for m in body["results"]] == [soon.pk, later.pk, past.pk]
    assert [m["upcoming"] for m in body["results"]] == [True, True, False]
    assert body["results"][2]["partners"] == [{"id": partner.pk, "name": "Moskeen"}]
    assert body["results"][2]["open_follow_ups"] == 1


def test_a_coordinator_records_and_changes_a_meeting(people: dict[str, User], kamal: Client) -> None:
    partner = make_partner(created_by=people["kamal"])
    police = Organisation.objects.get(kind=Organisation.Kind.POLICE_DISTRICT)
    body = {"held_on": str(TODAY - timedelta(days=1)), "status": "held", "partners": [partner.pk],
            "authorities": [police.pk], "agreed": "Et fælles arrangement i foråret."}

    created = send(kamal, "POST", MEETINGS, body)
    meeting_id = json_of(created)["id"]
    changed = send(kamal, "PUT", f"{MEETINGS}/{meeting_id}", {**body, "place": "Biblioteket", "version": 1})
    stale = send(kamal, "PUT", f"{MEETINGS}/{meeting_id}", {**body, "place": "Rådhuset", "version": 1})

    assert created.status_code == 201
    assert json_of(created)["partners"] == [{"id": partner.pk, "name": partner.name}]
    assert json_of(created)["authorities"] == [{"id": police.pk, "name": police.name}]
    assert changed.status_code == 200 and json_of(changed)["place"] == "Biblioteket"
    assert stale.status_code == 409 and json_of(stale)["error"]["current_version"] == 2
    assert DialogueMeeting.objects.get(pk=meeting_id).place == "Biblioteket"
    assert AuditEvent.objects.filter(action="community.meeting_recorded", object_id=str(meeting_id)).exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"held_on": str(TODAY + timedelta(days=400))}, "held_on"),
    ({"held_on": str(TODAY + timedelta(days=3)), "status": "held"}, "status"),
    ({"partners": "another"}, "partners"),
    ({"authorities": [999_999]}, "authorities"),
    ({"status": "postponed"}, "status"),
])
def test_a_meeting_that_does_not_fit_is_refused(kamal: Client, change: dict[str, Any], field: str) -> None:
    response = send(kamal, "POST", MEETINGS, {"held_on": str(TODAY), **change})

    assert response.status_code == 422 and field in json_of(response)["error"]["fields"], json_of(response)
    assert not DialogueMeeting.objects.exists()


def test_another_organisations_partner_cannot_join_a_meeting(people: dict[str, User], kamal: Client) -> None:
    theirs = make_partner(created_by=people["kamal"], organisation=randers())

    response = send(kamal, "POST", MEETINGS, {"held_on": str(TODAY), "partners": [theirs.pk]})

    assert response.status_code == 422 and "partners" in json_of(response)["error"]["fields"]


def test_topics_and_follow_ups(people: dict[str, User], kamal: Client) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=1))

    topic = send(kamal, "POST", f"{MEETINGS}/{meeting.pk}/topics", {"title": "Fritidstilbud", "notes": "Drøftet."})
    owned = send(kamal, "POST", f"{MEETINGS}/{meeting.pk}/follow-ups",
                 {"what": "Send referat", "due_on": str(TODAY + timedelta(days=7)), "owner": "kamal"})
    outsider = send(kamal, "POST", f"{MEETINGS}/{meeting.pk}/follow-ups",
                    {"what": "Ring til formanden", "due_on": str(TODAY), "owner": "carl"})
    early = send(kamal, "POST", f"{MEETINGS}/{meeting.pk}/follow-ups",
                 {"what": "For tidligt", "due_on": str(TODAY - timedelta(days=5)), "owner_name": "Formanden"})
    detail = json_of(kamal.get(f"{MEETINGS}/{meeting.pk}"))

    assert topic.status_code == 201 and owned.status_code == 201
    assert json_of(owned)["owner"] == {"username": "kamal", "name": "Kamal Østergaard"}
    assert outsider.status_code == 422 and "owner" in json_of(outsider)["error"]["fields"]
    assert early.status_code == 422 and "due_on" in json_of(early)["error"]["fields"]
    assert [t["title"] for t in detail["topics"]] == ["Fritidstilbud"]
    assert [f["what"] for f in detail["follow_ups"]] == ["Send referat"]


def test_open_follow_ups_overdue_first_and_marking_one_done(people: dict[str, User], kamal: Client) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=30))
    late = make_follow_up(meeting, due_on=TODAY - timedelta(days=3))
    coming = make_follow_up(meeting, due_on=TODAY + timedelta(days=3))

    listed = json_of(kamal.get("/api/v1/community/follow-ups"))
    done = send(kamal, "POST", f"/api/v1/community/follow-ups/{late.pk}/done", {})
    again = send(kamal, "POST", f"/api/v1/community/follow-ups/{late.pk}/done", {})

    assert [(f["id"], f["overdue"]) for f in listed["results"]] == [(late.pk, True), (coming.pk, False)]
    assert done.status_code == 200 and json_of(done)["done_on"] == str(TODAY)
    assert json_of(done)["done_by"]["username"] == "kamal"
    assert again.status_code == 422
    assert [f["id"] for f in json_of(kamal.get("/api/v1/community/follow-ups"))["results"]] == [coming.pk]


def test_another_organisations_meeting_and_event_are_404(people: dict[str, User], kamal: Client) -> None:
    meeting = make_meeting(created_by=people["kamal"], organisation=randers(), held_on=TODAY - timedelta(days=3))
    follow_up = make_follow_up(meeting, due_on=TODAY)
    event = make_event(created_by=people["kamal"], organisation=randers())

    assert kamal.get(f"{MEETINGS}/{meeting.pk}").status_code == 404
    assert send(kamal, "POST", f"{MEETINGS}/{meeting.pk}/topics", {"title": "X"}).status_code == 404
    assert send(kamal, "POST", f"/api/v1/community/follow-ups/{follow_up.pk}/done", {}).status_code == 404
    assert kamal.get(f"{EVENTS}/{event.pk}").status_code == 404
    assert send(kamal, "PUT", f"{EVENTS}/{event.pk}", {**EVENT, "version": 1}).status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None
    assert AuditEvent.objects.filter(action="community.refused").count() == 5


@pytest.mark.parametrize("username", ["yasmin", "ida", "anders"])
def test_only_community_coordinators(people: dict[str, User], username: str) -> None:
    client = api_client(people[username])

    for url in (MEETINGS, "/api/v1/community/follow-ups", EVENTS, f"{EVENTS}/totals"):
        assert client.get(url).status_code == 403, url
    assert send(client, "POST", EVENTS, EVENT).status_code == 403


@pytest.mark.parametrize("count", [1, 12])
def test_queries_do_not_grow_with_meetings_or_events(people: dict[str, User], kamal: Client,
                                                     django_assert_max_num_queries: Any, count: int) -> None:
    kamal_ = people["kamal"]
    for n in range(count):
        m = make_meeting(created_by=kamal_, held_on=TODAY - timedelta(days=n + 1),
                         partners=(make_partner(created_by=kamal_),))
        make_follow_up(m, due_on=TODAY, owner=kamal_)
        make_event(created_by=kamal_)

    # The token (and its last-used mark), the memberships, the count, the page, its partners.
    with django_assert_max_num_queries(6):
        assert json_of(kamal.get(MEETINGS, {"page_size": 100}))["count"] == count
    with django_assert_max_num_queries(5):
        assert json_of(kamal.get("/api/v1/community/follow-ups", {"page_size": 100}))["count"] == count
    with django_assert_max_num_queries(5):
        assert json_of(kamal.get(EVENTS, {"page_size": 100}))["count"] == count
    # The token, the memberships, the meeting, its partners, authorities, topics and follow-ups.
    with django_assert_max_num_queries(8):
        assert kamal.get(f"{MEETINGS}/{m.pk}").status_code == 200


# --- outreach ------------------------------------------------------------------------------------------

def test_outreach_with_evaluations_counted(people: dict[str, User], kamal: Client) -> None:
    created = send(kamal, "POST", EVENTS, EVENT)
    event_id = json_of(created)["id"]
    make_event(created_by=people["kamal"], audience="school", attendees=40)

    detail = json_of(kamal.get(f"{EVENTS}/{event_id}"))
    totals = json_of(kamal.get(f"{EVENTS}/totals"))
    changed = send(kamal, "PUT", f"{EVENTS}/{event_id}", {**EVENT, "attendees": 35, "version": 1})
    stale = send(kamal, "PUT", f"{EVENTS}/{event_id}", {**EVENT, "version": 1})

    assert created.status_code == 201
    assert [(e["answer"], e["count"]) for e in detail["evaluations"]] == [
        ("1", 0), ("2", 0), ("3", 0), ("4", 10), ("5", 8)]
    assert detail["returned"] == 18
    assert totals["events"] == 2 and totals["attendees"] == 70
    by_audience = {t["audience"]: t for t in totals["by_audience"]}
    assert by_audience["parents"]["attendees"] == 30 and by_audience["school"]["events"] == 1
    assert changed.status_code == 200 and json_of(changed)["attendees"] == 35
    assert stale.status_code == 409
    assert OutreachEvent.objects.get(pk=event_id).attendees == 35


@pytest.mark.parametrize(("change", "field"), [
    ({"attendees": 10}, "attendees"),
    ({"evaluation_counts": {"6": 1}}, "evaluation_counts.6.[key]"),
    ({"evaluation_counts": {"4": -1}}, "answer_4"),
    ({"held_on": str(TODAY + timedelta(days=5))}, "attendees"),
    ({"kind": "concert"}, "kind"),
    ({"title": ""}, "title"),
])
def test_an_event_that_does_not_fit_is_refused(kamal: Client, change: dict[str, Any], field: str) -> None:
    response = send(kamal, "POST", EVENTS, {**EVENT, **change})

    assert response.status_code == 422 and field in json_of(response)["error"]["fields"], json_of(response)
    assert not OutreachEvent.objects.exists()


@pytest.mark.parametrize("count", [1, 12])
def test_an_event_and_the_totals_take_the_same_queries_however_many(people: dict[str, User], kamal: Client,
                                                                   django_assert_max_num_queries: Any,
                                                                   count: int) -> None:
    events = [make_event(created_by=people["kamal"], evaluation_counts={"5": 3}) for _ in range(count)]
    kamal.get(EVENTS)  # the token's last-used mark

    # The token, the memberships, the event (its evaluations are counted on the row).
    with django_assert_max_num_queries(3):
        assert json_of(kamal.get(f"{EVENTS}/{events[-1].pk}"))["returned"] == 3
    # The token, the memberships, the sums by audience.
    with django_assert_max_num_queries(3):
        assert json_of(kamal.get(f"{EVENTS}/totals"))["events"] == count
