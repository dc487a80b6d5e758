"""Research projects and their pseudonymised extracts.

An analyst proposes a project: its purpose, who will use the data, the period of concerns, the
fields from the research catalogue, the quasi-identifiers among them and the smallest group size k.
A direct identifier is refused with the reason the catalogue gives. The data protection officer
approves (a random 32-byte key is made and stored encrypted like national identifiers) or refuses
with a note.

The data protection officer then makes extracts. Each row carries a keyed pseudonym
(HMAC-SHA256 of the person's id under the project key: stable within a project, unlinkable across
projects and irreversible without the key); dates are coarsened to the month or shifted by a number
of days fixed per person, so that intervals survive. Before anything is released, k-anonymity is
checked on the released values of the quasi-identifiers, counting people rather than rows (a person
with three concerns is still one person in a group). Every attempt, released or refused, is logged in
ResearchExtract and the audit trail, with counts and the CSV's SHA-256 but never the data.
"""

import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infohus.audit.services import record_event
from infohus.cases.identifiers import decrypt, encrypt
from infohus.core.exports import Cell, Table, csv_response
from infohus.insights import research_catalogue as catalogue
from infohus.insights.models import ResearchExtract, ResearchProject
from infohus.insights.selectors.research import SourceRow, SourceValue, source_rows

PURPOSE = "research extract"
OBJECT_TYPE = "research_project"
MAX_K = 1000
SHIFT_DAYS = 30  # dates move by at most this many days either way
PSEUDONYM_LENGTH = 20  # hex characters: 80 bits, no collision to fear at national scale
S = ResearchProject.Status


# --- proposing and deciding ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ProposalData:
    title: str
    purpose: str
    researchers: str
    period_start: date
    period_end: date
    columns: Sequence[str]  # catalogue keys (the project's `fields`)
    quasi_identifiers: Sequence[str]
    k: int
    dates: str


def _label(key: str) -> str:
    found = catalogue.field(key)
    return str(found.label) if found is not None else key


def _field_errors(keys: Iterable[str]) -> list[str]:
    errors = []
    for key in keys:
        identifier = catalogue.direct_identifier(key)
        if identifier is not None:
            errors.append(_("“%(label)s” is a direct identifier and never leaves the platform: %(why)s")
                          % {"label": identifier.label, "why": identifier.why})
        elif catalogue.field(key) is None:
            errors.append(_("“%(key)s” is not in the research catalogue.") % {"key": key})
    return errors


def _in_catalogue_order(keys: Iterable[str]) -> list[str]:
    chosen = set(keys)
    return [f.key for f in catalogue.FIELDS if f.key in chosen]


def validate_proposal(data: ProposalData) -> None:
    """ValidationError at the fields that break a rule, with the reason."""
    errors: dict[str, list[str]] = defaultdict(list)
    field_errors = _field_errors(data.columns)
    errors["columns"] += field_errors
    if not data.columns:
        errors["columns"].append(_("Choose at least one field."))
    errors["quasi_identifiers"] += _field_errors(q for q in data.quasi_identifiers if q not in data.columns)
    if not field_errors:
        outside = [q for q in data.quasi_identifiers if q not in data.columns and catalogue.field(q) is not None]
        if outside:
            errors["quasi_identifiers"].append(
                _("A quasi-identifier must be one of the chosen fields: %(labels)s.")
                % {"labels": ", ".join(_label(q) for q in outside)})
        missing = [f for f in catalogue.FIELDS if f.quasi and f.key in data.columns
                   and f.key not in data.quasi_identifiers]
        if missing:
            errors["quasi_identifiers"].append(
                _("%(labels)s can single a person out in combination with other fields: count them among the "
                  "quasi-identifiers, or leave them out of the extract.")
                % {"labels": ", ".join(str(f.label) for f in missing)})
    if not settings.INSIGHTS_MIN_CELL <= data.k <= MAX_K:
        errors["k"].append(_("The smallest group must be between %(low)s and %(high)s people.")
                           % {"low": settings.INSIGHTS_MIN_CELL, "high": MAX_K})
    if data.dates not in ResearchProject.Dates.values:
        errors["dates"].append(_("Choose how dates are made less precise."))
    if data.period_end < data.period_start:
        errors["period_end"].append(_("The period must end on or after the day it starts."))
    for name in ("title", "purpose", "researchers"):
        if not getattr(data, name).strip():
            errors[name].append(_("This is needed for the data protection officer to decide."))
    if any(errors.values()):
        raise ValidationError({name: messages for name, messages in errors.items() if messages})


@transaction.atomic
def propose_project(*, actor: Any, organisation: Any, data: ProposalData) -> ResearchProject:
    """An analyst's proposal, waiting for the data protection officer."""
    validate_proposal(data)
    project = ResearchProject.objects.create(
        title=data.title.strip(), purpose=data.purpose.strip(), researchers=data.researchers.strip(),
        period_start=data.period_start, period_end=data.period_end, fields=_in_catalogue_order(data.columns),
        quasi_identifiers=_in_catalogue_order(data.quasi_identifiers), k=data.k, dates=data.dates,
        proposed_by=actor)
    record_event(action="insights.research_proposed", actor=actor, organisation=organisation,
                 object_type=OBJECT_TYPE, object_id=project.pk,
                 details={"fields": project.fields, "quasi_identifiers": project.quasi_identifiers, "k": project.k,
                          "dates": project.dates})
    return project


@transaction.atomic
def decide_project(*, actor: Any, organisation: Any, project: ResearchProject, approve: bool,
                   note: str) -> ResearchProject:
    """The data protection officer's decision. Approval makes the project's key."""
    locked = ResearchProject.objects.select_for_update().get(pk=project.pk)
    if locked.status != S.PROPOSED:
        raise ValidationError(_("This project has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the project is refused; the analyst reads it.")})
    locked.status = S.APPROVED if approve else S.REFUSED
    if approve:
        locked.key_encrypted = encrypt(secrets.token_bytes(32).hex())
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.version += 1
    locked.save(update_fields=["status", "key_encrypted", "decided_by", "decided_at", "decision_note", "version"])
    record_event(action="insights.research_decided", actor=actor, organisation=organisation,
                 object_type=OBJECT_TYPE, object_id=locked.pk, details={"decision": locked.status})
    return locked


# --- pseudonyms and dates -------------------------------------------------------------------------------

def _subject(row: SourceRow) -> str:
    # A concern without a person record is its own subject: it shifts alone and counts as one person.
    return f"person:{row.person_id}" if row.person_id is not None else f"concern:{row.concern_id}"


def pseudonym(key: bytes, person_id: int) -> str:
    """The person's pseudonym in the project whose key this is."""
    return hmac.new(key, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def shift_days(key: bytes, subject: str) -> int:
    """The subject's fixed shift, from -SHIFT_DAYS to +SHIFT_DAYS, derived from the key."""
    digest = hmac.new(key, f"shift:{subject}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") % (2 * SHIFT_DAYS + 1) - SHIFT_DAYS


def _date(value: date, dates: str, shift: int) -> str:
    if dates == ResearchProject.Dates.SHIFT:
        return (value + timedelta(days=shift)).isoformat()
    return f"{value:%Y-%m}"


def _cell(value: SourceValue, kind: str, dates: str, shift: int) -> Cell:
    if value is None:
        return None
    if kind == "date" and isinstance(value, date):
        return _date(value, dates, shift)
    assert not isinstance(value, date)
    return value


# --- k-anonymity -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KCheck:
    rows: int
    people: int
    smallest_group: int | None  # people in the smallest group; None when there are no rows
    rows_below_k: int
    people_below_k: int
    # For each quasi-identifier: how many rows would still be in small groups without it.
    without: dict[str, int]

    @property
    def passed(self) -> bool:
        return self.rows_below_k == 0


def _groups(rows: Sequence[tuple[str, tuple[Cell, ...]]]) -> dict[tuple[Cell, ...], set[str]]:
    groups: dict[tuple[Cell, ...], set[str]] = defaultdict(set)
    for subject, combination in rows:
        groups[combination].add(subject)
    return groups


def _rows_below(rows: Sequence[tuple[str, tuple[Cell, ...]]], k: int) -> tuple[int, int, int | None]:
    groups = _groups(rows)
    small = {combination for combination, people in groups.items() if len(people) < k}
    rows_below = sum(1 for _who, combination in rows if combination in small)
    people_below = sum(len(groups[c]) for c in small)
    smallest = min((len(people) for people in groups.values()), default=None)
    return rows_below, people_below, smallest


def check_k_anonymity(rows: Sequence[tuple[str, tuple[Cell, ...]]], quasi_identifiers: Sequence[str],
                      k: int) -> KCheck:
    """rows: (subject, the released values of the quasi-identifiers in order). A group is the people
    who share one combination; every group must hold at least k people."""
    rows_below, people_below, smallest = _rows_below(rows, k)
    without: dict[str, int] = {}
    if rows_below and len(quasi_identifiers) > 1:
        for i, name in enumerate(quasi_identifiers):
            fewer = [(subject, values[:i] + values[i + 1:]) for subject, values in rows]
            without[name] = _rows_below(fewer, k)[0]
    return KCheck(rows=len(rows), people=len({subject for subject, _values in rows}), smallest_group=smallest,
                  rows_below_k=rows_below, people_below_k=people_below, without=without)


def refusal_text(check: KCheck, quasi_identifiers: Sequence[str], k: int) -> str:
    """Why nothing was released, and what would help."""
    labels = [_label(q) for q in quasi_identifiers]
    text = ngettext(
        "%(rows)s of %(total)s rows (%(people)s people) are in groups of fewer than %(k)s people sharing the same "
        "%(qis)s; the smallest group has %(smallest)s person.",
        "%(rows)s of %(total)s rows (%(people)s people) are in groups of fewer than %(k)s people sharing the same "
        "%(qis)s; the smallest group has %(smallest)s people.",
        check.smallest_group or 0,
    ) % {"rows": check.rows_below_k, "total": check.rows, "people": check.people_below_k, "k": k,
         "qis": ", ".join(labels) if labels else _("(no quasi-identifiers: all rows are one group)"),
         "smallest": check.smallest_group}
    advice = [text, _("Nothing was released.")]
    if check.without:
        ranked = sorted(check.without.items(), key=lambda item: (item[1], quasi_identifiers.index(item[0])))
        advice.append(_("Rows that would still be in small groups without each quasi-identifier: %(list)s.") % {
            "list": "; ".join(f"{_label(q)}: {n}" for q, n in ranked)})
        advice.append(_("Coarsen or drop “%(best)s” first (a new project with fewer or coarser fields), choose "
                        "dates by month, or widen the period.")
                      % {"best": _label(ranked[0][0])})
    else:
        advice.append(_("Drop or coarsen quasi-identifiers (a new project with fewer or coarser fields), choose "
                        "dates by month, or widen the period."))
    return " ".join(advice)


# --- the extract -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExtractOutcome:
    extract: ResearchExtract
    table: Table | None  # None when refused: nothing is delivered
    filename: str = ""

    @property
    def released(self) -> bool:
        return self.table is not None


def project_key(project: ResearchProject) -> bytes | None:
    """The project's key, or None when it cannot be read (never made, or the settings key changed)."""
    plain = decrypt(project.key_encrypted)
    try:
        key = bytes.fromhex(plain)
    except ValueError:
        return None
    return key if len(key) == 32 else None


type Subjects = list[tuple[str, tuple[Cell, ...]]]


def build_table(project: ResearchProject, key: bytes, rows: Iterable[SourceRow]) -> tuple[Table, Subjects]:
    """The released table, and each row's subject with its quasi-identifier values for the check."""
    chosen = [f for f in map(catalogue.field, project.fields) if f is not None]
    positions = {f.key: i for i, f in enumerate(chosen)}
    table_rows: list[list[Cell]] = []
    subjects: Subjects = []
    for row in rows:
        subject = _subject(row)
        shift = shift_days(key, subject)
        cells = [_cell(row.values.get(f.key), f.kind, project.dates, shift) for f in chosen]
        table_rows.append([pseudonym(key, row.person_id) if row.person_id is not None else "", *cells])
        subjects.append((subject, tuple(cells[positions[q]] for q in project.quasi_identifiers if q in positions)))
    header = [catalogue.PSEUDONYM, *(f.key for f in chosen)]
    return Table(title=_("Research extract"), header=header, rows=table_rows), subjects


def _log(*, actor: Any, organisation: Any, project: ResearchProject, rows: int, smallest: int | None,
         released: bool, refusal: str = "", sha256: str = "") -> ResearchExtract:
    extract = ResearchExtract.objects.create(
        project=project, made_by=actor, fields=project.fields, quasi_identifiers=project.quasi_identifiers,
        row_count=rows, smallest_group=smallest, released=released, refusal=refusal, sha256=sha256)
    record_event(action="insights.research_extract", actor=actor, organisation=organisation,
                 object_type=OBJECT_TYPE, object_id=project.pk, purpose=PURPOSE,
                 details={"extract": extract.pk, "released": released, "rows": rows, "smallest_group": smallest,
                          "fields": project.fields, "quasi_identifiers": project.quasi_identifiers,
                          "sha256": sha256})
    return extract


@transaction.atomic
def make_extract(*, actor: Any, organisation: Any, project: ResearchProject) -> ExtractOutcome:
    """Make the project's extract, check k-anonymity, and log the attempt. The table is returned only
    when every group holds at least k people; the caller delivers it and keeps no copy."""
    if project.status != S.APPROVED:
        raise ValidationError(_("Only an approved project can have an extract."))
    key = project_key(project)
    if key is None:
        extract = _log(actor=actor, organisation=organisation, project=project, rows=0, smallest=None,
                       released=False, refusal=_("The project's key cannot be read, so no pseudonyms can be made. "
                                                 "Nothing was released."))
        return ExtractOutcome(extract=extract, table=None)
    table, subjects = build_table(project, key, source_rows(project))
    check = check_k_anonymity(subjects, project.quasi_identifiers, project.k)
    if not check.passed:
        extract = _log(actor=actor, organisation=organisation, project=project, rows=check.rows,
                       smallest=check.smallest_group, released=False,
                       refusal=refusal_text(check, project.quasi_identifiers, project.k))
        return ExtractOutcome(extract=extract, table=None)
    filename = f"research-{project.pk}-{timezone.localdate():%Y%m%d}.csv"
    digest = hashlib.sha256(csv_response(table, filename).content).hexdigest()
    extract = _log(actor=actor, organisation=organisation, project=project, rows=check.rows,
                   smallest=check.smallest_group, released=True, sha256=digest)
    return ExtractOutcome(extract=extract, table=table, filename=filename)

