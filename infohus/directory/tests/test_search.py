"""Search of the public directory: ranking, filters, facets, highlighting, and the full-text
index itself on each database."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection

from infohus.directory import fulltext
from infohus.directory.highlight import highlight, snippet
from infohus.directory.models import Project
from infohus.directory.selectors import _matching, search_projects
from infohus.directory.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_facets() -> Iterator[None]:
    # The facets of the plain search page are cached for a minute; no test may see another's.
    cache.clear()
    yield
    cache.clear()


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


def test_each_kind_of_tag_is_counted_with_the_other_kinds_of_tag_applied() -> None:
    make_project("Mentors A", countries=("DK",), tags=("young-people", "mentoring", "religious"),
                 prevention_level="targeted")
    make_project("Mentors B", countries=("DK",), tags=("families", "mentoring", "right-wing"))
    make_project("Mentors C", countries=("SE",), tags=("young-people", "prison", "religious"),
                 prevention_level="targeted")
    make_project("Mentors hidden", countries=("DK",), tags=("young-people", "mentoring", "religious"),
                 published=False)
    facets = search_projects("mentor", theme="mentoring", extremism="religious").facets()
    counts = {name: {choice.value: choice.count for choice in getattr(facets, name)}
              for name in ("target_group", "theme", "extremism", "country", "prevention_level")}
    # Target groups: both tag filters apply (A only).
    assert counts["target_group"]["young-people"] == 1 and counts["target_group"]["families"] == 0
    # Themes: only the extremism filter applies (A and C).
    assert counts["theme"]["mentoring"] == 1 and counts["theme"]["prison"] == 1
    # Kinds of extremism: only the theme filter applies (A and B).
    assert counts["extremism"]["religious"] == 1 and counts["extremism"]["right-wing"] == 1
    # Countries and levels: every tag filter applies (A only).
    assert counts["country"]["DK"] == 1 and counts["country"]["SE"] == 0
    assert counts["prevention_level"]["targeted"] == 1 and counts["prevention_level"]["indicated"] == 0
    # Every choice is there, counted or not, tags in the order of their names.
    labels = [choice.label for choice in facets.theme]
    assert labels == sorted(labels) and "prison" in {choice.value for choice in facets.theme}


def test_a_tag_filter_that_names_no_tag_counts_nothing_in_the_other_facets() -> None:
    make_project("Mentors A", countries=("DK",), tags=("young-people", "mentoring"))
    facets = search_projects("mentor", theme="no-such-theme").facets()
    assert {choice.count for choice in facets.target_group} == {0}
    assert {choice.value: choice.count for choice in facets.theme}["mentoring"] == 1


def test_facets_of_the_plain_search_page_are_cached_briefly(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    make_project("Mentors A", countries=("DK",), tags=("young-people",))
    first = search_projects("").facets()
    assert {choice.value: choice.count for choice in first.country}["DK"] == 1
    make_project("Mentors B", countries=("DK",), tags=("young-people",))
    with django_assert_num_queries(0):
        # Not invalidated: a minute-old count is acceptable (FACET_CACHE_SECONDS).
        assert search_projects("").facets() == first
    # A search with words or filters is always counted afresh.
    assert {c.value: c.count for c in search_projects("mentor").facets().country}["DK"] == 2
    assert {c.value: c.count for c in search_projects("", theme="x").facets().country}["DK"] == 0
    cache.clear()
    assert {choice.value: choice.count for choice in search_projects("").facets().country}["DK"] == 2


@pytest.mark.parametrize(("level", "queries"), [("", 5), ("targeted", 6)])
def test_count_and_facets_take_a_fixed_number_of_queries(
    django_assert_num_queries, level: str, queries: int  # type: ignore[no-untyped-def]
) -> None:
    for i in range(3):
        make_project(f"Mentor {i}", countries=("DK", "SE"), tags=("young-people", "mentoring"),
                     prevention_level="targeted" if i else "")
    results = search_projects("mentor", prevention_level=level, theme="mentoring")
    # count() shares its query with the prevention-level facet when no level is chosen; then
    # the countries (counts, list) and the tags (list, counts).
    with django_assert_num_queries(queries):
        assert results.count() == (2 if level else 3)
        facets = results.facets()
    levels = {choice.value: choice.count for choice in facets.prevention_level}
    assert levels["targeted"] == 2 and levels["universal"] == 0


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


@pytest.mark.skipif(not fulltext.is_supported(connection), reason="no full-text index on this database")
def test_system_check_reports_a_lost_part_of_the_index() -> None:
    assert fulltext.check_index(None, databases=["default"]) == []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # What a migration that makes SQLite rebuild directory_project does to the triggers.
            cursor.execute("DROP TRIGGER directory_project_fts_au")
            lost = "directory_project_fts_au"
        else:
            cursor.execute(f"DROP INDEX {fulltext.PG_INDEX_NAME}")
            lost = fulltext.PG_INDEX_NAME
    try:
        messages = fulltext.check_index(None, databases=["default"])
        assert [message.id for message in messages] == ["directory.E001"]
        assert lost in messages[0].msg and "fulltext.install" in (messages[0].hint or "")
    finally:
        # DDL is transactional on both, so the test's rollback would restore it too.
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in fulltext.SQLITE_CREATE:  # idempotent
                    cursor.execute(statement)
            else:
                cursor.execute(fulltext.POSTGRES_CREATE[1])
    assert fulltext.check_index(None, databases=["default"]) == []


def test_the_check_names_the_triggers_that_install_creates() -> None:
    created = " ".join(" ".join(fulltext.SQLITE_CREATE).split())
    assert all(f"CREATE TRIGGER IF NOT EXISTS {name} " in created for name in fulltext.FTS_TRIGGERS)
    assert f"CREATE VIRTUAL TABLE IF NOT EXISTS {fulltext.FTS_TABLE} " in created


def test_the_check_is_registered_for_the_database_tag() -> None:
    from django.core import checks

    assert fulltext.check_index in checks.registry.registry.get_checks(include_deployment_checks=False)
    assert checks.Tags.database in fulltext.check_index.tags  # type: ignore[attr-defined]
