"""Community activity per month for the insights dashboard, counted by hand from rows made with
the factories."""

from datetime import date, datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.community.models import DialogueMeeting, PeerReport
from infohus.community.selectors import statistics as stats
from infohus.community.selectors.statistics import MonthCount
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_event,
    make_meeting,
    make_participant,
    make_report,
)

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name)


def as_dict(rows: list[MonthCount]) -> dict[tuple[date, str], int]:
    return {(r.month, r.category): r.count for r in rows}


@pytest.fixture
def activity(people: dict[str, User]) -> None:
    kamal = people["kamal"]  # Aarhus
    make_meeting(created_by=kamal, held_on=date(2025, 1, 8), status=DialogueMeeting.Status.HELD)
    make_meeting(created_by=kamal, held_on=date(2025, 1, 20), status=DialogueMeeting.Status.HELD)
    make_meeting(created_by=kamal, held_on=date(2025, 1, 22), status=DialogueMeeting.Status.CANCELLED)
    make_meeting(created_by=kamal, held_on=date(2025, 2, 2))  # planned, not held
    make_meeting(created_by=kamal, held_on=date(2025, 2, 3), status=DialogueMeeting.Status.HELD,
                 organisation=org("Randers"))
    make_event(created_by=kamal, held_on=date(2025, 1, 9), attendees=40)
    make_event(created_by=kamal, held_on=date(2025, 1, 10), attendees=None)
    make_event(created_by=kamal, held_on=date(2025, 2, 10), attendees=12)
    make_event(created_by=kamal, held_on=date(2025, 3, 10), attendees=100)  # after the period
    cohort = make_cohort(created_by=kamal, starts_on=date(2025, 2, 1), ends_on=date(2025, 5, 1))
    first, second = make_participant(cohort), make_participant(cohort)
    make_participant(cohort, joined_on=date(2025, 3, 1))
    ambassador = make_ambassador(first)
    make_ambassador(second)
    local = timezone.get_current_timezone()
    for moment in (datetime(2025, 1, 31, 23, 30, tzinfo=local), datetime(2025, 2, 14, 9, 0, tzinfo=local)):
        report = make_report(ambassador)
        PeerReport.objects.filter(pk=report.pk).update(reported_at=moment)


@pytest.mark.usefixtures("activity")
def test_activity_per_month() -> None:
    rows = stats.activity_by_month(start=JAN, end=MAR, area=None)

    assert as_dict(rows) == {
        (JAN, stats.MEETINGS): 2, (FEB, stats.MEETINGS): 1,
        (JAN, stats.EVENTS): 2, (FEB, stats.EVENTS): 1,
        (JAN, stats.ATTENDEES): 40, (FEB, stats.ATTENDEES): 12,
        (FEB, stats.COHORTS): 1, (FEB, stats.PARTICIPANTS): 2,
        # 31 January 23:30 in Copenhagen is still January.
        (JAN, stats.REPORTS): 1, (FEB, stats.REPORTS): 1,
    }
    assert {r.category for r in rows} <= {key for key, _label in stats.measures()}


@pytest.mark.usefixtures("activity")
def test_activity_of_an_area() -> None:
    randers = org("Randers")
    area = Organisation.objects.filter(Q(pk=randers.pk) | Q(parent=randers)).values("pk")

    assert as_dict(stats.activity_by_month(start=JAN, end=MAR, area=area)) == {(FEB, stats.MEETINGS): 1}


@pytest.mark.usefixtures("activity")
def test_one_query(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        stats.activity_by_month(start=JAN, end=MAR, area=Organisation.objects.values("pk"))
