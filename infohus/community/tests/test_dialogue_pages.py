"""The dialogue pages in the browser: the meeting list (upcoming first, then past), a meeting's page
with its topics (one from an ambassador's report) and follow-ups, the meeting, topic and follow-up
forms with their refusals (400, nothing saved, everything typed kept; a stale save is 409), and the
open follow-ups, overdue first, marked done with a POST. Query counts are pinned."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import DialogueMeeting, FollowUp, Topic
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_follow_up,
    make_meeting,
    make_participant,
    make_partner,
    make_report,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved: 3), the count and
# the page of meetings with their counts (2), their partners (1).
LIST_QUERIES = 10
# The request (4 + 3), the meeting (1), its partners, authorities, topics and follow-ups (4).
DETAIL_QUERIES = 12
# The request (4 + 3), the count and the page of open follow-ups with their meetings and owners (2).
FOLLOW_UP_QUERIES = 9


def url(name: str, *args: int) -> str:
    return reverse(f"community:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def day(offset: int) -> str:
    return str(TODAY + timedelta(days=offset))


# --- the list -----------------------------------------------------------------------------------------

def test_upcoming_meetings_first_soonest_first_then_past_latest_first(signed_in: ClientFor, people: People) -> None:
    kamal = people["kamal"]
    for offset in (-40, 20, -5, 3, 0):
        make_meeting(created_by=kamal, held_on=TODAY + timedelta(days=offset))
    make_meeting(created_by=kamal, organisation=randers(), held_on=TODAY + timedelta(days=1))
    page = page_of(signed_in("kamal").get(url("meeting_list")))
    upcoming, past = page.split('data-testid="meetings-upcoming"')[1].split('data-testid="meetings-past"')
    assert [d for d in (day(0), day(3), day(20)) if d in upcoming] == [day(0), day(3), day(20)]
    assert upcoming.index(day(0)) < upcoming.index(day(3)) < upcoming.index(day(20))
    assert past.index(day(-5)) < past.index(day(-40))
    assert day(1) not in page  # Randers's meeting
    assert page.index("<h2 id=\"section-0\">Upcoming</h2>") < page.index("<h2 id=\"section-1\">Past</h2>")


def test_a_past_meeting_still_planned_says_so(signed_in: ClientFor, people: People) -> None:
    make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=2))
    assert "not yet marked held or cancelled" in page_of(signed_in("kamal").get(url("meeting_list")))


def test_list_queries_do_not_grow_with_meetings(signed_in: ClientFor, people: People,
                                                django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    partner = make_partner(created_by=people["kamal"])
    counts = []
    for total in (1, 60):
        DialogueMeeting.objects.all().delete()
        for n in range(total):
            meeting = make_meeting(created_by=people["kamal"], held_on=TODAY + timedelta(days=n - 30),
                                   partners=(partner,))
            make_follow_up(meeting, due_on=meeting.held_on)
            Topic.objects.create(meeting=meeting, title="Emne", added_by=people["kamal"])
        with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("meeting_list")))
        counts.append(len(queries))
        assert page.count('data-testid="meeting-row"') == min(total, 50)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("username", ["yasmin", "carl", "anders"])
def test_others_may_not_open_the_dialogue_pages(signed_in: ClientFor, people: People, username: str) -> None:
    meeting = make_meeting(created_by=people["kamal"])
    client = signed_in(username)
    for name, args in (("meeting_list", ()), ("follow_up_list", ()), ("meeting_detail", (meeting.pk,))):
        assert client.get(url(name, *args)).status_code == 403, name


# --- a meeting -------------------------------------------------------------------------------------------

def _report(people: People) -> Any:
    cohort = make_cohort(created_by=people["kamal"])
    return make_report(make_ambassador(make_participant(cohort)))


def test_the_meeting_page_shows_topics_with_their_report_and_follow_ups(signed_in: ClientFor, people: People) -> None:
    kamal = people["kamal"]
    partner = make_partner(created_by=kamal, name="Moskéforeningen Nordlys")
    meeting = make_meeting(created_by=kamal, held_on=TODAY - timedelta(days=10), partners=(partner,),
                           status=DialogueMeeting.Status.HELD, agreed="Ungdomsaften hver anden fredag.")
    meeting.authorities.set([Organisation.objects.get(name__startswith="Aarhus")])
    report = _report(people)
    Topic.objects.create(meeting=meeting, title="Mødesteder om aftenen", peer_report=report, added_by=kamal)
    Topic.objects.create(meeting=meeting, title="Videoer på nettet", added_by=kamal)
    make_follow_up(meeting, due_on=TODAY - timedelta(days=1), what="Send referat", owner=kamal)
    make_follow_up(meeting, due_on=TODAY + timedelta(days=5), what="Find lokaler", owner_name="Formanden")
    page = page_of(signed_in("kamal").get(url("meeting_detail", meeting.pk)))
    assert "Moskéforeningen Nordlys" in page and "Ungdomsaften hver anden fredag." in page
    assert "Aarhus Kommune (demo)" in page
    assert page.count('data-testid="topic"') == 2
    assert page.count("From an ambassador's report") == 1
    assert url("report_detail", report.pk) in page
    assert page.index("Send referat") < page.index("Find lokaler")
    assert 'data-testid="overdue"' in page and "Kamal Østergaard" in page and "Formanden" in page


def test_detail_queries_do_not_grow_with_topics_and_follow_ups(signed_in: ClientFor, people: People,
                                                               django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    kamal = people["kamal"]
    counts = []
    for total in (1, 40):
        meeting = make_meeting(created_by=kamal, partners=tuple(make_partner(created_by=kamal)
                                                                for _n in range(total)))
        report = _report(people)
        for n in range(total):
            Topic.objects.create(meeting=meeting, title=f"Emne {n}", peer_report=report, added_by=kamal)
            make_follow_up(meeting, due_on=meeting.held_on, owner=kamal if n % 2 else None)
        with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("meeting_detail", meeting.pk)))
        counts.append(len(queries))
        assert page.count('data-testid="topic"') == total and page.count('data-testid="follow-up"') == total
    assert counts[0] == counts[1]


MEETING = {"held_on": day(10), "place": "Foreningens lokaler", "status": "planned",
           "community_participants": "Formanden og to fra bestyrelsen", "other_authorities": "SSP-konsulent",
           "agreed": ""}


def test_recording_a_meeting_with_partners_and_authorities(signed_in: ClientFor, people: People) -> None:
    partner = make_partner(created_by=people["kamal"], name="Kulturforeningen Sol")
    police = Organisation.objects.get(name__startswith="Østjyllands Politi")
    client = signed_in("kamal")
    ticked = re.compile(rf'name="partners" value="{partner.pk}"[^>]* checked')
    assert not ticked.search(page_of(client.get(url("meeting_new"))))
    assert ticked.search(page_of(client.get(url("meeting_new") + f"?partner={partner.pk}")))
    response = client.post(url("meeting_new"), {**MEETING, "partners": [partner.pk], "authorities": [police.pk]})
    meeting = DialogueMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("meeting_detail", meeting.pk)
    assert list(meeting.partners.all()) == [partner] and list(meeting.authorities.all()) == [police]
    assert meeting.organisation.name.startswith("Aarhus") and meeting.other_authorities == "SSP-konsulent"
    assert AuditEvent.objects.filter(action="community.meeting_planned", object_id=str(meeting.pk)).exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"held_on": day(400)}, "at most a year ahead"),
    ({"held_on": day(5), "status": "held"}, "cannot have been held yet"),
    ({"held_on": ""}, "Give the date of the meeting."),
])
def test_a_meeting_with_bad_dates_is_refused_and_nothing_lost(signed_in: ClientFor, change: dict[str, str],
                                                              message: str) -> None:
    page = page_of(signed_in("kamal").post(url("meeting_new"), {**MEETING, **change}), 400)
    assert message in page and "Formanden og to fra bestyrelsen" in page
    assert not DialogueMeeting.objects.exists()


def test_another_organisations_partner_cannot_be_forged_onto_a_meeting(signed_in: ClientFor, people: People) -> None:
    theirs = make_partner(created_by=people["kamal"], organisation=randers())
    page = page_of(signed_in("kamal").post(url("meeting_new"), {**MEETING, "partners": [theirs.pk]}), 400)
    assert "Select a valid choice" in page
    assert not DialogueMeeting.objects.exists()


def test_editing_a_meeting_and_a_stale_save(signed_in: ClientFor, people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=3))
    client = signed_in("kamal")
    data = {**MEETING, "held_on": day(-3), "status": "held", "agreed": "Vi mødes igen.", "version": "1"}
    assert client.post(url("meeting_edit", meeting.pk), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.agreed, meeting.version) == ("held", "Vi mødes igen.", 2)
    page = page_of(client.post(url("meeting_edit", meeting.pk), {**data, "agreed": "Noget andet."}), 409)
    assert 'data-testid="stale"' in page and "Vi mødes igen." in page and "Noget andet." in page
    meeting.refresh_from_db()
    assert meeting.agreed == "Vi mødes igen."


def test_a_topic_is_added_and_not_to_a_cancelled_meeting(signed_in: ClientFor, people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"])
    client = signed_in("kamal")
    response = client.post(url("topic_new", meeting.pk), {"title": "Unges mødesteder", "notes": "Fra foreningen"})
    assert response.status_code == 302 and response["Location"].endswith("#topics")
    assert Topic.objects.get().added_by == people["kamal"]
    assert page_of(client.post(url("topic_new", meeting.pk), {"title": " "}), 400).count("Give the topic a title.")
    cancelled = make_meeting(created_by=people["kamal"], status=DialogueMeeting.Status.CANCELLED)
    page = page_of(client.post(url("topic_new", cancelled.pk), {"title": "Noget"}), 400)
    assert "The meeting was cancelled" in page and 'value="Noget"' in page
    assert Topic.objects.count() == 1


# --- follow-ups --------------------------------------------------------------------------------------------

FOLLOW_UP = {"what": "Send referat", "owner": "", "owner_name": "", "due_on": day(20)}


def test_a_follow_up_with_a_coordinator_as_owner(signed_in: ClientFor, people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"])
    response = signed_in("kamal").post(url("follow_up_new", meeting.pk), {**FOLLOW_UP, "owner": people["kamal"].pk})
    assert response.status_code == 302 and response["Location"].endswith("#follow-ups")
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == people["kamal"] and follow_up.due_on == TODAY + timedelta(days=20)


@pytest.mark.parametrize(("change", "message"), [
    ({"due_on": day(6)}, "cannot be due before the meeting"),
    ({"owner_name": ""}, "Choose an owner"),
    ({"owner_name": "Formanden", "owner": "KAMAL"}, "not both"),
    ({"owner_name": "", "owner": "CARL"}, "Select a valid choice"),
    ({"due_on": ""}, "Give a due date."),
])
def test_a_follow_up_is_refused_with_its_reason_and_nothing_lost(signed_in: ClientFor, people: People,
                                                                  change: dict[str, str], message: str) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY + timedelta(days=7))
    data = {**FOLLOW_UP, "owner_name": "Formanden", **change}
    for who in ("kamal", "carl"):
        if data["owner"] == who.upper():
            data["owner"] = str(people[who].pk)
    page = page_of(signed_in("kamal").post(url("follow_up_new", meeting.pk), data), 400)
    assert message in page and 'value="Send referat"' in page
    assert not FollowUp.objects.exists()


def test_open_follow_ups_overdue_first_then_by_due_date(signed_in: ClientFor, people: People) -> None:
    kamal = people["kamal"]
    earlier = make_meeting(created_by=kamal, held_on=TODAY - timedelta(days=60))
    later = make_meeting(created_by=kamal, held_on=TODAY - timedelta(days=5))
    make_follow_up(later, due_on=TODAY + timedelta(days=3), what="Soon")
    make_follow_up(earlier, due_on=TODAY - timedelta(days=2), what="Overdue recent")
    make_follow_up(later, due_on=TODAY + timedelta(days=30), what="Later")
    make_follow_up(earlier, due_on=TODAY - timedelta(days=40), what="Overdue long")
    make_follow_up(earlier, due_on=TODAY - timedelta(days=50), what="Done already", done_on=TODAY)
    make_follow_up(make_meeting(created_by=kamal, organisation=randers(), held_on=TODAY),
                   due_on=TODAY, what="Randers")
    page = page_of(signed_in("kamal").get(url("follow_up_list")))
    order = ["Overdue long", "Overdue recent", "Soon", "Later"]
    assert [page.index(what) for what in order] == sorted(page.index(what) for what in order)
    assert "Done already" not in page and "Randers" not in page.split('data-testid="open-follow-ups"')[1]
    assert page.count('data-testid="overdue"') == 2
    assert url("meeting_detail", earlier.pk) in page


def test_follow_up_queries_do_not_grow(signed_in: ClientFor, people: People,
                                       django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    counts = []
    for total in (1, 60):
        FollowUp.objects.all().delete()
        meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=10))
        for n in range(total):
            make_follow_up(meeting, due_on=TODAY + timedelta(days=n - 5), owner=people["kamal"] if n % 2 else None)
        with django_assert_max_num_queries(FOLLOW_UP_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("follow_up_list")))
        counts.append(len(queries))
        assert page.count('data-testid="follow-up-row"') == min(total, 50)
    assert counts[0] == counts[1]


def test_marking_a_follow_up_done(signed_in: ClientFor, people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=10))
    follow_up = make_follow_up(meeting, due_on=TODAY - timedelta(days=1), what="Send referat")
    client = signed_in("kamal")
    assert client.get(url("follow_up_done", follow_up.pk)).status_code == 405
    response = client.post(url("follow_up_done", follow_up.pk), {"back": "meeting"})
    assert response.status_code == 302 and response["Location"] == url("meeting_detail", meeting.pk) + "#follow-ups"
    follow_up.refresh_from_db()
    assert (follow_up.done_on, follow_up.done_by) == (TODAY, people["kamal"])
    assert AuditEvent.objects.filter(action="community.follow_up_done", object_id=str(follow_up.pk)).count() == 1
    page = page_of(client.post(url("follow_up_done", follow_up.pk), follow=True))
    assert "already marked done" in page
    assert AuditEvent.objects.filter(action="community.follow_up_done").count() == 1
    assert "Send referat" not in page.split('data-testid="open-follow-ups"')[1]
