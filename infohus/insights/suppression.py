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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext

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
    reasons: list[list[Reason]] = [["small" if value < limit else "" for value in row] for row in grid]
    # With no rows or no columns every total is an empty sum: all zero, all small, nothing to protect.
    withheld = len(grid) > 1 and len(grid[0]) > 1 and not _protect(grid, reasons, limit)
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
    table = suppress([[value] for value in values], threshold=threshold)
    return SuppressedSeries(
        values=[row[0] for row in table.cells],
        total=table.column_totals[0],
        threshold=table.threshold,
        withheld=table.withheld,
    )


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

    def __init__(self, grid: list[list[int]], reasons: list[list[Reason]], threshold: int) -> None:
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
        i, j = cell
        can_rise, can_fall = self.directions[cell]
        row_node, column_node = i, self.rows + j
        options = []
        if can_rise:
            options.append(self._cheapest_path(column_node, row_node, cell))
        if can_fall:
            options.append(self._cheapest_path(row_node, column_node, cell))
        found = [option for option in options if option is not None]
        return min(found)[1] if found else None

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
