"""The authoring pages: who may open them, what each one does through the services, bad input
kept at the field, a published version that refuses every change, and pinned query counts."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from infohus.accounts.models import Membership, User
from infohus.assessments.models import Field, Instrument, InstrumentVersion
from infohus.assessments.services import instruments as services
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

SignedIn = Callable[[str], Client]


@pytest.fixture
def author(signed_in: SignedIn) -> Client:
    return signed_in("sofie")


@pytest.fixture
def v1() -> InstrumentVersion:
    return published()


@pytest.fixture
def draft(v1: InstrumentVersion) -> InstrumentVersion:
    return services.new_draft(actor=None, based_on=v1)


def _url(name: str, *args: int) -> str:
    return reverse(f"assessments:{name}", args=args)


def _keys(version: InstrumentVersion) -> list[tuple[str, list[str]]]:
    return [(s.key, [f.key for f in s.fields.order_by("order", "pk")])
            for s in version.sections.order_by("order", "pk")]


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


# --- who may ------------------------------------------------------------------------------------

def _every_route(v1: InstrumentVersion, draft: InstrumentVersion) -> list[tuple[str, str]]:
    section = draft.sections.order_by("order").first()
    field = draft.fields.order_by("pk").first()
    assert section is not None and field is not None
    return [
        ("GET", _url("instrument_list")), ("GET", _url("instrument_new")), ("POST", _url("instrument_new")),
        ("GET", _url("version_detail", v1.pk)), ("GET", _url("version_detail", draft.pk)),
        ("POST", _url("version_new_draft", v1.pk)), ("POST", _url("version_publish", draft.pk)),
        ("GET", _url("version_discard", draft.pk)), ("POST", _url("version_discard", draft.pk)),
        ("GET", _url("section_add", draft.pk)), ("POST", _url("section_add", draft.pk)),
        ("GET", _url("section_edit", draft.pk, section.pk)), ("POST", _url("section_edit", draft.pk, section.pk)),
        ("POST", _url("section_remove", draft.pk, section.pk)), ("POST", _url("section_move", draft.pk, section.pk)),
        ("GET", _url("field_add", draft.pk, section.pk)), ("POST", _url("field_add", draft.pk, section.pk)),
        ("GET", _url("field_edit", draft.pk, field.pk)), ("POST", _url("field_edit", draft.pk, field.pk)),
        ("POST", _url("field_remove", draft.pk, field.pk)), ("POST", _url("field_move", draft.pk, field.pk)),
    ]


@pytest.mark.parametrize("username", ["mads", "carl", "ida", "anders", "dina"])
def test_everyone_without_the_capability_gets_403_and_changes_nothing(signed_in: SignedIn, v1: InstrumentVersion,
                                                                     draft: InstrumentVersion,
                                                                     username: str) -> None:
    client = signed_in(username)
    before = _keys(draft)

    for method, url in _every_route(v1, draft):
        response = client.get(url) if method == "GET" else client.post(url, {"direction": "up", "key": "x"})
        assert response.status_code == 403, (method, url)

    assert _keys(draft) == before
    assert InstrumentVersion.objects.count() == 2


@pytest.mark.parametrize("username", ["sofie", "tina", "morten"])
def test_the_administrator_and_the_national_centre_may_author(signed_in: SignedIn, v1: InstrumentVersion,
                                                             username: str) -> None:
    client = signed_in(username)
    assert client.get(_url("instrument_list")).status_code == 200
    assert client.get(_url("version_detail", v1.pk)).status_code == 200


def test_a_trainer_outside_a_national_centre_may_not(signed_in: SignedIn, people: dict[str, User],
                                                     v1: InstrumentVersion) -> None:
    municipality = Membership.objects.get(user=people["mads"]).organisation
    Membership.objects.filter(user=people["tina"]).update(organisation=municipality)

    client = signed_in("tina")

    assert client.get(_url("instrument_list")).status_code == 403
    html = client.get("/desk/").content.decode()
    assert "Assessment instruments" not in html and _url("instrument_list") not in html


# --- the start page -----------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["sofie", "tina", "morten"])
def test_authors_start_page_links_to_the_instruments_and_lists_drafts(signed_in: SignedIn, draft: InstrumentVersion,
                                                                      username: str) -> None:
    html = signed_in(username).get("/desk/").content.decode()

    assert "<h2" in html and "Assessment instruments</h2>" in html
    assert f'href="{_url("instrument_list")}"' in html
    assert f'href="{_url("version_detail", draft.pk)}">Test instrument · version 2</a>' in html


def test_the_start_page_of_others_has_no_instruments(signed_in: SignedIn) -> None:
    html = signed_in("mads").get("/desk/").content.decode()
    assert "Assessment instruments" not in html


# --- the list -----------------------------------------------------------------------------------

def test_list_shows_each_version_with_status_date_and_assessments_made(author: Client, people: dict[str, User],
                                                                       v1: InstrumentVersion,
                                                                       draft: InstrumentVersion) -> None:
    case = make_case(lead=people["carl"])
    for _ in range(3):
        make_assessment(version=v1, author=people["carl"], case=case)

    response = author.get(_url("instrument_list"))

    html = response.content.decode()
    assert "Test instrument" in html
    rows = [(v.number, v.status, v.assessment_count) for i in response.context["instruments"]
            for v in i.versions.all()]
    assert rows == [(2, "draft", 0), (1, "published", 3)]
    assert f'href="{_url("version_detail", v1.pk)}"' in html and f'href="{_url("version_detail", draft.pk)}"' in html
    assert v1.published_at is not None and timezone.localdate(v1.published_at).isoformat() in html
    assert '<td data-testid="assessment-count">3</td>' in html


def _instruments(n: int, people: dict[str, User]) -> None:
    case = make_case(lead=people["carl"])
    start = Instrument.objects.count()
    for i in range(start, start + n):
        version = published(small_definition(slug=f"instrument-{i}"))
        make_assessment(version=version, author=people["carl"], case=case)
        services.new_draft(actor=None, based_on=version)


# Request (7: session, user, OTP device, memberships, session save) + instruments + their versions
# with the counts of assessments (2). Nothing is audited: instruments hold no personal data.
LIST_QUERIES = 9


def test_list_queries_do_not_grow_with_instruments(author: Client, people: dict[str, User],
                                                   django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    author.get(_url("instrument_list"))
    _instruments(3, people)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert author.get(_url("instrument_list")).status_code == 200
    _instruments(27, people)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = author.get(_url("instrument_list"))
    assert response.content.decode().count('data-testid="instrument"') == 30


# --- a new instrument ---------------------------------------------------------------------------

def test_create_an_instrument_gives_an_empty_draft(author: Client) -> None:
    response = author.post(_url("instrument_new"), {
        "slug": "family-map", "name_da": "Familiekort", "name_en": "Family map", "description_da": "",
        "description_en": "A map of the family.", "use": "case", "default_compartment": "general",
    })

    version = InstrumentVersion.objects.get(instrument__slug="family-map")
    assert response.status_code == 302 and response["Location"] == _url("version_detail", version.pk)
    assert (version.number, version.status, version.instrument.description_en) == (1, "draft", "A map of the family.")


def test_a_taken_short_name_is_refused_at_the_field_and_the_input_kept(author: Client, v1: InstrumentVersion) -> None:
    response = author.post(_url("instrument_new"), {
        "slug": "test-instrument", "name_da": "Noget", "name_en": "Something else", "use": "case",
        "default_compartment": "general",
    })

    assert response.status_code == 200
    assert "exists already" in " ".join(response.context["form"].errors["slug"])
    assert 'value="Something else"' in response.content.decode()
    assert Instrument.objects.count() == 1


# --- a version page -----------------------------------------------------------------------------

def test_a_draft_page_previews_the_fields_with_controls(author: Client, draft: InstrumentVersion) -> None:
    html = author.get(_url("version_detail", draft.pk)).content.decode()
    areas = draft.fields.get(key="areas")
    summary = draft.fields.get(key="summary")

    assert "<h1>Test instrument · version 2</h1>" in html
    assert '<h3 id="section-' in html and ">Worries</h3>" in html
    assert f'<label class="form-label" for="preview-{summary.pk}">In short' in html
    assert f'type="checkbox" name="preview-{areas.pk}" value="school" disabled> School' in html
    assert html.count('type="radio" name="preview-') == 11  # the 0–10 scale
    assert f'href="{_url("field_edit", draft.pk, summary.pk)}"' in html
    assert f'href="{_url("section_add", draft.pk)}"' in html
    assert f'action="{_url("version_publish", draft.pk)}"' in html
    assert 'data-testid="new-key"' not in html  # every key is kept from version 1


def test_a_field_new_in_a_version_is_marked(author: Client, draft: InstrumentVersion) -> None:
    services.add_field(actor=None, section=draft.sections.get(key="where"), key="who", kind="short_text",
                       label_da="Hvem", label_en="Who")
    html = author.get(_url("version_detail", draft.pk)).content.decode()
    assert html.count('data-testid="new-key"') == 1


def test_a_published_page_is_read_only_and_offers_the_next_version(author: Client, v1: InstrumentVersion) -> None:
    html = author.get(_url("version_detail", v1.pk)).content.decode()

    assert 'data-testid="read-only"' in html
    assert "Start version 2 from this" in html
    assert f'action="{_url("version_new_draft", v1.pk)}"' in html
    page = _url("version_detail", v1.pk)
    # No link or form that would change it: sections/… and fields/… are the change pages.
    assert f'"{page}sections/' not in html and f'"{page}fields/' not in html
    assert _url("version_publish", v1.pk) not in html and _url("version_discard", v1.pk) not in html
    assert html.count("disabled") >= v1.fields.count()  # the preview is shown all the same


def test_a_published_page_with_a_draft_points_to_it(author: Client, v1: InstrumentVersion,
                                                    draft: InstrumentVersion) -> None:
    html = author.get(_url("version_detail", v1.pk)).content.decode()
    assert "Start version" not in html
    assert f'href="{_url("version_detail", draft.pk)}"' in html


def _version_with(sections: int, fields_each: int) -> InstrumentVersion:
    definition = small_definition(slug=f"sized-{sections}-{fields_each}")
    definition["sections"] = [
        {"key": f"s{s}", "title_da": f"Afsnit {s}", "title_en": f"Section {s}", "fields": [
            {"key": f"s{s}-f{f}", "kind": kind, "label_da": f"Felt {f}", "label_en": f"Field {f}",
             **({"options": small_definition()["sections"][0]["fields"][3]["options"]} if kind == "choice" else {})}
            for f, kind in zip(range(fields_each), ["short_text", "choice", "scale", "statements"] * 10, strict=False)
        ]} for s in range(sections)
    ]
    return services.new_draft(actor=None, based_on=published(definition))


# Request (7) + the version with its instrument and people (1) + sections and their fields (2) +
# the keys of the version it was started from (1) + the instrument's versions with counts (1).
VERSION_QUERIES = 12


def test_version_page_queries_do_not_grow_with_sections_and_fields(
        author: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    small, large = _version_with(2, 2), _version_with(10, 6)
    for version in (small, large):
        with django_assert_max_num_queries(VERSION_QUERIES):
            response = author.get(_url("version_detail", version.pk))
        assert response.status_code == 200
    assert response.content.decode().count('data-testid="field"') == 60


# --- versions: new, publish, discard ------------------------------------------------------------

def test_start_the_next_version_from_a_published_one(author: Client, v1: InstrumentVersion) -> None:
    response = author.post(_url("version_new_draft", v1.pk))

    draft = InstrumentVersion.objects.get(number=2)
    assert response["Location"] == _url("version_detail", draft.pk)
    assert _keys(draft) == _keys(v1)

    again = author.post(_url("version_new_draft", v1.pk), follow=True)
    assert any("has a draft already" in m for m in _messages(again))
    assert InstrumentVersion.objects.count() == 2


def test_publish_with_a_note(author: Client, draft: InstrumentVersion) -> None:
    response = author.post(_url("version_publish", draft.pk), {"change_note": "Shorter help texts."}, follow=True)

    draft.refresh_from_db()
    assert draft.is_published and draft.change_note == "Shorter help texts."
    assert any("Version 2 is published" in m for m in _messages(response))


def test_publish_without_a_note_is_refused(author: Client, draft: InstrumentVersion) -> None:
    response = author.post(_url("version_publish", draft.pk), {"change_note": "  "}, follow=True)

    draft.refresh_from_db()
    assert not draft.is_published
    assert any("Say what changed" in m for m in _messages(response))


def test_publish_an_empty_draft_is_refused_with_the_reason(author: Client) -> None:
    version = services.create_instrument(actor=None, slug="empty", name_da="Tom", name_en="Empty")

    response = author.post(_url("version_publish", version.pk), {"change_note": "First."}, follow=True)

    assert any("at least one field" in m for m in _messages(response))
    version.refresh_from_db()
    assert not version.is_published


def test_discard_asks_first_then_discards(author: Client, v1: InstrumentVersion, draft: InstrumentVersion) -> None:
    page = author.get(_url("version_discard", draft.pk))
    assert page.status_code == 200 and "Discard the draft of version 2?" in page.content.decode()
    assert InstrumentVersion.objects.filter(pk=draft.pk).exists()

    response = author.post(_url("version_discard", draft.pk))

    assert response["Location"] == _url("instrument_list")
    assert list(InstrumentVersion.objects.all()) == [v1]


# --- sections -----------------------------------------------------------------------------------

def test_add_edit_move_and_remove_a_section(author: Client, draft: InstrumentVersion) -> None:
    response = author.post(_url("section_add", draft.pk), {"key": "next", "title_da": "Næste skridt",
                                                           "title_en": "Next steps"})
    section = draft.sections.get(key="next")
    assert response["Location"] == _url("version_detail", draft.pk) + f"#section-{section.pk}"

    author.post(_url("section_edit", draft.pk, section.pk), {"key": "next", "title_da": "Næste skridt",
                                                             "title_en": "What happens next", "help_en": "Who."})
    section.refresh_from_db()
    assert (section.title_en, section.help_en) == ("What happens next", "Who.")

    author.post(_url("section_move", draft.pk, section.pk), {"direction": "up"})
    assert [k for k, _f in _keys(draft)] == ["worries", "next", "where"]

    assert author.get(_url("section_remove", draft.pk, section.pk)).status_code == 200  # asks first
    author.post(_url("section_remove", draft.pk, section.pk))
    assert [k for k, _f in _keys(draft)] == ["worries", "where"]


def test_a_taken_section_key_is_refused_at_the_field(author: Client, draft: InstrumentVersion) -> None:
    response = author.post(_url("section_add", draft.pk), {"key": "where", "title_da": "Igen",
                                                           "title_en": "Again"})

    assert response.status_code == 200
    assert "Another section of this version" in " ".join(response.context["form"].errors["key"])
    assert 'value="Again"' in response.content.decode()


def test_section_edit_form_starts_from_the_section(author: Client, draft: InstrumentVersion) -> None:
    section = draft.sections.get(key="where")
    html = author.get(_url("section_edit", draft.pk, section.pk)).content.decode()
    assert 'value="where"' in html and 'value="Where things stand"' in html


def test_a_section_of_another_version_is_not_reached_through_this_one(author: Client, v1: InstrumentVersion,
                                                                      draft: InstrumentVersion) -> None:
    elsewhere = v1.sections.get(key="where")
    assert author.get(_url("section_edit", draft.pk, elsewhere.pk)).status_code == 404
    assert author.post(_url("field_add", draft.pk, elsewhere.pk), {"key": "x"}).status_code == 404


# --- fields -------------------------------------------------------------------------------------

FIELD = {"key": "pick", "kind": "choice", "label_da": "Vælg", "label_en": "Pick", "help_da": "", "help_en": "",
         "choices": "family | Familie | Family\nschool | Skole | School", "multiple": "on"}


def test_add_a_choice_with_its_options_one_per_line(author: Client, draft: InstrumentVersion) -> None:
    section = draft.sections.get(key="where")

    response = author.post(_url("field_add", draft.pk, section.pk), FIELD)

    field = draft.fields.get(key="pick")
    assert response["Location"] == _url("version_detail", draft.pk) + f"#field-{field.pk}"
    assert field.section == section and field.kind == "choice"
    assert field.options == {"multiple": True, "choices": [
        {"value": "family", "label_da": "Familie", "label_en": "Family"},
        {"value": "school", "label_da": "Skole", "label_en": "School"}]}


def test_add_a_participant_scale(author: Client, draft: InstrumentVersion) -> None:
    section = draft.sections.get(key="where")
    author.post(_url("field_add", draft.pk, section.pk), {
        "key": "steps", "kind": "participant_scale", "label_da": "Skala", "label_en": "Scale", "required": "on",
        "participants": "person | Personen | The person\n\ncase_worker | Sagsbehandler | The case worker\n"})

    field = draft.fields.get(key="steps")
    assert field.required and field.participants() == [("person", "The person"), ("case_worker", "The case worker")]


@pytest.mark.parametrize(("changes", "at", "message"), [
    ({"key": "summary"}, "key", "Another field of this version has the key “summary”"),
    ({"key": "Two words"}, "key", "lowercase letters"),
    ({"choices": ""}, "choices", "at least one option"),
    ({"choices": "family | Familie"}, "choices", "Line 1: write it as three parts"),
    ({"choices": "family | Familie | Family\n\nschool | | School"}, "choices", "Line 3: write it as three parts"),
    ({"choices": "family | Familie | Family\nfamily | Familien | The family"}, "choices", "Line 2: “family” is on"),
    ({"choices": "Big Family | Familie | Family"}, "choices", "Line 1: “Big Family” must be lowercase"),
    ({"kind": "participant_scale", "participants": "mentor|Mentor"}, "participants", "Line 1: write it as"),
    ({"kind": "participant_scale"}, "participants", "at least one participant"),
    ({"label_en": ""}, "label_en", "required"),
])
def test_bad_field_input_is_shown_at_the_field_and_nothing_is_lost(author: Client, draft: InstrumentVersion,
                                                                  changes: dict[str, str], at: str,
                                                                  message: str) -> None:
    section = draft.sections.get(key="where")
    data = {**FIELD, **changes}

    response = author.post(_url("field_add", draft.pk, section.pk), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[at]), form.errors
    html = response.content.decode()
    assert 'class="alert alert-error error-summary"' in html
    assert f'id="id_{at}_error"' in html
    for name in ("key", "label_en", "choices", "participants"):  # what was typed is still there
        if data.get(name):
            assert escape(data[name]) in html, name
    assert draft.fields.count() == 7


def test_field_edit_starts_from_the_field_and_keeps_the_key(author: Client, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="areas")

    page = author.get(_url("field_edit", draft.pk, field.pk))
    html = page.content.decode()
    assert 'value="areas"' in html
    assert "family | Familie | Family\nschool | Skole | School</textarea>" in html
    assert "answers stay comparable" in html  # the key's help text

    data = {**page.context["form"].initial, "label_en": "Areas we work on", "multiple": "on"}
    data.pop("required")
    response = author.post(_url("field_edit", draft.pk, field.pk), data)

    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.key, field.label_en, field.required) == ("areas", "Areas we work on", False)
    assert [v for v, _l in field.choices()] == ["family", "school"]


def test_field_edit_moves_the_field_to_another_section(author: Client, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="story")
    data = {"section": draft.sections.get(key="where").pk, "key": "story", "kind": "long_text",
            "label_da": "Beskrivelse", "label_en": "Description"}

    author.post(_url("field_edit", draft.pk, field.pk), data)

    assert _keys(draft)[1] == ("where", ["overall", "met_on", "scale", "story"])


def test_move_and_remove_a_field(author: Client, draft: InstrumentVersion) -> None:
    field = draft.fields.get(key="harm")

    author.post(_url("field_move", draft.pk, field.pk), {"direction": "up"})
    assert _keys(draft)[0] == ("worries", ["summary", "harm", "story", "areas"])

    edge = author.post(_url("field_move", draft.pk, draft.fields.get(key="summary").pk), {"direction": "up"},
                       follow=True)
    assert any("first already" in m for m in _messages(edge))

    assert author.get(_url("field_remove", draft.pk, field.pk)).status_code == 200  # asks first
    author.post(_url("field_remove", draft.pk, field.pk))
    assert _keys(draft)[0] == ("worries", ["summary", "story", "areas"])


# --- a published version refuses every change ----------------------------------------------------

def _snapshot(version: InstrumentVersion) -> tuple[list[object], list[object]]:
    sections = version.sections.order_by("pk").values_list("pk", "order", "key", "title_en", "help_en")
    fields = version.fields.order_by("pk").values_list("pk", "section_id", "order", "key", "kind", "label_en",
                                                        "required", "options")
    return list(sections), list(fields)


def test_a_forged_post_to_edit_a_field_of_a_published_version_changes_nothing(author: Client,
                                                                            v1: InstrumentVersion) -> None:
    field = v1.fields.get(key="summary")
    before = _snapshot(v1)

    response = author.post(_url("field_edit", v1.pk, field.pk), {
        "section": field.section_id, "key": "renamed", "kind": "long_text", "label_da": "Ændret",
        "label_en": "Changed"}, follow=True)

    assert response.redirect_chain[0][0] == _url("version_detail", v1.pk)
    assert "A published version cannot be changed. Start a new version from it." in _messages(response)
    assert _snapshot(v1) == before
    assert Field.objects.filter(key="renamed").count() == 0


def test_every_change_to_a_published_version_is_refused(author: Client, v1: InstrumentVersion) -> None:
    section = v1.sections.get(key="worries")
    field = v1.fields.get(key="summary")
    before = _snapshot(v1)
    posts = [
        (_url("section_add", v1.pk), {"key": "more", "title_da": "Mere", "title_en": "More"}),
        (_url("section_edit", v1.pk, section.pk), {"key": "worries", "title_da": "x", "title_en": "x"}),
        (_url("section_remove", v1.pk, section.pk), {}),
        (_url("section_move", v1.pk, section.pk), {"direction": "down"}),
        (_url("field_add", v1.pk, section.pk), {"key": "more", "kind": "short_text", "label_da": "x",
                                                "label_en": "x"}),
        (_url("field_remove", v1.pk, field.pk), {}),
        (_url("field_move", v1.pk, field.pk), {"direction": "down"}),
        (_url("version_publish", v1.pk), {"change_note": "Again."}),
        (_url("version_discard", v1.pk), {}),
    ]

    for url, data in posts:
        response = author.post(url, data, follow=True)
        assert response.redirect_chain[-1][0].split("#")[0] == _url("version_detail", v1.pk), url
        assert any("cannot be changed" in m for m in _messages(response)), url

    assert _snapshot(v1) == before
    assert author.get(_url("field_edit", v1.pk, field.pk))["Location"] == _url("version_detail", v1.pk)
