"""Outreach events in the browser: recording one with its evaluations counted by answer, the
refusals (counts above the attendees, negative numbers, a date more than a year ahead), the event
page's bar chart under the strict CSP with the table beside it, the list's attendees by audience,
and optimistic edits. Query counts are pinned."""

import json
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
from infohus.community.models import OutreachEvent
from infohus.community.tests.factories import make_event

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved: 3), the count and
# the page of events (2), the totals by audience (1).
LIST_QUERIES = 10
# The request (4 + 3), the event (1).
DETAIL_QUERIES = 8


def url(name: str, *args: int) -> str:
    return reverse(f"community:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def day(offset: int) -> str:
    return str(TODAY + timedelta(days=offset))


EVENT = {"held_on": day(-2), "kind": "workshop", "audience": "parents", "title": "Forældreværksted",
         "place": "Biblioteket", "attendees": "20", "answer_1": "0", "answer_2": "1", "answer_3": "2",
         "answer_4": "5", "answer_5": "4", "evaluation_summary": "Ønsker mere tid til spørgsmål."}


def test_recording_an_event_with_its_evaluations(signed_in: ClientFor, people: People) -> None:
    response = signed_in("kamal").post(url("outreach_new"), EVENT)
    event = OutreachEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == url("outreach_detail", event.pk)
    assert event.evaluation_counts == {"2": 1, "3": 2, "4": 5, "5": 4}
    assert (event.attendees, event.organisation.name[:6], event.created_by) == (20, "Aarhus", people["kamal"])
    assert AuditEvent.objects.filter(action="community.outreach_recorded", object_id=str(event.pk)).exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"attendees": "10"}, "The evaluations returned (12) add up to more than the attendees (10)."),
    ({"attendees": "-1"}, "The number of attendees cannot be negative."),
    ({"answer_3": "-2"}, "A number of evaluations cannot be negative."),
    ({"held_on": day(366)}, "An event can be recorded at most a year ahead."),
    ({"held_on": day(30)}, "attendees and evaluations are recorded once it has been held"),
    ({"title": ""}, "Give the event a title."),
])
def test_bad_numbers_and_dates_are_refused_and_nothing_lost(signed_in: ClientFor, change: dict[str, str],
                                                            message: str) -> None:
    page = page_of(signed_in("kamal").post(url("outreach_new"), {**EVENT, **change}), 400)
    assert message in page
    assert "Ønsker mere tid til spørgsmål." in page and 'name="answer_4" value="5"' in page
    assert not OutreachEvent.objects.exists()


def test_a_planned_event_a_few_months_ahead_without_numbers_is_fine(signed_in: ClientFor) -> None:
    data = {**EVENT, "held_on": day(90), "attendees": "", **{f"answer_{a}": "" for a in "12345"}}
    assert signed_in("kamal").post(url("outreach_new"), data).status_code == 302
    event = OutreachEvent.objects.get()
    assert event.attendees is None and event.evaluation_counts == {}


def test_the_event_page_draws_the_evaluations_beside_their_table(signed_in: ClientFor, people: People) -> None:
    event = make_event(created_by=people["kamal"], attendees=30, evaluation_counts={"1": 1, "4": 7, "5": 3})
    response = signed_in("kamal").get(url("outreach_detail", event.pk))
    page = page_of(response)
    assert re.search(r'data-testid="answer-4"><th scope="row">4 – useful</th><td>7</td>', page)
    assert re.search(r'data-testid="answer-2"><th scope="row">2 – a little useful</th><td>0</td>', page)
    assert '<td>11</td>' in page.split('data-testid="evaluations"')[1]  # all answers
    data = json.loads(page.split('id="evaluation-data" type="application/json">')[1].split("</script>")[0])
    assert data["values"] == [1, 0, 0, 7, 3] and data["labels"][0] == "1 – not at all useful"
    # Chart.js from our static files; the drawing script carries the nonce the CSP header allows.
    assert "vendor/chartjs/chart.umd.min.js" in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None and page.count(f'nonce="{nonce.group(1)}"') == 2


def test_without_evaluations_there_is_no_chart(signed_in: ClientFor, people: People) -> None:
    event = make_event(created_by=people["kamal"], attendees=None)
    page = page_of(signed_in("kamal").get(url("outreach_detail", event.pk)))
    assert "No evaluations recorded." in page and "chart.umd.min.js" not in page and "not recorded" in page


def test_the_list_totals_attendees_by_audience(signed_in: ClientFor, people: People) -> None:
    kamal = people["kamal"]
    make_event(created_by=kamal, audience="school", attendees=40)
    make_event(created_by=kamal, audience="school", attendees=25)
    make_event(created_by=kamal, audience="parents", attendees=12)
    make_event(created_by=kamal, audience="parents", attendees=None)
    make_event(created_by=kamal, audience="public", attendees=500,
               organisation=Organisation.objects.get(name__startswith="Randers"))
    page = page_of(signed_in("kamal").get(url("outreach_list")))

    def row(testid: str) -> list[str]:
        cells = page.split(f'data-testid="{testid}">')[1].split("</tr>")[0]
        return re.findall(r"<td>(\d+)</td>", cells)

    assert row("audience-school") == ["2", "65"]
    assert row("audience-parents") == ["2", "12"]
    assert row("audience-public") == ["0", "0"]
    assert row("audience-total") == ["4", "77"]
    assert page.count('data-testid="event-row"') == 4


def test_list_and_detail_queries_do_not_grow(signed_in: ClientFor, people: People,
                                             django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    counts = []
    for total in (1, 60):
        OutreachEvent.objects.all().delete()
        for n in range(total):
            make_event(created_by=people["kamal"], audience=("school", "parents", "public")[n % 3],
                       evaluation_counts={"4": 3})
        with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("outreach_list")))
        assert page.count('data-testid="event-row"') == min(total, 50)
        event = OutreachEvent.objects.first()
        assert event is not None
        with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as detail:
            page_of(client.get(url("outreach_detail", event.pk)))
        counts.append((len(queries), len(detail)))
    assert counts[0] == counts[1]


def test_editing_an_event_and_a_stale_save(signed_in: ClientFor, people: People) -> None:
    event = make_event(created_by=people["kamal"], attendees=20)
    client = signed_in("kamal")
    assert client.get(url("outreach_edit", event.pk)).status_code == 200
    assert client.post(url("outreach_edit", event.pk), {**EVENT, "version": "1"}).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.version, event.evaluation_counts["4"]) == ("Forældreværksted", 2, 5)
    page = page_of(client.post(url("outreach_edit", event.pk), {**EVENT, "title": "Et andet navn", "version": "1"}),
                   409)
    assert 'data-testid="stale"' in page and "Forældreværksted" in page and 'value="Et andet navn"' in page
    event.refresh_from_db()
    assert event.title == "Forældreværksted"


def test_outsiders_get_404_and_others_403(signed_in: ClientFor, people: People) -> None:
    theirs = make_event(created_by=people["kamal"], organisation=Organisation.objects.get(name__startswith="Randers"))
    kamal = signed_in("kamal")
    assert kamal.get(url("outreach_detail", theirs.pk)).status_code == 404
    assert kamal.post(url("outreach_edit", theirs.pk), {**EVENT, "version": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title != "Forældreværksted"
    for username in ("yasmin", "tina"):
        assert signed_in(username).get(url("outreach_list")).status_code == 403
