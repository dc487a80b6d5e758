"""Tables that share their row totals, suppressed together: both promises hold for everything
they publish together, checked by an integer program written here, apart from the module's audit.

The program's reader knows what docs/insights-suppression.md says, for every table at once: the
shown counts, a small cell in 0..t-1, a secondary one at least t, every line adds up to its total,
counts are whole and not negative; and that the tables' row totals (and grand totals) are the
same numbers, written here as equations between the tables rather than as shared variables.
"""

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from infohus.insights.suppression import Shown, SuppressedTable, suppress, suppress_linked


def grid_of(table: SuppressedTable) -> list[list[Shown]]:
    """The published table with its totals as a last column and a last row."""
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.grand_total]]


def with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def worked_out(tables: list[SuppressedTable], truth: list[list[list[int]]]) -> list[tuple[int, int, int]]:
    """Every hidden cell (table, row, column) whose value is the same in every set of tables that
    fits what the tables publish together."""
    published = [grid_of(table) for table in tables]
    if any(table.withheld for table in tables):
        return []  # nothing of a withheld table is published (checked by the callers)
    threshold = tables[0].threshold
    variables: dict[tuple[int, int, int], int] = {}
    lower: list[float] = []
    upper: list[float] = []
    for k, grid in enumerate(published):
        for i, row in enumerate(grid):
            for j, cell in enumerate(row):
                variables[(k, i, j)] = len(variables)
                if not cell.hidden:
                    assert cell.value is not None
                    lower.append(cell.value)
                    upper.append(cell.value)
                elif cell.reason == "small":
                    lower.append(0)
                    upper.append(threshold - 1)
                else:
                    lower.append(threshold)
                    upper.append(10_000)
    equations: list[dict[int, int]] = []
    for k, grid in enumerate(published):
        height, width = len(grid), len(grid[0])
        for i in range(height):
            equations.append({**{variables[(k, i, j)]: 1 for j in range(width - 1)}, variables[(k, i, width - 1)]: -1})
        for j in range(width):
            column = {variables[(k, i, j)]: 1 for i in range(height - 1)}
            equations.append({**column, variables[(k, height - 1, j)]: -1})
        if k:
            last, first_last = width - 1, len(published[0][0]) - 1
            for i in range(height):
                equations.append({variables[(k, i, last)]: 1, variables[(0, i, first_last)]: -1})
    matrix = np.zeros((len(equations), len(variables)))
    for n, equation in enumerate(equations):
        for column, coefficient in equation.items():
            matrix[n, column] = coefficient
    constraints = LinearConstraint(matrix, 0, 0)
    bounds = Bounds(np.array(lower), np.array(upper))
    exposed = []
    for (k, i, j), n in variables.items():
        if not published[k][i][j].hidden:
            continue
        values = set()
        for sign in (1, -1):
            objective = np.zeros(len(variables))
            objective[n] = sign
            result = milp(objective, constraints=constraints, integrality=np.ones(len(variables)), bounds=bounds)
            assert result.status == 0
            values.add(round(result.x[n]))
        if values == {truth[k][i][j]}:
            exposed.append((k, i, j))
    return exposed


def check_promises(grids: list[list[list[int]]], tables: list[SuppressedTable], threshold: int) -> None:
    truth = [with_totals(counts) for counts in grids]
    published = [grid_of(table) for table in tables]
    assert len({table.withheld for table in tables}) == 1, "withheld together or not at all"
    for k, grid in enumerate(published):
        for i, row in enumerate(grid):
            for j, cell in enumerate(row):
                # (a) every count below the threshold hidden; what is shown is the true count.
                if truth[k][i][j] < threshold:
                    assert cell.hidden, (k, i, j)
                if not cell.hidden:
                    assert cell.value == truth[k][i][j]
                if tables[0].withheld:
                    assert cell.reason == "withheld"
    # (b) a row total, and the grand total, has one status in every table.
    for i in range(len(published[0])):
        assert len({grid[i][-1].reason for grid in published}) == 1, i
    # (c) nothing hidden can be worked out from all the tables together.
    assert worked_out(tables, truth) == []


@st.composite
def linked_tables(draw: st.DrawFn) -> list[list[list[int]]]:
    """Two or three tables of up to 3 rows and 2 or 3 columns, with the same row totals."""
    small_or_not = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(0, 10))
    totals = draw(st.lists(st.integers(0, 12), min_size=1, max_size=3))
    grids = []
    for _table in range(draw(st.integers(2, 3))):
        width = draw(st.integers(2, 3))
        rows = []
        for total in totals:
            row = []
            left = total
            for _column in range(width - 1):
                part = min(left, draw(small_or_not))
                row.append(part)
                left -= part
            row.append(left)
            rows.append(draw(st.permutations(row)))
        grids.append(rows)
    return grids


@settings(max_examples=60, deadline=None, database=None)
@given(grids=linked_tables(), threshold=st.sampled_from([3, 5]))
def test_linked_tables_keep_both_promises_together(grids: list[list[list[int]]], threshold: int) -> None:
    check_promises(grids, suppress_linked(grids, threshold=threshold), threshold)


# Concerns per month (rows) by source, by kind of extremism and by outcome (invented; threshold 5).
# On its own the kind table must hide February's total, 8: with it shown, two counts below 5 that
# make 8 can only be 4 and 4. The source table, on its own, has no reason to hide it, and shows it.
BY_SOURCE = [[0, 19], [0, 8], [0, 15]]
BY_KIND = [[11, 8], [4, 4], [14, 1]]
BY_OUTCOME = [[9, 9, 1], [2, 3, 3], [5, 6, 4]]


def test_tables_suppressed_one_by_one_can_give_a_small_count_away() -> None:
    grids = [BY_SOURCE, BY_KIND, BY_OUTCOME]
    one_by_one = [suppress(counts, threshold=5) for counts in grids]
    truth = [with_totals(counts) for counts in grids]
    # Each table on its own keeps the promise...
    for table, cells in zip(one_by_one, truth, strict=True):
        assert worked_out([table], [cells]) == []
    # ...but not together: February's 8 from the source table gives the kind table's 4 and 4 away.
    assert one_by_one[0].row_totals[1].label == "8" and one_by_one[1].row_totals[1].hidden
    assert {(1, 1, 0), (1, 1, 1)} <= set(worked_out(one_by_one, truth))

    together = suppress_linked(grids, threshold=5)
    check_promises(grids, together, 5)


def test_a_month_total_has_one_status_in_every_table() -> None:
    together = suppress_linked([BY_SOURCE, BY_KIND, BY_OUTCOME], threshold=5)
    for i in range(3):
        assert len({table.row_totals[i].reason for table in together}) == 1
    assert len({table.grand_total.reason for table in together}) == 1


def test_tables_that_do_not_share_their_totals_are_refused() -> None:
    with pytest.raises(ValueError, match="same row totals"):
        suppress_linked([[[1, 2]], [[2, 2]]], threshold=5)
    with pytest.raises(ValueError, match="same rows"):
        suppress_linked([[[1, 2]], [[1, 2], [0, 0]]], threshold=5)
    with pytest.raises(ValueError, match="at least one"):
        suppress_linked([], threshold=5)


def test_one_table_is_suppressed_as_on_its_own() -> None:
    counts = [[12, 3, 8], [9, 14, 6], [7, 11, 0], [15, 10, 9]]
    assert suppress_linked([counts], threshold=5) == [suppress(counts, threshold=5)]


def test_if_one_table_cannot_be_protected_all_are_withheld() -> None:
    # The module's own example of a table that cannot be protected, beside one that could be.
    hopeless = [[4, 4, 4, 4], [1, 1, 1, 1]]
    fine = [[8, 8], [2, 2]]
    tables = suppress_linked([hopeless, fine], threshold=5)
    assert all(table.withheld for table in tables)
    assert {cell.reason for table in tables for cell in table.every_cell()} == {"withheld"}


def test_the_same_tables_give_the_same_result() -> None:
    grids = [BY_SOURCE, BY_KIND, BY_OUTCOME]
    assert suppress_linked(grids, threshold=5) == suppress_linked(grids, threshold=5)


def test_linked_tables_with_nothing_small_are_shown_whole() -> None:
    # Large counts everywhere, as over a national database: nothing is hidden, and the joint
    # audit has no unknown to solve for.
    by_kind = [[120, 80, 31], [95, 60, 40]]
    by_total = [[sum(row)] for row in by_kind]

    tables = suppress_linked([by_kind, by_total], threshold=5)

    assert [[cell.value for cell in row] for row in tables[0].cells] == by_kind
    assert [total.value for total in tables[1].row_totals] == [231, 195]
    assert not any(cell.hidden for table in tables for cell in table.every_cell())
