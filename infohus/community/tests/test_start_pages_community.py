"""The start pages' sections that community work fills: a coordinator's ambassadors' reports
(new first), open follow-ups (overdue first), upcoming dialogue meetings and partners; an
ambassador's own reports. Only the coordinator's organisation's rows, one query each."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.community.models import DialogueMeeting, PeerReport
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_follow_up,
    make_meeting,
    make_participant,
    make_partner,
    make_report,
)
from infohus.core.start_pages import filled_sections
from infohus.core.tests.test_start_pages import START_QUERIES

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()


def section(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    return html[start:html.index("</section>", start)]


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def test_a_coordinator_sees_new_reports_first_and_not_other_organisations(
        signed_in: ClientFor, people: dict[str, User]) -> None:
    kamal = people["kamal"]
    ambassador = make_ambassador(make_participant(make_cohort(created_by=kamal)), user=people["yasmin"])
    read = make_report(ambassador, status=PeerReport.Status.READ)
    new = make_report(ambassador, kind=PeerReport.Kind.CONCERN, someone_at_risk=True)
    handled = make_report(ambassador, status=PeerReport.Status.DIALOGUE)
    elsewhere = make_report(make_ambassador(make_participant(make_cohort(created_by=kamal, organisation=randers()))))

    html = section(signed_in("kamal").get("/desk/").content.decode(), "Ambassadors’ reports")

    def link(report: PeerReport) -> str:
        return reverse("community:report_detail", args=[report.pk])

    assert html.index(link(new)) < html.index(link(read))
    assert "someone may be at risk" in html
    assert link(handled) not in html and link(elsewhere) not in html


def test_follow_ups_overdue_first_and_meetings_and_partners(signed_in: ClientFor, people: dict[str, User]) -> None:
    kamal = people["kamal"]
    partner = make_partner(created_by=kamal, name="Fodboldklubben Øst")
    make_partner(created_by=kamal, organisation=randers(), name="Randers Kulturhus")
    make_partner(created_by=kamal, name="Lukket forening", is_active=False)
    meeting = make_meeting(created_by=kamal, held_on=TODAY + timedelta(days=3), place="Medborgerhuset",
                           partners=(partner,))
    make_meeting(created_by=kamal, held_on=TODAY + timedelta(days=4), status=DialogueMeeting.Status.CANCELLED,
                 place="Aflyst sted")
    make_follow_up(meeting, due_on=TODAY + timedelta(days=10), what="Send referatet")
    make_follow_up(meeting, due_on=TODAY - timedelta(days=2), what="Ring til formanden")
    make_follow_up(meeting, due_on=TODAY - timedelta(days=20), what="Allerede gjort", done_on=TODAY)

    page = signed_in("kamal").get("/desk/").content.decode()

    follow_ups = section(page, "Follow-ups")
    assert follow_ups.index("Ring til formanden") < follow_ups.index("Send referatet")
    assert f"overdue since {TODAY - timedelta(days=2):%Y-%m-%d}" in follow_ups
    assert "Allerede gjort" not in follow_ups
    meetings = section(page, "Upcoming dialogue meetings")
    assert "Medborgerhuset" in meetings and "Aflyst sted" not in meetings
    partners = section(page, "Community partners")
    assert "Fodboldklubben Øst" in partners
    assert "Randers Kulturhus" not in partners and "Lukket forening" not in partners


@pytest.mark.parametrize("rows", [2, 20])
def test_the_coordinators_page_is_one_query_a_section(signed_in: ClientFor, people: dict[str, User], rows: int,
                                                      django_assert_num_queries: Any) -> None:
    kamal = people["kamal"]
    client = signed_in("kamal")
    client.get("/desk/")
    ambassador = make_ambassador(make_participant(make_cohort(created_by=kamal)))
    for n in range(rows):
        partner = make_partner(created_by=kamal)
        meeting = make_meeting(created_by=kamal, partners=(partner,), held_on=TODAY + timedelta(days=n))
        make_follow_up(meeting, due_on=TODAY + timedelta(days=n - 5))
        make_report(ambassador)

    with django_assert_num_queries(START_QUERIES + filled_sections(Role.COMMUNITY_COORDINATOR)):
        html = client.get("/desk/").content.decode()

    assert html.count('href="/desk/community/reports/') == min(rows, 10)


def test_an_ambassador_sees_their_own_reports_only(signed_in: ClientFor, people: dict[str, User]) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    own = make_report(make_ambassador(make_participant(cohort), user=people["yasmin"]),
                      status=PeerReport.Status.DIALOGUE, text="Vi mangler et sted at spille musik.")
    other = make_report(make_ambassador(make_participant(cohort)), text="En andens rapport.")

    html = section(signed_in("yasmin").get("/desk/").content.decode(), "Your reports")

    assert f"#report-{own.pk}" in html and "Taken to a dialogue meeting" in html
    assert f"#report-{other.pk}" not in html
