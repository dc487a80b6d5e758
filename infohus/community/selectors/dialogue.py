"""Reading dialogue meetings, follow-ups and outreach events.

Every list starts from selectors/access.py `visible`, every single row from `get_visible`: a
coordinator reads what their own organisations keep. The figures here are about the work (how
many attended, how the evaluations answered); nothing is computed about a person.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, DateField, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.community.models import DialogueMeeting, FollowUp, OutreachEvent, Partner, Topic
from infohus.community.selectors.access import get_visible, visible
from infohus.community.services.dialogue import ANSWERS

PAGE_SIZE = 50
UPCOMING, PAST = 0, 1

# The evaluation question and what its answers mean.
QUESTION = _("How useful was it?")
ANSWER_LABELS = {
    "1": _("1 – not at all useful"),
    "2": _("2 – a little useful"),
    "3": _("3 – somewhat useful"),
    "4": _("4 – useful"),
    "5": _("5 – very useful"),
}


# --- meetings --------------------------------------------------------------------------------------

def meetings(user: Any, *, today: date | None = None) -> QuerySet[DialogueMeeting]:
    """The meetings the user's organisations keep: upcoming first (soonest first), then past
    (latest first); each with its partners, its number of topics and of open follow-ups, and
    `section` (UPCOMING or PAST)."""
    today = today or timezone.localdate()
    return (visible(user, DialogueMeeting)
            .annotate(section=Case(When(held_on__gte=today, then=Value(UPCOMING)), default=Value(PAST),
                                   output_field=IntegerField()),
                      upcoming_on=Case(When(held_on__gte=today, then=F("held_on")), default=None,
                                       output_field=DateField()),
                      topic_count=Count("topics", distinct=True),
                      open_follow_ups=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=True),
                                            distinct=True))
            .prefetch_related(Prefetch("partners", queryset=Partner.objects.order_by("name", "pk")))
            .order_by("section", "upcoming_on", "-held_on", "-pk"))


def meeting_for(user: Any, pk: int, *, purpose: str) -> DialogueMeeting:
    """One meeting the user's organisations keep, or 404 (refusals audited)."""
    return get_visible(user, DialogueMeeting, pk, purpose=purpose,
                       queryset=DialogueMeeting.objects.select_related("organisation"))


@dataclass(frozen=True)
class MeetingPage:
    partners: list[Partner]
    authorities: list[Organisation]
    topics: list[Topic]
    follow_ups: list[FollowUp]


def meeting_page(meeting: DialogueMeeting) -> MeetingPage:
    """What a meeting's page shows: partners, authorities, topics (with the report they came from,
    by id), and follow-ups (open ones first, by due date)."""
    follow_ups = (meeting.follow_ups.select_related("owner", "done_by")
                  .annotate(done=Case(When(done_on__isnull=True, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
                  .order_by("done", "due_on", "pk"))
    return MeetingPage(partners=list(meeting.partners.order_by("name", "pk")),
                       authorities=list(meeting.authorities.order_by("name", "pk")),
                       topics=list(meeting.topics.order_by("pk")),
                       follow_ups=list(follow_ups))


# --- follow-ups --------------------------------------------------------------------------------------

def open_follow_ups(user: Any, *, today: date | None = None) -> QuerySet[FollowUp]:
    """Open follow-ups of the user's organisations: overdue first, then by due date; each with its
    meeting, its owner and `overdue`."""
    today = today or timezone.localdate()
    return (visible(user, FollowUp).filter(done_on__isnull=True)
            .select_related("meeting", "owner")
            .annotate(overdue=Case(When(due_on__lt=today, then=Value(1)), default=Value(0),
                                   output_field=IntegerField()))
            .order_by("-overdue", "due_on", "pk"))


def follow_up_for(user: Any, pk: int, *, purpose: str) -> FollowUp:
    return get_visible(user, FollowUp, pk, purpose=purpose,
                       queryset=FollowUp.objects.select_related("meeting"))


# --- outreach -----------------------------------------------------------------------------------------

def events(user: Any) -> QuerySet[OutreachEvent]:
    """Outreach events of the user's organisations, latest first."""
    return visible(user, OutreachEvent).order_by("-held_on", "-pk")


@dataclass(frozen=True)
class AudienceTotal:
    audience: str
    label: str
    events: int
    attendees: int


def totals_by_audience(user: Any) -> tuple[list[AudienceTotal], int, int]:
    """Events and attendees by audience (every audience, in the order of the choices), and the
    totals; events without a count of attendees count as events only."""
    rows = {row["audience"]: row for row in visible(user, OutreachEvent).order_by().values("audience")
            .annotate(n=Count("pk"), people=Sum("attendees"))}
    totals = [AudienceTotal(audience=value, label=str(label), events=rows.get(value, {}).get("n", 0),
                            attendees=rows.get(value, {}).get("people") or 0)
              for value, label in OutreachEvent.Audience.choices]
    return totals, sum(t.events for t in totals), sum(t.attendees for t in totals)


def event_for(user: Any, pk: int, *, purpose: str) -> OutreachEvent:
    return get_visible(user, OutreachEvent, pk, purpose=purpose)


@dataclass(frozen=True)
class EvaluationRow:
    answer: str
    label: str
    count: int


def evaluation_rows(event: OutreachEvent) -> list[EvaluationRow]:
    """The evaluations returned, one row per answer 1-5 (a missing answer counts 0)."""
    counts = event.evaluation_counts or {}
    return [EvaluationRow(answer=a, label=str(ANSWER_LABELS[a]), count=int(counts.get(a, 0) or 0)) for a in ANSWERS]


def evaluations_returned(event: OutreachEvent) -> int:
    return sum(row.count for row in evaluation_rows(event))
