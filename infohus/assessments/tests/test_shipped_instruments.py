"""The five instruments shipped with Infohus: each file loads, carries the keys other code relies
on, has Danish and English wording everywhere, and loading it again changes nothing."""

import json
from pathlib import Path
from typing import Any

import pytest

from infohus.assessments.management.commands.load_instruments import shipped_paths
from infohus.assessments.models import Field, FieldKind, Instrument, InstrumentVersion
from infohus.assessments.services.instruments import load_definition

pytestmark = pytest.mark.django_db

DIMENSIONS = ["convictions", "personality", "violence", "mental-vulnerability", "criminal-history", "family",
              "socialisation", "network-leisure", "education-employment"]
AREAS = ["health-and-body", "feelings", "relationships", "family", "education-work", "money-housing", "leisure",
         "values-identity", "society", "coping"]

# slug -> (use, [(section key, [field keys in order])])
EXPECTED: dict[str, tuple[str, list[tuple[str, list[str]]]]] = {
    "infohouse-analysis": ("triage", [
        ("reception", ["received", "description"]),
        *[(d, [f"{d}-risk", f"{d}-resources"]) for d in DIMENSIONS],
        ("summary", ["main-problems", "main-resources"]),
        ("recommendation", ["recommendation", "dimensions-to-work-on"]),
    ]),
    "balanced-risk-assessment": ("case", [
        ("worried", ["harm", "complicating"]),
        ("working-well", ["strengths", "safety"]),
        ("needs-to-happen", ["goals", "next-steps"]),
        ("scale", ["scale", "scale-note"]),
    ]),
    "life-skills-wheel": ("case", [("wheel", [key for area in AREAS for key in (area, f"{area}-note")])]),
    "three-houses": ("case", [("houses", ["worries", "good-things", "dreams", "taken-with"])]),
    "licensed-instrument-record": ("case", [
        ("record", ["instrument", "instrument-version", "certification", "domains", "overall", "form"]),
    ]),
}

# (slug, field key) -> (kind, required)
KINDS: dict[tuple[str, str], tuple[str, bool]] = {
    ("infohouse-analysis", "received"): (FieldKind.LONG_TEXT, False),
    ("infohouse-analysis", "description"): (FieldKind.LONG_TEXT, True),
    ("infohouse-analysis", "recommendation"): (FieldKind.LONG_TEXT, True),
    ("infohouse-analysis", "dimensions-to-work-on"): (FieldKind.CHOICE, False),
    ("infohouse-analysis", "convictions-risk"): (FieldKind.LONG_TEXT, False),
    ("infohouse-analysis", "education-employment-resources"): (FieldKind.LONG_TEXT, False),
    ("balanced-risk-assessment", "harm"): (FieldKind.STATEMENTS, False),
    ("balanced-risk-assessment", "goals"): (FieldKind.STATEMENTS, False),
    ("balanced-risk-assessment", "next-steps"): (FieldKind.STATEMENTS, False),
    ("balanced-risk-assessment", "scale"): (FieldKind.PARTICIPANT_SCALE, True),
    ("balanced-risk-assessment", "scale-note"): (FieldKind.LONG_TEXT, False),
    ("life-skills-wheel", "coping"): (FieldKind.SCALE, False),
    ("life-skills-wheel", "coping-note"): (FieldKind.SHORT_TEXT, False),
    ("three-houses", "dreams"): (FieldKind.STATEMENTS, False),
    ("three-houses", "taken-with"): (FieldKind.SHORT_TEXT, False),
    ("licensed-instrument-record", "instrument"): (FieldKind.CHOICE, True),
    ("licensed-instrument-record", "instrument-version"): (FieldKind.SHORT_TEXT, True),
    ("licensed-instrument-record", "certification"): (FieldKind.CERTIFICATION, True),
    ("licensed-instrument-record", "domains"): (FieldKind.DOMAIN_NOTES, True),
    ("licensed-instrument-record", "overall"): (FieldKind.LONG_TEXT, False),
    ("licensed-instrument-record", "form"): (FieldKind.ATTACHMENT, True),
}


def _definition(slug: str) -> dict[str, Any]:
    path = next(p for p in shipped_paths() if p.stem == slug)
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _loaded(slug: str) -> InstrumentVersion:
    version, new = load_definition(definition=_definition(slug))
    assert new
    return version


def test_exactly_the_five_instruments_are_shipped() -> None:
    assert sorted(p.stem for p in shipped_paths()) == sorted(EXPECTED)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_each_file_loads_with_the_expected_sections_and_keys(slug: str) -> None:
    use, sections = EXPECTED[slug]

    version = _loaded(slug)

    assert version.number == 1 and version.is_published
    assert version.instrument.use == use
    assert version.instrument.default_compartment == "general"
    assert version.change_note == "First version shipped with Infohus"
    got = [(s.key, [f.key for f in s.fields.order_by("order")]) for s in version.sections.order_by("order")]
    assert got == sections


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_every_text_is_written_in_danish_and_english(slug: str) -> None:
    version = _loaded(slug)
    instrument = version.instrument

    for text in (instrument.name_da, instrument.name_en, instrument.description_da, instrument.description_en):
        assert text.strip()
    assert instrument.name_da != instrument.name_en or slug == "licensed-instrument-record"
    for section in version.sections.all():
        assert section.title_da.strip() and section.title_en.strip(), section.key
    for field in version.fields.all():
        assert field.label_da.strip() and field.label_en.strip(), field.key
        assert field.help_da.strip() and field.help_en.strip(), field.key
        for option in field.options.get("choices", []) + field.options.get("participants", []):
            assert option["label_da"].strip() and option["label_en"].strip(), (field.key, option)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_loading_twice_is_unchanged(slug: str) -> None:
    first = _loaded(slug)

    again, new = load_definition(definition=_definition(slug))

    assert not new
    assert again == first
    assert InstrumentVersion.objects.filter(instrument__slug=slug).count() == 1


def test_kinds_and_required_fields_are_as_agreed() -> None:
    for slug in EXPECTED:
        _loaded(slug)
    for (slug, key), (kind, required) in KINDS.items():
        field = Field.objects.get(version__instrument__slug=slug, key=key)
        assert (field.kind, field.required) == (kind, required), (slug, key)


def test_the_analysis_names_the_nine_dimensions_to_work_on() -> None:
    version = _loaded("infohouse-analysis")
    field = version.fields.get(key="dimensions-to-work-on")

    assert field.options["multiple"] is True
    assert [value for value, _label in field.choices()] == DIMENSIONS
    # Each option reads like the title of its dimension's section.
    titles = dict(version.sections.values_list("key", "title_en"))
    assert [label for _value, label in field.choices()] == [titles[d] for d in DIMENSIONS]


def test_analysis_help_says_dialogue_and_no_score() -> None:
    version = _loaded("infohouse-analysis")
    for section in version.sections.filter(key__in=DIMENSIONS):
        assert "dialogue" in section.help_en and "no score" in section.help_en, section.key
        assert "dialog" in section.help_da and "ingen score" in section.help_da, section.key


def test_balanced_risk_assessment_scale_has_the_four_participants_and_explains_its_ends() -> None:
    _loaded("balanced-risk-assessment")
    field = Field.objects.get(version__instrument__slug="balanced-risk-assessment", key="scale")

    assert [key for key, _label in field.participants()] == ["person", "parent", "mentor", "case_worker"]
    assert "0 means" in field.help_en and "10 means" in field.help_en
    assert "0 betyder" in field.help_da and "10 betyder" in field.help_da


def test_licensed_record_offers_the_licensed_instruments_and_never_their_items() -> None:
    version = _loaded("licensed-instrument-record")
    field = version.fields.get(key="instrument")

    assert [value for value, _label in field.choices()] == ["vera-2r", "erg22", "erg-r", "trap-18", "ir46", "other"]
    assert field.options["multiple"] is False
    assert "never reproduces" in version.instrument.description_en
    assert "refused" in version.fields.get(key="certification").help_en
    assert "not reproduced" in version.fields.get(key="domains").help_en


def test_wheel_says_its_areas_are_data() -> None:
    version = _loaded("life-skills-wheel")
    assert "can be changed in a new version" in version.sections.get().help_en
    assert Instrument.objects.get(slug="life-skills-wheel").versions.count() == 1


def test_every_file_is_tidy_json_with_a_change_note() -> None:
    for path in shipped_paths():
        text = Path(path).read_text(encoding="utf-8")
        definition = json.loads(text)
        assert definition["change_note"] == "First version shipped with Infohus"
        assert definition["slug"] == path.stem
        assert text.endswith("\n")
