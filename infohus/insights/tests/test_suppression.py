"""Small-cell suppression on hand-checked tables.

Each protected table is checked by naming another table that a reader could not tell apart from
the real one (it fits every shown count, every "<5" and every "–") but in which the hidden cells
have other values: that is what "cannot be worked out" means.
"""

import random
from typing import Any

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from infohus.insights.suppression import (
    SECONDARY_MARK,
    Shown,
    SuppressedTable,
    footnotes,
    suppress,
    suppress_series,
)


def grid_of(table: SuppressedTable) -> list[list[Shown]]:
    """The published table with its totals as a last column and a last row."""
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.grand_total]]


def fits(table: SuppressedTable, counts: list[list[int]]) -> bool:
    """Whether a reader of the published table could believe these were the counts."""
    full = [[*row, sum(row)] for row in counts]
    full.append([sum(column) for column in zip(*full, strict=True)])
    for published_row, row in zip(grid_of(table), full, strict=True):
        for shown, value in zip(published_row, row, strict=True):
            if value < 0:
                return False
            if shown.reason == "small" and not value < table.threshold:
                return False
            if shown.reason == "secondary" and not value >= table.threshold:
                return False
            if not shown.hidden and shown.value != value:
                return False
    return True


def pattern(table: SuppressedTable) -> list[str]:
    """The published table as text, row by row, totals after the bar."""
    return [" ".join(cell.label for cell in row[:-1]) + " | " + row[-1].label for row in grid_of(table)]


def test_one_small_cell_forces_a_rectangle_of_four() -> None:
    counts = [[2, 10, 12], [10, 20, 30], [15, 25, 35]]

    table = suppress(counts, threshold=5)

    # The cheapest cycle through the small cell runs over 10, 10 and 20; every total stays shown.
    assert pattern(table) == ["<5 – 12 | 24", "– – 30 | 60", "15 25 35 | 75", "27 55 77 | 159"]
    assert fits(table, counts)
    # Moving one unit round the rectangle keeps every total: the small cell could be 3, or 1.
    assert fits(table, [[3, 9, 12], [9, 21, 30], [15, 25, 35]])
    assert fits(table, [[1, 11, 12], [11, 19, 30], [15, 25, 35]])


def test_zeros_beside_a_large_count_are_not_given_away_by_non_negativity() -> None:
    # Shown 10 with a row total of 10 would prove both hidden cells are 0 (they cannot be negative).
    counts = [[0, 0, 10]]

    table = suppress(counts, threshold=5)

    assert pattern(table) == ["<5 <5 – | 10", "<5 <5 – | 10"]
    assert fits(table, [[1, 0, 9]])
    assert fits(table, [[0, 1, 9]])


def test_every_count_below_the_threshold_is_hidden_totals_and_zeros_included() -> None:
    counts = [[1, 2, 0], [30, 40, 50], [0, 0, 0]]

    table = suppress(counts, threshold=5)

    assert [cell.reason for cell in table.cells[0]] == ["small", "small", "small"]
    assert [cell.reason for cell in table.cells[2]] == ["small", "small", "small"]
    assert table.row_totals[0].reason == "small"  # 3
    assert table.row_totals[2].reason == "small"  # 0
    assert all(cell.value is None for cell in table.every_cell() if cell.hidden)
    assert all(cell.value is not None and cell.value >= 5 for cell in table.every_cell() if not cell.hidden)
    assert fits(table, counts)


def test_labels_say_what_the_page_prints() -> None:
    table = suppress([[2, 10, 12], [10, 20, 30], [15, 25, 35]], threshold=5)

    assert table.cells[0][0] == Shown(None, "small", "<5")
    assert table.cells[0][1] == Shown(None, "secondary", SECONDARY_MARK)
    assert table.cells[2][0] == Shown(15, "", "15")
    assert table.grand_total == Shown(159, "", "159")


def test_threshold_comes_from_settings(settings: Any) -> None:
    settings.INSIGHTS_MIN_CELL = 3

    table = suppress([[2, 3, 40], [3, 3, 40]])

    assert table.threshold == 3
    assert table.cells[0][0].label == "<3"
    assert table.cells[0][1].reason != "small"  # 3 is not below 3


def test_empty_tables_hide_their_zero_totals() -> None:
    no_rows = suppress([], threshold=5)
    assert (no_rows.cells, no_rows.row_totals, no_rows.column_totals) == ([], [], [])
    assert no_rows.grand_total == Shown(None, "small", "<5")

    no_columns = suppress([[], []], threshold=5)
    assert no_columns.cells == [[], []]
    assert [total.label for total in no_columns.row_totals] == ["<5", "<5"]
    assert no_columns.column_totals == []
    assert no_columns.grand_total.reason == "small"


def test_a_single_row() -> None:
    counts = [[3, 7, 8, 20]]

    table = suppress(counts, threshold=5)

    # Column totals repeat the cells, so 7 must go too, in both places.
    assert pattern(table) == ["<5 – 8 20 | 38", "<5 – 8 20 | 38"]
    assert fits(table, [[4, 6, 8, 20]])


def test_a_series_hides_its_smallest_other_value() -> None:
    series = suppress_series([3, 10, 20], threshold=5)

    assert [value.label for value in series.values] == ["<5", SECONDARY_MARK, "20"]
    assert series.total == Shown(33, "", "33")
    # The same as a table of one column, where 4 and 9 fit as well as 3 and 10.
    as_table = suppress([[3], [10], [20]], threshold=5)
    assert [row[0] for row in as_table.cells] == series.values
    assert fits(as_table, [[4], [9], [20]])


def test_a_series_with_a_small_total_hides_everything() -> None:
    series = suppress_series([1, 0, 2], threshold=5)

    assert [value.reason for value in series.values] == ["small", "small", "small"]
    assert series.total.reason == "small"


def test_all_zeros_are_all_small_and_nothing_more_is_needed() -> None:
    table = suppress([[0, 0, 0], [0, 0, 0]], threshold=5)

    assert {cell.reason for cell in table.every_cell()} == {"small"}
    assert fits(table, [[1, 0, 0], [0, 0, 0]])


def test_everything_small_except_the_grand_total() -> None:
    counts = [[1, 2], [3, 1]]

    table = suppress(counts, threshold=5)

    assert pattern(table) == ["<5 <5 | <5", "<5 <5 | <5", "<5 <5 | 7"]
    assert fits(table, [[2, 1], [2, 2]])


def test_a_table_with_nothing_small_is_published_whole() -> None:
    counts = [[5, 6], [7, 80]]

    table = suppress(counts, threshold=5)

    assert [cell.value for cell in table.every_cell()] == [5, 6, 7, 80, 11, 87, 12, 86, 98]


def test_the_same_table_always_gives_the_same_result() -> None:
    rng = random.Random(36)
    counts = [[rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30]) for _ in range(8)] for _ in range(36)]

    assert suppress(counts, threshold=5) == suppress([list(row) for row in counts], threshold=5)


@pytest.mark.parametrize(
    ("counts", "threshold", "message"),
    [
        ([[1, 2], [3]], 5, "same number"),
        ([[1, -2]], 5, "negative"),
        ([[1, 2]], 1, "at least 2"),
    ],
)
def test_bad_input_is_refused(counts: list[list[int]], threshold: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        suppress(counts, threshold=threshold)


def test_footnotes_explain_only_the_marks_used() -> None:
    assert footnotes(suppress([[5, 6], [7, 8]], threshold=5)) == []
    assert footnotes(suppress([[0, 0, 10]], threshold=5)) == [
        "<5: fewer than 5.",
        "–: hidden so that a small count cannot be worked out.",
    ]
    assert footnotes(suppress_series([1, 2], threshold=3)) == ["<3: fewer than 3."]


def exposed_by_integer_program(table: SuppressedTable, counts: list[list[int]]) -> list[tuple[int, int]]:
    """Hidden cells whose least and greatest possible values agree, by an exact integer program."""
    full = [[*row, sum(row)] for row in counts]
    full.append([sum(column) for column in zip(*full, strict=True)])
    published = grid_of(table)
    rows, columns = len(full), len(full[0])
    hidden = [(i, j) for i in range(rows) for j in range(columns) if published[i][j].hidden]
    index = {cell: k for k, cell in enumerate(hidden)}
    lines = [[(i, j) for j in range(columns)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(columns)]
    matrix, sums = [], []
    for line in lines:
        # The cells of a line minus its total (its last cell) make zero.
        coefficients, known = np.zeros(len(hidden)), 0
        for position, (i, j) in enumerate(line):
            sign = -1 if position == len(line) - 1 else 1
            if (i, j) in index:
                coefficients[index[(i, j)]] += sign
            else:
                known += sign * full[i][j]
        matrix.append(coefficients)
        sums.append(-known)
    small = [published[i][j].reason == "small" for i, j in hidden]
    bounds = Bounds(
        [0 if is_small else table.threshold for is_small in small],
        [table.threshold - 1 if is_small else np.inf for is_small in small],
    )
    constraints = LinearConstraint(np.array(matrix), sums, sums)
    exposed = []
    for k, cell in enumerate(hidden):
        extremes = []
        for direction in (1, -1):
            objective = np.zeros(len(hidden))
            objective[k] = direction
            result = milp(objective, constraints=constraints, integrality=np.ones(len(hidden)), bounds=bounds)
            extremes.append(round(result.x[k]) if result.status == 0 else None)
        if extremes[0] is not None and extremes[0] == extremes[1]:
            exposed.append(cell)
    return exposed


def test_a_dashboard_sized_table_passes_an_independent_integer_program_audit() -> None:
    # Twelve months by eight kinds, many small cells: no hidden cell has a single possible value.
    rng = random.Random(12)
    counts = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40]) for _ in range(8)] for _ in range(12)]

    table = suppress(counts, threshold=5)

    assert any(cell.reason == "secondary" for cell in table.every_cell())
    assert exposed_by_integer_program(table, counts) == []


@pytest.mark.parametrize(
    ("counts", "threshold"),
    [
        # Each column of two counts below 5 reaches 5 or more, the second row stays below 5: 4s and 1s.
        ([[4, 4, 4, 4], [1, 1, 1, 1]], 5),
        # Two counts below 2 that make 2 or more are both 1.
        ([[1, 1]], 2),
    ],
)
def test_a_table_that_no_hiding_can_protect_is_withheld(counts: list[list[int]], threshold: int) -> None:
    table = suppress(counts, threshold=threshold)

    assert table.withheld
    assert {cell for cell in table.every_cell()} == {Shown(None, "withheld", SECONDARY_MARK)}
    assert footnotes(table) == [
        "The table is withheld: even with every count hidden, a small count could be worked out."
    ]


def test_a_table_that_can_be_protected_is_not_withheld() -> None:
    # The same shape with one count of 2 in place of a 1 leaves room: the second row may sum to 4 or less.
    assert not suppress([[4, 4, 4, 4], [1, 1, 1, 0]], threshold=5).withheld


def test_the_worked_example_in_the_docs() -> None:
    # docs/insights-suppression.md: concerns per quarter by kind.
    counts = [[12, 3, 8], [9, 14, 6], [7, 11, 0], [15, 10, 9]]

    table = suppress(counts, threshold=5)

    assert pattern(table) == [
        "12 <5 – | 23",
        "9 14 6 | 29",
        "7 – <5 | 18",
        "15 10 9 | 34",
        "43 38 23 | 104",
    ]
    assert fits(table, [[12, 4, 7], [9, 14, 6], [7, 10, 1], [15, 10, 9]])
    # ...and no further: a 2 in Q1 kind B would need -1 in Q3 kind C.
    assert not fits(table, [[12, 2, 9], [9, 14, 6], [7, 12, -1], [15, 10, 9]])
