"""The instruments through the desk's API: the latest published version of each, and one version's
sections and fields (the keys and shapes an assessment is answered in)."""

from typing import Any

import pytest

from infohus.accounts.models import User
from infohus.assessments.models import InstrumentVersion
from infohus.assessments.services.instruments import new_draft
from infohus.assessments.tests.factories import published, small_definition
from infohus.audit.models import AuditEvent
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db


def test_the_list_gives_each_instrument_with_its_latest_published_version(
        people: dict[str, User], small_version: InstrumentVersion) -> None:
    newer = new_draft(actor=None, based_on=small_version)
    InstrumentVersion.objects.filter(pk=newer.pk).update(status=InstrumentVersion.Status.PUBLISHED)
    triage = published(small_definition(slug="test-triage", use="triage"))

    response = api_client(people["carl"]).get("/api/v1/instruments")

    assert response.status_code == 200
    body = json_of(response)
    by_slug = {row["slug"]: row for row in body["results"]}
    assert by_slug["test-instrument"]["latest_version"] == {
        "id": newer.pk, "number": 2, "published_at": None}
    assert by_slug["test-instrument"]["name"] == "Test instrument"
    assert by_slug["test-triage"]["use"] == "triage"
    assert body["count"] == len(body["results"]) == len(by_slug)
    assert triage.pk == by_slug["test-triage"]["latest_version"]["id"]


def test_the_list_filters_by_use(people: dict[str, User], small_version: InstrumentVersion) -> None:
    published(small_definition(slug="test-triage", use="triage"))

    body = json_of(api_client(people["ida"]).get("/api/v1/instruments", {"use": "triage"}))

    assert [row["slug"] for row in body["results"]] == ["test-triage"]


def test_an_instrument_with_only_a_draft_is_not_listed(people: dict[str, User],
                                                       small_version: InstrumentVersion) -> None:
    InstrumentVersion.objects.filter(pk=small_version.pk).update(status=InstrumentVersion.Status.DRAFT)

    body = json_of(api_client(people["carl"]).get("/api/v1/instruments"))

    assert "test-instrument" not in {row["slug"] for row in body["results"]}


@pytest.mark.parametrize("username", ["anders", "rasmus", "kamal", "dina"])
def test_roles_that_neither_record_nor_author_are_refused(people: dict[str, User], username: str) -> None:
    response = api_client(people[username]).get("/api/v1/instruments")

    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "forbidden"


def test_a_token_without_the_scope_is_refused(people: dict[str, User]) -> None:
    response = api_client(people["carl"], scopes=["interventions:read"]).get("/api/v1/instruments")

    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "missing_scope"


def test_an_unknown_use_is_invalid_input(people: dict[str, User]) -> None:
    response = api_client(people["carl"]).get("/api/v1/instruments", {"use": "everywhere"})

    assert response.status_code == 422
    assert "use" in json_of(response)["error"]["fields"]


def test_a_version_gives_its_sections_and_fields(people: dict[str, User], small_version: InstrumentVersion) -> None:
    response = api_client(people["mads"]).get(f"/api/v1/instrument-versions/{small_version.pk}")

    assert response.status_code == 200
    body = json_of(response)
    assert (body["instrument"], body["number"], body["status"]) == ("test-instrument", 1, "published")
    assert [s["key"] for s in body["sections"]] == ["worries", "where"]
    fields = {f["key"]: f for s in body["sections"] for f in s["fields"]}
    assert fields["summary"]["required"] is True
    assert fields["areas"]["multiple"] is True
    assert [c["value"] for c in fields["areas"]["choices"]] == ["family", "school"]
    assert [p["key"] for p in fields["scale"]["participants"]] == ["person", "parent", "mentor"]
    assert fields["overall"]["kind"] == "scale"
    # Instruments hold no personal data: reading one is not audited.
    assert not AuditEvent.objects.filter(object_type="assessment").exists()


def test_a_draft_is_found_only_by_authors(people: dict[str, User], small_version: InstrumentVersion) -> None:
    draft = new_draft(actor=None, based_on=small_version)

    assert api_client(people["carl"]).get(f"/api/v1/instrument-versions/{draft.pk}").status_code == 404
    response = api_client(people["sofie"]).get(f"/api/v1/instrument-versions/{draft.pk}")
    assert response.status_code == 200
    assert json_of(response)["status"] == "draft"


def test_an_unknown_version_is_404_and_an_id_too_large_is_invalid(people: dict[str, User]) -> None:
    client = api_client(people["carl"])

    assert client.get("/api/v1/instrument-versions/999999").status_code == 404
    assert client.get("/api/v1/instrument-versions/99999999999").status_code == 422


def _instruments(n: int) -> None:
    for k in range(n):
        published(small_definition(slug=f"test-many-{k}"))


@pytest.mark.parametrize("rows", [1, 12])
def test_the_list_costs_the_same_number_of_queries_whatever_its_length(
        people: dict[str, User], rows: int, django_assert_max_num_queries: Any) -> None:
    _instruments(rows)
    client = api_client(people["carl"])
    # token, its last use, memberships, count, the page of instruments, their versions (prefetch).
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/instruments")
    assert json_of(response)["count"] >= rows


@pytest.mark.parametrize("fields", [1, 12])
def test_a_version_costs_the_same_number_of_queries_whatever_its_size(
        people: dict[str, User], fields: int, django_assert_max_num_queries: Any) -> None:
    definition = small_definition(slug=f"test-size-{fields}")
    definition["sections"][0]["fields"] = [
        {"key": f"f-{n}", "kind": "short_text", "label_da": f"F {n}", "label_en": f"F {n}"} for n in range(fields)]
    version = published(definition)
    client = api_client(people["carl"])
    # token, its last use, memberships, the version, its sections, their fields.
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/instrument-versions/{version.pk}")
    assert len(json_of(response)["sections"][0]["fields"]) == fields
