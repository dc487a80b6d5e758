"""The public pages of the practice network: what they show, what they never show, and how
many queries they take (which must not grow with the directory)."""

import json
import re

import pytest
from django.test import Client

from infohus.directory.models import Project
from infohus.directory.tests.factories import make_organisation, make_project, make_projects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: object) -> None:
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]


def _html(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def aarhus_project() -> Project:
    return make_project(
        "Prevention of radicalisation in Aarhus",
        summary="Workshops, dialogue and a task force.",
        description="The task force advises professionals and relatives.",
        organisation=make_organisation("Aarhus Kommune", website="https://www.aarhus.dk"),
        website="https://www.aarhus.dk/prevention",
        tags=("families", "dialogue", "religious"),
        prevention_level="targeted",
        contacts=[{"name": "Anne Example", "role": "Coordinator", "email": "anne@example.org",
                   "phone": "+4589401000", "phone_original": "89 40 10 00",
                   "address": "Rådhuspladsen 2\n8000 Aarhus C"}],
    )


# --- search ------------------------------------------------------------------------------


def test_search_page_works_as_a_plain_get_form(client: Client, aarhus_project: Project) -> None:
    html = _html(client, "/network/search/?q=aarhus")
    assert 'method="get"' in html
    assert '<label class="form-label" for="id_q">' in html
    assert 'value="aarhus"' in html
    assert "Prevention of radicalisation in <mark>Aarhus</mark>" in html
    assert f'href="/network/projects/{aarhus_project.slug}/"' in html


def test_search_page_filters_and_shows_counts_in_the_choices(client: Client, aarhus_project: Project) -> None:
    make_project("Aarhus prison mentors", countries=("SE",))
    html = _html(client, "/network/search/?q=aarhus&country=SE")
    assert "<mark>Aarhus</mark> prison mentors" in html and "Prevention of radicalisation" not in html
    assert '<option value="DK">Denmark (1)</option>' in html
    assert '<option value="SE" selected>Sweden (1)</option>' in html


def test_search_page_escapes_what_it_highlights(client: Client) -> None:
    make_project('Mentors <img src=x onerror="alert(1)">', summary="<script>mentor</script>")
    html = _html(client, "/network/search/?q=mentor")
    assert "<img src=x" not in html and "<script>mentor" not in html
    assert "<mark>Mentors</mark> &lt;img src=x" in html
    assert "&lt;script&gt;<mark>mentor</mark>&lt;/script&gt;" in html


def test_search_page_never_shows_unpublished_projects(client: Client) -> None:
    make_project("Mentor draft", published=False)
    html = _html(client, "/network/search/?q=mentor")
    assert "Mentor draft" not in html
    assert "0 projects found." in html


def test_search_page_pages_through_results(client: Client) -> None:
    for i in range(25):
        make_project(f"Mentor {i:02d}")
    first = _html(client, "/network/search/?q=mentor")
    second = _html(client, "/network/search/?q=mentor&page=2")
    assert "<mark>Mentor</mark> 19" in first and "<mark>Mentor</mark> 20" not in first
    assert "<mark>Mentor</mark> 20" in second and "<mark>Mentor</mark> 24" in second
    assert 'href="?q=mentor&amp;page=2"' in first


# --- countries, projects, organisations ------------------------------------------------------


def test_country_page_lists_its_projects_as_the_source_page_did(client: Client, aarhus_project: Project) -> None:
    make_project("Swedish project", countries=("SE",))
    make_project("Danish draft", countries=("DK",), published=False)
    html = _html(client, "/network/countries/dk/")
    assert "<h1>Denmark</h1>" in html
    assert "Prevention of radicalisation in Aarhus" in html
    assert "The task force advises professionals and relatives." in html
    assert '<a href="https://www.aarhus.dk/prevention" rel="noopener">' in html
    assert '<a href="mailto:anne@example.org">anne@example.org</a>' in html
    assert '<a href="tel:+4589401000">89 40 10 00</a>' in html
    assert "Swedish project" not in html and "Danish draft" not in html


def test_unknown_country_is_404(client: Client) -> None:
    _html(client, "/network/countries/zz/", status=404)


def test_country_list_gives_each_country_its_count(client: Client, aarhus_project: Project) -> None:
    html = _html(client, "/network/countries/")
    assert re.search(r'<a href="/network/countries/dk/">Denmark</a></th>\s*<td class="numeric">1</td>', html)
    assert re.search(r'<a href="/network/countries/se/">Sweden</a></th>\s*<td class="numeric">0</td>', html)


def test_project_page_shows_everything_about_the_project(client: Client, aarhus_project: Project) -> None:
    html = _html(client, f"/network/projects/{aarhus_project.slug}/")
    assert '<h1 id="project-title">Prevention of radicalisation in Aarhus</h1>' in html
    assert "The task force advises professionals and relatives." in html
    assert f'<a href="/network/organisations/{aarhus_project.organisation.slug}/">Aarhus Kommune</a>' in html  # type: ignore[union-attr]
    assert '<a href="https://www.aarhus.dk/prevention" rel="noopener">' in html
    assert "<strong>Anne Example</strong>, Coordinator" in html
    assert '<a href="mailto:anne@example.org">' in html
    assert '<a href="tel:+4589401000">89 40 10 00</a>' in html
    assert "Rådhuspladsen 2<br>8000 Aarhus C" in html
    assert "Families and relatives" in html and "Targeted" in html


def test_project_page_of_an_unpublished_project_is_404(client: Client) -> None:
    _html(client, f"/network/projects/{make_project('Draft', published=False).slug}/", status=404)


def test_a_website_that_is_not_a_web_address_is_not_a_link(client: Client) -> None:
    project = make_project("Odd website")
    Project.objects.filter(pk=project.pk).update(website="javascript:alert(1)")
    html = _html(client, f"/network/projects/{project.slug}/")
    assert 'href="javascript:' not in html


def test_unpublished_organisation_is_not_linked_and_its_page_is_404(client: Client) -> None:
    hidden = make_organisation("Hidden organisation", published=False)
    project = make_project("Visible project", organisation=hidden)
    assert "Hidden organisation" not in _html(client, f"/network/projects/{project.slug}/")
    _html(client, f"/network/organisations/{hidden.slug}/", status=404)


def test_organisation_page_lists_all_its_published_projects(client: Client) -> None:
    organisation = make_organisation("Mentor corps")
    make_project("First project", organisation=organisation)
    make_project("Second project", organisation=organisation, countries=("SE",))
    make_project("Third project", organisation=organisation, published=False)
    make_project("Someone else's project")
    html = _html(client, f"/network/organisations/{organisation.slug}/")
    assert "First project" in html and "Second project" in html
    assert "Third project" not in html and "Someone else" not in html
    assert "2 projects" in html


# --- map and front page --------------------------------------------------------------------


def _json_script(html: str, element_id: str) -> object:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))


def test_map_page_carries_the_counts_and_loads_only_local_scripts(client: Client, aarhus_project: Project) -> None:
    html = _html(client, "/network/map/")
    countries = _json_script(html, "map-country-counts")
    assert isinstance(countries, list)
    denmark = next(c for c in countries if c["code"] == "DK")
    assert denmark == {"code": "DK", "numeric": "208", "name": "Denmark", "count": 1, "url": "/network/countries/dk/"}
    assert 'data-topology="/static/vendor/world-atlas/countries-50m.json"' in html
    for src in ("vendor/leaflet/leaflet.js", "vendor/topojson/topojson-client.min.js", "infohus/map.js"):
        assert f'<script src="/static/{src}"></script>' in html
    # CSP: no inline script to run and no style attributes.
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)
    assert " style=" not in html
    # The list beside the map, for keyboard and screen-reader users.
    assert "<caption>Published projects per country</caption>" in html


def test_front_page_has_the_search_form_map_and_counts(client: Client, aarhus_project: Project) -> None:
    make_project("Swedish mentors", countries=("SE",), organisation=aarhus_project.organisation)
    make_project("Draft", countries=("NO",), published=False)
    html = _html(client, "/")
    assert 'action="/network/search/"' in html and 'name="q"' in html
    assert "<strong>2</strong> projects" in html
    assert "<strong>1</strong> organisation" in html
    assert "<strong>2</strong> countries" in html
    assert 'id="directory-map"' in html
    # The front page lists only countries that have projects.
    assert ">Denmark</a>" in html and ">Sweden</a>" in html and ">Norway</a>" not in html


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
def test_query_counts_do_not_grow_with_the_directory(
    client: Client, django_assert_max_num_queries, size: int  # type: ignore[no-untyped-def]
) -> None:
    project = make_projects(size)[0]
    organisation = project.organisation
    assert organisation is not None
    pages = {
        # countries with counts; totals
        "/": 2,
        # count; page ids; page projects with organisations; countries, tags, contacts;
        # five facets (country, level, three kinds of tag)
        "/network/search/": 11,
        "/network/search/?q=mentor": 11,
        "/network/search/?q=mentor&country=DK&theme=mentoring&page=2": 11,
        # countries with counts
        "/network/countries/": 1,
        "/network/map/": 1,
        # country; count; page of projects with organisations; countries, tags, contacts
        "/network/countries/dk/": 6,
        # project with organisation; countries, tags, contacts
        f"/network/projects/{project.slug}/": 4,
        # organisation; count; page of projects; countries, tags, contacts
        f"/network/organisations/{organisation.slug}/": 6,
    }
    for url, most in pages.items():
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url
