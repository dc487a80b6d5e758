"""The dashboard's tables: laid out from the apps' statistics, every count suppressed, quartiles
hidden when too few concerns lie behind them, and the area and period of the filter applied."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.cases.models import Case, Concern, TriageDecision
from infohus.cases.selectors.statistics import cases_open_at
from infohus.cases.tests.factories import make_case, make_concern, make_person
from infohus.insights.selectors.dashboard import FEW, Block, Dashboard, Filter, default_filter, next_month
from infohus.insights.suppression import suppress
from infohus.interventions.models import LendingRequest
from infohus.interventions.tests.factories import make_lending, make_profile, make_session

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def org(name: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name)


def concerns(n: int, received: date, **fields: object) -> list[Concern]:
    made = [make_concern(**fields) for _ in range(n)]  # type: ignore[arg-type]
    Concern.objects.filter(pk__in=[c.pk for c in made]).update(received_at=at(received))
    return made


def decide(items: list[Concern], *, on: date, by: User, kind: str = TriageDecision.Kind.REFERRAL) -> None:
    for c in items:
        TriageDecision.objects.create(concern=c, kind=kind, reason="Agreed.", decided_on=on, decided_by=by)


def cells(block: Block, line: str) -> dict[str, str]:
    """The texts of one line of a table, by column."""
    [found] = [candidate for candidate in block.lines if candidate.key == line]
    return {key: cell.text for (key, _label), cell in zip(block.columns, found.cells, strict=True)}


def counts_in(block: Block) -> list[int]:
    return [int(f.value) for f in block.figures() if not f.hidden and isinstance(f.value, int)]


# --- the filter -----------------------------------------------------------------------------------------

def test_the_default_is_the_last_twelve_months() -> None:
    chosen = default_filter(date(2026, 3, 17))
    assert (chosen.first, chosen.last, chosen.end) == (date(2025, 4, 1), date(2026, 3, 1), date(2026, 4, 1))
    assert len(chosen.months()) == 12
    assert next_month(date(2025, 12, 1)) == date(2026, 1, 1)


def test_an_area_holds_a_municipality_with_its_institutions_or_what_a_district_serves(
        people: dict[str, User]) -> None:
    aarhus, district = org("Aarhus"), org("Østjyllands")
    by_municipality = Filter(JAN, MAR, municipality=aarhus).area()
    by_district = Filter(JAN, MAR, district=district).area()
    assert by_municipality is not None and by_district is not None
    assert set(by_municipality.values_list("pk", flat=True)) == {aarhus.pk, org("Skovbakke").pk}
    assert {aarhus.pk, org("Odder").pk, org("Randers").pk, org("Skovbakke").pk, district.pk} <= set(
        by_district.values_list("pk", flat=True))
    assert Filter(JAN, MAR).area() is None


# --- suppression ------------------------------------------------------------------------------------------

def test_concerns_by_source_are_suppressed_with_their_totals(people: dict[str, User]) -> None:
    concerns(7, date(2025, 1, 10), reporter=people["rasmus"])
    concerns(2, date(2025, 1, 11), channel=Concern.Channel.TELEPHONE)
    concerns(6, date(2025, 2, 10), reporter=people["rasmus"])
    concerns(5, date(2025, 3, 10), reporter=people["rasmus"])

    block = Dashboard(Filter(JAN, MAR)).concerns("source")

    # The table is the suppressed grid of the counts by hand: school 7, 6, 5; telephone 2, 0, 0.
    by_hand = {("2025-01", Organisation.Kind.SCHOOL): 7, ("2025-01", "telephone"): 2,
               ("2025-02", Organisation.Kind.SCHOOL): 6, ("2025-03", Organisation.Kind.SCHOOL): 5}
    expected = suppress([[by_hand.get((line.key, key), 0) for key, _label in block.columns] for line in block.lines])
    assert [[c.text for c in line.cells] for line in block.lines] == [[s.label for s in row] for row in expected.cells]
    assert [line.total.text for line in block.lines if line.total] == [s.label for s in expected.row_totals]
    assert block.column_totals is not None
    assert [c.text for c in block.column_totals] == [s.label for s in expected.column_totals]
    assert cells(block, "2025-01")["telephone"] == "<5"
    assert block.grand_total is not None and block.grand_total.text == "20"
    # No count below five is published anywhere: not in a cell, not in a total.
    assert all(n >= 5 for n in counts_in(block))
    assert "<5: fewer than 5." in block.notes
    # The chart gets a gap where the table has a mark, the number where it has one.
    data = block.chart_data()
    for n, (_key, label) in enumerate(block.columns):
        series = next(s for s in data["datasets"] if s["label"] == label)
        assert series["values"] == [line.cells[n].value for line in block.lines]
    telephone = next(s for s in data["datasets"] if s["label"] == "By telephone")
    assert telephone["values"] == [None, None, None]


def test_the_threshold_is_a_setting(people: dict[str, User], settings: object) -> None:
    settings.INSIGHTS_MIN_CELL = 3  # type: ignore[attr-defined]
    concerns(7, date(2025, 1, 10), reporter=people["rasmus"])
    concerns(3, date(2025, 1, 11), channel=Concern.Channel.TELEPHONE)

    block = Dashboard(Filter(JAN, JAN)).concerns("source")

    assert cells(block, "2025-01")["telephone"] == "3"
    assert cells(block, "2025-01")[Organisation.Kind.PRISON_PROBATION] == "<3"


# --- the time to a decision -------------------------------------------------------------------------------

def test_quartiles_are_hidden_when_fewer_than_the_threshold_lie_behind_them(people: dict[str, User]) -> None:
    ida = people["ida"]
    for days in (1, 2, 3, 4, 10):  # January: five decisions
        decide(concerns(1, date(2025, 1, 20) - timedelta(days=days)), on=date(2025, 1, 20), by=ida)
    for days in (1, 2, 3):  # February: three
        decide(concerns(1, date(2025, 2, 20) - timedelta(days=days)), on=date(2025, 2, 20), by=ida)

    block = Dashboard(Filter(JAN, MAR)).decision_time()

    assert cells(block, "2025-01") == {"decided": "5", "lower_quartile": "2.0", "median": "3.0",
                                       "upper_quartile": "4.0"}
    february = cells(block, "2025-02")
    assert february["decided"] == "<5"
    assert {february[q] for q in ("lower_quartile", "median", "upper_quartile")} == {"hidden"}
    march = next(line for line in block.lines if line.key == "2025-03")
    assert all(cell.reason in (FEW, "small") for cell in march.cells)
    # The period: 1 1 2 2 3 3 4 10 → quartiles 1.75, 2.5 and 3.25, shown to a tenth.
    assert cells(block, "period") == {"decided": "8", "lower_quartile": "1.8", "median": "2.5",
                                      "upper_quartile": "3.3"}
    assert any("fewer than 5 concerns" in note for note in block.notes)
    median = next(s for s in block.chart_data()["datasets"] if s["label"] == "Median (days)")
    assert median["values"][:3] == [3.0, None, None]


# --- cases -------------------------------------------------------------------------------------------------

def test_open_cases_at_each_months_end_match_a_count_on_that_day(people: dict[str, User]) -> None:
    carl = people["carl"]
    spans = [(at(date(2024, 10, 1)), None), (at(date(2024, 11, 1)), at(date(2025, 1, 15))),
             (at(date(2025, 1, 3)), None), (at(date(2025, 1, 4)), at(date(2025, 2, 2))),
             (at(date(2025, 2, 5)), None), (at(date(2025, 2, 6)), at(date(2025, 3, 30)))]
    for n in range(3):  # enough cases for the counts to be shown
        for opened, closed in spans:
            made = make_case(lead=carl)
            Case.objects.filter(pk=made.pk).update(
                opened_at=opened + timedelta(hours=n), closed_at=closed, outcome="goals_met" if closed else "",
                status=Case.Status.CLOSED if closed else Case.Status.OPEN)

    block = Dashboard(Filter(JAN, MAR)).cases_open()

    for line in block.lines:
        month = date.fromisoformat(f"{line.key}-01")
        assert line.cells[0].value == cases_open_at(next_month(month), area=None), line.key
    # By hand: the first, third and fourth span open at January's end; the first, third, fifth
    # and sixth at February's; the first, third and fifth at March's; three cases each.
    assert [line.cells[0].text for line in block.lines] == ["9", "12", "9"]


# --- mentor hours -------------------------------------------------------------------------------------------

def lend(people: dict[str, User], *, mentor: str, lender: Organisation, lead: str, sessions: int,
         minutes: int) -> None:
    lending = make_lending(case=make_case(lead=people[lead]), lending_organisation=lender,
                           status=LendingRequest.Status.ACCEPTED, offered_mentor=make_profile(people[mentor]))
    assert lending.intervention is not None
    for day in range(1, sessions + 1):
        make_session(lending.intervention, held_on=date(2025, 1, day), duration_minutes=minutes, lending=lending)


def test_mentor_hours_are_whole_hours_per_municipality(people: dict[str, User]) -> None:
    aarhus, randers = org("Aarhus"), org("Randers")
    # Randers lends otto to Aarhus for 7 × 50 minutes (5.8 hours); Aarhus lends mads to Randers
    # for 5 × 55 minutes (4.6 hours).
    lend(people, mentor="otto", lender=randers, lead="carl", sessions=7, minutes=50)
    lend(people, mentor="mads", lender=aarhus, lead="rita", sessions=5, minutes=55)

    block = Dashboard(Filter(JAN, MAR)).mentor_hours()

    assert [line.label for line in block.lines] == [aarhus.name, randers.name]
    assert cells(block, str(aarhus.pk)) == {"lent": "5", "borrowed": "6"}
    assert cells(block, str(randers.pk)) == {"lent": "6", "borrowed": "5"}
    assert block.column_totals is not None and [c.text for c in block.column_totals] == ["11", "11"]
    assert Dashboard(Filter(JAN, MAR, municipality=org("Odder"))).mentor_hours().lines == []


def test_a_lone_small_figure_takes_another_with_it(people: dict[str, User]) -> None:
    # Only Randers lends: Aarhus lent nothing (small), which its total would give away.
    randers = org("Randers")
    lend(people, mentor="otto", lender=randers, lead="carl", sessions=7, minutes=50)

    block = Dashboard(Filter(JAN, MAR)).mentor_hours()

    assert cells(block, str(org("Aarhus").pk)) == {"lent": "<5", "borrowed": "–"}
    assert cells(block, str(randers.pk)) == {"lent": "–", "borrowed": "<5"}
    assert all(n >= 5 for n in counts_in(block))


# --- a filter that isolates a person ----------------------------------------------------------------------

def test_a_narrow_filter_hides_the_numbers_instead_of_refusing(people: dict[str, User]) -> None:
    odder = org("Odder")
    concerns(2, date(2025, 1, 10), person=make_person(municipality=odder))
    concerns(9, date(2025, 1, 10), reporter=people["rasmus"])  # Aarhus: not in Odder

    board = Dashboard(Filter(JAN, JAN, municipality=odder))
    blocks = board.blocks()

    assert [b.key for b in blocks] == list(board.builders())
    for block in blocks:
        assert all(n >= 5 for n in counts_in(block)), block.key
    assert blocks[0].grand_total is not None and blocks[0].grand_total.text == "<5"
