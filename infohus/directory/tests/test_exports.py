"""The directory as CSV and JSON downloads."""

import csv
import io
import json

import pytest
from django.test import Client

from infohus.directory.exports import neutralise
from infohus.directory.tests.factories import make_organisation, make_project, make_projects

pytestmark = pytest.mark.django_db


def _body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def _csv(client: Client) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_body(client, "/network/download/directory.csv"))))


def test_csv_has_one_row_per_published_project_with_its_details(client: Client) -> None:
    make_project(
        "Back on Track", organisation=make_organisation("Prison and Probation Service"), countries=("DK", "SE"),
        website="https://example.org/bot", tags=("prisoners", "mentoring", "right-wing"), prevention_level="indicated",
        contacts=[{"name": "Ola", "email": "ola@example.org", "phone": "+4512345678",
                   "address": "Street 1\n8000 Aarhus"}],
    )
    make_project("Draft", published=False)
    rows = _csv(client)
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "Back on Track"
    assert row["organisation"] == "Prison and Probation Service"
    assert row["countries"] == "DK; SE"
    assert row["target_groups"] == "prisoners" and row["themes"] == "mentoring" and row["extremism"] == "right-wing"
    assert row["contact_emails"] == "ola@example.org"
    assert row["contact_addresses"] == "Street 1, 8000 Aarhus"
    assert row["url"].endswith("/network/projects/" + row["url"].rsplit("/", 2)[-2] + "/")


def test_csv_neutralises_cells_a_spreadsheet_would_run(client: Client) -> None:
    make_project(
        '=HYPERLINK("http://evil.example","click")', summary="+1+2", description="-2+3",
        contacts=[{"name": "@SUM(A1:A2)", "email": "a@example.org", "phone": "+4512345678"}],
    )
    row = _csv(client)[0]
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["summary"] == "'+1+2"
    assert row["description"] == "'-2+3"
    assert row["contact_names"] == "'@SUM(A1:A2)"
    assert row["contact_phones"] == "'+4512345678"
    assert all(not value.startswith(("=", "+", "-", "@")) for r in _csv(client) for value in r.values())


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_neutralise_prefixes_formula_starts(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_neutralise_leaves_ordinary_text() -> None:
    assert neutralise("Mentor corps") == "Mentor corps"
    assert neutralise("") == ""


def test_json_export_holds_the_projects_with_contacts(client: Client) -> None:
    make_project("Mentor corps", summary="Mentors", contacts=[{"name": "Ida", "email": "ida@example.org"}])
    make_project("Draft", published=False)
    response = client.get("/network/download/directory.json")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert [p["title"] for p in data["projects"]] == ["Mentor corps"]
    project = data["projects"][0]
    assert project["contacts"][0]["email"] == "ida@example.org"
    assert project["countries"] == [{"code": "DK", "name": "Denmark"}]
    assert project["url"].startswith("http://testserver/network/projects/")


def test_json_export_of_an_empty_directory_is_valid(client: Client) -> None:
    assert json.loads(_body(client, "/network/download/directory.json")) == {"projects": []}


@pytest.mark.parametrize("size", [1, 30])
def test_export_query_counts_do_not_grow(client: Client, django_assert_max_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    make_projects(size)
    for url in ("/network/download/directory.csv", "/network/download/directory.json"):
        # one chunk of projects with organisations; countries, tags, contacts
        with django_assert_max_num_queries(4):
            body = _body(client, url)
        assert body.count("Mentor project") >= size
