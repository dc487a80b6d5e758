"""Authoring services: instruments, drafts and their sections and fields, publishing, and loading
definitions. Only a draft changes; every change is audited; keys carry answers across versions."""

import pytest
from django.core.exceptions import ValidationError

from infohus.accounts.models import User
from infohus.assessments.models import Field, FieldKind, Instrument, InstrumentVersion, Section
from infohus.assessments.services import instruments as services
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

CHOICES = {"choices": [{"value": "family", "label_da": "Familie", "label_en": "Family"},
                       {"value": "school", "label_da": "Skole", "label_en": "School"}]}


@pytest.fixture
def sofie(people: dict[str, User]) -> User:
    return people["sofie"]


@pytest.fixture
def draft(sofie: User) -> InstrumentVersion:
    """Version 2 of the small test instrument: sections worries (summary, story, harm, areas) and
    where (overall, met_on, scale)."""
    return services.new_draft(actor=sofie, based_on=published())


def _keys(version: InstrumentVersion) -> list[tuple[str, list[str]]]:
    return [(s.key, [f.key for f in s.fields.order_by("order", "pk")])
            for s in version.sections.order_by("order", "pk")]


def _actions(version: InstrumentVersion) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="instrument_version", object_id=str(version.pk))
                .order_by("seq").values_list("action", flat=True))


def _message(error: pytest.ExceptionInfo[ValidationError], name: str) -> str:
    return " ".join(error.value.message_dict[name])


# --- instruments and versions -------------------------------------------------------------------

def test_create_instrument_gives_an_empty_draft_of_version_1(sofie: User) -> None:
    version = services.create_instrument(actor=sofie, slug="Family Mapping", name_da="Familiekort",
                                         name_en="Family map", use="case", default_compartment="general")

    assert version.number == 1 and not version.is_published
    assert version.instrument.slug == "family-mapping"
    assert not version.sections.exists()
    assert _actions(version) == ["instrument.created"]


def test_create_instrument_refuses_a_slug_in_use(sofie: User) -> None:
    published()
    with pytest.raises(ValidationError, match="exists already"):
        services.create_instrument(actor=sofie, slug="test-instrument", name_da="x", name_en="x")
    assert Instrument.objects.count() == 1


def test_new_draft_copies_sections_fields_keys_and_options(sofie: User) -> None:
    v1 = published()

    v2 = services.new_draft(actor=sofie, based_on=v1)

    assert (v2.number, v2.based_on, v2.status) == (2, v1, InstrumentVersion.Status.DRAFT)
    assert _keys(v2) == _keys(v1)
    assert v2.fields.get(key="areas").options == v1.fields.get(key="areas").options
    assert v2.fields.get(key="scale").required is True
    assert set(v1.fields.values_list("pk", flat=True)).isdisjoint(v2.fields.values_list("pk", flat=True))
    assert _actions(v2) == ["instrument.draft_started"]


def test_new_draft_refuses_a_second_draft_and_a_draft_as_its_base(sofie: User, draft: InstrumentVersion) -> None:
    with pytest.raises(ValidationError, match="has a draft already"):
        services.new_draft(actor=sofie, based_on=draft.based_on)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="starts from a published one"):
        services.new_draft(actor=sofie, based_on=draft)
    assert InstrumentVersion.objects.count() == 2


def test_publish_freezes_the_draft_with_its_note(sofie: User, draft: InstrumentVersion) -> None:
    version = services.publish(actor=sofie, version=draft, change_note="Clearer help texts.")

    assert version.is_published and version.published_by == sofie and version.published_at is not None
    assert version.change_note == "Clearer help texts."
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.publish(actor=sofie, version=version)


def test_publish_refuses_a_version_without_fields(sofie: User) -> None:
    version = services.create_instrument(actor=sofie, slug="empty", name_da="Tom", name_en="Empty")
    services.add_section(actor=sofie, version=version, key="only", title_da="Eneste", title_en="Only")

    with pytest.raises(ValidationError, match="at least one field"):
        services.publish(actor=sofie, version=version)
    version.refresh_from_db()
    assert not version.is_published


def test_discarding_a_later_draft_keeps_the_published_versions(sofie: User, draft: InstrumentVersion) -> None:
    services.discard_draft(actor=sofie, version=draft)

    assert list(InstrumentVersion.objects.values_list("number", "status")) == [(1, "published")]
    assert not Section.objects.filter(version_id=draft.pk).exists()


def test_discarding_a_first_draft_removes_the_instrument(sofie: User) -> None:
    version = services.create_instrument(actor=sofie, slug="gone", name_da="Væk", name_en="Gone")

    services.discard_draft(actor=sofie, version=version)

    assert not Instrument.objects.filter(slug="gone").exists()
    assert AuditEvent.objects.filter(action="instrument.draft_discarded").count() == 1


# --- sections ------------------------------------------------------------------------------------

def test_add_section_goes_last_and_is_audited(sofie: User, draft: InstrumentVersion) -> None:
    section = services.add_section(actor=sofie, version=draft, key="next-steps", title_da=" Næste skridt ",
                                   title_en="Next steps", help_da="Hvem gør hvad", help_en="Who does what")

    assert [k for k, _fields in _keys(draft)] == ["worries", "where", "next-steps"]
    assert section.title_da == "Næste skridt"
    event = AuditEvent.objects.get(action="instrument.section_added")
    assert event.actor_id == sofie.pk and event.details["section"] == "next-steps"
    assert event.details["version"] == 2


@pytest.mark.parametrize(("key", "message"), [
    ("worries", "Another section of this version has the key"),
    ("Næste skridt", "lowercase letters"),
    ("", "lowercase letters"),
    ("a" * 61, "at most 60"),
])
def test_add_section_refuses_a_bad_or_taken_key_at_the_key(sofie: User, draft: InstrumentVersion, key: str,
                                                          message: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_section(actor=sofie, version=draft, key=key, title_da="x", title_en="x")
    assert message in _message(error, "key")
    assert draft.sections.count() == 2


def test_add_section_needs_both_titles(sofie: User, draft: InstrumentVersion) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_section(actor=sofie, version=draft, key="new", title_da="Ny", title_en="  ")
    assert "title_en" in error.value.message_dict


def test_update_section_changes_wording_and_key(sofie: User, draft: InstrumentVersion) -> None:
    section = draft.sections.get(key="where")

    services.update_section(actor=sofie, section=section, key="where-now", title_da="Hvor står vi nu",
                            title_en="Where things stand now")

    section.refresh_from_db()
    assert (section.key, section.title_en) == ("where-now", "Where things stand now")
    event = AuditEvent.objects.get(action="instrument.section_changed")
    assert event.details["was"] == "where" and set(event.details["changed"]) == {"key", "title_da", "title_en"}


def test_update_section_keeps_its_own_key_and_refuses_another_sections(sofie: User,
                                                                         draft: InstrumentVersion) -> None:
    section = draft.sections.get(key="where")
    services.update_section(actor=sofie, section=section, key="where", title_da="Hvor", title_en="Where")

    with pytest.raises(ValidationError) as error:
        services.update_section(actor=sofie, section=section, key="worries", title_da="x", title_en="x")
    assert "Another section" in _message(error, "key")
    section.refresh_from_db()
    assert section.key == "where"


def test_remove_section_takes_its_fields_with_it(sofie: User, draft: InstrumentVersion) -> None:
    services.remove_section(actor=sofie, section=draft.sections.get(key="where"))

    assert _keys(draft) == [("worries", ["summary", "story", "harm", "areas"])]
    event = AuditEvent.objects.get(action="instrument.section_removed")
    assert event.details["fields"] == ["overall", "met_on", "scale"]


def test_move_section_up_and_down(sofie: User, draft: InstrumentVersion) -> None:
    services.add_section(actor=sofie, version=draft, key="third", title_da="Tredje", title_en="Third")

    services.move_section(actor=sofie, section=draft.sections.get(key="third"), direction="up")
    assert [k for k, _f in _keys(draft)] == ["worries", "third", "where"]
    services.move_section(actor=sofie, section=draft.sections.get(key="worries"), direction="down")
    assert [k for k, _f in _keys(draft)] == ["third", "worries", "where"]
    assert AuditEvent.objects.filter(action="instrument.section_moved").count() == 2


def test_move_section_past_either_end_is_refused(sofie: User, draft: InstrumentVersion) -> None:
    with pytest.raises(ValidationError, match="first already"):
        services.move_section(actor=sofie, section=draft.sections.get(key="worries"), direction="up")
    with pytest.raises(ValidationError, match="last already"):
        services.move_section(actor=sofie, section=draft.sections.get(key="where"), direction="down")
    with pytest.raises(ValidationError):
        services.move_section(actor=sofie, section=draft.sections.get(key="where"), direction="sideways")
    assert [k for k, _f in _keys(draft)] == ["worries", "where"]


# --- fields --------------------------------------------------------------------------------------

def test_add_field_goes_last_in_its_section(sofie: User, draft: InstrumentVersion) -> None:
    field = services.add_field(actor=sofie, section=draft.sections.get(key="where"), key="who", kind="short_text",
                               label_da="Hvem", label_en="Who", required=True)

    assert _keys(draft)[1] == ("where", ["overall", "met_on", "scale", "who"])
    assert field.required and field.options == {}
    event = AuditEvent.objects.get(action="instrument.field_added")
    assert (event.details["field"], event.details["kind"]) == ("who", "short_text")


def test_add_field_refuses_a_key_used_in_another_section(sofie: User, draft: InstrumentVersion) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_field(actor=sofie, section=draft.sections.get(key="where"), key="summary", kind="short_text",
                           label_da="x", label_en="x")
    assert "Another field of this version has the key “summary”" in _message(error, "key")


def test_add_field_checks_the_options_of_its_kind(sofie: User, draft: InstrumentVersion) -> None:
    section = draft.sections.get(key="where")
    with pytest.raises(ValidationError) as error:
        services.add_field(actor=sofie, section=section, key="pick", kind="choice", label_da="x", label_en="x")
    assert "at least one option" in _message(error, "options")
    with pytest.raises(ValidationError) as error:
        services.add_field(actor=sofie, section=section, key="pick", kind="participant_scale", label_da="x",
                           label_en="x", options={"participants": [{"key": "a"}, {"key": "a"}]})
    assert "different keys" in _message(error, "options")
    with pytest.raises(ValidationError) as error:
        services.add_field(actor=sofie, section=section, key="pick", kind="slider", label_da="x", label_en="x")
    assert "not a kind of field" in _message(error, "kind")

    field = services.add_field(actor=sofie, section=section, key="pick", kind="choice", label_da="Vælg",
                               label_en="Pick", options={**CHOICES, "multiple": True})
    assert field.options == {**CHOICES, "multiple": True}
    assert field.choices() == [("family", "Family"), ("school", "School")]


def test_update_field_keeps_the_key_unless_changed(sofie: User, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="story")

    services.update_field(actor=sofie, field=field, key="story", kind="long_text", label_da="Historien",
                          label_en="The story", help_en="In your own words")

    field.refresh_from_db()
    assert (field.key, field.label_en, field.help_en) == ("story", "The story", "In your own words")
    event = AuditEvent.objects.get(action="instrument.field_changed")
    assert event.details["was"] == "story" and "key" not in event.details["changed"]


def test_update_field_to_another_kind_drops_options_it_does_not_use(sofie: User, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="areas")

    services.update_field(actor=sofie, field=field, key="areas", kind="long_text", label_da="Områder",
                          label_en="Areas", options=CHOICES)

    field.refresh_from_db()
    assert (field.kind, field.options) == (FieldKind.LONG_TEXT, {})


def test_update_field_moves_it_to_another_section_of_the_draft(sofie: User, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="story")

    services.update_field(actor=sofie, field=field, key="story", kind="long_text", label_da=field.label_da,
                          label_en=field.label_en, section=draft.sections.get(key="where"))

    assert _keys(draft) == [("worries", ["summary", "harm", "areas"]),
                            ("where", ["overall", "met_on", "scale", "story"])]


def test_update_field_refuses_a_section_of_another_version(sofie: User, draft: InstrumentVersion) -> None:
    elsewhere = draft.based_on.sections.get(key="where")  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as error:
        services.update_field(actor=sofie, field=draft.fields.get(key="story"), key="story", kind="long_text",
                              label_da="x", label_en="x", section=elsewhere)
    assert "section" in error.value.message_dict
    assert draft.fields.get(key="story").section.key == "worries"


def test_nothing_changes_when_nothing_is_changed(sofie: User, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="summary")
    services.update_field(actor=sofie, field=field, key="summary", kind=field.kind, label_da=field.label_da,
                          label_en=field.label_en, required=field.required)
    assert not AuditEvent.objects.filter(action="instrument.field_changed").exists()


def test_remove_field(sofie: User, draft: InstrumentVersion) -> None:
    services.remove_field(actor=sofie, field=draft.fields.get(key="harm"))

    assert _keys(draft)[0] == ("worries", ["summary", "story", "areas"])
    assert AuditEvent.objects.get(action="instrument.field_removed").details["field"] == "harm"


def test_move_field_within_its_section(sofie: User, draft: InstrumentVersion) -> None:
    services.move_field(actor=sofie, field=draft.fields.get(key="areas"), direction="up")
    services.move_field(actor=sofie, field=draft.fields.get(key="summary"), direction="down")

    assert _keys(draft)[0] == ("worries", ["story", "summary", "areas", "harm"])
    with pytest.raises(ValidationError, match="last already"):
        services.move_field(actor=sofie, field=draft.fields.get(key="harm"), direction="down")
    with pytest.raises(ValidationError, match="first already"):
        services.move_field(actor=sofie, field=draft.fields.get(key="overall"), direction="up")


# --- a published version never changes ----------------------------------------------------------

def _snapshot(version: InstrumentVersion) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    sections = version.sections.order_by("pk").values_list("pk", "order", "key", "title_da", "title_en")
    fields = version.fields.order_by("pk").values_list("pk", "section_id", "order", "key", "kind", "label_da",
                                                        "label_en", "required", "options")
    return list(sections), list(fields)


def test_every_change_to_a_published_version_is_refused_and_nothing_changes(sofie: User) -> None:
    version = published()
    before = _snapshot(version)
    events = AuditEvent.objects.count()
    section = version.sections.get(key="worries")
    field = version.fields.get(key="summary")
    attempts = [
        lambda: services.add_section(actor=sofie, version=version, key="more", title_da="x", title_en="x"),
        lambda: services.update_section(actor=sofie, section=section, key="worries", title_da="x", title_en="x"),
        lambda: services.remove_section(actor=sofie, section=section),
        lambda: services.move_section(actor=sofie, section=section, direction="down"),
        lambda: services.add_field(actor=sofie, section=section, key="more", kind="short_text", label_da="x",
                                   label_en="x"),
        lambda: services.update_field(actor=sofie, field=field, key="summary", kind="long_text", label_da="x",
                                      label_en="x"),
        lambda: services.remove_field(actor=sofie, field=field),
        lambda: services.move_field(actor=sofie, field=field, direction="down"),
        lambda: services.discard_draft(actor=sofie, version=version),
    ]

    for attempt in attempts:
        with pytest.raises(ValidationError, match="A published version cannot be changed"):
            attempt()

    assert _snapshot(version) == before
    assert AuditEvent.objects.count() == events


def test_a_draft_published_behind_the_editors_back_is_refused(sofie: User, draft: InstrumentVersion) -> None:
    stale = InstrumentVersion.objects.get(pk=draft.pk)  # the editor's copy, loaded while it was a draft
    services.publish(actor=sofie, version=draft, change_note="Done.")

    with pytest.raises(ValidationError, match="cannot be changed"):
        services.add_section(actor=sofie, version=stale, key="late", title_da="Sen", title_en="Late")
    assert not Section.objects.filter(key="late").exists()


# --- definitions ---------------------------------------------------------------------------------

def test_load_definition_creates_then_leaves_unchanged_then_publishes_the_next_version() -> None:
    v1, new = services.load_definition(definition=small_definition())
    assert new and v1.number == 1 and v1.is_published

    same, new = services.load_definition(definition=small_definition())
    assert (same, new) == (v1, False)

    changed = small_definition()
    changed["sections"][0]["fields"][0]["label_en"] = "In a few words"
    v2, new = services.load_definition(definition=changed)
    assert new and (v2.number, v2.based_on) == (2, v1) and v2.is_published
    assert v2.fields.get(key="summary").label_en == "In a few words"
    assert v1.fields.get(key="summary").label_en == "In short"


def test_a_file_leaving_out_defaults_reads_as_unchanged() -> None:
    definition = small_definition()
    areas = definition["sections"][0]["fields"][3]
    areas["options"] = {"choices": areas["options"]["choices"]}  # no "multiple": it defaults to false
    services.load_definition(definition=definition)

    _version, new = services.load_definition(definition=definition)

    assert not new


def test_load_definition_refuses_while_a_draft_is_open(draft: InstrumentVersion) -> None:
    changed = small_definition(name_en="Changed")
    changed["sections"][0]["title_en"] = "Other worries"
    with pytest.raises(ValidationError, match="has a draft in the browser"):
        services.load_definition(definition=changed)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(sections="none"), "list of sections"),
    (lambda d: d["sections"][0].update(fields=["summary"]), "each field is an object"),
    (lambda d: d["sections"][0]["fields"][0].update(key="In short"), "key of its own"),
    (lambda d: d["sections"][1]["fields"][0].update(key="summary"), "key of its own"),
    (lambda d: d["sections"][0]["fields"][0].update(kind="slider"), "not a kind of field"),
    (lambda d: d["sections"][0]["fields"][0].update(label_en=""), "field “summary”: label (English)"),
    (lambda d: d["sections"][1].update(title_da=""), "section “where”: title (Danish)"),
    (lambda d: d["sections"][0]["fields"][3].update(options={}), "Field “areas”: A choice needs"),
    (lambda d: d.update(use="sometimes"), "not a valid choice"),
])
def test_load_definition_refuses_a_malformed_definition(change, message: str) -> None:  # type: ignore[no-untyped-def]
    definition = small_definition()
    change(definition)

    with pytest.raises(ValidationError) as error:
        services.load_definition(definition=definition)

    assert message in str(error.value)
    assert not InstrumentVersion.objects.exists()


def test_assessments_made_with_v1_stay_with_v1_after_v2(people: dict[str, User]) -> None:
    v1 = published()
    case = make_case(lead=people["carl"])
    made = make_assessment(version=v1, author=people["carl"], case=case, answers={"summary": "Går i skole"},
                           signed=True)
    changed = small_definition()
    changed["sections"][0]["fields"][0]["label_da"] = "Med få ord"
    changed["sections"][0]["fields"].append({"key": "extra", "kind": "short_text", "label_da": "Mere",
                                             "label_en": "More"})

    v2, new = services.load_definition(definition=changed)

    assert new and v2.number == 2
    made.refresh_from_db()
    assert made.version == v1 and made.answers == {"summary": "Går i skole"}
    assert v1.fields.get(key="summary").label_da == "Kort"
    assert not v1.fields.filter(key="extra").exists()
    assert set(v1.fields.values_list("key", flat=True)) <= set(v2.fields.values_list("key", flat=True))


def test_definition_of_round_trips_through_load_definition(sofie: User, draft: InstrumentVersion) -> None:
    services.add_field(actor=sofie, section=draft.sections.get(key="where"), key="pick", kind="choice",
                       label_da="Vælg", label_en="Pick", options=CHOICES)
    services.publish(actor=sofie, version=draft, change_note="A choice.")

    again, new = services.load_definition(definition=services.definition_of(draft))

    assert not new and again == draft
    assert Field.objects.filter(version=draft, key="pick").get().options["multiple"] is False
