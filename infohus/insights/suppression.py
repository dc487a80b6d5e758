"""Small-cell suppression of a published table of counts (interface; implemented by its owner).

A table is a grid of counts with its row totals, column totals and grand total, all published.
Primary suppression hides every count below the threshold; secondary suppression hides further
cells until no hidden value can be worked out from what is shown.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Reason = Literal["", "small", "secondary"]


@dataclass(frozen=True)
class Shown:
    """One published cell: its count, or hidden with the reason."""

    value: int | None
    reason: Reason = ""

    @property
    def hidden(self) -> bool:
        return self.reason != ""


@dataclass(frozen=True)
class SuppressedTable:
    cells: list[list[Shown]]
    row_totals: list[Shown]
    column_totals: list[Shown]
    grand_total: Shown
    threshold: int


def suppress(counts: Sequence[Sequence[int]], *, threshold: int | None = None) -> SuppressedTable:
    """The table as it may be published; threshold defaults to settings.INSIGHTS_MIN_CELL."""
    raise NotImplementedError
