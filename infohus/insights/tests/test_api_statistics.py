"""The statistics API: the analyst's dashboard as JSON, figure for figure what the page shows (the
same suppression, the same cache), the page's filter rules answered at the field, only for the
analyst, and no research extract anywhere in the API."""

from datetime import date, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.api.scopes import Scope
from infohus.cases.models import Concern, TriageDecision
from infohus.cases.tests.factories import make_concern, make_person
from infohus.insights.selectors.dashboard import Block, Figure
from infohus.training.tests.factories import make_requirement
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/statistics"
PERIOD = {"from": "2025-01", "to": "2025-03"}


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def concerns(n: int, received: date, **fields: Any) -> list[Concern]:
    made = [make_concern(**fields) for _ in range(n)]
    Concern.objects.filter(pk__in=[c.pk for c in made]).update(received_at=at(received))
    return made


def world(people: dict[str, User], scale: int = 1) -> None:
    """Concerns in January and February 2025: some sources with many, the telephone with few (so
    that the page hides them), decisions in February; a training requirement."""
    for _ in range(scale):
        concerns(7, date(2025, 1, 10), reporter=people["rasmus"])
        concerns(2, date(2025, 1, 11), channel=Concern.Channel.TELEPHONE, recorded_by=people["ida"])
        for n, c in enumerate(concerns(6, date(2025, 2, 10), reporter=people["rikke"])):
            TriageDecision.objects.create(concern=c, kind=TriageDecision.Kind.REFERRAL, reason="Agreed.",
                                          decided_on=date(2025, 2, 12 + n), decided_by=people["ida"])
    make_requirement(created_by=people["tina"])


@pytest.fixture
def anders(people: dict[str, User]) -> Client:
    return api_client(people["anders"], scopes=[Scope.STATISTICS_READ])


def figure(shown: Figure) -> dict[str, Any]:
    return {"text": shown.text, "value": None if shown.hidden else shown.value, "reason": shown.reason}


def as_the_page_shows(block: Block) -> dict[str, Any]:
    return {
        "key": block.key, "title": block.title, "columns": [{"key": k, "label": label} for k, label in block.columns],
        "rows": [(line.key, line.label, [figure(c) for c in line.cells],
                  figure(line.total) if line.total else None) for line in block.lines],
        "column_totals": [figure(c) for c in block.column_totals] if block.column_totals is not None else None,
        "grand_total": figure(block.grand_total) if block.grand_total else None,
        "notes": block.notes, "hidden": block.hidden,
    }


def as_the_api_sends(table: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": table["key"], "title": table["title"], "columns": table["columns"],
        "rows": [(row["key"], row["label"], row["cells"], row["total"]) for row in table["rows"]],
        "column_totals": table["column_totals"], "grand_total": table["grand_total"], "notes": table["notes"],
        "hidden": table["hidden"],
    }


# --- the same figures as the page -----------------------------------------------------------------------

def test_every_table_is_the_page_figure_for_figure(people: dict[str, User], anders: Client,
                                                    signed_in: Any) -> None:
    world(people)

    page = signed_in("anders").get("/desk/insights/", PERIOD)
    response = anders.get(URL, PERIOD)

    assert page.status_code == 200 and response.status_code == 200
    body = json_of(response)
    blocks = page.context["blocks"]
    assert [t["key"] for t in body["tables"]] == [b.key for b in blocks]
    for block, table in zip(blocks, body["tables"], strict=True):
        assert as_the_api_sends(table) == as_the_page_shows(block), block.key
    assert body["hidden"] == page.context["hidden"] > 0
    assert body["threshold"] == page.context["threshold"] == 5
    assert body["filter"] == {"from": "2025-01", "to": "2025-03", "municipality": None, "district": None,
                              "area": "All of Denmark"}


def test_a_hidden_count_has_no_value_only_its_mark(people: dict[str, User], anders: Client) -> None:
    world(people)

    body = json_of(anders.get(f"{URL}/concerns-source", PERIOD))

    table = body["table"]
    telephone = next(n for n, column in enumerate(table["columns"]) if column["key"] == "telephone")
    january = next(row for row in table["rows"] if row["key"] == "2025-01")
    assert january["cells"][telephone] == {"text": "<5", "value": None, "reason": "small"}
    assert table["grand_total"] == {"text": "15", "value": 15, "reason": ""}
    every = [*(cell for row in table["rows"] for cell in [*row["cells"], row["total"]]), *table["column_totals"]]
    assert all(cell["value"] is None for cell in every if cell["reason"])
    assert all(cell["value"] >= 5 for cell in every if not cell["reason"])
    assert {cell["reason"] for cell in every} >= {"", "small", "secondary"}
    assert any("fewer than 5" in note for note in table["notes"])


def test_one_table_is_the_same_as_in_the_whole_dashboard(people: dict[str, User], anders: Client) -> None:
    world(people)

    whole = json_of(anders.get(URL, PERIOD))
    one = json_of(anders.get(f"{URL}/decisions", PERIOD))

    assert one["table"] == next(t for t in whole["tables"] if t["key"] == "decisions")
    assert one["filter"] == whole["filter"]


def test_a_narrow_filter_hides_its_numbers_and_says_so(people: dict[str, User], anders: Client) -> None:
    odder = Organisation.objects.get(name__startswith="Odder")
    concerns(2, date(2025, 2, 3), person=make_person(municipality=odder))

    body = json_of(anders.get(URL, {"from": "2025-02", "to": "2025-02", "municipality": odder.pk}))

    assert body["few_concerns"] is True
    assert body["filter"]["municipality"] == odder.pk and body["filter"]["area"] == odder.name
    extremism = next(t for t in body["tables"] if t["key"] == "concerns-extremism")
    assert {cell["value"] for row in extremism["rows"] for cell in row["cells"]} == {None}


def test_without_a_filter_the_last_twelve_months(anders: Client) -> None:
    body = json_of(anders.get(URL))

    month = timezone.localdate().replace(day=1)
    assert body["filter"]["to"] == f"{month:%Y-%m}"
    assert len(next(t for t in body["tables"] if t["key"] == "concerns-source")["rows"]) == 12


def test_the_page_and_the_api_share_the_cache(people: dict[str, User], anders: Client, signed_in: Any,
                                              settings: Any) -> None:
    settings.INSIGHTS_CACHE_SECONDS = 600
    cache.clear()
    world(people)
    page = signed_in("anders").get("/desk/insights/", PERIOD)
    concerns(20, date(2025, 1, 12), reporter=people["rasmus"])  # counted only once the cache has expired

    body = json_of(anders.get(URL, PERIOD))
    one = json_of(anders.get(f"{URL}/concerns-source", PERIOD))

    counted_at = page.context["counted_at"]
    assert counted_at is not None
    # JSON gives the moment to the millisecond.
    assert abs(datetime.fromisoformat(body["counted_at"]) - counted_at).total_seconds() < 0.001
    assert abs(datetime.fromisoformat(one["counted_at"]) - counted_at).total_seconds() < 0.001
    assert one["table"]["grand_total"]["value"] == 15
    assert next(t for t in body["tables"] if t["key"] == "concerns-source")["grand_total"]["value"] == 15
    cache.clear()


# --- the filter, refused at its field ---------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2025-03", "to": "2025-01"}, "to"),
    ({"from": "2025-01"}, "to"),
    ({"from": "January", "to": "2025-02"}, "from"),
    ({"from": "2001-01", "to": "2025-01"}, "from"),
    ({"from": "2025-01", "to": "2999-01"}, "to"),
    ({"from": "2025-01", "to": "2025-02", "municipality": 999_999}, "municipality"),
    ({"from": "2025-01", "to": "2025-02", "municipality": "Aarhus"}, "municipality"),
])
def test_a_filter_that_makes_no_sense_is_refused_at_its_field(anders: Client, query: dict[str, Any],
                                                              field: str) -> None:
    for url in (URL, f"{URL}/decisions"):
        response = anders.get(url, query)

        assert response.status_code == 422, (url, query)
        assert field in json_of(response)["error"]["fields"], json_of(response)


def test_a_municipality_outside_the_district_is_refused(anders: Client) -> None:
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    other = Organisation.objects.create(name="Nordjyllands Politi (test)", kind=Organisation.Kind.POLICE_DISTRICT)

    response = anders.get(URL, {**PERIOD, "municipality": aarhus.pk, "district": other.pk})

    assert response.status_code == 422
    assert "is not in" in json_of(response)["error"]["fields"]["municipality"][0]


def test_an_unknown_table_is_404(anders: Client) -> None:
    response = anders.get(f"{URL}/research-extract", PERIOD)

    assert response.status_code == 404
    assert json_of(response)["error"]["code"] == "not_found"


# --- who ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["tina", "dina", "ida", "sofie", "kamal"])
def test_only_those_who_analyse(people: dict[str, User], username: str) -> None:
    client = api_client(people[username])

    for url in (URL, f"{URL}/decisions"):
        response = client.get(url)
        assert response.status_code == 403
        assert json_of(response)["error"]["code"] == "forbidden"


def test_the_token_needs_the_statistics_scope(people: dict[str, User]) -> None:
    client = api_client(people["anders"], scopes=[Scope.CASES_READ])

    response = client.get(URL)

    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "missing_scope"


def test_no_research_extract_in_the_api(anders: Client) -> None:
    document = json_of(Client().get("/api/v1/openapi.json"))

    assert not [path for path in document["paths"] if "research" in path or "extract" in path]
    for path in ("/api/v1/statistics", "/api/v1/statistics/{table}"):
        operation = document["paths"][path]["get"]
        assert "research extracts are not in the API" in operation["description"]
        assert operation["tags"] == ["statistics"]
        assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "municipality", "district"}


# --- queries ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1, 8])
def test_the_number_of_queries_does_not_grow_with_the_data(people: dict[str, User], anders: Client,
                                                          django_assert_max_num_queries: Any, scale: int) -> None:
    world(people, scale)

    # The token (and its last-used mark), the analyst's memberships, and one query per count behind
    # the tables (15), whatever the number of concerns.
    with django_assert_max_num_queries(18):
        assert anders.get(URL, PERIOD).status_code == 200
    # One table counts only its own figures: concerns by source, kind and outcome (suppressed together).
    with django_assert_max_num_queries(6):
        assert anders.get(f"{URL}/concerns-source", PERIOD).status_code == 200
