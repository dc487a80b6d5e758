"""The certificate of a completed course run, as a PDF drawn with fpdf2 (pure Python, no network).

It says who completed which course, when and where, for which organisation, who trained them, and
the certificate number. Completion is a fact of attendance, so the certificate states attendance,
nothing more.

Fonts and the record of what was written (Certificate.written, for tests): infohus/core/pdf.py.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from infohus.core.pdf import HouseDocument
from infohus.training.models import Enrolment

COMPRESS = True


def _day(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


@dataclass(frozen=True)
class CertificateFacts:
    name: str
    organisation: str
    course: str
    course_kind: str
    starts_on: date
    ends_on: date
    completed_on: date
    place: str
    units: Sequence[tuple[str, date]]  # ("Day 1", its date)
    kept_by: str
    trainers: Sequence[str]
    number: str


class Certificate(HouseDocument):
    def __init__(self, *, title: str) -> None:
        super().__init__(title=title, compress=COMPRESS)
        self.set_margins(25, 25, 25)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_page()

    def line_of(self, text: str, *, size: float = 11, bold: bool = False, align: str = "C",
                space: float = 2) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.put(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(space)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def facts_of(enrolment: Enrolment, *, trainers: Sequence[str], units: Sequence[tuple[str, date]]) -> CertificateFacts:
    run = enrolment.run
    assert enrolment.completed_on is not None
    return CertificateFacts(
        name=enrolment.name, organisation=enrolment.organisation_name, course=run.course.title,
        course_kind=str(run.course.get_kind_display()), starts_on=run.starts_on, ends_on=run.ends_on,
        completed_on=enrolment.completed_on, place=run.place, units=units, kept_by=run.course.organisation.name,
        trainers=trainers, number=enrolment.certificate_number)


def certificate_document(facts: CertificateFacts) -> Certificate:
    doc = Certificate(title=_("Course certificate %(number)s") % {"number": facts.number})
    doc.ln(10)
    doc.line_of(_("Course certificate"), size=24, bold=True, space=10)
    doc.line_of(_("This certifies that"), size=12)
    doc.line_of(facts.name, size=20, bold=True)
    doc.line_of(facts.organisation, size=12, space=8)
    doc.line_of(_("took part in every day of the course"), size=12)
    doc.line_of(facts.course, size=16, bold=True)
    doc.line_of(facts.course_kind, size=11, space=6)
    if facts.starts_on == facts.ends_on:
        held = _("held on %(day)s") % {"day": _day(facts.starts_on)}
    else:
        held = _("held from %(start)s to %(end)s") % {"start": _day(facts.starts_on), "end": _day(facts.ends_on)}
    if facts.place:
        held = _("%(held)s at %(place)s") % {"held": held, "place": facts.place}
    doc.line_of(held, size=12, space=10)

    rows = [
        (_("Days attended"), "; ".join(f"{name}: {_day(day)}" for name, day in facts.units)),
        (_("Completed on"), _day(facts.completed_on)),
        (_("Course offered by"), facts.kept_by),
        (_("Trainers"), ", ".join(facts.trainers) or "—"),
        (_("Certificate number"), facts.number),
    ]
    doc.set_font(doc.family, "", 10)
    with doc.table(col_widths=(50, 110), first_row_as_headings=False, text_align="LEFT",
                   borders_layout="HORIZONTAL_LINES", line_height=6) as table:
        for label, value in rows:
            row = table.row()
            row.cell(doc.put(label))
            row.cell(doc.put(value))
    doc.ln(8)
    doc.line_of(_("Issued through Infohus. The certificate number identifies the enrolment; the organisation that "
                  "offered the course can confirm it."), size=8, align="L")
    return doc
