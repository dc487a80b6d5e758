"""Small-cell suppression of a published table of counts.

A table is a grid of counts with its row totals, column totals and grand total, all published.
Primary suppression hides every count below the threshold ("small", shown as "<5"); secondary
suppression hides further cells ("secondary", shown as "–") until no hidden value can be worked
out from what is shown. docs/insights-suppression.md explains it with a worked example.

What a reader knows: every shown count; that a small cell is in 0..threshold-1; that a secondary
cell is at least the threshold; that every row and column adds up to its total; that counts are
non-negative integers. A hidden value is "worked out" when it is the same in every table that
fits that knowledge.

The audit that decides this is exact and needs no solver. Written with the totals as an extra
row and column (row and column totals negated, the grand total not), every row and every column
of the grid adds up to zero, so the hidden cells are the edges of a flow between row nodes and
column nodes. Two tables that fit the knowledge differ by a circulation on the hidden edges,
and that circulation splits into simple cycles, each of which can be pushed by one unit alone
without leaving any cell's bounds. So a hidden cell can take another value exactly when it lies
on a cycle of the residual graph (an edge can go up while below its upper bound, down while
above its lower bound), which a graph search per hidden cell answers.

Secondary suppression starts from the small cells. While the audit finds a hidden cell that can
be worked out, it hides the shown cells that close the cheapest cycle through it (a shortest
path over the residual graph, where a shown cell costs its count and a total costs more than any
count), which frees that cell, and audits again. A cell once free stays free, so this ends; the
same table always gives the same result.

Some tables cannot be protected at all: in [[4, 4, 4, 4], [1, 1, 1, 1]] every count is small, and
a column total of at least 5 (it is not marked "<5") made of two counts below 5, with a second row
adding up to less than 5, forces every count, whatever else is hidden. Such a table is withheld:
every cell is hidden with reason "withheld" and no mark says which counts were small.
"""

import heapq
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from django.conf import settings
from django.utils.translation import gettext
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

Reason = Literal["", "small", "secondary", "withheld"]

# What a page prints in place of a secondary cell.
SECONDARY_MARK = "–"

Cell = tuple[int, int]


@dataclass(frozen=True)
class Shown:
    """One published cell: its count, or hidden (value None) with the reason.

    label is what a page prints: the count, "<5" for a small cell, "–" for a secondary one.
    """

    value: int | None
    reason: Reason = ""
    label: str = ""

    @property
    def hidden(self) -> bool:
        return self.reason != ""


@dataclass(frozen=True)
class SuppressedTable:
    """The table as it may be published. withheld: nothing of it may be shown (see the module doc)."""

    cells: list[list[Shown]]
    row_totals: list[Shown]
    column_totals: list[Shown]
    grand_total: Shown
    threshold: int
    withheld: bool = False

    def every_cell(self) -> list[Shown]:
        """Every published cell, totals included."""
        return [*(cell for row in self.cells for cell in row), *self.row_totals, *self.column_totals, self.grand_total]


@dataclass(frozen=True)
class SuppressedSeries:
    """One column of counts with its total, as it may be published."""

    values: list[Shown]
    total: Shown
    threshold: int
    withheld: bool = False

    def every_cell(self) -> list[Shown]:
        """Every published cell, the total included."""
        return [*self.values, self.total]


def suppress(counts: Sequence[Sequence[int]], *, threshold: int | None = None) -> SuppressedTable:
    """The table as it may be published; threshold defaults to settings.INSIGHTS_MIN_CELL."""
    limit = _threshold(threshold)
    grid = _with_totals(counts)
    reasons = _primary(grid, limit)
    # With no rows or no columns every total is an empty sum: all zero, all small, nothing to protect.
    withheld = len(grid) > 1 and len(grid[0]) > 1 and not _protect(grid, reasons, limit)
    return _published(grid, reasons, limit, withheld=withheld)


def _primary(grid: list[list[int]], threshold: int) -> list[list[Reason]]:
    return [["small" if value < threshold else "" for value in row] for row in grid]


def _published(grid: list[list[int]], reasons: list[list[Reason]], limit: int, *, withheld: bool) -> SuppressedTable:
    if withheld:
        reasons = [["withheld" for _value in row] for row in grid]
    published = [
        [_publish(value, reason, limit) for value, reason in zip(row, reason_row, strict=True)]
        for row, reason_row in zip(grid, reasons, strict=True)
    ]
    return SuppressedTable(
        cells=[row[:-1] for row in published[:-1]],
        row_totals=[row[-1] for row in published[:-1]],
        column_totals=published[-1][:-1],
        grand_total=published[-1][-1],
        threshold=limit,
        withheld=withheld,
    )


def suppress_series(values: Sequence[int], *, threshold: int | None = None) -> SuppressedSeries:
    """A single column of counts with its total, suppressed like a table of one column."""
    # The row totals of a one-column table repeat its cells, so the reader learns nothing more.
    return as_series(suppress([[value] for value in values], threshold=threshold))


def as_series(table: SuppressedTable) -> SuppressedSeries:
    """A table of one column as the series it is: its cells and its column total."""
    if any(len(row) != 1 for row in table.cells):
        raise ValueError("Only a table of one column is a series.")
    return SuppressedSeries(
        values=[row[0] for row in table.cells],
        total=table.column_totals[0],
        threshold=table.threshold,
        withheld=table.withheld,
    )


def suppress_linked(grids: Sequence[Sequence[Sequence[int]]], *,
                    threshold: int | None = None) -> list[SuppressedTable]:
    """Tables with the same rows and the same row totals, suppressed together (see the module doc).

    A row total, and the grand total, is shown in every table or hidden in every table, and no
    hidden value of any table can be worked out from everything the tables publish together. If
    one of them cannot be protected, all of them are withheld.
    """
    limit = _threshold(threshold)
    if not grids:
        raise ValueError("Give at least one table.")
    tables = [_with_totals(counts) for counts in grids]
    totals = [[row[-1] for row in table] for table in tables]
    if any(len(table_totals) != len(totals[0]) for table_totals in totals):
        raise ValueError("Linked tables must have the same rows.")
    if any(table_totals != totals[0] for table_totals in totals):
        raise ValueError("Linked tables must have the same row totals.")
    if len(tables) == 1 or len(tables[0]) == 1:
        # One table is linked to nothing; with no rows every total is zero and small everywhere.
        return [suppress(counts, threshold=limit) for counts in grids]
    reasons = _protect_linked(tables, limit)
    if reasons is None:
        return [_published(table, _primary(table, limit), limit, withheld=True) for table in tables]
    return [_published(table, table_reasons, limit, withheld=False)
            for table, table_reasons in zip(tables, reasons, strict=True)]


# A cell of one of several linked tables: (table, row, column) in the grids with totals. A shared
# total, the same in every table, is (SHARED, row, SHARED).
SHARED = -1
Place = tuple[int, int, int]


def _shared_cells(table: list[list[int]]) -> frozenset[Cell]:
    """The row totals and the grand total: the cells that linked tables have in common."""
    last = len(table[0]) - 1
    return frozenset((i, last) for i in range(len(table)))


def _protect_linked(tables: list[list[list[int]]], limit: int) -> list[list[list[Reason]]] | None:
    """Hide cells until the joint audit finds nothing that can be worked out; None: withhold them all."""
    reasons = [_primary(table, limit) for table in tables]
    free: set[Place] = set()
    while True:
        if not _settle(tables, reasons, limit):
            return None
        exposed = _first_exposed(tables, reasons, limit, free)
        if exposed is None:
            return reasons
        if not _cover_linked(tables, reasons, limit, exposed):
            return None


def _settle(tables: list[list[list[int]]], reasons: list[list[list[Reason]]], limit: int) -> bool:
    """Protect each table on its own, and hide a shared total everywhere once it is hidden anywhere.

    False when some table cannot be protected even on its own.
    """
    while True:
        for table, table_reasons in zip(tables, reasons, strict=True):
            if not _protect(table, table_reasons, limit):
                return False
        changed = False
        for i in range(len(tables[0])):
            if any(table_reasons[i][-1] for table_reasons in reasons):
                for table_reasons in reasons:
                    if not table_reasons[i][-1]:
                        # A shown total is at least the threshold, or it would be small everywhere.
                        table_reasons[i][-1] = "secondary"
                        changed = True
        if not changed:
            return True


def _first_exposed(tables: list[list[list[int]]], reasons: list[list[list[Reason]]], limit: int,
                   free: set[Place]) -> Place | None:
    """The first hidden cell, in the tables' order, that everything published together gives away.

    Cheap first: a cell on a loop of its own table that leaves the shared totals alone can move
    without touching the other tables, so it is free. The rest are asked of an integer program
    over every table at once (the shared totals one variable each): the cell's least and greatest
    value. A table found on the way that gives a cell another value frees that cell too. More
    hidden cells only widen what fits, so a cell once free stays free (kept in `free`).
    """
    for k, (table, table_reasons) in enumerate(zip(tables, reasons, strict=True)):
        shared = _shared_cells(table)
        flows = _Flows(table, table_reasons, limit, fixed=shared)
        for cell in flows.directions:
            if (k, *cell) not in free and flows.is_free(cell):
                free.add((k, *cell))
    if not any(reason for table_reasons in reasons for row in table_reasons for reason in row):
        return None  # nothing hidden, so nothing to give away (and no program to solve)
    program = _JointProgram(tables, reasons, limit)
    while True:
        # Push every unsettled cell down at once, then up: each answer frees many cells in one go.
        unsettled = [place for place in program.places if place not in free]
        if not unsettled:
            return None
        before = len(unsettled)
        for witness in program.other_values(unsettled):
            free.update(witness)
        if before - len([place for place in unsettled if place not in free]) < 2:
            break
    for place in program.places:
        if place in free:
            continue
        for witness in program.other_values([place]):
            free.update(witness)
            if place in witness:
                break
        else:
            return place
    return None


class _JointProgram:
    """What a reader knows of linked tables, as integer constraints (scipy's milp, HiGHS)."""

    def __init__(self, tables: list[list[list[int]]], reasons: list[list[list[Reason]]], limit: int) -> None:
        self.places: list[Place] = []
        index: dict[Place, int] = {}
        lower: list[float] = []
        upper: list[float] = []
        self.truth: list[int] = []
        # Far above any count, so a greatest value this high means "more than the true one".
        ceiling = 4 * sum(table[-1][-1] for table in tables) + 4 * limit + 100
        for k, (table, table_reasons) in enumerate(zip(tables, reasons, strict=True)):
            last = len(table[0]) - 1
            for i, row in enumerate(table):
                for j, value in enumerate(row):
                    place = (SHARED, i, SHARED) if j == last else (k, i, j)
                    if not table_reasons[i][j] or place in index:
                        continue
                    index[place] = len(self.places)
                    self.places.append(place)
                    self.truth.append(value)
                    small = table_reasons[i][j] == "small"
                    lower.append(0 if small else limit)
                    upper.append(limit - 1 if small else ceiling)
        rows: list[int] = []
        columns: list[int] = []
        coefficients: list[float] = []
        sums: list[float] = []
        for k, (table, table_reasons) in enumerate(zip(tables, reasons, strict=True)):
            height, width = len(table), len(table[0])
            lines = [[(i, j) for j in range(width)] for i in range(height)]
            lines += [[(i, j) for i in range(height)] for j in range(width)]
            for line in lines:
                # Every line adds up to its total, the last cell: the others less the total is zero.
                constant = 0
                for n, (i, j) in enumerate(line):
                    sign = -1 if n == len(line) - 1 else 1
                    if table_reasons[i][j]:
                        place = (SHARED, i, SHARED) if j == width - 1 else (k, i, j)
                        rows.append(len(sums))
                        columns.append(index[place])
                        coefficients.append(sign)
                    else:
                        constant += sign * table[i][j]
                sums.append(-constant)
        self.index = index
        self.bounds = Bounds(np.array(lower), np.array(upper))
        self.constraints = LinearConstraint(
            coo_array((coefficients, (rows, columns)), shape=(len(sums), len(self.places))).tocsr(),
            np.array(sums), np.array(sums))

    def other_values(self, places: list[Place]) -> Iterator[set[Place]]:
        """Tables that fit what is published with the cells' sum at its least, then at its greatest.

        Each yields the cells it gives another value; for one cell, the cell itself is among them
        when it can take another value.
        """
        for sign in (1.0, -1.0):
            objective = np.zeros(len(self.places))
            for place in places:
                objective[self.index[place]] = sign
            result = milp(objective, constraints=self.constraints, integrality=np.ones(len(self.places)),
                          bounds=self.bounds)
            if result.status != 0 or result.x is None:
                # No answer proves nothing free; the caller then protects the cell further.
                yield set()
                continue
            values = np.rint(result.x)
            yield {self.places[n] for n, value in enumerate(values) if value != self.truth[n]}


def _cover_linked(tables: list[list[list[int]]], reasons: list[list[list[Reason]]], limit: int,
                  exposed: Place) -> bool:
    """Hide at least one more cell so that the exposed one can move; False when none is left.

    First a loop in the cell's own table that leaves the shared totals alone (for a shared total:
    a loop through it in every table, all moving it the same way), which frees it for certain.
    Failing that, the cheapest loop with the shared totals in it, then the cheapest shown cell in
    a line through the cell, then the cheapest shown cell anywhere; the audit then asks again.
    """
    k, i, j = exposed
    chosen: list[Place] = []
    if k != SHARED:
        table = tables[k]
        path = _Flows(table, reasons[k], limit, fixed=_shared_cells(table)).cheapest_cover((i, j))
        if path is None:
            path = _Flows(table, reasons[k], limit).cheapest_cover((i, j))
        chosen = [(k, *cell) for cell in path or []]
    else:
        chosen = _cover_shared(tables, reasons, limit, i)
    if not chosen:
        chosen = _cheapest_shown(tables, reasons, exposed)
    for place in chosen:
        _hide(tables, reasons, place)
    return bool(chosen)


def _cover_shared(tables: list[list[list[int]]], reasons: list[list[list[Reason]]], limit: int,
                  row: int) -> list[Place]:
    best: tuple[tuple[int, int], list[Place]] | None = None
    for rising in (True, False):
        cost, places = (0, 0), []
        for k, table in enumerate(tables):
            cell = (row, len(table[0]) - 1)
            flows = _Flows(table, reasons[k], limit, fixed=_shared_cells(table) - {cell})
            found = flows.cover_one_way(cell, rising)
            if found is None:
                break
            cost = (cost[0] + found[0][0], cost[1] + found[0][1])
            places += [(k, *shown) for shown in found[1]]
        else:
            if places and (best is None or (cost, places) < best):
                best = (cost, places)
    if best is not None:
        return best[1]
    places = []
    for k, table in enumerate(tables):
        path = _Flows(table, reasons[k], limit).cheapest_cover((row, len(table[0]) - 1))
        places += [(k, *shown) for shown in path or []]
    return places


def _cheapest_shown(tables: list[list[list[int]]], reasons: list[list[list[Reason]]],
                    exposed: Place) -> list[Place]:
    """The shown cell of least count in a line through the exposed cell, else anywhere."""
    k, i, j = exposed
    near: list[tuple[int, Place]] = []
    anywhere: list[tuple[int, Place]] = []
    for n, (table, table_reasons) in enumerate(zip(tables, reasons, strict=True)):
        last = len(table[0]) - 1
        for a, row in enumerate(table):
            for b, value in enumerate(row):
                if table_reasons[a][b]:
                    continue
                candidate = (value, (n, a, b))
                anywhere.append(candidate)
                in_line = a == i or b == last if k == SHARED else n == k and (a == i or b == j)
                if in_line:
                    near.append(candidate)
    options = near or anywhere
    return [min(options)[1]] if options else []


def _hide(tables: list[list[list[int]]], reasons: list[list[list[Reason]]], place: Place) -> None:
    """Hide a shown cell as secondary; a shared total in every table."""
    k, i, j = place
    if j == len(tables[k][0]) - 1:
        for table_reasons in reasons:
            if not table_reasons[i][-1]:
                table_reasons[i][-1] = "secondary"
    elif not reasons[k][i][j]:
        reasons[k][i][j] = "secondary"


def footnotes(table: SuppressedTable | SuppressedSeries) -> list[str]:
    """The notes to print under a table, one for each mark it uses."""
    if table.withheld:
        return [gettext("The table is withheld: even with every count hidden, a small count could be worked out.")]
    reasons = {cell.reason for cell in table.every_cell()}
    notes = []
    if "small" in reasons:
        notes.append(gettext("<%(threshold)s: fewer than %(threshold)s.") % {"threshold": table.threshold})
    if "secondary" in reasons:
        notes.append(gettext("%(mark)s: hidden so that a small count cannot be worked out.") % {"mark": SECONDARY_MARK})
    return notes


def _threshold(threshold: int | None) -> int:
    limit = int(settings.INSIGHTS_MIN_CELL) if threshold is None else threshold
    # At 1 a small cell could only be 0, so "<1" would publish it.
    if limit < 2:
        raise ValueError("The suppression threshold must be at least 2.")
    return limit


def _with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The counts with their row totals as a last column and column totals as a last row."""
    width = len(counts[0]) if counts else 0
    grid: list[list[int]] = []
    for row in counts:
        if len(row) != width:
            raise ValueError("Every row of a table must have the same number of counts.")
        if any(value < 0 for value in row):
            raise ValueError("Counts cannot be negative.")
        grid.append([*row, sum(row)])
    grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [0] * (width + 1))
    return grid


def _publish(value: int, reason: Reason, threshold: int) -> Shown:
    if reason == "small":
        return Shown(None, "small", f"<{threshold}")
    if reason in ("secondary", "withheld"):
        return Shown(None, reason, SECONDARY_MARK)
    return Shown(value, "", str(value))


def _protect(grid: list[list[int]], reasons: list[list[Reason]], threshold: int) -> bool:
    """Hide secondary cells until the audit finds no hidden value that can be worked out.

    False when that cannot be done: some value could be worked out even with every cell hidden.
    """
    flows = _Flows(grid, reasons, threshold)
    # Hiding a cell only adds arcs, so a cell once found free stays free: recheck only the rest.
    unsettled = list(flows.directions)
    while True:
        unsettled = [cell for cell in unsettled if not flows.is_free(cell)]
        if not unsettled:
            return True
        path = flows.cheapest_cover(unsettled[0])
        if path is None:
            # The search offered every shown cell, so hiding more can never free this one.
            return False
        # The newly hidden cells lie on the same loop, so they are free too and need no recheck.
        for i, j in path:
            reasons[i][j] = "secondary"
            flows.hide((i, j))


class _Flows:
    """The hidden cells as edges of a flow between row nodes and column nodes (see the module doc).

    Nodes 0..rows-1 are the grid's rows (the last one is the row of column totals), then come its
    columns. An arc from one node to another may carry one more unit of flow along a cell.
    """

    def __init__(self, grid: list[list[int]], reasons: list[list[Reason]], threshold: int,
                 fixed: frozenset[Cell] = frozenset()) -> None:
        self.grid = grid
        self.rows, self.columns = len(grid), len(grid[0])
        self.threshold = threshold
        nodes = self.rows + self.columns
        self.arcs: list[list[tuple[int, Cell]]] = [[] for _ in range(nodes)]
        # The arcs a shown cell would bring if it were hidden as secondary, for cheapest_cover.
        self.offers: list[list[tuple[int, Cell]]] = [[] for _ in range(nodes)]
        self.directions: dict[Cell, tuple[bool, bool]] = {}
        self._component_of: list[int] | None = None
        for i in range(self.rows):
            for j in range(self.columns):
                if (i, j) in fixed:
                    # Held at its value, hidden or not: neither a pipe of the flow nor one to offer.
                    continue
                reason = reasons[i][j]
                if reason:
                    self.directions[(i, j)] = self._room(i, j, reason)
                    self._add_arcs(self.arcs, (i, j), self.directions[(i, j)])
                else:
                    self._add_arcs(self.offers, (i, j), self._room(i, j, "secondary"))

    def hide(self, cell: Cell) -> None:
        """A shown cell becomes secondary: its offered arcs become real ones."""
        for node, arcs in enumerate(self.offers):
            self.offers[node] = [arc for arc in arcs if arc[1] != cell]
        self.directions[cell] = self._room(cell[0], cell[1], "secondary")
        self._add_arcs(self.arcs, cell, self.directions[cell])
        self._component_of = None

    def _add_arcs(self, arcs: list[list[tuple[int, Cell]]], cell: Cell, room: tuple[bool, bool]) -> None:
        i, j = cell
        can_rise, can_fall = room
        if can_rise:
            arcs[i].append((self.rows + j, cell))
        if can_fall:
            arcs[self.rows + j].append((i, cell))

    def _is_line_total(self, i: int, j: int) -> bool:
        return (i == self.rows - 1) != (j == self.columns - 1)

    def _room(self, i: int, j: int, reason: Reason) -> tuple[bool, bool]:
        """Whether the cell's flow may rise or fall by one without leaving what the reader knows."""
        value = self.grid[i][j]
        can_rise = reason == "secondary" or value < self.threshold - 1
        can_fall = value > (self.threshold if reason == "secondary" else 0)
        # A row or column total enters its line negated, so its flow runs the other way.
        return (can_fall, can_rise) if self._is_line_total(i, j) else (can_rise, can_fall)

    def is_free(self, cell: Cell) -> bool:
        """Whether some table that fits what is shown gives the hidden cell another value."""
        i, j = cell
        can_rise, can_fall = self.directions[cell]
        row_node, column_node = i, self.rows + j
        if can_rise != can_fall:
            # With one arc of its own, the cell lies on a cycle exactly when its ends share a component.
            components = self._components()
            return components[row_node] == components[column_node]
        return self._reaches(column_node, row_node, cell) or self._reaches(row_node, column_node, cell)

    def _components(self) -> list[int]:
        """Strongly connected components of the arcs (Kosaraju), computed once."""
        if self._component_of is not None:
            return self._component_of
        count = len(self.arcs)
        order: list[int] = []
        visited = [False] * count
        for root in range(count):
            if visited[root]:
                continue
            visited[root] = True
            stack = [(root, iter(self.arcs[root]))]
            while stack:
                node, pending = stack[-1]
                for target, _cell in pending:
                    if not visited[target]:
                        visited[target] = True
                        stack.append((target, iter(self.arcs[target])))
                        break
                else:
                    stack.pop()
                    order.append(node)
        reverse: list[list[int]] = [[] for _ in range(count)]
        for node, arcs in enumerate(self.arcs):
            for target, _cell in arcs:
                reverse[target].append(node)
        component = [-1] * count
        for root in reversed(order):
            if component[root] != -1:
                continue
            component[root] = root
            stack_nodes = [root]
            while stack_nodes:
                node = stack_nodes.pop()
                for source in reverse[node]:
                    if component[source] == -1:
                        component[source] = root
                        stack_nodes.append(source)
        self._component_of = component
        return component

    def _reaches(self, start: int, goal: int, without: Cell) -> bool:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for target, cell in self.arcs[node]:
                if cell == without or target in seen:
                    continue
                if target == goal:
                    return True
                seen.add(target)
                queue.append(target)
        return False

    def cheapest_cover(self, cell: Cell) -> list[Cell] | None:
        """The shown cells to hide that cost least and close a cycle through the exposed cell.

        Cost: totals hidden first (fewest), then the sum of the counts hidden, then the cells.
        """
        found = [option for option in (self.cover_one_way(cell, True), self.cover_one_way(cell, False))
                 if option is not None]
        return min(found)[1] if found else None

    def cover_one_way(self, cell: Cell, rising: bool) -> tuple[tuple[int, int], list[Cell]] | None:
        """The cheapest cover that lets the cell's flow rise (or fall), with its cost."""
        i, j = cell
        can_rise, can_fall = self.directions[cell]
        row_node, column_node = i, self.rows + j
        if rising:
            return self._cheapest_path(column_node, row_node, cell) if can_rise else None
        return self._cheapest_path(row_node, column_node, cell) if can_fall else None

    def _cheapest_path(self, start: int, goal: int, without: Cell) -> tuple[tuple[int, int], list[Cell]] | None:
        """Dijkstra over hidden arcs (free) and shown cells' offered arcs (their cost)."""
        best: dict[int, tuple[int, int]] = {start: (0, 0)}
        came: dict[int, tuple[int, Cell | None]] = {}
        heap: list[tuple[tuple[int, int], int]] = [((0, 0), start)]
        done: set[int] = set()
        while heap:
            cost, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            if node == goal:
                path = []
                while node != start:
                    node, shown = came[node]
                    if shown is not None:
                        path.append(shown)
                return cost, sorted(path)
            for arcs, priced in ((self.arcs[node], False), (self.offers[node], True)):
                for target, cell in arcs:
                    if cell == without or target in done:
                        continue
                    step = (int(self._is_total(cell)), self.grid[cell[0]][cell[1]]) if priced else (0, 0)
                    new = (cost[0] + step[0], cost[1] + step[1])
                    if target not in best or new < best[target]:
                        best[target] = new
                        came[target] = (node, cell if priced else None)
                        heapq.heappush(heap, (new, target))
        return None

    def _is_total(self, cell: Cell) -> bool:
        return cell[0] == self.rows - 1 or cell[1] == self.columns - 1
