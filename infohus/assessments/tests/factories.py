"""Instruments and assessments for the assessments tests, built directly from definitions so a
test of one page does not depend on the authoring pages.

small_definition() is a compact instrument with one field of every kind that the recording pages
must handle; tests change a copy of it where they need something else."""

import copy
import itertools
from datetime import date
from typing import Any

from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, Instrument, InstrumentVersion
from infohus.assessments.services.instruments import load_definition
from infohus.cases.models import Case, Concern

_serial = itertools.count(1)

PARTICIPANTS = [
    {"key": "person", "label_da": "Personen selv", "label_en": "The person"},
    {"key": "parent", "label_da": "Forælder", "label_en": "A parent"},
    {"key": "mentor", "label_da": "Mentor", "label_en": "The mentor"},
    {"key": "case_worker", "label_da": "Sagsbehandler", "label_en": "The case worker"},
]

_SMALL: dict[str, Any] = {
    "slug": "test-instrument",
    "name_da": "Testredskab", "name_en": "Test instrument",
    "use": "case", "default_compartment": "general",
    "sections": [
        {"key": "worries", "title_da": "Bekymringer", "title_en": "Worries", "fields": [
            {"key": "summary", "kind": "short_text", "label_da": "Kort", "label_en": "In short", "required": True},
            {"key": "story", "kind": "long_text", "label_da": "Beskrivelse", "label_en": "Description"},
            {"key": "harm", "kind": "statements", "label_da": "Skade", "label_en": "Harm statements"},
            {"key": "areas", "kind": "choice", "label_da": "Områder", "label_en": "Areas to work on",
             "options": {"multiple": True, "choices": [
                 {"value": "family", "label_da": "Familie", "label_en": "Family"},
                 {"value": "school", "label_da": "Skole", "label_en": "School"}]}},
        ]},
        {"key": "where", "title_da": "Hvor står vi", "title_en": "Where things stand", "fields": [
            {"key": "overall", "kind": "scale", "label_da": "Samlet", "label_en": "Overall"},
            {"key": "met_on", "kind": "date", "label_da": "Mødedato", "label_en": "Met on"},
            {"key": "scale", "kind": "participant_scale", "label_da": "Skala", "label_en": "Scale",
             "required": True, "options": {"participants": PARTICIPANTS[:3]}},
        ]},
    ],
}

_LICENSED: dict[str, Any] = {
    "slug": "test-licensed",
    "name_da": "Licenseret redskab", "name_en": "Licensed instrument record",
    "use": "case", "default_compartment": "general",
    "sections": [
        {"key": "record", "title_da": "Registrering", "title_en": "Record", "fields": [
            {"key": "instrument", "kind": "short_text", "label_da": "Redskab", "label_en": "Instrument",
             "required": True},
            {"key": "certification", "kind": "certification", "label_da": "Certificering",
             "label_en": "Certification", "required": True},
            {"key": "domains", "kind": "domain_notes", "label_da": "Domæner", "label_en": "Domains"},
            {"key": "form", "kind": "attachment", "label_da": "Skema", "label_en": "Licensed form", "required": True},
        ]},
    ],
}


def small_definition(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(_SMALL)
    definition.update(changes)
    return definition


def licensed_definition(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(_LICENSED)
    definition.update(changes)
    return definition


def wheel_definition(areas: int = 10, **changes: Any) -> dict[str, Any]:
    """A life-skills wheel: one scale and one note per area."""
    fields: list[dict[str, Any]] = []
    for n in range(1, areas + 1):
        fields.append({"key": f"area-{n}", "kind": "scale", "label_da": f"Område {n}", "label_en": f"Area {n}"})
        fields.append({"key": f"area-{n}-note", "kind": "short_text", "label_da": "Note", "label_en": "Note"})
    definition = {"slug": "test-wheel", "name_da": "Hjul", "name_en": "Wheel", "use": "case",
                  "sections": [{"key": "wheel", "title_da": "Hjulet", "title_en": "The wheel", "fields": fields}]}
    definition.update(changes)
    return definition


def published(definition: dict[str, Any] | None = None) -> InstrumentVersion:
    """A published version of the definition (loading the same definition twice gives the same one)."""
    version, _new = load_definition(definition=definition or small_definition())
    return version


def make_assessment(*, version: InstrumentVersion, author: User, case: Case | None = None,
                    concern: Concern | None = None, compartment: str = "general", answers: dict[str, Any] | None = None,
                    assessed_on: date | None = None, signed: bool = False,
                    amends: Assessment | None = None) -> Assessment:
    """An assessment row as given (answers are not checked: use the services for that)."""
    person_id = case.person_id if case is not None else (concern.person_id if concern is not None else None)
    now = timezone.now()
    return Assessment.objects.create(
        version=version, case=case, concern=concern, person_id=person_id, compartment=compartment,
        assessed_on=assessed_on or timezone.localdate(), answers=answers or {}, amends=amends, created_by=author,
        status=Assessment.Status.SIGNED if signed else Assessment.Status.DRAFT,
        signed_by=author if signed else None, signed_at=now if signed else None,
    )


def instrument(slug: str) -> Instrument:
    return Instrument.objects.get(slug=slug)


def serial() -> int:
    return next(_serial)
