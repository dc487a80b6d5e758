"""The coordinators' inbox of ambassadors' reports and the three ways with a report: to a dialogue
meeting (a topic, planned through the dialogue services), to the desk as a concern (only by a
professional who may submit concerns; the ambassador never sees it), or closed with a reply. The
ambassador reads what happens next. Opening a report marks it read; handling is optimistic (409
when someone else handled it meanwhile); the report's text never enters the audit trail."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import CAPABILITIES, Capability, Role
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern
from infohus.community.models import Ambassador, DialogueMeeting, PeerReport, Topic
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_meeting,
    make_participant,
    make_report,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()
S = PeerReport.Status
TEXT = "Mange på holdet savner et sted at mødes om aftenen."

# The inbox: the request (4) and the session saved (3); the count and page of reports with their
# ambassador (2); the audited listing (5 with PostgreSQL's lock).
INBOX_QUERIES = 14
# A report: the request and session (7); the report and its audited read (1 + 5); marking it read:
# the keeper check, the conditional update in its savepoint and its audit event (1 + 3 + 5); the
# topics it became (1).
REPORT_QUERIES = 23


def url(name: str, *args: int) -> str:
    return reverse(f"community:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def yasmins(people: People) -> Ambassador:
    cohort = make_cohort(created_by=people["kamal"])
    return make_ambassador(make_participant(cohort, age=19, first_name="Yasmin", last_name="Bakkegaard"),
                           user=people["yasmin"])


def no_text_in_the_audit(text: str) -> None:
    for details in AuditEvent.objects.values_list("details", flat=True):
        assert text not in str(details)


# --- the inbox -------------------------------------------------------------------------------------------

def test_the_inbox_lists_new_then_read_then_handled_with_at_risk_in_words(
        signed_in: ClientFor, people: People, django_assert_max_num_queries: Any) -> None:
    ambassador = yasmins(people)
    handled = make_report(ambassador, status=S.CLOSED)
    read = make_report(ambassador, status=S.READ)
    new = make_report(ambassador, kind=PeerReport.Kind.CONCERN, someone_at_risk=True)
    randers = make_cohort(created_by=people["rita"], organisation=Organisation.objects.get(name__startswith="Randers"))
    make_report(make_ambassador(make_participant(randers)))
    client = signed_in("kamal")
    with django_assert_max_num_queries(INBOX_QUERIES):
        page = page_of(client.get(url("inbox")))
    order = [page.index(url("report_detail", r.pk) + '"') for r in (new, read, handled)]
    assert order == sorted(order) and "3 reports" in page
    assert page.count('data-testid="at-risk"') == 1 and "Yes: someone may be at risk" in page
    assert TEXT not in page  # the inbox shows what a report is about, not its text
    for _ in range(30):
        make_report(ambassador)
    with django_assert_max_num_queries(INBOX_QUERIES):
        page_of(client.get(url("inbox")))


def test_opening_a_report_marks_it_read_and_is_audited(signed_in: ClientFor, people: People,
                                                      django_assert_max_num_queries: Any) -> None:
    report = make_report(yasmins(people), text=TEXT)
    client = signed_in("kamal")
    with django_assert_max_num_queries(REPORT_QUERIES):
        page = page_of(client.get(url("report_detail", report.pk)))
    assert TEXT in page and "Take it to a dialogue meeting" in page and "Pass it on as a concern" in page
    report.refresh_from_db()
    assert report.status == S.READ and report.version == 1
    assert AuditEvent.objects.filter(action="community.viewed", object_type="peerreport",
                                     object_id=str(report.pk)).exists()
    assert AuditEvent.objects.filter(action="community.report_read", object_id=str(report.pk)).count() == 1
    page_of(client.get(url("report_detail", report.pk)))
    assert AuditEvent.objects.filter(action="community.report_read", object_id=str(report.pk)).count() == 1
    yasmin_page = page_of(signed_in("yasmin").get(url("my_ambassador")))
    assert "Your coordinator has read it and will tell you here what happens next." in yasmin_page
    no_text_in_the_audit(TEXT)


# --- to a dialogue meeting ----------------------------------------------------------------------------------

def test_a_report_goes_to_a_new_dialogue_meeting(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people), text=TEXT)
    client = signed_in("kamal")
    on = TODAY + timedelta(days=14)
    response = client.post(url("report_to_dialogue", report.pk), {
        "version": "1", "new_meeting_on": str(on), "place": "Globus1", "title": "Et mødested om aftenen"})
    assert response.status_code == 302
    topic = Topic.objects.get()
    meeting = topic.meeting
    assert (topic.peer_report, topic.title, meeting.held_on, meeting.place) == (report, "Et mødested om aftenen",
                                                                                on, "Globus1")
    assert meeting.organisation.name.startswith("Aarhus") and meeting.status == DialogueMeeting.Status.PLANNED
    report.refresh_from_db()
    assert (report.status, report.handled_by, report.version) == (S.DIALOGUE, people["kamal"], 2)
    assert f"will be raised at a dialogue meeting on {on}" in report.reply
    assert "Et mødested om aftenen" in page_of(client.get(url("meeting_detail", meeting.pk)))
    page = page_of(client.get(url("report_detail", report.pk)))
    assert url("meeting_detail", meeting.pk) in page and "Take it to a dialogue meeting" not in page
    yasmin_page = page_of(signed_in("yasmin").get(url("my_ambassador")))
    assert f"will be raised at a dialogue meeting on {on}" in yasmin_page
    assert "Et mødested om aftenen" not in yasmin_page
    event = AuditEvent.objects.get(action="community.report_to_dialogue")
    assert event.details == {"meeting": meeting.pk, "topic": topic.pk, "new_meeting": True}
    no_text_in_the_audit(TEXT)


def test_a_report_goes_to_an_upcoming_meeting_of_the_organisation(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people))
    upcoming = make_meeting(created_by=people["kamal"], held_on=TODAY + timedelta(days=3), place="Rådhuset")
    past = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=3))
    cancelled = make_meeting(created_by=people["kamal"], held_on=TODAY + timedelta(days=5),
                             status=DialogueMeeting.Status.CANCELLED)
    client = signed_in("kamal")
    page = page_of(client.get(url("report_to_dialogue", report.pk)))
    assert f'value="{upcoming.pk}"' in page and f'value="{past.pk}"' not in page
    assert f'value="{cancelled.pk}"' not in page and "Rådhuset" in page
    page = page_of(client.post(url("report_to_dialogue", report.pk), {"version": "1", "title": "Mødested"}), 400)
    assert "Choose an upcoming meeting, or give the date of a new one." in page and 'value="Mødested"' in page
    page = page_of(client.post(url("report_to_dialogue", report.pk), {
        "version": "1", "title": "Mødested", "meeting": str(past.pk)}), 400)
    assert "Select a valid choice" in page
    assert client.post(url("report_to_dialogue", report.pk), {
        "version": "1", "title": "Mødested", "meeting": str(upcoming.pk)}).status_code == 302
    assert Topic.objects.get().meeting == upcoming
    assert DialogueMeeting.objects.count() == 3


def test_a_new_meeting_in_the_past_is_refused_and_nothing_is_planned(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people))
    page = page_of(signed_in("kamal").post(url("report_to_dialogue", report.pk), {
        "version": "1", "title": "Mødested", "new_meeting_on": str(TODAY - timedelta(days=1))}), 400)
    assert "A new meeting cannot be in the past" in page
    assert not DialogueMeeting.objects.exists() and not Topic.objects.exists()
    report.refresh_from_db()
    assert report.status == S.NEW


def test_a_report_handled_meanwhile_answers_409_with_its_state(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people))
    PeerReport.objects.filter(pk=report.pk).update(status=S.CLOSED, reply="Lukket af en kollega.", version=2,
                                                   handled_by=people["kamal"])
    page = page_of(signed_in("kamal").post(url("report_to_dialogue", report.pk), {
        "version": "1", "title": "Mødested", "new_meeting_on": str(TODAY)}), 409)
    assert "Someone else saved this record after you opened it." in page and "Lukket af en kollega." in page
    assert not DialogueMeeting.objects.exists()
    # Opened afresh, the form says it is handled; posted with the current version, it is refused.
    response = signed_in("kamal").get(url("report_to_dialogue", report.pk))
    assert response.status_code == 302 and response["Location"] == url("report_detail", report.pk)
    page = page_of(signed_in("kamal").post(url("report_to_dialogue", report.pk), {
        "version": "2", "title": "Mødested", "new_meeting_on": str(TODAY)}), 400)
    assert "This report has already been handled: Closed." in page


# --- to the desk as a concern ---------------------------------------------------------------------------------

CONCERN = {"version": "1", "observed": "En fra holdet taler om at rejse ud.", "observed_on": str(TODAY),
           "observed_where": "I klubben", "worries": "Han virker presset og har trukket sig.", "person_unknown": "on"}


def test_a_professional_passes_a_report_on_as_a_concern(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people), kind=PeerReport.Kind.CONCERN, someone_at_risk=True, text=TEXT)
    client = signed_in("kamal")
    page = page_of(client.get(url("report_to_concern", report.pk)))
    assert TEXT in page and "A professional has passed what you reported on to the Info house" in page
    assert "call 112" in page
    reply = "Tak. En fagperson har sendt det videre til Infohuset, som beslutter hvad der skal ske. Ring 112 ved fare."
    response = client.post(url("report_to_concern", report.pk), {**CONCERN, "reply": reply}, follow=True)
    concern = Concern.objects.get()
    assert f"The concern {concern.reference} was submitted to the desk." in page_of(response)
    assert (concern.reported_by, concern.reporter_organisation.name[:6]) == (people["kamal"], "Aarhus")
    assert concern.worries == "Han virker presset og har trukket sig." and concern.info_house is not None
    report.refresh_from_db()
    assert (report.status, report.concern_id, report.reply) == (S.DESK, concern.pk, reply)
    assert AuditEvent.objects.get(action="community.report_to_desk").details == {"concern": concern.pk}
    assert AuditEvent.objects.filter(action="concern.submitted", object_id=str(concern.pk)).exists()
    yasmin_page = page_of(signed_in("yasmin").get(url("my_ambassador")))
    assert reply in yasmin_page and concern.reference not in yasmin_page
    assert "Passed on as a concern" in yasmin_page
    no_text_in_the_audit(TEXT)


def test_a_bad_concern_is_refused_with_what_was_typed(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people))
    page = page_of(signed_in("kamal").post(url("report_to_concern", report.pk), {
        **CONCERN, "observed_on": str(TODAY + timedelta(days=1)), "person_unknown": "", "reply": ""}), 400)
    assert "The date cannot be in the future." in page
    assert "Describe the person concerned, or tick that you do not know who they are." in page
    assert "Han virker presset" in page
    assert not Concern.objects.exists()
    report.refresh_from_db()
    assert report.status == S.NEW


def test_a_coordinator_who_may_not_submit_concerns_cannot_pass_one_on(signed_in: ClientFor, people: People,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CAPABILITIES, Role.COMMUNITY_COORDINATOR, frozenset({Capability.COMMUNITY}))
    report = make_report(yasmins(people))
    client = signed_in("kamal")
    page = page_of(client.get(url("report_detail", report.pk)))
    assert "Pass it on as a concern" not in page and "Take it to a dialogue meeting" in page
    assert client.get(url("report_to_concern", report.pk)).status_code == 403
    assert client.post(url("report_to_concern", report.pk), {**CONCERN, "reply": "Tak"}).status_code == 403
    assert not Concern.objects.exists()


# --- closing ----------------------------------------------------------------------------------------------------

def test_a_report_is_closed_with_a_reply(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people))
    client = signed_in("kamal")
    assert "We have read your report" in page_of(client.get(url("report_close", report.pk)))
    page = page_of(client.post(url("report_close", report.pk), {"version": "1", "reply": " "}), 400)
    assert "This field is required." in page or "Tell the ambassador what happens next." in page
    assert client.post(url("report_close", report.pk), {"version": "1", "reply": "Tak, vi tager det med."}) \
        .status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reply) == (S.CLOSED, "Tak, vi tager det med.")
    page = page_of(client.get(url("report_detail", report.pk)))
    assert 'data-testid="report-actions"' not in page
    assert "Tak, vi tager det med." in page_of(signed_in("yasmin").get(url("my_ambassador")))


def test_a_report_passed_to_the_desk_is_not_closed(signed_in: ClientFor, people: People) -> None:
    report = make_report(yasmins(people), status=S.DESK, reply="Sendt videre.", concern_id=1)
    client = signed_in("kamal")
    assert client.get(url("report_close", report.pk)).status_code == 302
    page = page_of(client.post(url("report_close", report.pk), {"version": "1", "reply": "Lukket"}), 400)
    assert "This report has already been handled: Passed on as a concern." in page
    report.refresh_from_db()
    assert report.reply == "Sendt videre."
