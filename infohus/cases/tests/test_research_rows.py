"""The concern rows of a research extract: categories and dates per concern, in one query, with no
name, identifier, reference, birth date or free text."""

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.cases.models import Case, Concern, ExtremismKind, TriageDecision
from infohus.cases.selectors.research import research_case_ids, research_rows
from infohus.cases.tests.factories import make_case, make_concern, make_person

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def concern(received: datetime, **fields: Any) -> Concern:
    made = make_concern(**fields)
    Concern.objects.filter(pk=made.pk).update(received_at=received)
    return made


def decide(c: Concern, *, on: date, kind: str, by: User, case: Case | None = None) -> TriageDecision:
    Concern.objects.filter(pk=c.pk).update(status=Concern.Status.DECIDED)
    return TriageDecision.objects.create(concern=c, kind=kind, reason="Agreed at the meeting.", decided_on=on,
                                         decided_by=by, case=case)


def test_a_decided_concern_with_a_case_gives_its_categories_dates_and_intervals(people: dict[str, User]) -> None:
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    person = make_person("Jonas", "Testesen", birth_date=date(2008, 3, 1), gender="male", municipality=aarhus,
                         identifier="0103081234", phone="+45 11 22 33 44", address="Testvej 1")
    c = concern(at(date(2025, 2, 27)), reporter=people["rasmus"], person=person, extremism=ExtremismKind.RIGHT_WING,
                urgent=True)
    case = make_case(person=person, lead=people["carl"])
    opened = at(date(2025, 3, 10))
    Case.objects.filter(pk=case.pk).update(opened_at=opened, closed_at=at(date(2025, 4, 9)), status="closed",
                                           outcome="goals_met")
    decide(c, on=date(2025, 3, 6), kind=TriageDecision.Kind.STATUTORY_OFFER, by=people["ida"], case=case)

    [row] = list(research_rows(date(2025, 2, 1), date(2025, 2, 28)))

    assert (row.concern_id, row.person_id, row.case_id) == (c.pk, person.pk, case.pk)
    assert row.received == date(2025, 2, 27)
    assert row.source_kind == Organisation.Kind.SCHOOL
    assert (row.extremism, row.urgent, row.channel) == ("right_wing", "yes", "form")
    assert row.police_district.startswith("Østjyllands Politi")
    assert row.age_band == "15-17"  # 16 on the day of receipt, 17 two days later
    assert (row.gender, row.municipality) == ("male", aarhus.name)
    assert (row.decision_kind, row.decided, row.days_to_decision) == ("statutory_offer", date(2025, 3, 6), 7)
    assert (row.case_opened, row.case_status, row.case_outcome) == ("yes", "closed", "goals_met")
    assert (row.case_closed, row.case_days_open) == (date(2025, 4, 9), 30)


def test_nothing_that_names_or_describes_the_person_is_in_a_row(people: dict[str, User]) -> None:
    person = make_person("Zebulon", "Quistgaard", birth_date=date(2001, 7, 7), identifier="0707011234",
                         phone="+45 99 88 77 66", email="zq@example.org", address="Hemmeligvej 9")
    c = concern(at(date(2025, 5, 5)), reporter=people["rasmus"], person=person, person_described="Tall, red cap")

    [row] = list(research_rows(date(2025, 5, 1), date(2025, 5, 31)))

    text = repr(asdict(row))
    for secret in ("Zebulon", "Quistgaard", "0707011234", "2001-07-07", "date(2001, 7, 7)", "99 88", "zq@",
                   "Hemmeligvej", "Tall, red cap", c.reference, c.observed, c.worries, c.observed_where):
        assert secret not in text
    assert row.age_band == "18-24"


def test_a_telephone_concern_without_a_person_has_no_person_and_unknown_categories(people: dict[str, User]) -> None:
    concern(at(date(2025, 1, 10)), channel=Concern.Channel.TELEPHONE, recorded_by=people["ida"])

    [row] = list(research_rows(date(2025, 1, 1), date(2025, 1, 31)))

    assert row.person_id is None
    assert (row.source_kind, row.age_band, row.gender, row.municipality) == ("telephone_call", "unknown", "unknown", "")
    assert (row.decision_kind, row.decided, row.days_to_decision) == ("", None, None)
    assert (row.case_opened, row.case_id, row.case_days_open) == ("no", None, None)


def test_the_period_holds_its_first_and_last_day_in_local_time(people: dict[str, User]) -> None:
    first = concern(at(date(2025, 3, 1), hour=0))  # 23:00 UTC on the last day of February
    last = concern(at(date(2025, 3, 31), hour=23))
    concern(at(date(2025, 2, 28), hour=23))
    concern(at(date(2025, 4, 1), hour=0))

    rows = list(research_rows(date(2025, 3, 1), date(2025, 3, 31)))

    assert [r.concern_id for r in rows] == [first.pk, last.pk]


def test_the_cases_of_a_period_are_those_its_concerns_opened(people: dict[str, User]) -> None:
    inside, outside = concern(at(date(2025, 6, 2))), concern(at(date(2025, 7, 2)))
    case_in, case_out = make_case(lead=people["carl"]), make_case(lead=people["carl"])
    make_case(lead=people["carl"])  # opened without a decision on a concern
    decide(inside, on=date(2025, 6, 9), kind=TriageDecision.Kind.STATUTORY_OFFER, by=people["ida"], case=case_in)
    decide(outside, on=date(2025, 7, 9), kind=TriageDecision.Kind.STATUTORY_OFFER, by=people["ida"], case=case_out)

    assert list(research_case_ids(date(2025, 6, 1), date(2025, 6, 30))) == [case_in.pk]


@pytest.mark.parametrize("concerns", [2, 30])
def test_the_rows_are_read_in_one_query(people: dict[str, User], concerns: int,
                                        django_assert_num_queries: Any) -> None:
    day = timezone.localdate() - timedelta(days=3)
    for i in range(concerns):
        c = concern(at(day), reporter=people["rasmus"], person=make_person(f"P{i}", "Testesen"))
        if i % 2:
            decide(c, on=day, kind=TriageDecision.Kind.STATUTORY_OFFER, by=people["ida"],
                   case=make_case(person=c.person, lead=people["carl"]))
    with django_assert_num_queries(1):  # the concerns with their person, decision and case
        rows = list(research_rows(day, day))
    assert len(rows) == concerns
