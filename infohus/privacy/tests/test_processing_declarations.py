"""Every model of Infohus is declared in the records of processing, and every declaration matches
its model: so a model or a link to a person added later without a declaration fails here."""

from dataclasses import replace
from typing import Any

import pytest
from django.apps import apps

from infohus.accounts.roles import Capability
from infohus.privacy import processing
from infohus.privacy.processing import Declaration, NoPersonalData, Personal, declarations, problems
from infohus.privacy.retention import BY_KEY


def _changed(app: str, model: str, **changes: Any) -> dict[str, list[Declaration]]:
    """The declarations with one record changed."""
    found = declarations()
    found[app] = [replace(d, **changes) if d.model == model and isinstance(d, Personal) else d for d in found[app]]
    return found


def _fields(model: str) -> tuple[str, ...]:
    declaration = next(d for d in processing.all_declarations() if d.model == model)
    assert isinstance(declaration, Personal)
    return declaration.fields


def test_every_model_is_declared_and_every_declaration_matches_its_model() -> None:
    assert problems() == []


def test_the_declarations_cover_exactly_the_models_of_the_project() -> None:
    declared = [d.model for d in processing.all_declarations()]
    models = {m._meta.label for m in processing.project_models()}
    assert sorted(declared) == sorted(models)
    assert "cases.Person" in models and "privacy.LegalHold" in models


def test_a_model_without_a_declaration_is_reported() -> None:
    found = declarations()
    found["cases"] = [d for d in found["cases"] if d.model != "cases.Note"]
    assert problems(found) == ["cases.Note: not declared"]


def test_a_field_the_model_lacks_is_reported() -> None:
    found = _changed("cases", "cases.Person", fields=(*_fields("cases.Person"), "nickname"))
    assert problems(found) == ["cases.Person.nickname: no such field"]


def test_an_undeclared_link_to_a_user_is_reported() -> None:
    found = _changed("cases", "cases.Note", fields=tuple(f for f in _fields("cases.Note") if f != "author"))
    assert problems(found) == ["cases.Note.author: links to a person or a user, not declared"]


def test_a_model_with_a_link_to_a_person_cannot_be_declared_without_personal_data() -> None:
    found = declarations()
    found["privacy"] = [NoPersonalData(d.model) if d.model == "privacy.LegalHold" else d for d in found["privacy"]]
    assert problems(found) == [
        "privacy.LegalHold: declared without personal data, but person links to a person or a user",
        "privacy.LegalHold: declared without personal data, but placed_by links to a person or a user",
        "privacy.LegalHold: declared without personal data, but lifted_by links to a person or a user",
    ]


def test_a_record_without_legal_basis_or_retention_is_reported() -> None:
    found = _changed("audit", "audit.AuditEvent", legal_basis=(), retention="", kept="")
    assert problems(found) == ["audit.AuditEvent: no legal_basis",
                               "audit.AuditEvent: nothing said on how long it is kept"]


@pytest.mark.parametrize("declaration", [d for d in processing.all_declarations() if isinstance(d, Personal)],
                         ids=lambda d: d.model)
def test_a_retention_key_names_a_kind_of_record(declaration: Personal) -> None:
    assert not declaration.retention or declaration.retention in BY_KEY


def test_every_kind_of_record_that_retention_erases_appears_in_the_records() -> None:
    used = {d.retention for d in processing.all_declarations() if isinstance(d, Personal)}
    assert set(BY_KEY) <= used


def test_the_special_categories_and_section_115_are_named_where_concerns_are_held() -> None:
    by_model = {d.model: d for d in processing.all_declarations()}
    for label in ("cases.Concern", "cases.Disclosure", "cases.Note", "assessments.Assessment"):
        declaration = by_model[label]
        assert isinstance(declaration, Personal)
        assert processing.SECTION_115 in declaration.legal_basis
        assert processing.SPECIAL_CATEGORIES in declaration.legal_basis


def test_no_analyst_is_said_to_see_personal_data_of_people_of_concern() -> None:
    for declaration in processing.all_declarations():
        if isinstance(declaration, Personal) and processing.PEOPLE_OF_CONCERN in declaration.subjects:
            assert Capability.ANALYSE not in declaration.seen_by, declaration.model


def test_the_field_kinds_name_links_to_a_person_and_a_user() -> None:
    person = apps.get_model("cases.Disclosure")
    kinds = {f.name: f.kind for f in processing.describe_fields(person, ("person", "recorded_by", "summary",
                                                                          "disclosed_at", "legal_basis"))}
    assert kinds == {"person": "link to the person of concern", "recorded_by": "link to a user of the platform",
                     "summary": "free text", "disclosed_at": "date and time", "legal_basis": "a choice from a list"}
