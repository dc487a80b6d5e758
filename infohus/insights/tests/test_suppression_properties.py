"""Property tests of small-cell suppression on generated tables.

(1) Every shown count is at least the threshold and every count below it is hidden as small.
(2) No hidden value can be worked out: for every hidden cell there is another table that fits all
    a reader knows and gives that cell another value. This is checked by a plain search over
    completions of the table, row by row, which shares no code with the module's own audit.
A table is withheld whole only when (1) and (2) cannot both hold: an exact integer program shows
that even with every cell hidden, some value could be worked out.
"""

from collections.abc import Iterator

from hypothesis import event, given, settings
from hypothesis import strategies as st

from infohus.insights.suppression import Shown, SuppressedTable, suppress, suppress_series
from infohus.insights.tests.test_suppression import exposed_by_integer_program

# Most generated counts are small, so tables have many small cells and need secondary hiding.
counts_strategy = st.one_of(st.integers(0, 4), st.integers(0, 12))


@st.composite
def tables(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(1, 3))
    columns = draw(st.integers(1, 4))
    return draw(st.lists(st.lists(counts_strategy, min_size=columns, max_size=columns), min_size=rows, max_size=rows))


thresholds = st.sampled_from([2, 3, 5])


def with_totals(counts: list[list[int]]) -> list[list[int]]:
    full = [[*row, sum(row)] for row in counts]
    full.append([sum(column) for column in zip(*full, strict=True)])
    return full


def published_grid(table: SuppressedTable) -> list[list[Shown]]:
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.grand_total]]


class Knowledge:
    """What a reader knows of each cell: the lowest and highest value it can have.

    A secondary cell has no upper bound; the search caps it at the true grand total plus one.
    Capping only leaves tables out, so a second value found within the cap is a real one.
    """

    def __init__(self, table: SuppressedTable, cap: int) -> None:
        self.threshold = table.threshold
        self.bounds = [[self._bounds(shown, cap) for shown in row] for row in published_grid(table)]

    def _bounds(self, shown: Shown, cap: int) -> tuple[int, int]:
        if shown.reason == "withheld":
            return 0, cap
        if shown.reason == "small":
            return 0, self.threshold - 1
        if shown.reason == "secondary":
            return self.threshold, cap
        assert shown.value is not None
        return shown.value, shown.value


def completions(knowledge: Knowledge, true: list[list[int]], distance: int) -> Iterator[list[list[int]]]:
    """Every table of counts that fits the knowledge and lies within the distance of the true one.

    The distance is the sum of the differences of the counts (not the totals) from the true ones.
    """
    bounds = knowledge.bounds
    rows, columns = len(bounds) - 1, len(bounds[0]) - 1
    grand_low, grand_high = bounds[rows][columns]
    # The most each column can still gain from the rows below a given row, each row from the cells
    # to the right of a given cell, and the grand total from every cell after a given one.
    below = [[0] * columns for _ in range(rows + 1)]
    for i in reversed(range(rows)):
        below[i] = [below[i + 1][j] + bounds[i][j][1] for j in range(columns)]
    right = [[sum(bounds[i][k][1] for k in range(j + 1, columns)) for j in range(columns)] for i in range(rows)]
    after = [[right[i][j] + sum(below[i + 1]) for j in range(columns)] for i in range(rows)]
    table = [[0] * columns for _ in range(rows)]
    column_sums = [0] * columns

    def place(i: int, j: int, row_sum: int, grand: int, slack: int) -> Iterator[list[list[int]]]:
        if j == columns:
            low, high = bounds[i][columns]
            if not low <= row_sum <= high:
                return
            if i + 1 == rows:
                if grand_low <= grand <= grand_high and all(
                    bounds[rows][k][0] <= column_sums[k] <= bounds[rows][k][1] for k in range(columns)
                ):
                    yield [row[:] for row in table]
                return
            yield from place(i + 1, 0, 0, grand, slack)
            return
        low, high = max(bounds[i][j][0], true[i][j] - slack), min(bounds[i][j][1], true[i][j] + slack)
        for value in sorted(range(low, high + 1), key=lambda value: (abs(value - true[i][j]), value)):
            column_sum = column_sums[j] + value
            column_low, column_high = bounds[rows][j]
            if column_sum > column_high or column_sum + below[i + 1][j] < column_low:
                continue
            row_low, row_high = bounds[i][columns]
            if not (row_low <= row_sum + value + right[i][j] and row_sum + value <= row_high):
                continue
            if not (grand_low <= grand + value + after[i][j] and grand + value <= grand_high):
                continue
            table[i][j] = value
            column_sums[j] = column_sum
            yield from place(i, j + 1, row_sum + value, grand + value, slack - abs(value - true[i][j]))
            column_sums[j] -= value

    yield from place(0, 0, 0, 0, distance)


def hidden_cells_worked_out(table: SuppressedTable, counts: list[list[int]]) -> list[tuple[int, int]]:
    """The hidden cells (totals included) that keep their value in every fitting table searched.

    Tables are searched nearest first, up to a distance of one per count: moving one unit round a
    loop of hidden cells changes each count by at most one. Searching fewer tables than all can
    only report more cells as worked out, never fewer, so an empty answer is a proof.
    """
    true = with_totals(counts)
    knowledge = Knowledge(table, cap=true[-1][-1] + 1)
    grid = published_grid(table)
    unsure = {(i, j) for i, row in enumerate(grid) for j, shown in enumerate(row) if shown.hidden}
    for distance in range(1, len(counts) * len(counts[0]) + 1):
        for candidate in completions(knowledge, counts, distance):
            full = with_totals(candidate)
            unsure = {(i, j) for i, j in unsure if full[i][j] == true[i][j]}
            if not unsure:
                return []
    return sorted(unsure)


@settings(max_examples=500, deadline=None, database=None)
@given(counts=tables(), threshold=thresholds)
def test_every_count_below_the_threshold_is_hidden_and_every_shown_count_is_not(
    counts: list[list[int]], threshold: int
) -> None:
    table = suppress(counts, threshold=threshold)

    if table.withheld:
        assert {cell for cell in table.every_cell()} == {Shown(None, "withheld", "–")}
        # Proving a value is forced needs every table, uncapped: an exact integer program does that.
        assert exposed_by_integer_program(everything_hidden(counts, threshold), counts) != []
        return
    for published_row, true_row in zip(published_grid(table), with_totals(counts), strict=True):
        for shown, true in zip(published_row, true_row, strict=True):
            if true < threshold:
                assert shown == Shown(None, "small", f"<{threshold}")
            elif shown.hidden:
                # What the reader is told of a secondary cell must be true of it.
                assert shown.reason == "secondary" and shown.value is None
            else:
                assert shown.value == true and shown.label == str(true)


@settings(max_examples=700, deadline=None, database=None)
@given(counts=tables(), threshold=thresholds)
def test_no_hidden_value_can_be_worked_out(counts: list[list[int]], threshold: int) -> None:
    table = suppress(counts, threshold=threshold)
    event(
        "withheld" if table.withheld else f"secondary cells: {sum(c.reason == 'secondary' for c in table.every_cell())}"
    )

    assert hidden_cells_worked_out(table, counts) == []


@settings(max_examples=300, deadline=None, database=None)
@given(values=st.lists(counts_strategy, min_size=1, max_size=6), threshold=thresholds)
def test_a_series_keeps_both_promises(values: list[int], threshold: int) -> None:
    series = suppress_series(values, threshold=threshold)

    column = [[value] for value in values]
    if series.withheld:
        assert {*series.values, series.total} == {Shown(None, "withheld", "–")}
        assert exposed_by_integer_program(everything_hidden(column, threshold), column) != []
        return
    published = [*series.values, series.total]
    true = [*values, sum(values)]
    assert all((shown.reason == "small") == (count < threshold) for shown, count in zip(published, true, strict=True))
    assert all(shown.value in (None, count) for shown, count in zip(published, true, strict=True))
    # A series is one line: its values add up to its total. Each hidden one must have a second value.
    as_table = SuppressedTable(
        cells=[[shown] for shown in series.values],
        row_totals=list(series.values),
        column_totals=[series.total],
        grand_total=series.total,
        threshold=series.threshold,
    )
    assert hidden_cells_worked_out(as_table, column) == []


def everything_hidden(counts: list[list[int]], threshold: int) -> SuppressedTable:
    """The table with every cell hidden, small counts marked as small: the most that can be hidden."""
    full = with_totals(counts)
    marked = [
        [Shown(None, "small", "<") if value < threshold else Shown(None, "secondary", "–") for value in row]
        for row in full
    ]
    return SuppressedTable(
        cells=[row[:-1] for row in marked[:-1]],
        row_totals=[row[-1] for row in marked[:-1]],
        column_totals=marked[-1][:-1],
        grand_total=marked[-1][-1],
        threshold=threshold,
    )


def test_the_search_finds_a_value_that_can_be_worked_out() -> None:
    # Guard against a search that always says "not worked out": hide only the small cell.
    counts = [[2, 10], [10, 20]]
    only_primary = SuppressedTable(
        cells=[[Shown(None, "small", "<5"), Shown(10, "", "10")], [Shown(10, "", "10"), Shown(20, "", "20")]],
        row_totals=[Shown(12, "", "12"), Shown(30, "", "30")],
        column_totals=[Shown(12, "", "12"), Shown(30, "", "30")],
        grand_total=Shown(42, "", "42"),
        threshold=5,
    )
    assert hidden_cells_worked_out(only_primary, counts) == [(0, 0)]

    # Zeros beside a shown 10 in a row of 10 are given away by non-negativity alone.
    zeros_only = suppress([[0, 0, 10]], threshold=5)
    exposed = SuppressedTable(
        cells=[[zeros_only.cells[0][0], zeros_only.cells[0][1], Shown(10, "", "10")]],
        row_totals=[Shown(10, "", "10")],
        column_totals=[zeros_only.column_totals[0], zeros_only.column_totals[1], Shown(10, "", "10")],
        grand_total=Shown(10, "", "10"),
        threshold=5,
    )
    assert hidden_cells_worked_out(exposed, [[0, 0, 10]]) == [(0, 0), (0, 1), (1, 0), (1, 1)]

    # Every count small, and yet the marks alone force them all: each column of two counts below 5
    # reaches at least 5, and the second row stays below 5.
    counts = [[4, 4, 4, 4], [1, 1, 1, 1]]
    assert len(hidden_cells_worked_out(everything_hidden(counts, 5), counts)) == 15
