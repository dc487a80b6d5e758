"""The dashboard's tables: laid out from the apps' statistics, every count suppressed, quartiles
hidden when too few concerns lie behind them, and the area and period of the filter applied."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.cases.models import Case, Concern, TriageDecision
from infohus.cases.selectors import statistics as cases_stats
from infohus.cases.selectors.statistics import cases_open_at
from infohus.cases.tests.factories import make_case, make_concern, make_person
from infohus.insights.selectors.dashboard import FEW, Block, Dashboard, Filter, default_filter, next_month
from infohus.insights.suppression import suppress, suppress_series
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


def test_the_concern_tables_share_the_status_of_each_months_total(people: dict[str, User]) -> None:
    # All awaiting triage. February: 28 concerns, 4 of each of the 7 kinds of extremism (so its
    # total gives every one of them away) and, by source, 14 from a school and 14 by telephone.
    kinds = [kind for kind, _label in cases_stats.concern_categories("extremism")]
    concerns(6, date(2025, 1, 10), reporter=people["rasmus"], extremism="right_wing")
    concerns(6, date(2025, 1, 10), reporter=people["rasmus"], extremism="left_wing")
    for n, kind in enumerate(kinds):
        concerns(4, date(2025, 2, 10), extremism=kind,
                 **({"reporter": people["rasmus"]} if n % 2 else {"channel": Concern.Channel.TELEPHONE}))
    concerns(15, date(2025, 3, 10), reporter=people["rasmus"], extremism="right_wing")
    board = Dashboard(Filter(JAN, MAR))
    blocks = [board.concerns("source"), board.concerns("extremism"), board.concerns("outcome")]

    # Suppressed one by one, the kind table hides February's 8 (4 and 4 would follow from it)
    # while another table shows it.
    school, phone = Organisation.Kind.SCHOOL, "telephone"
    truth = [{"2025-01": {school: 12}, "2025-02": {school: 12, phone: 16}, "2025-03": {school: 15}},
             {"2025-01": {"right_wing": 6, "left_wing": 6}, "2025-02": dict.fromkeys(kinds, 4),
              "2025-03": {"right_wing": 15}},
             {month: {Concern.Status.AWAITING_TRIAGE: n} for month, n in (("2025-01", 12), ("2025-02", 28),
                                                                        ("2025-03", 15))}]
    one_by_one = [suppress([[counts[line.key].get(key, 0) for key, _label in block.columns] for line in block.lines])
                  for block, counts in zip(blocks, truth, strict=True)]
    assert len({table.row_totals[1].hidden for table in one_by_one}) == 2
    february = [block.lines[1].total for block in blocks]
    assert all(total is not None for total in february)
    # Together: the month's total has one status in all three tables, and no small count shows.
    for n in range(3):
        totals = [block.lines[n].total for block in blocks]
        assert len({total.reason for total in totals if total is not None}) == 1, n
    assert len({block.grand_total.reason for block in blocks if block.grand_total is not None}) == 1
    assert february[0] is not None and february[0].hidden
    for block in blocks:
        assert all(n >= 5 for n in counts_in(block))
        assert block.chart_data()["datasets"][0]["values"] == [line.cells[0].value for line in block.lines]


# --- the time to a decision -------------------------------------------------------------------------------

def test_quartiles_are_hidden_when_fewer_than_the_threshold_lie_behind_them(people: dict[str, User]) -> None:
    ida = people["ida"]
    for days in (1, 2, 3, 4, 10):  # January: five decisions
        decide(concerns(1, date(2025, 1, 20) - timedelta(days=days)), on=date(2025, 1, 20), by=ida)
    for days in (1, 2, 3):  # February: three
        decide(concerns(1, date(2025, 2, 20) - timedelta(days=days)), on=date(2025, 2, 20), by=ida)

    block = Dashboard(Filter(JAN, MAR)).decision_time()

    # The decisions per month are the row totals of "decisions by kind", where January's 5 must be
    # hidden (with February's 3 and March's 0 beside it, the 8 decisions would give the 3 away);
    # suppressed together, the count is hidden here too, and the quartiles of five still shown.
    assert cells(block, "2025-01") == {"decided": "–", "lower_quartile": "2.0", "median": "3.0",
                                       "upper_quartile": "4.0"}
    by_kind = Dashboard(Filter(JAN, MAR)).decisions()
    assert [line.total.text for line in by_kind.lines if line.total] == ["–", "<5", "<5"]
    february = cells(block, "2025-02")
    assert february["decided"] == "<5"
    assert {february[q] for q in ("lower_quartile", "median", "upper_quartile")} == {"hidden"}
    march = next(line for line in block.lines if line.key == "2025-03")
    assert all(cell.reason in (FEW, "small") for cell in march.cells)
    # The period: 1 1 2 2 3 3 4 10 → quartiles 1.75, 2.5 and 3.25, shown to a tenth.
    assert cells(block, "period") == {"decided": "–", "lower_quartile": "1.8", "median": "2.5",
                                      "upper_quartile": "3.3"}
    assert any("fewer than 5 concerns" in note for note in block.notes)
    median = next(s for s in block.chart_data()["datasets"] if s["label"] == "Median (days)")
    assert median["values"][:3] == [3.0, None, None]


# --- cases -------------------------------------------------------------------------------------------------

def _cases_spanning(carl: User, spans: list[tuple[datetime, datetime | None]], copies: int) -> None:
    for n in range(copies):
        for opened, closed in spans:
            made = make_case(lead=carl)
            Case.objects.filter(pk=made.pk).update(
                opened_at=opened + timedelta(hours=n), closed_at=closed, outcome="goals_met" if closed else "",
                status=Case.Status.CLOSED if closed else Case.Status.OPEN)


SPANS = [(at(date(2024, 10, 1)), None), (at(date(2024, 11, 1)), at(date(2025, 1, 15))),
         (at(date(2025, 1, 3)), None), (at(date(2025, 1, 4)), at(date(2025, 2, 2))),
         (at(date(2025, 2, 5)), None), (at(date(2025, 2, 6)), at(date(2025, 3, 30)))]


def test_open_cases_are_given_for_the_end_of_the_period_only(people: dict[str, User]) -> None:
    _cases_spanning(people["carl"], SPANS, copies=5)
    board = Dashboard(Filter(JAN, MAR))
    # The period's opened and closed totals as shown ones (with five cases per month in a single
    # outcome, the closed-by-outcome table hides them; that rule has its own test below).
    board.__dict__["_opened_series"] = suppress_series([10, 10, 0])
    board.__dict__["_closed_tables"] = (None, suppress_series([5, 5, 5]))
    assert not board._opened_series.total.hidden and not board._closed_tables[1].total.hidden

    block = board.cases_open()

    # By hand: the first, third and fifth span are open at March's end; five cases each.
    assert [(line.key, [c.text for c in line.cells]) for line in block.lines] == [("end", ["15"])]
    assert block.lines[0].cells[0].value == cases_open_at(date(2025, 4, 1), area=None) == 15


def test_open_cases_are_hidden_when_they_would_give_away_a_hidden_total(people: dict[str, User]) -> None:
    # One copy: 4 opened and 3 closed in the period (both small), 3 open at the end (small);
    # with two more long-open cases from before the period the end count is 5, yet it stays hidden:
    # with the count at the start (public) it would tell opened - closed.
    _cases_spanning(people["carl"], SPANS, copies=1)
    _cases_spanning(people["carl"], [(at(date(2024, 6, 1)), None)], copies=2)
    board = Dashboard(Filter(JAN, MAR))

    cell = board.cases_open().lines[0].cells[0]

    assert cases_open_at(date(2025, 4, 1), area=None) == 5
    assert (cell.text, cell.value, cell.reason) == ("–", None, "secondary")
    assert board.cases_opened_and_closed().column_totals is not None
    assert all(total.hidden for total in board.cases_opened_and_closed().column_totals or [])


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
