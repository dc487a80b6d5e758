"""The aggregates of concerns, decisions and cases that the insights dashboard reads: counted by
hand from rows made with the factories, on SQLite and PostgreSQL alike."""

from datetime import date, datetime, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.cases.models import Case, Concern, ExtremismKind, TriageDecision
from infohus.cases.selectors import statistics as stats
from infohus.cases.selectors.statistics import MonthCount, Spread
from infohus.cases.tests.factories import make_case, make_concern, make_person

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


def concern(received: datetime, **fields: object) -> Concern:
    made = make_concern(**fields)  # type: ignore[arg-type]
    Concern.objects.filter(pk=made.pk).update(received_at=received)
    return made


def decide(c: Concern, *, on: date, kind: str, by: User) -> TriageDecision:
    Concern.objects.filter(pk=c.pk).update(status=Concern.Status.DECIDED)
    return TriageDecision.objects.create(concern=c, kind=kind, reason="Agreed at the meeting.", decided_on=on,
                                         decided_by=by)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name)


def area_of(municipality: Organisation) -> object:
    return Organisation.objects.filter(Q(pk=municipality.pk) | Q(parent=municipality)).values("pk")


def as_dict(rows: list[MonthCount]) -> dict[tuple[date, str], int]:
    return {(r.month, r.category): r.count for r in rows}


# --- concerns ----------------------------------------------------------------------------------------

def test_concerns_by_source_count_the_reporters_kind_of_organisation_and_the_telephone(people: dict[str, User]) -> None:
    rasmus, rikke = people["rasmus"], people["rikke"]
    concern(at(date(2025, 1, 3)), reporter=rasmus)
    concern(at(date(2025, 1, 28)), reporter=rasmus)
    concern(at(date(2025, 1, 15)), channel=Concern.Channel.TELEPHONE, recorded_by=people["ida"])
    concern(at(date(2025, 2, 10)), reporter=rikke)
    concern(at(date(2025, 2, 11)))  # no reporter on the platform, not by telephone
    concern(at(date(2024, 12, 31)), reporter=rasmus)  # before the period
    concern(at(date(2025, 3, 1)), reporter=rasmus)  # after it

    rows = stats.concerns_by_month(by="source", start=JAN, end=MAR, area=None)

    assert as_dict(rows) == {(JAN, Organisation.Kind.SCHOOL): 2, (JAN, stats.TELEPHONE): 1,
                             (FEB, Organisation.Kind.PRISON_PROBATION): 1, (FEB, stats.NOT_KNOWN): 1}


def test_a_month_is_a_month_of_local_time(people: dict[str, User]) -> None:
    # 31 January 23:30 in Copenhagen is 22:30 UTC: still January; 1 February 00:30 is 31 January in UTC.
    concern(at(date(2025, 1, 31), 23, 30), reporter=people["rasmus"])
    concern(at(date(2025, 2, 1), 0, 30), reporter=people["rasmus"])

    rows = stats.concerns_by_month(by="extremism", start=JAN, end=MAR, area=None)

    assert as_dict(rows) == {(JAN, ExtremismKind.NOT_KNOWN): 1, (FEB, ExtremismKind.NOT_KNOWN): 1}


def test_concerns_by_extremism(people: dict[str, User]) -> None:
    for kind in (ExtremismKind.RIGHT_WING, ExtremismKind.RIGHT_WING, ExtremismKind.RELIGIOUS):
        concern(at(date(2025, 2, 5)), reporter=people["rasmus"], extremism=kind)

    rows = stats.concerns_by_month(by="extremism", start=JAN, end=MAR, area=None)

    assert as_dict(rows) == {(FEB, ExtremismKind.RIGHT_WING): 2, (FEB, ExtremismKind.RELIGIOUS): 1}


def test_concerns_by_outcome_take_the_decision_else_the_status(people: dict[str, User]) -> None:
    ida = people["ida"]
    decide(concern(at(date(2025, 1, 5))), on=date(2025, 1, 20), kind=TriageDecision.Kind.REFERRAL, by=ida)
    decide(concern(at(date(2025, 1, 6))), on=date(2025, 2, 20), kind=TriageDecision.Kind.REFERRAL, by=ida)
    concern(at(date(2025, 1, 7)), status=Concern.Status.IN_TRIAGE)
    concern(at(date(2025, 2, 7)), status=Concern.Status.NO_CONCERN)

    rows = stats.concerns_by_month(by="outcome", start=JAN, end=MAR, area=None)

    assert as_dict(rows) == {(JAN, TriageDecision.Kind.REFERRAL): 2, (JAN, Concern.Status.IN_TRIAGE): 1,
                             (FEB, Concern.Status.NO_CONCERN): 1}
    # Every value the query can give has a column.
    columns = {value for value, _label in stats.concern_categories("outcome")}
    assert {r.category for r in rows} <= columns


def test_a_municipality_has_its_residents_concerns_and_those_reported_from_it(people: dict[str, User]) -> None:
    aarhus, odder = org("Aarhus"), org("Odder")
    concern(at(date(2025, 1, 5)), reporter=people["rasmus"])  # from a school in Aarhus
    concern(at(date(2025, 1, 6)), person=make_person(municipality=odder))  # about a resident of Odder
    concern(at(date(2025, 1, 7)), reporter=people["rikke"])  # from the prison, about nobody known

    def total(area: object) -> int:
        return sum(r.count for r in stats.concerns_by_month(by="extremism", start=JAN, end=MAR, area=area))

    assert total(area_of(aarhus)) == 1
    assert total(area_of(odder)) == 1
    assert total(area_of(org("Randers"))) == 0
    district = org("Østjyllands")
    assert total(Organisation.objects.filter(Q(pk=district.pk) | Q(info_house=district)).values("pk")) == 3
    assert total(None) == 3


# --- decisions ----------------------------------------------------------------------------------------

def test_decisions_count_in_the_month_of_the_decision(people: dict[str, User]) -> None:
    ida = people["ida"]
    decide(concern(at(date(2024, 12, 20))), on=date(2025, 1, 2), kind=TriageDecision.Kind.NO_FURTHER_ACTION, by=ida)
    decide(concern(at(date(2025, 1, 20))), on=date(2025, 2, 2), kind=TriageDecision.Kind.NO_FURTHER_ACTION, by=ida)
    decide(concern(at(date(2025, 1, 21))), on=date(2025, 2, 3), kind=TriageDecision.Kind.STATUTORY_OFFER, by=ida)
    decide(concern(at(date(2025, 2, 21))), on=date(2025, 3, 3), kind=TriageDecision.Kind.STATUTORY_OFFER, by=ida)

    rows = stats.decisions_by_month(start=JAN, end=MAR, area=None)

    assert as_dict(rows) == {(JAN, TriageDecision.Kind.NO_FURTHER_ACTION): 1,
                             (FEB, TriageDecision.Kind.NO_FURTHER_ACTION): 1,
                             (FEB, TriageDecision.Kind.STATUTORY_OFFER): 1}


def test_days_to_decision_give_the_quartiles_per_month_and_for_the_period(people: dict[str, User]) -> None:
    ida = people["ida"]
    # January's decisions took 1, 2, 3, 4 and 10 days; February's 1, 2, 3 and 4.
    for days in (10, 1, 4, 2, 3):
        decide(concern(at(date(2025, 1, 20) - timedelta(days=days))), on=date(2025, 1, 20),
               kind=TriageDecision.Kind.REFERRAL, by=ida)
    for days in (4, 2, 1, 3):
        decide(concern(at(date(2025, 2, 20) - timedelta(days=days))), on=date(2025, 2, 20),
               kind=TriageDecision.Kind.REFERRAL, by=ida)

    per_month = stats.days_to_decision(start=JAN, end=MAR, area=None, by_month=True)
    period = stats.days_to_decision(start=JAN, end=MAR, area=None, by_month=False)

    assert per_month == [Spread(JAN, 5, 2.0, 3.0, 4.0), Spread(FEB, 4, 1.75, 2.5, 3.25)]
    # All nine: 1 1 2 2 3 3 4 4 10.
    assert period == [Spread(None, 9, 2.0, 3.0, 4.0)]


def test_days_to_decision_count_from_the_local_day_of_receipt(people: dict[str, User]) -> None:
    # Received late on 31 January (local time; 30 January would be wrong), decided on 1 February.
    decide(concern(at(date(2025, 1, 31), 23, 30)), on=date(2025, 2, 1), kind=TriageDecision.Kind.REFERRAL,
           by=people["ida"])

    assert stats.days_to_decision(start=JAN, end=MAR, area=None, by_month=False) == [Spread(None, 1, 1.0, 1.0, 1.0)]


def test_no_decisions_give_no_spread() -> None:
    assert stats.days_to_decision(start=JAN, end=MAR, area=None, by_month=True) == []


# --- cases ----------------------------------------------------------------------------------------------

def case(lead: User, *, opened: datetime, closed: datetime | None = None, outcome: str = "") -> Case:
    made = make_case(lead=lead)
    Case.objects.filter(pk=made.pk).update(
        opened_at=opened, closed_at=closed, outcome=outcome,
        status=Case.Status.CLOSED if closed else Case.Status.OPEN)
    return made


def test_cases_opened_closed_and_open(people: dict[str, User]) -> None:
    carl, rita = people["carl"], people["rita"]
    case(carl, opened=at(date(2024, 11, 1)))  # open all along
    case(carl, opened=at(date(2024, 11, 2)), closed=at(date(2025, 1, 10)), outcome=Case.Outcome.GOALS_MET)
    case(carl, opened=at(date(2025, 1, 5)))
    case(carl, opened=at(date(2025, 1, 6)), closed=at(date(2025, 2, 10)), outcome=Case.Outcome.DECLINED)
    case(rita, opened=at(date(2025, 2, 6)), closed=at(date(2025, 2, 16)))  # no outcome recorded
    case(rita, opened=at(date(2024, 6, 6)), closed=at(date(2024, 12, 16)), outcome=Case.Outcome.MOVED)

    assert as_dict(stats.cases_opened_by_month(start=JAN, end=MAR, area=None)) == {
        (JAN, "opened"): 2, (FEB, "opened"): 1}
    assert as_dict(stats.cases_closed_by_month(start=JAN, end=MAR, area=None)) == {
        (JAN, Case.Outcome.GOALS_MET): 1, (FEB, Case.Outcome.DECLINED): 1, (FEB, stats.NOT_RECORDED): 1}
    assert stats.cases_open_at(JAN, area=None) == 2
    assert stats.cases_open_at(MAR, area=None) == 2
    # Rita's cases are owned by Randers.
    assert stats.cases_open_at(JAN, area=area_of(org("Randers"))) == 0
    assert as_dict(stats.cases_opened_by_month(start=JAN, end=MAR, area=area_of(org("Randers")))) == {
        (FEB, "opened"): 1}
    assert as_dict(stats.cases_closed_by_month(start=JAN, end=MAR, area=area_of(org("Aarhus")))) == {
        (JAN, Case.Outcome.GOALS_MET): 1, (FEB, Case.Outcome.DECLINED): 1}


def test_each_breakdown_runs_one_query(people: dict[str, User], django_assert_num_queries: object) -> None:
    for n in range(3):
        concern(at(date(2025, 1, 3 + n)), reporter=people["rasmus"])
    area = area_of(org("Aarhus"))
    with django_assert_num_queries(1):  # type: ignore[operator]
        stats.concerns_by_month(by="source", start=JAN, end=MAR, area=area)
    with django_assert_num_queries(1):  # type: ignore[operator]
        stats.days_to_decision(start=JAN, end=MAR, area=area, by_month=True)
