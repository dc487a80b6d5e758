"""The readable form of a subject access export (PDF): what was released and what was withheld,
then a heading per kind of record and each record as a table of its fields.

It prints exactly the records of the export (infohus.privacy.selectors.subject_access), nothing
read anew. Fonts and the record of what was written (HouseDocument.written, for tests):
infohus/core/pdf.py.
"""

import json
from datetime import date, datetime
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from infohus.accounts.roles import Compartment
from infohus.core.pdf import HouseDocument
from infohus.privacy.selectors.subject_access import KINDS, Export

COMPRESS = True  # tests may turn it off
LINE = 4.6  # millimetres per line of text in a record's table
PADDING = 1.0
LABEL_WIDTH = 52

# Headings of the fields, by the stable keys of the export. A key not here is printed as it is.
LABELS: dict[str, Any] = {
    "id": _l("Number in the register"), "compartment": _l("Compartment"), "first_name": _l("First name"),
    "last_name": _l("Last name"), "birth_date": _l("Birth date"),
    "identifier_country": _l("Country of the identifier"), "identifier": _l("National identifier"),
    "gender": _l("Gender"), "municipality": _l("Municipality"), "languages": _l("Languages"),
    "phone": _l("Telephone"), "email": _l("E-mail address"), "address": _l("Address"), "created_at": _l("Recorded"),
    "updated_at": _l("Last changed"), "anonymised_at": _l("Anonymised"), "name": _l("Name"),
    "relation": _l("Relation"), "contact": _l("Contact details"), "reference": _l("Reference"),
    "status": _l("Status"), "channel": _l("Received by"), "received_at": _l("Received"),
    "info_house": _l("Info house"), "institution": _l("Institution"), "observed": _l("What was seen or heard"),
    "observed_on": _l("When"), "observed_where": _l("Where"), "worries": _l("What worried the reporter"),
    "immediate_danger": _l("Immediate danger"), "urgent": _l("Urgent"), "extremism": _l("Kind of extremism"),
    "person_described": _l("The person as described"), "outcome_for_reporter": _l("Outcome told to the reporter"),
    "concern": _l("Concern"), "conclusion": _l("Conclusion"), "decision": _l("Decision"),
    "assessed_at": _l("Assessed"), "kind": _l("Kind"), "reason": _l("Reason"), "decided_on": _l("Decided on"),
    "referred_project": _l("Project referred to"), "case": _l("Case"), "content_type": _l("Type of file"),
    "size": _l("Size (bytes)"), "uploaded_at": _l("Uploaded"), "shared_by": _l("Shared by"),
    "shared_with": _l("Shared with"), "summary": _l("Summary"), "legal_basis": _l("Legal basis"),
    "other_law": _l("The law"), "purpose": _l("Purpose"), "disclosed_at": _l("Shared on"),
    "owner": _l("Owning organisation"), "opened_at": _l("Opened"), "closed_at": _l("Closed"),
    "outcome": _l("Outcome"), "closure_reason": _l("Reason for closing"),
    "review_every_months": _l("Review every (months)"), "next_review_on": _l("Next review"), "role": _l("Role"),
    "organisation": _l("Organisation"), "compartments": _l("Compartments seen"), "active": _l("Active"),
    "added_at": _l("Added"), "text": _l("Text"), "written_at": _l("Written"), "held_on": _l("Held on"),
    "title": _l("Task"), "due_on": _l("Due"), "done_at": _l("Done"), "given_by": _l("Given by"),
    "scope": _l("What the consent covers"), "given_on": _l("Given on"), "withdrawn_on": _l("Withdrawn on"),
    "instrument": _l("Instrument"), "version": _l("Version"), "assessed_on": _l("Date of the assessment"),
    "signed_at": _l("Signed"), "corrects": _l("Corrects assessment number"), "assessment": _l("Assessment number"),
    "field": _l("Field"), "provider_organisation": _l("Providing organisation"), "provider_project": _l("Project"),
    "started_on": _l("Started on"), "ended_on": _l("Ended on"), "outcome_reason": _l("Reason for the outcome"),
    "description": _l("What the intervention is for"), "treatment": _l("Treatment"), "what": _l("Goal"),
    "by_when": _l("By when"), "how_we_know": _l("How we will know"), "intervention": _l("Intervention number"),
    "duration_minutes": _l("Duration (minutes)"), "mode": _l("Mode"), "with_person": _l("The person took part"),
    "family": _l("Family members who took part"), "notes": _l("Notes"), "next_appointment": _l("Next appointment"),
    "borrowing_municipality": _l("Borrowing municipality"), "lending_municipality": _l("Lending municipality"),
    "role_needed": _l("Role needed"), "needs": _l("Needs"), "hours_per_month": _l("Expected hours per month"),
    "decline_reason": _l("Reason for declining"), "end_reason": _l("Reason for ending"), "sent_at": _l("Sent"),
    "accepted_at": _l("Accepted"), "ended_at": _l("Ended"), "occurred_at": _l("When"), "action": _l("What was done"),
    "object_type": _l("Kind of record"), "object_id": _l("Record number"),
}
COMPARTMENT_LABELS = dict(Compartment.choices)


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else \
        value.strftime("%Y-%m-%d %H:%M")


def text_of(value: Any) -> str:
    """A value as printed: dates as YYYY-MM-DD, yes or no, structures as compact JSON."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def printed_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A record's fields as (label, text): labels of choices instead of their codes, the
    compartment by name, empty fields left out, each answer of an assessment on its own row."""
    rows = []
    for key, value in record.items():
        if key.endswith("_display") or value is None or value == "" or key == "answers":
            continue
        if key == "compartment":
            value = COMPARTMENT_LABELS.get(value, value)
        shown = record.get(f"{key}_display") or value
        rows.append((str(LABELS.get(key, key)), text_of(shown)))
    for answer in record.get("answers") or []:
        rows.append((str(answer["label"]), answer["text"]))
    return rows


class Document(HouseDocument):
    def __init__(self, *, title: str, printed: str) -> None:
        super().__init__(title=title, compress=COMPRESS)
        self.doc_title = title
        self.printed = printed
        self.report_layout()

    def header(self) -> None:
        self.font(8)
        self.set_text_color(80)
        self.cell(0, 4, self.clean(self.doc_title), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8)
        self.set_text_color(80)
        self.cell(0, 5, self.clean(_("Confidential: personal data. Made %(when)s.") % {"when": self.printed}))
        self.set_x(self.l_margin)
        self.cell(0, 5, self.clean(_("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}),
                  align="R")
        self.set_text_color(0)

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 16, 1: 13, 2: 10.5}.get(level, 10)
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(3 if level else 0)
        self.font(size, bold=True)
        self.multi_cell(0, size * 0.5, self.put(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = 10) -> None:
        self.font(size)
        self.multi_cell(0, size * 0.5, self.put(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def _wrapped(self, text: str, width: float) -> list[str]:
        if "\n" not in text and self.get_string_width(text) <= width:
            return [text]
        lines = cast(list[str], self.multi_cell(width, LINE, text, dry_run=True, output="LINES"))
        return [str(line) for line in lines] or [""]

    def record(self, rows: list[tuple[str, str]]) -> None:
        """One record as a two-column table, label and value, a row at a time (drawn directly:
        fpdf2's table() measures each cell with its line breaker, too slow for thousands)."""
        value_width = self.epw - LABEL_WIDTH
        for label, value in rows:
            label, value = self.put(label), self.put(value)
            self.font(9, bold=True)
            left = self._wrapped(label, LABEL_WIDTH - 2 * PADDING)
            self.font(9)
            right = self._wrapped(value, value_width - 2 * PADDING)
            height = max(len(left), len(right)) * LINE + 2 * PADDING
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            top = self.get_y()
            self.set_draw_color(170)
            self.set_line_width(0.15)
            for lines, x, width, bold in ((left, self.l_margin, LABEL_WIDTH, True),
                                          (right, self.l_margin + LABEL_WIDTH, value_width, False)):
                self.font(9, bold=bold)
                for n, line in enumerate(lines):
                    self.set_xy(x + PADDING, top + PADDING + n * LINE)
                    self.cell(width - 2 * PADDING, LINE, line)
                self.rect(x, top, width, height)
            self.set_draw_color(0)
            self.set_xy(self.l_margin, top + height)
        self.ln(3)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def export_document(result: Export) -> Document:
    person = result.person
    title = _("Subject access: what Infohus holds about %(name)s") % {"name": str(person)}
    doc = Document(title=_("Subject access request"), printed=_moment(result.generated_at))
    doc.heading(title, level=0)
    doc.paragraph(_("Made %(when)s for the person with number %(id)s in the register.")
                  % {"when": _moment(result.generated_at), "id": person.pk})
    released = ", ".join(str(COMPARTMENT_LABELS[c]) for c in result.released)
    doc.paragraph(_("Compartments released: %(list)s.") % {"list": released})
    if result.withheld:
        withheld = "; ".join(
            ngettext("%(compartment)s: %(count)s record", "%(compartment)s: %(count)s records", n)
            % {"compartment": COMPARTMENT_LABELS[c], "count": n}
            for c, n in result.withheld.items())
        doc.paragraph(_("Compartments withheld, and the records left out: %(list)s.") % {"list": withheld})
    doc.paragraph(_("Professionals are named by role and organisation. Who reported a concern is not given."),
                  size=9)
    for kind, kind_title in KINDS:
        records = result.records.get(kind, [])
        doc.heading(f"{kind_title} ({len(records)})", level=1)
        if not records:
            doc.paragraph(_("None in the compartments released."), size=9)
        for record in records:
            doc.record(printed_rows(record))
    return doc
