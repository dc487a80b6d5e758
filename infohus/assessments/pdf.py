"""Printable summaries (PDF) for a case conference: one assessment, or the progress of a case.

Drawn with fpdf2 (pure Python, no network, no browser). What is printed is what the pages show:
answers as engine.display gives them and scale values as given. The only drawing is a line for
each participant through the values they gave; nothing is added up, averaged or coloured by level.

Fonts and the record of what was written (Document.written, for tests): infohus/core/pdf.py.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace

from infohus.assessments.engine import SCALE_MAX, SCALE_MIN
from infohus.assessments.models import Assessment, AssessmentAttachment, FieldKind
from infohus.assessments.selectors.access import AssessmentAccess
from infohus.assessments.selectors.reads import Progress, ScaleChart, WheelChart
from infohus.cases.models import Case
from infohus.core.pdf import HouseDocument

# Tests turn compression off to read the content stream of a core-font PDF.
COMPRESS = True

# Participants told apart without colour: each a marker and a dash pattern of its own (and a
# colour from a palette that colour-blind readers can tell apart, for those who see it).
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus")
DASHES: tuple[tuple[float, float], ...] = ((0, 0), (2.4, 1.2), (0.6, 0.9), (4.0, 1.4), (1.2, 1.2), (3.0, 0.6))
GRID_LINE = 4.5  # millimetres per line of text in a table
GRID_PADDING = 1
CHART_BLOCK = 105  # millimetres for a chart's heading, the chart, its legend and the table's first rows
PALETTE = ((0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167), (0, 0, 0), (230, 159, 0))

def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _moment(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _person_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


class Document(HouseDocument):
    """An A4 page with the house's header and footer; every text written through put()."""

    def __init__(self, *, title: str, draft: bool = False, printed: str = "") -> None:
        super().__init__(title=title, compress=COMPRESS)
        self.charts: list[dict[str, Any]] = []  # what each chart drew, for tests
        self.doc_title = title
        self.draft = draft
        self.printed = printed
        self.report_layout()

    def need(self, height: float) -> None:
        """A new page unless `height` millimetres are left on this one (to keep a heading with
        what follows it)."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, level: int = 1) -> None:
        sizes = {0: 17, 1: 14, 2: 12, 3: 10.5}
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(3 if level else 0)
        self.font(sizes.get(level, 10), bold=True)
        self.multi_cell(0, sizes.get(level, 10) * 0.5, self.put(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = 10, bold: bool = False, indent: float = 0) -> None:
        self.font(size, bold)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, size * 0.5, self.put(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def facts(self, rows: Iterable[tuple[str, str]]) -> None:
        """A two-column list of labels and values."""
        self.font(10)
        with self.table(col_widths=(55, 115), first_row_as_headings=False, text_align="LEFT",
                        borders_layout="HORIZONTAL_LINES", line_height=5.5) as table:
            for label, value in rows:
                row = table.row()
                row.cell(self.put(label), style=FontFace(emphasis="BOLD"))
                row.cell(self.put(value))
        self.ln(2)

    def grid(self, headings: Sequence[str], rows: Iterable[Sequence[str]], *, col_widths: Sequence[float] | None = None,
             first_column_bold: bool = True) -> None:
        """A table with a heading row, repeated on each new page. Drawn cell by cell (fpdf2's
        table() measures every cell with its line breaker, about 1 ms a cell): a cell is wrapped
        only when its text is wider than its column."""
        widths = list(col_widths) if col_widths else [1.0] * len(headings)
        widths = [w * self.epw / sum(widths) for w in widths]
        heading_texts = [self.put(text) for text in headings]

        def draw(values: Sequence[str], *, heading: bool = False) -> None:
            lines: list[list[str]] = []
            for i, text in enumerate(values):
                self.font(9, bold=heading or (first_column_bold and i == 0))
                room = widths[i] - 2 * GRID_PADDING
                if self.get_string_width(text) <= room:
                    lines.append([text])
                else:
                    wrapped = cast(list[str], self.multi_cell(room, GRID_LINE, text, dry_run=True, output="LINES"))
                    lines.append([str(line) for line in wrapped])
            height = max(len(cell) for cell in lines) * GRID_LINE + 2 * GRID_PADDING
            if not heading and self.get_y() + height > self.page_break_trigger:
                self.add_page()
                draw(heading_texts, heading=True)
            top, x = self.get_y(), self.l_margin
            self.set_draw_color(150)
            self.set_line_width(0.15)
            if heading:
                self.set_fill_color(235)
                self.rect(self.l_margin, top, self.epw, height, style="F")
            for i, cell in enumerate(lines):
                self.font(9, bold=heading or (first_column_bold and i == 0))
                for n, line in enumerate(cell):
                    self.set_xy(x + GRID_PADDING, top + GRID_PADDING + n * GRID_LINE)
                    self.cell(widths[i] - 2 * GRID_PADDING, GRID_LINE, line)
                self.rect(x, top, widths[i], height)
                x += widths[i]
            self.set_fill_color(255)
            self.set_draw_color(0)
            self.set_xy(self.l_margin, top + height)

        if self.get_y() + 3 * (GRID_LINE + 2 * GRID_PADDING) > self.page_break_trigger:
            self.add_page()
        draw(heading_texts, heading=True)
        for values in rows:
            draw([self.put(text) for text in values])
        self.ln(3)

    # --- page furniture ----------------------------------------------------------------------

    def header(self) -> None:
        self.font(8)
        self.set_text_color(80)
        self.cell(0, 4, self.clean(self.doc_title), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        if self.draft:
            self.font(11, bold=True)
            self.set_draw_color(0)
            self.set_line_width(0.6)
            text = _("DRAFT: not signed. The answers may still change.")
            self.cell(0, 8, self.put(text) if self.page_no() == 1 else self.clean(text), border=1, align="C",
                      new_x="LMARGIN", new_y="NEXT")
            self.set_line_width(0.2)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8)
        self.set_text_color(80)
        left = _("Confidential: personal data. Printed %(when)s.") % {"when": self.printed}
        self.cell(0, 5, self.clean(left), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, self.clean(_("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}),
                  align="R")
        self.set_text_color(0)

    # --- drawing -----------------------------------------------------------------------------

    def marker(self, kind: str, x: float, y: float, size: float = 1.3) -> None:
        """A point of a series: filled circle, open square, filled triangle, open diamond, ×, +."""
        self.set_dash_pattern()
        if kind == "circle":
            self.circle(x, y, size, style="FD")
        elif kind == "square":
            self.set_fill_color(255)
            self.rect(x - size, y - size, 2 * size, 2 * size, style="FD")
        elif kind == "triangle":
            self.polygon([(x, y - size * 1.2), (x + size * 1.1, y + size * 0.8), (x - size * 1.1, y + size * 0.8)],
                         style="FD")
        elif kind == "diamond":
            self.set_fill_color(255)
            self.polygon([(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3), (x - size * 1.3, y)],
                         style="FD")
        elif kind == "cross":
            self.line(x - size, y - size, x + size, y + size)
            self.line(x - size, y + size, x + size, y - size)
        else:
            self.line(x - size * 1.2, y, x + size * 1.2, y)
            self.line(x, y - size * 1.2, x, y + size * 1.2)

    def line_chart(self, *, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]],
                   height: float = 62, y_title: str = "") -> None:
        """Each series' values as given, one point per x label, a fixed axis from 0 to 10. A line
        joins two points only where the participant answered both times."""
        legend_height = 6 * ((len(series) + 2) // 3)
        if self.get_y() + height + legend_height + 14 > self.page_break_trigger:
            self.add_page()
        left = self.l_margin + 12
        width = self.epw - 16
        top = self.get_y() + 2
        bottom = top + height
        count = len(x_labels)

        def x_at(i: int) -> float:
            return left + width / 2 if count == 1 else left + 4 + i * (width - 8) / (count - 1)

        def y_at(value: float) -> float:
            return bottom - (value - SCALE_MIN) * height / (SCALE_MAX - SCALE_MIN)

        # Axes and a light grid at each whole number.
        self.font(7)
        self.set_line_width(0.1)
        for value in range(SCALE_MIN, SCALE_MAX + 1):
            self.set_draw_color(215)
            self.set_dash_pattern()
            self.line(left, y_at(value), left + width, y_at(value))
            self.text(left - 5, y_at(value) + 1, str(value))
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(left, top, left, bottom)
        self.line(left, bottom, left + width, bottom)
        if y_title:
            centre_x, centre_y = self.l_margin + 2, top + height / 2
            title = self.clean(y_title)
            with self.rotation(90, centre_x, centre_y):
                self.text(centre_x - self.get_string_width(title) / 2, centre_y, title)
        # Date labels: every one when they fit, else an even spread that keeps the first and last.
        shown = _spread(count, max(2, int(width // 21)))
        for i in shown:
            label = self.clean(x_labels[i])
            self.text(x_at(i) - self.get_string_width(label) / 2, bottom + 4, label)
            self.set_draw_color(0)
            self.line(x_at(i), bottom, x_at(i), bottom + 1)
        # The series; smaller markers when there are many points.
        size = 1.3 if count <= 40 else 0.9
        drawn = []
        for n, (label, values) in enumerate(series):
            colour = PALETTE[n % len(PALETTE)]
            self.set_draw_color(*colour)
            self.set_fill_color(*colour)
            self.set_line_width(0.45)
            dash, gap = DASHES[n % len(DASHES)]
            for i in range(count - 1):
                a, b = values[i], values[i + 1]
                if a is None or b is None:
                    continue
                self.set_dash_pattern(dash, gap)
                self.line(x_at(i), y_at(a), x_at(i + 1), y_at(b))
            self.set_line_width(0.3)
            for i, given in enumerate(values):
                if given is not None:
                    self.set_fill_color(*colour)
                    self.marker(MARKERS[n % len(MARKERS)], x_at(i), y_at(given), size)
            drawn.append({"label": label, "values": list(values), "marker": MARKERS[n % len(MARKERS)],
                          "dash": (dash, gap)})
        self.set_dash_pattern()
        self.set_draw_color(0)
        self.set_fill_color(255)
        self.set_line_width(0.2)
        # Legend: the marker and line sample of each participant, with their name.
        y = bottom + 10
        column = self.epw / 3
        for n, (label, _values) in enumerate(series):
            x = self.l_margin + (n % 3) * column
            row_y = y + (n // 3) * 6
            colour = PALETTE[n % len(PALETTE)]
            self.set_draw_color(*colour)
            self.set_fill_color(*colour)
            self.set_line_width(0.45)
            dash, gap = DASHES[n % len(DASHES)]
            self.set_dash_pattern(dash, gap)
            self.line(x, row_y, x + 12, row_y)
            self.set_line_width(0.3)
            self.marker(MARKERS[n % len(MARKERS)], x + 6, row_y)
            self.set_draw_color(0)
            self.font(8.5)
            self.text(x + 15, row_y + 1.2, self.put(label))
        self.set_dash_pattern()
        self.set_draw_color(0)
        self.set_fill_color(255)
        self.set_line_width(0.2)
        self.charts.append({"x_labels": list(x_labels), "series": drawn})
        self.set_y(y + legend_height + 2)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def _spread(count: int, most: int) -> list[int]:
    """Indexes of at most `most` labels spread evenly over count points, first and last included."""
    if count <= most:
        return list(range(count))
    step = (count - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


def _value(value: Any) -> str:
    return "" if value is None else str(value)


# --- one assessment -----------------------------------------------------------------------------

@dataclass
class Printed:
    by: Any
    at: datetime

    def text(self) -> str:
        return _("%(when)s by %(who)s") % {"when": _moment(self.at), "who": _person_name(self.by)}


def references(access: AssessmentAccess) -> list[tuple[str, str]]:
    """What the assessment belongs to: the case, and the concern when it was made at triage."""
    a, holder = access.assessment, access.holder
    rows = []
    if holder.case is not None:
        rows.append((_("Case"), holder.case.reference))
    if a.concern_id is not None:
        concern = holder.concern if holder.concern is not None else a.concern
        if concern is not None:
            rows.append((_("Concern"), concern.reference))
    return rows


def assessment_document(*, access: AssessmentAccess, sections: list[dict[str, Any]],
                        attachments: Sequence[AssessmentAttachment], printed: Printed) -> Document:
    """One assessment as it stands: what it belongs to, the instrument and version, the
    compartment, date, status and signature, then the answers by section."""
    a: Assessment = access.assessment
    instrument = a.version.instrument.name
    title = _("%(instrument)s, version %(number)s") % {"instrument": instrument, "number": a.version.number}
    doc = Document(title=title, draft=not a.is_signed, printed=printed.text())
    doc.heading(title, level=0)
    rows = references(access)
    rows += [
        (_("Instrument"), instrument),
        (_("Version"), str(a.version.number)),
        (_("Compartment"), str(a.get_compartment_display())),
        (_("Date of the assessment"), _date(a.assessed_on)),
        (_("Status"), str(a.get_status_display()) if a.is_signed else _("Draft (not signed)")),
    ]
    if a.is_signed:
        rows += [(_("Signed by"), _person_name(a.signed_by)), (_("Signed at"), _moment(a.signed_at))]
    rows.append((_("Started by"), _person_name(a.created_by)))
    if a.amends is not None:
        rows.append((_("Corrects"), _("the assessment of %(day)s") % {"day": _date(a.amends.assessed_on)}))
    doc.facts(rows)
    files: dict[str, list[str]] = {}
    for attachment in attachments:
        files.setdefault(attachment.field_key, []).append(attachment.original_name)
    for section in sections:
        doc.heading(section["section"].title, level=1)
        for row in section["rows"]:
            f = row["field"]
            lines = list(row["lines"])
            if f.kind == FieldKind.ATTACHMENT:
                lines = [_("Attached: %(name)s") % {"name": name} for name in files.get(f.key, [])]
            doc.paragraph(f.label, bold=True)
            if not lines:
                doc.paragraph(_("Not answered"), indent=4)
            for line in lines:
                doc.paragraph(line or " ", indent=4)
            doc.ln(1.5)
    return doc


# --- the progress of a case ---------------------------------------------------------------------

def scale_table(chart: ScaleChart) -> tuple[list[str], list[list[str]]]:
    headings = [_("Date")] + [s.label for s in chart.series]
    rows = [[_date(row.assessment.assessed_on)] + [_value(v) for v in row.values] for row in chart.rows]
    return headings, rows


def wheel_table(wheel: WheelChart) -> tuple[list[str], list[list[str]]]:
    previous = (_("Previous, %(day)s") % {"day": _date(wheel.previous.assessed_on)}) if wheel.previous else \
        _("Previous")
    latest = _("Latest, %(day)s") % {"day": _date(wheel.latest.assessed_on)}
    rows = []
    for n, (_key, label) in enumerate(wheel.areas):
        before = wheel.previous_values[n] if wheel.previous_values else None
        rows.append([label, _value(before), _value(wheel.latest_values[n])])
    return [_("Area"), previous, latest], rows


def progress_document(*, case: Case, progress: Progress, printed: Printed) -> Document:
    """The signed assessments of a case, each participant scale as a chart and a table, and the
    latest rating of each wheel beside the one before it."""
    title = _("Case %(reference)s: assessments over time") % {"reference": case.reference}
    doc = Document(title=title, printed=printed.text())
    doc.heading(title, level=0)
    doc.paragraph(_("Signed assessments only; every value is shown as it was given."), size=9)
    doc.ln(2)
    doc.heading(_("Signed assessments"), level=1)
    if not progress.assessments:
        doc.paragraph(_("No signed assessments that you may see."))
    else:
        corrected = {a.pk for a in progress.corrected}
        rows = []
        for a in sorted(progress.assessments, key=lambda x: (x.assessed_on, x.pk), reverse=True):
            note = _("corrected by a later assessment") if a.pk in corrected else ""
            rows.append([_date(a.assessed_on), a.version.instrument.name, str(a.version.number),
                         str(a.get_compartment_display()), _person_name(a.signed_by), note])
        doc.grid([_("Date"), _("Instrument"), _("Version"), _("Compartment"), _("Signed by"), _("Note")], rows,
                 col_widths=(24, 50, 18, 28, 32, 22))
    for chart in progress.scale_charts:
        doc.need(CHART_BLOCK)
        doc.heading(f"{chart.instrument}: {chart.label}", level=1)
        doc.line_chart(x_labels=[_date(row.assessment.assessed_on) for row in chart.rows],
                       series=[(s.label, [row.values[n] for row in chart.rows]) for n, s in enumerate(chart.series)],
                       y_title=_("scale 0 to 10"))
        headings, rows = scale_table(chart)
        doc.grid(headings, rows)
    for wheel in progress.wheels:
        doc.need(30 + 7 * min(len(wheel.areas), 12))  # a wheel's table on one page where it fits
        doc.heading(_("%(instrument)s: the latest rating and the one before") % {"instrument": wheel.instrument},
                    level=1)
        headings, rows = wheel_table(wheel)
        doc.grid(headings, rows, col_widths=(90, 40, 40))
    return doc
