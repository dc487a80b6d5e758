"""Rows for a research extract: one per concern received in a period, as plain categories and dates.

Only what the research catalogue (infohus/insights/research_catalogue.py) may hold leaves this
module: never a name, an identifier, a reference, a birth date or free text. The birth date is read
to put the age at receipt in a band and goes no further. The person and case ids are returned so
that the extract can pseudonymise and join; the insights service never writes them out.

One query for the concerns with their person, decision and case; the research project's access is
checked by its caller (only the data protection officer makes an extract).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from infohus.cases.models import Case, Concern
from infohus.insights.research_catalogue import age_band

TELEPHONE_CALL = "telephone_call"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ConcernRow:
    concern_id: int
    person_id: int | None  # None: no person record was found or made for the concern
    case_id: int | None
    received: date
    channel: str
    source_kind: str
    extremism: str
    urgent: str
    police_district: str
    concern_status: str
    age_band: str
    gender: str
    municipality: str
    decision_kind: str
    decided: date | None
    days_to_decision: int | None
    case_opened: str
    case_status: str
    case_outcome: str
    case_closed: date | None
    case_days_open: int | None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period from the start of its first day to the start of the day after its last, local time."""
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def concerns_received(start: date, end: date) -> QuerySet[Concern]:
    first, after = _bounds(start, end)
    return Concern.objects.filter(received_at__gte=first, received_at__lt=after)


def research_case_ids(start: date, end: date) -> QuerySet[Case, int]:
    """The cases opened by decisions on the concerns of the period, as a subquery."""
    first, after = _bounds(start, end)
    return Case.objects.filter(opening_decision__concern__received_at__gte=first,
                               opening_decision__concern__received_at__lt=after).values_list("pk", flat=True)


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


COLUMNS = (
    "pk", "person_id", "received_at", "channel", "reporter_organisation__kind", "extremism", "urgent",
    "info_house__name", "status", "person__birth_date", "person__gender", "person__municipality__name",
    "decision__kind", "decision__decided_on", "decision__case_id", "decision__case__status",
    "decision__case__outcome", "decision__case__opened_at", "decision__case__closed_at",
)


def research_rows(start: date, end: date) -> Iterator[ConcernRow]:
    """The concerns received from start to end (inclusive), oldest first, in one query."""
    today = timezone.localdate()
    values = concerns_received(start, end).order_by("received_at", "pk").values(*COLUMNS)
    for v in values.iterator(chunk_size=2000):
        received = timezone.localdate(v["received_at"])
        decided: date | None = v["decision__decided_on"]
        case_id: int | None = v["decision__case_id"]
        opened_at: datetime | None = v["decision__case__opened_at"]
        closed_at: datetime | None = v["decision__case__closed_at"]
        closed = timezone.localdate(closed_at) if closed_at else None
        source = v["reporter_organisation__kind"] or (
            TELEPHONE_CALL if v["channel"] == Concern.Channel.TELEPHONE else UNKNOWN)
        yield ConcernRow(
            concern_id=v["pk"], person_id=v["person_id"], case_id=case_id, received=received,
            channel=v["channel"], source_kind=source, extremism=v["extremism"], urgent=_yes(v["urgent"]),
            police_district=v["info_house__name"] or "", concern_status=v["status"],
            age_band=age_band(_age(v["person__birth_date"], received)),
            gender=v["person__gender"] or UNKNOWN, municipality=v["person__municipality__name"] or "",
            decision_kind=v["decision__kind"] or "", decided=decided,
            days_to_decision=(decided - received).days if decided else None,
            case_opened=_yes(case_id is not None), case_status=v["decision__case__status"] or "",
            case_outcome=v["decision__case__outcome"] or "", case_closed=closed,
            case_days_open=((closed or today) - timezone.localdate(opened_at)).days if opened_at else None,
        )
