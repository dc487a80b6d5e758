"""The ambassador programme in the API: coordinators start ambassadors, record modules, mark them
ready and log activities; an ambassador reads and writes only their own record and reports; the
inbox shows what a report is about, never its text; a report is taken to a dialogue meeting,
passed on as a concern or closed, with a reply for the ambassador; stale handling is 409."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    AmbassadorModule,
    DialogueMeeting,
    PeerReport,
)
from infohus.community.tests.factories import make_ambassador, make_cohort, make_meeting, make_participant, make_report
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

API = "/api/v1/community"
TODAY = timezone.localdate()
CONCERN = {"observed": "En ung taler om at rejse ud.", "observed_on": str(TODAY), "observed_where": "Klubben",
           "worries": "Ændret omgangskreds.", "person_unknown": True, "reply": "Tak. En fagperson har taget over."}


@pytest.fixture
def kamal(people: dict[str, User]) -> Client:
    return api_client(people["kamal"])


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def an_ambassador(people: dict[str, User], *, outside: bool = False, **fields: Any) -> Ambassador:
    cohort = make_cohort(created_by=people["kamal"], **({"organisation": randers()} if outside else {}))
    return make_ambassador(make_participant(cohort, age=19), **fields)


# --- the coordinators: ambassadors -------------------------------------------------------------------------

def test_from_participant_to_ambassador_ready_to_act(people: dict[str, User], kamal: Client) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]), age=19)

    started = send(kamal, "POST", f"{API}/participants/{participant.pk}/ambassador",
                   {"started_on": str(TODAY), "account": "yasmin"})
    ambassador_id = json_of(started)["id"]
    too_soon = send(kamal, "POST", f"{API}/ambassadors/{ambassador_id}/ready", {"version": 1})
    for module in AmbassadorModule:
        done = send(kamal, "POST", f"{API}/ambassadors/{ambassador_id}/modules",
                    {"module": module.value, "completed_on": str(TODAY)})
        assert done.status_code == 201
    twice = send(kamal, "POST", f"{API}/ambassadors/{ambassador_id}/modules",
                 {"module": "role", "completed_on": str(TODAY)})
    ready = send(kamal, "POST", f"{API}/ambassadors/{ambassador_id}/ready", {"version": 1})
    stale = send(kamal, "POST", f"{API}/ambassadors/{ambassador_id}/ready", {"version": 1})

    assert started.status_code == 201 and json_of(started)["account"]["username"] == "yasmin"
    assert too_soon.status_code == 422 and "every module" in json_of(too_soon)["error"]["fields"]["__all__"][0]
    assert twice.status_code == 422
    assert ready.status_code == 200 and json_of(ready)["ready_on"] == str(TODAY) and json_of(ready)["version"] == 2
    assert all(m["completed_on"] == str(TODAY) for m in json_of(ready)["modules"])
    assert stale.status_code == 409
    assert AuditEvent.objects.filter(action="community.ambassador_ready", object_id=str(ambassador_id)).exists()


def test_an_account_of_another_role_cannot_be_linked(people: dict[str, User], kamal: Client) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]), age=19)

    response = send(kamal, "POST", f"{API}/participants/{participant.pk}/ambassador",
                    {"started_on": str(TODAY), "account": "carl"})

    assert response.status_code == 422 and "account" in json_of(response)["error"]["fields"]
    assert not Ambassador.objects.exists()


def test_the_list_and_an_ambassador_are_audited(people: dict[str, User], kamal: Client) -> None:
    ambassador = an_ambassador(people)
    make_report(ambassador)
    an_ambassador(people, outside=True)

    listed = json_of(kamal.get(f"{API}/ambassadors"))
    detail = json_of(kamal.get(f"{API}/ambassadors/{ambassador.pk}"))

    assert [a["id"] for a in listed["results"]] == [ambassador.pk] and listed["results"][0]["open_reports"] == 1
    assert [r["kind"] for r in detail["reports"]] == ["need"] and "text" not in detail["reports"][0]
    assert AuditEvent.objects.get(action="community.listed", object_type="ambassador").details["shown"] == [
        ambassador.pk]
    assert AuditEvent.objects.filter(action="community.viewed", object_type="ambassador",
                                     object_id=str(ambassador.pk)).exists()


def test_activities_once_ready(people: dict[str, User], kamal: Client) -> None:
    ready = an_ambassador(people)
    not_ready = an_ambassador(people, ready=False)
    activity = {"kind": "presentation", "held_on": str(TODAY), "people_reached": 12, "note": "Oplæg i klassen."}

    logged = send(kamal, "POST", f"{API}/ambassadors/{ready.pk}/activities", activity)
    refused = send(kamal, "POST", f"{API}/ambassadors/{not_ready.pk}/activities", activity)
    future = send(kamal, "POST", f"{API}/ambassadors/{ready.pk}/activities",
                  {**activity, "held_on": str(TODAY + timedelta(days=1))})

    assert logged.status_code == 201 and json_of(logged)["people_reached"] == 12
    assert refused.status_code == 422 and future.status_code == 422
    assert AmbassadorActivity.objects.count() == 1


def test_another_organisations_ambassador_and_report_are_404(people: dict[str, User], kamal: Client) -> None:
    ambassador = an_ambassador(people, outside=True)
    report = make_report(ambassador)

    assert kamal.get(f"{API}/ambassadors/{ambassador.pk}").status_code == 404
    assert kamal.get(f"{API}/reports/{report.pk}").status_code == 404
    assert send(kamal, "POST", f"{API}/reports/{report.pk}/close", {"version": 1, "reply": "Tak."}).status_code == 404
    assert PeerReport.objects.get(pk=report.pk).status == PeerReport.Status.NEW
    assert AuditEvent.objects.filter(action="community.refused").count() == 3


@pytest.mark.parametrize("count", [1, 12])
def test_queries_do_not_grow_with_ambassadors_or_reports(people: dict[str, User], kamal: Client,
                                                         django_assert_max_num_queries: Any, count: int) -> None:
    for _ in range(count):
        ambassador = an_ambassador(people)
        make_report(ambassador)
        AmbassadorActivity.objects.create(ambassador=ambassador, kind="other", held_on=TODAY,
                                          logged_by=people["kamal"])

    # The token (and its last-used mark), the memberships, the count, the page, the audited listing
    # (its savepoint and release, the chain's last link, the event, PostgreSQL's lock).
    with django_assert_max_num_queries(11):
        assert json_of(kamal.get(f"{API}/ambassadors", {"page_size": 100}))["count"] == count
    with django_assert_max_num_queries(11):
        assert json_of(kamal.get(f"{API}/reports", {"page_size": 100}))["count"] == count
    # The token, the memberships, the ambassador and its audited read (5), its modules, activities
    # (and their total) and reports.
    with django_assert_max_num_queries(12):
        assert kamal.get(f"{API}/ambassadors/{ambassador.pk}").status_code == 200


# --- the ambassador's own --------------------------------------------------------------------------------------

@pytest.fixture
def yasmins(people: dict[str, User]) -> Ambassador:
    return an_ambassador(people, user=people["yasmin"])


def test_the_ambassador_reads_and_writes_their_own_record(people: dict[str, User], yasmins: Ambassador) -> None:
    yasmin = api_client(people["yasmin"])
    others = an_ambassador(people)
    make_report(others, text="Noget andet.")

    logged = send(yasmin, "POST", f"{API}/ambassador/activities",
                  {"kind": "peer_conversation", "held_on": str(TODAY), "people_reached": 2})
    reported = send(yasmin, "POST", f"{API}/ambassador/reports",
                    {"kind": "concern", "text": "En på holdet virker presset.", "someone_at_risk": True})
    mine = json_of(yasmin.get(f"{API}/ambassador"))

    assert logged.status_code == 201 and reported.status_code == 201
    assert mine["id"] == yasmins.pk and mine["activity_count"] == 1
    assert [r["text"] for r in mine["reports"]] == ["En på holdet virker presset."]
    assert PeerReport.objects.get(pk=json_of(reported)["id"]).ambassador == yasmins
    assert AuditEvent.objects.filter(action="community.viewed", object_id=str(yasmins.pk),
                                     purpose="ambassador: own page").exists()
    assert yasmin.get(f"{API}/ambassadors/{others.pk}").status_code == 403
    assert yasmin.get(f"{API}/reports").status_code == 403


def test_an_ambassador_without_a_record_is_404(people: dict[str, User]) -> None:
    yasmin = api_client(people["yasmin"])

    assert yasmin.get(f"{API}/ambassador").status_code == 404
    assert send(yasmin, "POST", f"{API}/ambassador/reports", {"kind": "need", "text": "Hej"}).status_code == 404


@pytest.mark.parametrize("username", ["kamal", "carl", "anders"])
def test_only_ambassadors_have_their_own_page(people: dict[str, User], yasmins: Ambassador, username: str) -> None:
    assert api_client(people[username]).get(f"{API}/ambassador").status_code == 403


# --- the inbox ------------------------------------------------------------------------------------------------

def test_the_inbox_shows_what_a_report_is_about_and_opening_it_marks_it_read(people: dict[str, User],
                                                                             kamal: Client) -> None:
    report = make_report(an_ambassador(people), text="Hemmelig tekst", someone_at_risk=True)

    inbox = json_of(kamal.get(f"{API}/reports"))
    opened = json_of(kamal.get(f"{API}/reports/{report.pk}"))

    assert inbox["results"][0]["id"] == report.pk and inbox["results"][0]["status"] == "new"
    assert "Hemmelig tekst" not in json.dumps(inbox)
    assert opened["text"] == "Hemmelig tekst" and opened["status"] == "read"
    assert PeerReport.objects.get(pk=report.pk).status == PeerReport.Status.READ
    assert AuditEvent.objects.filter(action="community.report_read", object_id=str(report.pk)).exists()
    assert AuditEvent.objects.get(action="community.listed", object_type="peerreport").details["shown"] == [report.pk]


def test_a_report_taken_to_a_dialogue_meeting(people: dict[str, User], kamal: Client) -> None:
    report = make_report(an_ambassador(people))
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY + timedelta(days=5))
    theirs = make_meeting(created_by=people["kamal"], organisation=randers(), held_on=TODAY + timedelta(days=5))

    wrong = send(kamal, "POST", f"{API}/reports/{report.pk}/dialogue",
                 {"version": 1, "title": "Mødested", "meeting": theirs.pk})
    both = send(kamal, "POST", f"{API}/reports/{report.pk}/dialogue",
                {"version": 1, "title": "Mødested", "meeting": meeting.pk, "new_meeting_on": str(TODAY)})
    taken = send(kamal, "POST", f"{API}/reports/{report.pk}/dialogue",
                 {"version": 1, "title": "Mødested", "meeting": meeting.pk})
    again = send(kamal, "POST", f"{API}/reports/{report.pk}/dialogue",
                 {"version": 1, "title": "Mødested", "meeting": meeting.pk})

    assert wrong.status_code == 422 and "meeting" in json_of(wrong)["error"]["fields"]
    assert both.status_code == 422
    assert taken.status_code == 200 and json_of(taken)["status"] == "dialogue"
    assert json_of(taken)["topics"][0]["meeting"] == meeting.pk
    assert "dialogue meeting" in json_of(taken)["reply"]
    assert again.status_code == 409
    assert DialogueMeeting.objects.get(pk=meeting.pk).topics.count() == 1


def test_a_report_passed_on_as_a_concern(people: dict[str, User], kamal: Client) -> None:
    report = make_report(an_ambassador(people))

    undescribed = send(kamal, "POST", f"{API}/reports/{report.pk}/concern",
                       {**CONCERN, "person_unknown": False, "version": 1})
    future = send(kamal, "POST", f"{API}/reports/{report.pk}/concern",
                  {**CONCERN, "observed_on": str(TODAY + timedelta(days=2)), "version": 1})
    passed = send(kamal, "POST", f"{API}/reports/{report.pk}/concern", {**CONCERN, "version": 1})

    assert undescribed.status_code == 422 and "person_described" in json_of(undescribed)["error"]["fields"]
    assert future.status_code == 422 and "observed_on" in json_of(future)["error"]["fields"]
    assert passed.status_code == 200, passed.content
    body = json_of(passed)
    concern = Concern.objects.get()
    assert body["status"] == "desk" and body["passed_to_desk"] is True and body["concern"] == concern.pk
    assert body["concern_reference"] == concern.reference and concern.reported_by == people["kamal"]
    assert AuditEvent.objects.filter(action="community.report_to_desk", object_id=str(report.pk)).exists()


def test_closing_a_report_with_a_reply(people: dict[str, User], kamal: Client) -> None:
    report = make_report(an_ambassador(people))

    empty = send(kamal, "POST", f"{API}/reports/{report.pk}/close", {"version": 1, "reply": " "})
    closed = send(kamal, "POST", f"{API}/reports/{report.pk}/close", {"version": 1, "reply": "Tak for det."})
    stale = send(kamal, "POST", f"{API}/reports/{report.pk}/close", {"version": 1, "reply": "Igen."})

    assert empty.status_code == 422 and "reply" in json_of(empty)["error"]["fields"]
    assert closed.status_code == 200 and json_of(closed)["status"] == "closed"
    assert json_of(closed)["handled_by"]["username"] == "kamal"
    assert stale.status_code == 409 and json_of(stale)["error"]["current_version"] == 2
    assert PeerReport.objects.get(pk=report.pk).reply == "Tak for det."


def test_only_coordinators_who_may_submit_concerns_pass_reports_on(people: dict[str, User]) -> None:
    report = make_report(an_ambassador(people))

    for username in ("yasmin", "tina", "anders"):
        response = send(api_client(people[username]), "POST", f"{API}/reports/{report.pk}/concern",
                        {**CONCERN, "version": 1})
        assert response.status_code == 403
    assert not Concern.objects.exists()


@pytest.mark.parametrize("count", [1, 12])
def test_a_report_and_ones_own_record_take_the_same_queries_however_many(people: dict[str, User], kamal: Client,
                                                                        yasmins: Ambassador,
                                                                        django_assert_max_num_queries: Any,
                                                                        count: int) -> None:
    yasmin = api_client(people["yasmin"])
    reports = [make_report(yasmins, status=PeerReport.Status.READ) for _ in range(count)]
    meeting = make_meeting(created_by=people["kamal"])
    for n in range(count):
        DialogueMeeting.objects.get(pk=meeting.pk).topics.create(title=f"Emne {n}", peer_report=reports[0],
                                                                  added_by=people["kamal"])
        AmbassadorActivity.objects.create(ambassador=yasmins, kind="other", held_on=TODAY,
                                          logged_by=people["yasmin"])
    kamal.get(f"{API}/reports")  # the tokens' last-used marks
    yasmin.get(f"{API}/ambassador")

    # The token, the memberships, the report and its audited read (5), marking it read (the keeper's
    # check, a savepoint, the update, its release), its topics with their meetings.
    with django_assert_max_num_queries(13):
        assert len(json_of(kamal.get(f"{API}/reports/{reports[0].pk}"))["topics"]) == count
    # The token, the memberships, the ambassador role's check and the record, the audited read of
    # their own record (5 with PostgreSQL's lock), the modules done, the activities (and their
    # total), the reports.
    with django_assert_max_num_queries(13):
        assert len(json_of(yasmin.get(f"{API}/ambassador"))["reports"]) == count
