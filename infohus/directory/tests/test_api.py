"""The read-only JSON API and its OpenAPI description."""

import pytest
from django.test import Client

from infohus.directory.tests.factories import make_organisation, make_project, make_projects

pytestmark = pytest.mark.django_db

API = "/api/v1/directory"


def _get(client: Client, path: str, status: int = 200) -> dict:  # type: ignore[type-arg]
    response = client.get(API + path)
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_project_list_is_paginated(client: Client) -> None:
    for i in range(5):
        make_project(f"Project {i}")
    data = _get(client, "/projects?page_size=2&page=2")
    assert data["count"] == 5 and data["pages"] == 3 and data["page"] == 2
    assert [p["title"] for p in data["results"]] == ["Project 2", "Project 3"]


def test_project_list_searches_ranks_and_filters(client: Client) -> None:
    make_project("Aftercare", description="with mentors", countries=("DK",))
    make_project("Mentor corps", countries=("DK",), tags=("young-people",))
    make_project("Mentors abroad", countries=("SE",))
    make_project("Mentor draft", published=False)
    def titles(path: str) -> list[str]:
        return [p["title"] for p in _get(client, path)["results"]]

    assert titles("/projects?q=mentor&country=DK") == ["Mentor corps", "Aftercare"]
    assert titles("/projects?target_group=young-people") == ["Mentor corps"]
    assert _get(client, "/projects?q=mentor")["count"] == 3


def test_project_list_refuses_a_page_size_over_the_limit(client: Client) -> None:
    _get(client, "/projects?page_size=1000", status=422)


def test_project_detail(client: Client) -> None:
    organisation = make_organisation("Aarhus Kommune", website="https://aarhus.dk")
    project = make_project("Mentor corps", organisation=organisation, tags=("mentoring",),
                           contacts=[{"name": "Ida", "email": "ida@example.org", "phone": "+4512345678"}])
    data = _get(client, f"/projects/{project.slug}")
    assert data["title"] == "Mentor corps"
    assert data["organisation"] == {"slug": organisation.slug, "name": "Aarhus Kommune", "website": "https://aarhus.dk"}
    assert data["themes"] == ["mentoring"]
    assert data["contacts"] == [{"name": "Ida", "role": "", "email": "ida@example.org", "phone": "+4512345678",
                                 "address": ""}]
    assert data["url"] == f"http://testserver/network/projects/{project.slug}/"


def test_unpublished_project_is_404(client: Client) -> None:
    _get(client, f"/projects/{make_project('Draft', published=False).slug}", status=404)


def test_countries_carry_their_counts(client: Client) -> None:
    make_project("One", countries=("DK", "SE"))
    make_project("Two", countries=("DK",))
    make_project("Draft", countries=("DK",), published=False)
    counts = {c["code"]: c["project_count"] for c in _get(client, "/countries")}
    assert counts["DK"] == 2 and counts["SE"] == 1 and counts["NO"] == 0


def test_organisations_list_and_detail_show_published_ones_only(client: Client) -> None:
    visible = make_organisation("Visible")
    make_organisation("Hidden", published=False)
    make_project("Visible project", organisation=visible)
    make_project("Draft project", organisation=visible, published=False)
    data = _get(client, "/organisations")
    assert [(o["name"], o["project_count"]) for o in data["results"]] == [("Visible", 1)]
    detail = _get(client, f"/organisations/{visible.slug}")
    assert [p["title"] for p in detail["projects"]] == ["Visible project"]


def test_openapi_description_lists_every_route(client: Client) -> None:
    schema = _get(client, "/openapi.json")
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Infohus practice network"
    assert set(schema["paths"]) == {
        "/api/v1/directory/projects", "/api/v1/directory/projects/{slug}", "/api/v1/directory/countries",
        "/api/v1/directory/organisations", "/api/v1/directory/organisations/{slug}",
    }
    for path, operations in schema["paths"].items():
        assert set(operations) == {"get"}, f"{path} must be read-only"
        assert "200" in operations["get"]["responses"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/directory/projects"]["get"]["parameters"]}
    assert {"q", "country", "target_group", "prevention_level", "theme", "extremism", "page", "page_size"} <= parameters
    assert "ProjectOut" in schema["components"]["schemas"]


def test_api_refuses_writes(client: Client) -> None:
    assert client.post(API + "/projects", {}).status_code == 405


@pytest.mark.parametrize("size", [1, 30])
def test_api_query_counts_do_not_grow(client: Client, django_assert_max_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    project = make_projects(size)[0]
    assert project.organisation is not None
    routes = {
        # count; page ids; projects with organisations; countries, tags, contacts
        "/projects": 6,
        "/projects?q=mentor&country=DK": 6,
        # project with organisation; countries, tags, contacts
        f"/projects/{project.slug}": 4,
        "/countries": 1,
        # count; page
        "/organisations": 2,
        # organisation; projects with organisations; countries, tags, contacts
        f"/organisations/{project.organisation.slug}": 5,
    }
    for path, most in routes.items():
        with django_assert_max_num_queries(most):
            _get(client, path)
