"""Subject access (GDPR art. 15): everything the platform holds about one person, assembled from
each app's own subject access function, with the compartments the data protection officer chose
to release.

Each app gives its rows as dicts with "id", "compartment" and stable keys (see
infohus/cases/selectors/subject_access.py); this module puts them together, leaves out the
compartments not released and counts what it left out, and writes every search, view, export and
refusal to the audit trail (which compartments and formats, never what was in them).
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment
from infohus.assessments.selectors.subject_access import assessments_of
from infohus.audit.services import record_event
from infohus.audit.subject_access import events_about
from infohus.cases.models import Person
from infohus.cases.selectors.subject_access import find_people, holdings_of, person_by_pk
from infohus.interventions.selectors.subject_access import interventions_of
from infohus.privacy.models import LegalHold

FORMAT = "infohus.subject-access/1"
COMPARTMENTS: tuple[str, ...] = tuple(c.value for c in Compartment)
COMPARTMENT_CHOICES: tuple[tuple[str, Any], ...] = tuple((c.value, c.label) for c in Compartment)

# Every kind of record, in the order of the export, with its heading.
KINDS: tuple[tuple[str, Any], ...] = (
    ("person", _("The person record")),
    ("network", _("Network: relatives and others around the person")),
    ("concerns", _("Concerns")),
    ("concern_attachments", _("Files attached to concerns")),
    ("local_assessments", _("Local assessments of concerns")),
    ("triage_decisions", _("Decisions of the Info house")),
    ("disclosures", _("Disclosures to other authorities")),
    ("cases", _("Cases")),
    ("team", _("Case teams: roles and organisations")),
    ("notes", _("Case notes")),
    ("reviews", _("Case reviews")),
    ("tasks", _("Tasks")),
    ("consents", _("Consents")),
    ("case_attachments", _("Files attached to cases")),
    ("assessments", _("Assessments")),
    ("assessment_attachments", _("Files attached to assessments")),
    ("interventions", _("Interventions")),
    ("goals", _("Goals")),
    ("sessions", _("Sessions")),
    ("lending_requests", _("Requests to borrow a mentor")),
    ("audit_events", _("Who read or wrote the person's data")),
)
KIND_TITLES = dict(KINDS)

type Record = dict[str, Any]


class Actions:
    SEARCH = "privacy.subject_access.search"
    VIEWED = "privacy.subject_access.viewed"
    EXPORTED = "privacy.subject_access.exported"
    REFUSED = "privacy.subject_access.refused"


@dataclass(frozen=True)
class Holdings:
    person: Person
    records: dict[str, list[Record]]


@dataclass(frozen=True)
class SummaryRow:
    kind: str
    title: str
    total: int
    by_compartment: list[int]  # in the order of COMPARTMENTS


@dataclass(frozen=True)
class Export:
    person: Person
    generated_at: datetime
    released: list[str]
    withheld: dict[str, int]  # every compartment not released: how many records it held
    records: dict[str, list[Record]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.records.values())


# --- finding and fetching ------------------------------------------------------------------

def search(*, actor: Any, organisation: Any, reference: str = "", identifier: str = "",
           identifier_country: str = "DK", name: str = "", birth_date: date | None = None) -> list[Person]:
    """People matching the criteria (see cases' find_people), audited with the criteria used
    (never their values) and the records found; person_id when exactly one was found."""
    found = find_people(reference=reference, identifier=identifier, identifier_country=identifier_country,
                        name=name, birth_date=birth_date)
    given = (("reference", reference), ("identifier", identifier), ("name", name), ("birth_date", birth_date))
    record_event(action=Actions.SEARCH, actor=actor, organisation=organisation, object_type="person",
                 person_id=found[0].pk if len(found) == 1 else "",
                 details={"criteria": [key for key, value in given if value], "found": [p.pk for p in found]})
    return found


def person_or_404(pk: int) -> Person:
    person = person_by_pk(pk)
    if person is None:
        raise Http404
    return person


def active_hold(person: Person) -> LegalHold | None:
    return LegalHold.objects.filter(person=person, lifted_at__isnull=True).order_by("placed_at", "pk").first()


def refuse(*, actor: Any, organisation: Any, person: Person, hold: LegalHold, step: str) -> None:
    """A request about a person under a legal hold is refused; the refusal is audited."""
    record_event(action=Actions.REFUSED, actor=actor, organisation=organisation, object_type="person",
                 object_id=person.pk, person_id=person.pk,
                 details={"reason": "legal_hold", "hold": hold.pk, "step": step})


def holdings(person: Person) -> Holdings:
    """Everything held about the person, in every compartment, in a fixed number of queries."""
    cases = holdings_of(person)
    records = dict(cases.records)
    records.update(assessments_of(person.pk, case_ids=cases.case_ids, concern_ids=cases.concern_ids))
    records.update(interventions_of(cases.case_references))
    records.update(events_about(person.pk))
    return Holdings(person=person, records={kind: records.get(kind, []) for kind, _title in KINDS})


# --- the summary page ----------------------------------------------------------------------

def summary(held: Holdings) -> list[SummaryRow]:
    rows = []
    for kind, title in KINDS:
        counts = dict.fromkeys(COMPARTMENTS, 0)
        for record in held.records[kind]:
            counts[record["compartment"]] = counts.get(record["compartment"], 0) + 1
        rows.append(SummaryRow(kind=kind, title=str(title), total=len(held.records[kind]),
                               by_compartment=[counts[c] for c in COMPARTMENTS]))
    return rows


def view(*, actor: Any, organisation: Any, person: Person) -> list[SummaryRow]:
    """The summary for the page, audited as a view of the person's data (counts only)."""
    rows = summary(holdings(person))
    record_event(action=Actions.VIEWED, actor=actor, organisation=organisation, object_type="person",
                 object_id=person.pk, person_id=person.pk)
    return rows


# --- the export ----------------------------------------------------------------------------

def released_only(held: Holdings, released: Iterable[str], *, now: datetime | None = None) -> Export:
    """The records in the released compartments; the others counted, per compartment."""
    chosen = [c for c in COMPARTMENTS if c in set(released)]
    withheld = {c: 0 for c in COMPARTMENTS if c not in chosen}
    kept: dict[str, list[Record]] = {}
    for kind, _title in KINDS:
        kept[kind] = []
        for record in held.records[kind]:
            if record["compartment"] in chosen:
                kept[kind].append(record)
            else:
                withheld[record["compartment"]] = withheld.get(record["compartment"], 0) + 1
    return Export(person=held.person, generated_at=now or timezone.now(), released=chosen, withheld=withheld,
                  records=kept)


def export(*, actor: Any, organisation: Any, person: Person, released: Sequence[str], formats: Sequence[str]) -> Export:
    """The export in the released compartments, audited with its formats, the compartments
    released and withheld and how many records went out (nothing of what they said)."""
    result = released_only(holdings(person), released)
    record_event(action=Actions.EXPORTED, actor=actor, organisation=organisation, object_type="person",
                 object_id=person.pk, person_id=person.pk,
                 details={"formats": list(formats), "compartments": result.released, "withheld": result.withheld,
                          "records": {kind: len(rows) for kind, rows in result.records.items()}})
    return result


def as_json_data(result: Export) -> dict[str, Any]:
    """The machine-readable export: stable keys, every kind present (an empty list if none)."""
    return {
        "format": FORMAT,
        "generated_at": result.generated_at,
        "person_id": result.person.pk,
        "compartments_released": result.released,
        "compartments_withheld": [{"compartment": c, "records": n} for c, n in result.withheld.items()],
        "records": result.records,
    }


def as_json(result: Export) -> str:
    """ISO dates and times (UTC), UTF-8 text as written (Danish letters kept)."""
    return json.dumps(as_json_data(result), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
