"""Downloads of a table, for every app: CSV for any spreadsheet, XLSX for Excel.

A table is a header row and rows of cells (text, int or Decimal). CSV is UTF-8 with a byte order
mark, so that Excel reads "Ærø" as written; XLSX keeps numbers as numbers. Text from the data can
never run as a formula in the reader's spreadsheet: in CSV, text that a spreadsheet would read as
one (starting with = + - @) gets a leading apostrophe; in XLSX every text cell is stored as text.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

type Cell = str | int | Decimal | None  # None: an empty cell (e.g. a cost per participant with none)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name in XLSX (at most 31 characters there)
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    return _safe_text(value) if isinstance(value, str) else str(value)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table, filename: str) -> HttpResponse:
    """The table as a CSV download: a header row, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in table.header])
    writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    body = "\ufeff" + buffer.getvalue()
    return _attachment(HttpResponse(body.encode("utf-8"), content_type=CSV_TYPE), filename)


def xlsx_workbook(tables: Iterable[Table]) -> bytes:
    """One sheet per table, each with a bold header row and numeric cells for numbers."""
    workbook = Workbook()
    first = True
    for table in tables:
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = table.title[:31]
        sheet.append(list(table.header))
        for row in table.rows:
            sheet.append(list(row))
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    # openpyxl reads text starting with "=" as a formula; this keeps it text.
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, header in zip(sheet.columns, table.header, strict=False):
            width = max([len(header), *(len(str(c.value or "")) for c in column)])
            sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(tables: Iterable[Table], filename: str) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_workbook(tables), content_type=XLSX_TYPE), filename)
