"""Search of the public directory: ranking, filters, facets, highlighting, and the full-text
index itself on each database."""

import pytest
from django.db import connection

from infohus.directory import fulltext
from infohus.directory.highlight import highlight, snippet
from infohus.directory.models import Project
from infohus.directory.selectors import _matching, search_projects
from infohus.directory.tests.factories import make_project

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.project.title for hit in results[0:results.count()]]


def test_title_match_ranks_above_description_match() -> None:
    # Created first and alphabetically first, so only the ranking can put it second.
    make_project("Aftercare in the municipalities", description="Mentors follow each person closely.")
    make_project("Mentor corps", description="Professionals in many municipalities.")
    assert titles(search_projects("mentor")) == ["Mentor corps", "Aftercare in the municipalities"]


def test_every_word_must_match_as_the_beginning_of_a_word() -> None:
    make_project("Parent coaching", summary="Coaches for parents of young people")
    make_project("Parent helpline", summary="A telephone line")
    assert titles(search_projects("parent coach")) == ["Parent coaching"]
    assert titles(search_projects("arent")) == []


def test_search_finds_organisation_country_and_contact_names() -> None:
    from infohus.directory.tests.factories import make_organisation

    make_project("Exit work", organisation=make_organisation("Aarhus Kommune"), countries=("DK",),
                 contacts=[{"name": "Birgitte Holm"}])
    assert titles(search_projects("aarhus")) == ["Exit work"]
    assert titles(search_projects("denmark")) == ["Exit work"]
    assert titles(search_projects("holm")) == ["Exit work"]


def test_unpublished_projects_are_never_found() -> None:
    make_project("Mentor visible")
    make_project("Mentor hidden", published=False)
    results = search_projects("mentor")
    assert titles(results) == ["Mentor visible"]
    assert results.count() == 1
    assert titles(search_projects("")) == ["Mentor visible"]


def test_filters_narrow_the_results() -> None:
    make_project("Mentors in Denmark", countries=("DK",), tags=("young-people", "mentoring", "religious"),
                 prevention_level="targeted")
    make_project("Mentors in Sweden", countries=("SE",), tags=("prisoners", "prison", "right-wing"),
                 prevention_level="indicated")
    assert titles(search_projects("mentor", country="dk")) == ["Mentors in Denmark"]
    assert titles(search_projects("mentor", country="SE")) == ["Mentors in Sweden"]
    assert titles(search_projects("", target_group="prisoners")) == ["Mentors in Sweden"]
    assert titles(search_projects("", theme="mentoring")) == ["Mentors in Denmark"]
    assert titles(search_projects("", extremism="right-wing")) == ["Mentors in Sweden"]
    assert titles(search_projects("", prevention_level="targeted")) == ["Mentors in Denmark"]
    assert titles(search_projects("mentor", country="DK", theme="prison")) == []


def test_facet_counts_apply_the_other_filters_but_not_their_own() -> None:
    make_project("Mentors A", countries=("DK",), tags=("young-people",))
    make_project("Mentors B", countries=("DK",), tags=("families",))
    make_project("Mentors C", countries=("SE",), tags=("young-people",))
    make_project("Unrelated", countries=("SE",), tags=("young-people",))
    facets = search_projects("mentor", country="DK").facets()
    countries = {choice.value: choice.count for choice in facets.country}
    # The country filter does not count against its own choices...
    assert countries["DK"] == 2 and countries["SE"] == 1 and countries["NO"] == 0
    # ...but does narrow the others.
    groups = {choice.value: choice.count for choice in facets.target_group}
    assert groups["young-people"] == 1 and groups["families"] == 1


def test_results_are_paged_without_overlap() -> None:
    for i in range(25):
        make_project(f"Mentor {i:02d}")
    results = search_projects("mentor")
    first, second = results[0:20], results[20:40]
    assert results.count() == 25
    assert len(first) == 20 and len(second) == 5
    assert not {h.project.pk for h in first} & {h.project.pk for h in second}


def test_matching_words_are_marked_and_markup_is_escaped() -> None:
    make_project("<script>alert(1)</script> Mentor & co", summary="<b>Mentoring</b> for young people")
    hit = search_projects("mentor")[0]
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Mentor</mark> &amp; co"
    assert hit.snippet_html == "&lt;b&gt;<mark>Mentoring</mark>&lt;/b&gt; for young people"


def test_snippet_comes_from_the_description_when_the_summary_does_not_match() -> None:
    make_project("Exit", summary="A short summary", description="Long text where the word mentor appears.")
    assert "<mark>mentor</mark>" in search_projects("mentor")[0].snippet_html


@pytest.mark.parametrize("query", ['"', "mentor OR", "NEAR(mentor", "mentor:* | !x", "*", "a & (b", "AND NOT", "'"])
def test_query_syntax_typed_by_a_visitor_is_only_words(query: str) -> None:
    make_project("Mentor or near")
    results = search_projects(query)
    results.count()
    results[0:20]


def test_snippet_cuts_long_text_around_the_first_match() -> None:
    text = " ".join(f"word{i}" for i in range(100)) + " mentor " + " ".join(f"tail{i}" for i in range(100))
    cut = snippet(text, ["mentor"], words=30)
    assert cut.startswith("… ") and cut.endswith(" …")
    assert "<mark>mentor</mark>" in cut
    assert len(cut.split()) <= 32


def test_highlight_without_terms_only_escapes() -> None:
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"


def test_query_terms_keep_letters_and_digits_only() -> None:
    terms = fulltext.query_terms('Mentor "prison" NEAR(x) 2024 mentor øst')
    assert terms == ["mentor", "prison", "near", "x", "2024", "øst"]


def test_index_follows_changes_and_deletions() -> None:
    project = make_project("Mentor programme")
    Project.objects.filter(pk=project.pk).update(title="Coaching programme", search_document="Coaching programme")
    assert titles(search_projects("mentor")) == []
    assert titles(search_projects("coaching")) == ["Coaching programme"]
    Project.objects.filter(pk=project.pk).delete()
    assert titles(search_projects("coaching")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgres_search_can_use_the_gin_index() -> None:
    make_project("Mentor corps")
    # The selectors' own search condition, alone, so that no other index is a candidate.
    matching = _matching(Project.objects.order_by(), ["mentor"])
    sql, params = matching.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert fulltext.PG_INDEX_NAME in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_fts5_table_and_its_triggers_exist() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'directory_project_fts%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"directory_project_fts", *(f"directory_project_fts_{t}" for t in ("ai", "ad", "au"))} <= names
