"""The dashboard's tables as downloads (infohus.core.exports): the same suppressed figures as the
page, so a download never holds a count the page hides. A hidden cell is written as its mark
("<5", "–", "hidden"), a shown one as a number."""

from decimal import Decimal

from django.utils.translation import gettext as _

from infohus.core.exports import Cell, Table
from infohus.insights.selectors.dashboard import Block, Figure, Filter


def cell(figure: Figure | None) -> Cell:
    if figure is None:
        return None
    if figure.hidden or figure.value is None:
        return figure.text
    if isinstance(figure.value, float):
        return Decimal(str(figure.value))
    return figure.value


def block_table(block: Block) -> Table:
    """One table: a row per line (with its total where the page shows one), then the totals."""
    totals = bool(block.total_heading) and any(line.total is not None for line in block.lines)
    header = [block.row_heading, *(label for _key, label in block.columns), *([block.total_heading] if totals else [])]
    rows: list[list[Cell]] = [[line.label, *(cell(c) for c in line.cells), *([cell(line.total)] if totals else [])]
                              for line in block.lines]
    if block.column_totals is not None:
        rows.append([_("Total"), *(cell(c) for c in block.column_totals),
                     *([cell(block.grand_total)] if totals else [])])
    return Table(title=block.title, header=header, rows=rows)


def file_stem(chosen: Filter, table: str) -> str:
    """A name that says what the file holds: the table, the period and the area (by its id)."""
    described = chosen.describe()
    area = (f"-municipality-{described['municipality']}" if described["municipality"]
            else f"-district-{described['district']}" if described["district"] else "")
    return f"insights-{table}-{described['from']}-{described['to']}{area}"
