"""The answer rules per kind of field: what fits, what is refused with which message, what stops a
signature, how an answer reads back, and how two versions compare. No database: the fields are
built in memory."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from infohus.assessments import engine
from infohus.assessments.models import Field, FieldKind, Section

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)

CHOICES = {"choices": [{"value": "family", "label_da": "Familie", "label_en": "Family"},
                       {"value": "school", "label_da": "Skole", "label_en": "School"}]}
PARTICIPANTS = {"participants": [{"key": "person", "label_da": "Personen", "label_en": "The person"},
                                 {"key": "parent", "label_da": "Forælder", "label_en": "A parent"}]}

_SECTION = Section(key="s", title_da="Afsnit", title_en="Section")


def make_field(kind: str, key: str = "f", *, required: bool = False, options: dict[str, Any] | None = None,
               label: str = "Label", section: Section = _SECTION) -> Field:
    f = Field(key=key, kind=kind, label_da=label, label_en=label, required=required, options=options or {})
    f.section = section
    return f


def refused(kind: str, raw: Any, options: dict[str, Any] | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        engine.clean_answer(make_field(kind, options=options), raw)
    return caught.value.messages[0]


# --- clean_answer, kind by kind -------------------------------------------------------------------

def test_short_and_long_text_are_kept_stripped() -> None:
    assert engine.clean_answer(make_field(FieldKind.SHORT_TEXT), "  Går i skole  ") == "Går i skole"
    assert engine.clean_answer(make_field(FieldKind.LONG_TEXT), "Line one\nLine two\n") == "Line one\nLine two"
    assert engine.clean_answer(make_field(FieldKind.SHORT_TEXT), None) == ""


def test_text_over_its_limit_is_refused_with_the_count() -> None:
    message = refused(FieldKind.SHORT_TEXT, "x" * (engine.SHORT_TEXT_MAX + 1))
    assert str(engine.SHORT_TEXT_MAX) in message and str(engine.SHORT_TEXT_MAX + 1) in message
    assert refused(FieldKind.LONG_TEXT, "x" * (engine.LONG_TEXT_MAX + 1))


def test_text_that_is_not_text_is_refused() -> None:
    assert refused(FieldKind.SHORT_TEXT, ["a list"]) == "Write text here."
    assert refused(FieldKind.LONG_TEXT, 7) == "Write text here."


def test_statements_come_one_per_line_without_blanks() -> None:
    f = make_field(FieldKind.STATEMENTS)
    assert engine.clean_answer(f, "He skips school.\n\n  She worries at night. \n") == [
        "He skips school.", "She worries at night."]
    assert engine.clean_answer(f, ["One", " ", "Two"]) == ["One", "Two"]
    assert engine.clean_answer(f, None) == []


def test_statements_of_the_wrong_shape_or_too_many_are_refused() -> None:
    assert refused(FieldKind.STATEMENTS, {"a": 1}) == "Give a list of statements, one per line."
    assert refused(FieldKind.STATEMENTS, ["ok", 3]) == "Write text here."
    assert "50 statements" in refused(FieldKind.STATEMENTS, [f"s{i}" for i in range(engine.STATEMENTS_MAX + 1)])
    assert refused(FieldKind.STATEMENTS, ["x" * (engine.STATEMENT_MAX + 1)])


def test_a_single_choice_is_one_of_the_values() -> None:
    f = make_field(FieldKind.CHOICE, options=CHOICES)
    assert engine.clean_answer(f, "school") == "school"
    assert engine.clean_answer(f, "") is None
    assert refused(FieldKind.CHOICE, "church", CHOICES) == "“church” is not one of the choices."
    assert refused(FieldKind.CHOICE, ["school"], CHOICES)


def test_a_multiple_choice_keeps_the_instruments_order() -> None:
    options = {**CHOICES, "multiple": True}
    f = make_field(FieldKind.CHOICE, options=options)
    assert engine.clean_answer(f, ["school", "family"]) == ["family", "school"]
    assert engine.clean_answer(f, "school") == ["school"]
    assert engine.clean_answer(f, None) == []
    assert refused(FieldKind.CHOICE, ["family", "church"], options) == "“church” is not one of the choices."
    assert refused(FieldKind.CHOICE, [1], options) == "Choose from the list."


@pytest.mark.parametrize("raw, kept", [(0, 0), (10, 10), ("7", 7), (" 3 ", 3), (4.0, 4), ("", None), (None, None)])
def test_a_scale_takes_whole_numbers_from_0_to_10(raw: Any, kept: int | None) -> None:
    assert engine.clean_answer(make_field(FieldKind.SCALE), raw) == kept


@pytest.mark.parametrize("raw, message", [
    ("seven", "Give a whole number from 0 to 10."),
    ("7.5", "Give a whole number from 0 to 10."),
    (7.5, "Give a whole number from 0 to 10."),
    (True, "Give a whole number from 0 to 10."),
    ([7], "Give a whole number from 0 to 10."),
    (11, "The scale goes from 0 to 10; 11 is outside it."),
    ("11", "The scale goes from 0 to 10; 11 is outside it."),
    ("-1", "The scale goes from 0 to 10; -1 is outside it."),
])
def test_a_scale_refuses_text_and_values_outside_it(raw: Any, message: str) -> None:
    assert refused(FieldKind.SCALE, raw) == message


def test_a_date_is_kept_as_iso_and_not_in_the_future() -> None:
    f = make_field(FieldKind.DATE)
    assert engine.clean_answer(f, YESTERDAY.isoformat()) == YESTERDAY.isoformat()
    assert engine.clean_answer(f, TODAY) == TODAY.isoformat()
    assert engine.clean_answer(f, "") is None
    assert refused(FieldKind.DATE, TOMORROW.isoformat()) == "The date cannot be in the future."
    assert refused(FieldKind.DATE, "27/11/2026") == "Give a date as YYYY-MM-DD."
    assert refused(FieldKind.DATE, 20261127) == "Give a date as YYYY-MM-DD."


def test_a_participant_scale_keeps_each_answer_in_the_instruments_order() -> None:
    f = make_field(FieldKind.PARTICIPANT_SCALE, options=PARTICIPANTS)
    assert engine.clean_answer(f, {"parent": "6", "person": 4}) == {"person": 4, "parent": 6}
    assert engine.clean_answer(f, {"person": "", "parent": "2"}) == {"parent": 2}
    assert engine.clean_answer(f, None) == {}


def test_a_participant_scale_names_the_participant_whose_answer_does_not_fit() -> None:
    assert refused(FieldKind.PARTICIPANT_SCALE, {"parent": "12"}, PARTICIPANTS) == (
        "A parent: The scale goes from 0 to 10; 12 is outside it.")
    assert refused(FieldKind.PARTICIPANT_SCALE, {"person": "abc"}, PARTICIPANTS) == (
        "The person: Give a whole number from 0 to 10.")
    assert refused(FieldKind.PARTICIPANT_SCALE, {"uncle": 5}, PARTICIPANTS) == (
        "“uncle” is not a participant of this scale.")
    assert refused(FieldKind.PARTICIPANT_SCALE, [5], PARTICIPANTS) == (
        "Give a number from 0 to 10 for each participant.")


def test_domain_notes_keep_named_domains() -> None:
    f = make_field(FieldKind.DOMAIN_NOTES)
    rows = [{"domain": " Ideology ", "judgement": "Moderate concern"}, {"domain": "", "judgement": ""}]
    assert engine.clean_answer(f, rows) == [{"domain": "Ideology", "judgement": "Moderate concern"}]


def test_domain_notes_refuse_a_judgement_without_its_domain_and_other_shapes() -> None:
    assert refused(FieldKind.DOMAIN_NOTES, [{"domain": "", "judgement": "High"}]) == (
        "Name the domain of each judgement.")
    assert refused(FieldKind.DOMAIN_NOTES, "Ideology: high") == "Give each domain with its judgement."
    assert refused(FieldKind.DOMAIN_NOTES, ["Ideology"]) == "Give each domain with its judgement."
    too_many = [{"domain": f"d{i}", "judgement": ""} for i in range(engine.DOMAINS_MAX + 1)]
    assert "20 domains" in refused(FieldKind.DOMAIN_NOTES, too_many)


def test_a_certification_needs_all_three_parts_and_may_expire_in_the_future() -> None:
    f = make_field(FieldKind.CERTIFICATION)
    future = (TODAY + timedelta(days=400)).isoformat()
    given = {"holder": "Signe Aldal", "reference": "VERA-2R-0042", "expires_on": future}
    assert engine.clean_answer(f, given) == given
    assert engine.clean_answer(f, {"holder": "", "reference": "", "expires_on": ""}) == {}
    message = "Give the assessor, the certificate and its expiry date."
    assert refused(FieldKind.CERTIFICATION, {"holder": "Signe Aldal", "reference": "", "expires_on": ""}) == message
    assert refused(FieldKind.CERTIFICATION, "Signe Aldal") == message
    assert refused(FieldKind.CERTIFICATION, {**given, "expires_on": "next year"}) == "Give a date as YYYY-MM-DD."


def test_an_attachment_is_never_kept_in_the_answers() -> None:
    assert engine.clean_answer(make_field(FieldKind.ATTACHMENT), "form.pdf") is None


# --- clean_answers ----------------------------------------------------------------------------------

def test_clean_answers_collects_one_message_per_field_and_drops_empty_answers() -> None:
    fields = [make_field(FieldKind.SHORT_TEXT, "summary"), make_field(FieldKind.SCALE, "overall"),
              make_field(FieldKind.DATE, "met_on"), make_field(FieldKind.LONG_TEXT, "story")]
    answers, errors = engine.clean_answers(fields, {"summary": "Ok", "overall": "11", "met_on": TOMORROW.isoformat(),
                                                    "story": ""})
    assert answers == {"summary": "Ok"}
    assert set(errors) == {"overall", "met_on"}


def test_clean_answers_refuses_keys_that_are_not_fields() -> None:
    answers, errors = engine.clean_answers([make_field(FieldKind.SHORT_TEXT, "summary")],
                                           {"summary": "Ok", "risk_score": 9})
    assert answers == {"summary": "Ok"}
    assert errors == {"risk_score": "“risk_score” is not a field of this instrument."}


# --- signing_errors ---------------------------------------------------------------------------------

def _required(kind: str, key: str, options: dict[str, Any] | None = None) -> Field:
    return make_field(kind, key, required=True, options=options)


def test_every_required_kind_must_be_answered_before_signing() -> None:
    fields = [_required(FieldKind.SHORT_TEXT, "summary"), _required(FieldKind.STATEMENTS, "harm"),
              _required(FieldKind.SCALE, "overall"), _required(FieldKind.CHOICE, "areas", CHOICES),
              _required(FieldKind.CERTIFICATION, "cert"), _required(FieldKind.ATTACHMENT, "form"),
              make_field(FieldKind.LONG_TEXT, "story")]
    errors = engine.signing_errors(fields, {}, assessed_on=TODAY)
    assert set(errors) == {"summary", "harm", "overall", "areas", "cert", "form"}
    assert errors["summary"] == "This must be answered before the assessment is signed."


def test_a_scale_answered_0_counts_as_answered() -> None:
    assert engine.signing_errors([_required(FieldKind.SCALE, "overall")], {"overall": 0}, assessed_on=TODAY) == {}


def test_a_required_participant_scale_needs_one_participant_not_all() -> None:
    # Not every course of work has a parent in it: one participant's answer is enough to sign.
    fields = [_required(FieldKind.PARTICIPANT_SCALE, "scale", PARTICIPANTS)]
    assert "scale" in engine.signing_errors(fields, {}, assessed_on=TODAY)
    assert "scale" in engine.signing_errors(fields, {"scale": {}}, assessed_on=TODAY)
    assert engine.signing_errors(fields, {"scale": {"person": 0}}, assessed_on=TODAY) == {}


def test_a_required_attachment_is_satisfied_by_an_attached_file() -> None:
    fields = [_required(FieldKind.ATTACHMENT, "form")]
    assert engine.signing_errors(fields, {}, assessed_on=TODAY, attached_keys=["form"]) == {}


def test_an_expired_certification_stops_the_signature_even_when_optional() -> None:
    fields = [make_field(FieldKind.CERTIFICATION, "cert")]
    expired = {"holder": "Signe Aldal", "reference": "ERG-7", "expires_on": YESTERDAY.isoformat()}
    errors = engine.signing_errors(fields, {"cert": expired}, assessed_on=TODAY)
    assert "expired" in errors["cert"] and "cannot be recorded" in errors["cert"]
    # Valid through the day it expires, and judged against the date of the assessment, not today.
    assert engine.signing_errors(fields, {"cert": expired}, assessed_on=YESTERDAY) == {}
    assert engine.signing_errors(fields, {"cert": expired}, assessed_on=YESTERDAY - timedelta(days=30)) == {}


# --- display ----------------------------------------------------------------------------------------

def test_each_kind_reads_back_as_given() -> None:
    day = date(2026, 3, 2)
    cases = [
        (make_field(FieldKind.SHORT_TEXT), "In school again", ["In school again"]),
        (make_field(FieldKind.LONG_TEXT), "One\nTwo", ["One", "Two"]),
        (make_field(FieldKind.STATEMENTS), ["A", "B"], ["A", "B"]),
        (make_field(FieldKind.CHOICE, options=CHOICES), "school", ["School"]),
        (make_field(FieldKind.CHOICE, options={**CHOICES, "multiple": True}), ["family", "school"],
         ["Family", "School"]),
        (make_field(FieldKind.SCALE), 0, ["0 / 10"]),
        (make_field(FieldKind.PARTICIPANT_SCALE, options=PARTICIPANTS), {"person": 3, "parent": 7},
         ["The person: 3 / 10", "A parent: 7 / 10"]),
        (make_field(FieldKind.DOMAIN_NOTES), [{"domain": "Ideology", "judgement": "Low"}], ["Ideology: Low"]),
    ]
    for f, value, lines in cases:
        assert engine.display(f, value) == lines, f.kind
    assert engine.display(make_field(FieldKind.DATE), day.isoformat()) == [engine.date_format(day)]
    cert = engine.display(make_field(FieldKind.CERTIFICATION),
                          {"holder": "Signe Aldal", "reference": "ERG-7", "expires_on": day.isoformat()})
    assert cert == [f"Signe Aldal, certificate ERG-7, valid until {engine.date_format(day)}"]


def test_an_unanswered_field_reads_back_as_nothing() -> None:
    for kind in FieldKind.values:
        assert engine.display(make_field(kind), None) == []
    assert engine.display(make_field(FieldKind.STATEMENTS), []) == []


# --- compare ----------------------------------------------------------------------------------------

def test_compare_matches_fields_by_key_across_versions() -> None:
    old = [make_field(FieldKind.SHORT_TEXT, "summary", label="Summary"),
           make_field(FieldKind.SCALE, "overall", label="Overall"),
           make_field(FieldKind.LONG_TEXT, "dropped", label="Dropped later")]
    new = [make_field(FieldKind.SHORT_TEXT, "summary", label="Summary"),
           make_field(FieldKind.SCALE, "overall", label="Overall"),
           make_field(FieldKind.STATEMENTS, "added", label="Added later")]
    rows = engine.compare(old, {"summary": "Same", "overall": 4, "dropped": "Was here"},
                          new, {"summary": "Same", "overall": 6, "added": ["New"]})
    by_key = {row.key: row for row in rows}
    assert [row.key for row in rows] == ["summary", "overall", "added", "dropped"]
    assert not by_key["summary"].changed
    assert by_key["overall"].left == ["4 / 10"] and by_key["overall"].right == ["6 / 10"]
    assert by_key["overall"].changed
    assert by_key["added"].left is None and by_key["added"].right == ["New"]
    assert by_key["dropped"].left == ["Was here"] and by_key["dropped"].right is None
    assert by_key["dropped"].section == "Section"
