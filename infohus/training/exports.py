"""Downloads of the cost report: CSV for any spreadsheet, XLSX for Excel.

The same rules as the interventions' downloads: CSV is UTF-8 with a byte order mark, so that Excel
reads "Ærø" as written; XLSX keeps numbers as numbers. Text from the data never runs as a formula
in the reader's spreadsheet (in CSV it gets a leading apostrophe; in XLSX it is stored as text).
A cost per participant that cannot be computed (no participants) is an empty cell.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from infohus.training.selectors.costs import CostReport

type Cell = str | int | Decimal | None
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name in XLSX (at most 31 characters there)
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table, filename: str) -> HttpResponse:
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
                    cell.data_type = "s"  # openpyxl reads text starting with "=" as a formula; this keeps it text
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


# --- the cost report ---------------------------------------------------------------------------------

def cost_tables(report: CostReport) -> tuple[Table, Table]:
    """The runs with their cost and counts (and a total row), and the participants by kind of
    organisation per run (and in total)."""
    total = _("Total")
    run_rows: list[list[Cell]] = [
        [r.run.course.title, r.run.course.get_kind_display(), r.run.starts_on.isoformat(), r.run.ends_on.isoformat(),
         r.run.get_status_display(), r.cost, r.enrolled, r.completed, r.per_enrolled, r.per_completed]
        for r in report.runs]
    run_rows.append([total, "", "", "", "", report.total_cost, report.enrolled, report.completed,
                     report.per_enrolled, report.per_completed])
    runs = Table(
        title=_("Cost per run"),
        header=[_("Course"), _("Kind of course"), _("Starts on"), _("Ends on"), _("Status"), _("Cost (DKK)"),
                _("Enrolled"), _("Completed"), _("Cost per enrolled participant (DKK)"),
                _("Cost per participant who completed (DKK)")],
        rows=run_rows)
    kind_rows: list[list[Cell]] = [[r.run.course.title, r.run.starts_on.isoformat(), *counts, r.enrolled]
                                   for r, counts in report.kind_rows()]
    kind_rows.append([total, "", *report.kind_totals(), report.enrolled])
    kinds = Table(title=_("By kind of organisation"),
                  header=[_("Course"), _("Starts on"), *(label for _value, label in report.kinds), _("Enrolled")],
                  rows=kind_rows)
    return runs, kinds
