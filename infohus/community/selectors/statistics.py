"""Community activity per month, for the insights dashboard (the only way insights reads these
tables): dialogue meetings held, outreach events and their attendees, youth cohorts started and
young people who joined one, and ambassadors' reports. Counts only, never a row about anyone.

All six measures come from one query (a UNION ALL of grouped counts), however much activity
there is. `area` is a queryset of organisation ids (None: the whole country); everything
belongs to the area of the organisation that keeps it (an ambassador's report, the
organisation of the ambassador's cohort). A period runs from `start` up to (not including) `end`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import CharField, Count, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.community.models import DialogueMeeting, OutreachEvent, PeerReport, YouthCohort, YouthParticipant

type Area = QuerySet[Any, Any] | None

MEETINGS = "dialogue_meetings"
EVENTS = "outreach_events"
ATTENDEES = "outreach_attendees"
COHORTS = "youth_cohorts"
PARTICIPANTS = "youth_participants"
REPORTS = "ambassador_reports"


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month
    category: str
    count: int


def measures() -> list[tuple[str, str]]:
    return [(MEETINGS, str(_("Dialogue meetings held"))), (EVENTS, str(_("Outreach events"))),
            (ATTENDEES, str(_("Attendees at outreach events"))), (COHORTS, str(_("Youth cohorts started"))),
            (PARTICIPANTS, str(_("Young people who joined a cohort"))),
            (REPORTS, str(_("Ambassadors' reports")))]


def _grouped(queryset: QuerySet[Any, Any], *, field: str, within: tuple[date | datetime, date | datetime],
             organisation: str, area: Area, category: str, n: Any = None) -> QuerySet[Any, Any]:
    """One measure per month: rows of (month_number, category, n)."""
    rows = queryset.filter(**{f"{field}__gte": within[0], f"{field}__lt": within[1]})
    if area is not None:
        rows = rows.filter(**{f"{organisation}_id__in": area})
    return (rows.order_by()
            .values(month_number=ExtractYear(field) * 100 + ExtractMonth(field),
                    category=Value(category, output_field=CharField()))
            .annotate(n=n if n is not None else Count("pk")))


def activity_by_month(*, start: date, end: date, area: Area) -> list[MonthCount]:
    """The six measures per month (only months with activity). One query."""
    days = (start, end)
    moments = (timezone.make_aware(datetime.combine(start, time.min)),
               timezone.make_aware(datetime.combine(end, time.min)))
    parts = [
        _grouped(DialogueMeeting.objects.filter(status=DialogueMeeting.Status.HELD), field="held_on", within=days,
                 organisation="organisation", area=area, category=MEETINGS),
        _grouped(OutreachEvent.objects.all(), field="held_on", within=days, organisation="organisation", area=area,
                 category=EVENTS),
        _grouped(OutreachEvent.objects.all(), field="held_on", within=days, organisation="organisation", area=area,
                 category=ATTENDEES, n=Coalesce(Sum("attendees"), 0, output_field=IntegerField())),
        _grouped(YouthCohort.objects.all(), field="starts_on", within=days, organisation="organisation", area=area,
                 category=COHORTS),
        _grouped(YouthParticipant.objects.all(), field="joined_on", within=days, organisation="cohort__organisation",
                 area=area, category=PARTICIPANTS),
        _grouped(PeerReport.objects.all(), field="reported_at", within=moments,
                 organisation="ambassador__participant__cohort__organisation", area=area, category=REPORTS),
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by()
    result = [MonthCount(date(r["month_number"] // 100, r["month_number"] % 100, 1), r["category"], r["n"])
              for r in rows]
    return sorted(result, key=lambda r: (r.month, r.category))
