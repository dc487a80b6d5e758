"""The analyst's dashboard page and its downloads: only aggregates, every small count hidden in
the page, its charts and its files; a refused filter answers 400 with the message at its field;
a narrow one is shown with its numbers hidden and the reason; the same number of queries
however much data there is; one audit event per download."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern, TriageDecision
from infohus.cases.tests.factories import make_case, make_concern, make_person
from infohus.community.models import DialogueMeeting
from infohus.community.tests.factories import make_event, make_meeting
from infohus.interventions.models import LendingRequest
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile, make_session
from infohus.training.tests.factories import make_requirement

pytestmark = pytest.mark.django_db

URL = reverse("insights:dashboard")
EXPORT = reverse("insights:dashboard_export")
PERIOD = {"from": "2025-01", "to": "2025-03"}
QUARTILE_COLUMNS = {"Lower quartile (days)", "Median (days)", "Upper quartile (days)"}


# --- reading the page -----------------------------------------------------------------------------------

class Tables(HTMLParser):
    """Every table of a page by its data-testid: the header texts and, per row, the texts of its
    cells (th and td)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, Any]] = {}
        self._table: dict[str, Any] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = {"header": [], "rows": []}
            self.tables[dict(attrs).get("data-testid") or str(len(self.tables))] = self._table
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table["header" if self._in_head else "rows"].extend([self._row] if not self._in_head else self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> dict[str, dict[str, Any]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def visible(text: str) -> str:
    """A cell's text without what is read aloud only ("fewer than 5" after "<5")."""
    return text.split(" ")[0] if text.startswith(("<", "–")) else text


def counts_ok(header: list[str], rows: list[list[str]], threshold: int = 5) -> list[str]:
    """The published counts below the threshold (there should be none): every cell but the row
    heading and the quartiles is a count, "<5", "–" or empty."""
    bad = []
    for row in rows:
        for column, text in zip(header[1:], row[1:], strict=False):
            shown = visible(text)
            if column in QUARTILE_COLUMNS or shown in ("", f"<{threshold}", "–", "hidden"):
                continue
            if not re.fullmatch(r"\d+", shown) or int(shown) < threshold:
                bad.append(f"{row[0]} / {column}: {text}")
    return bad


# --- data --------------------------------------------------------------------------------------------------

def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def concerns(n: int, received: date, **fields: Any) -> list[Concern]:
    made = [make_concern(**fields) for _ in range(n)]
    Concern.objects.filter(pk__in=[c.pk for c in made]).update(received_at=at(received))
    return made


def world(people: dict[str, User], scale: int) -> None:
    """Some of everything in January to March 2025, `scale` times over."""
    ida, carl, kamal = people["ida"], people["carl"], people["kamal"]
    otto = make_profile(people["otto"])
    randers = Organisation.objects.get(name__startswith="Randers")
    for _ in range(scale):
        concerns(7, date(2025, 1, 10), reporter=people["rasmus"])
        concerns(2, date(2025, 1, 11), channel=Concern.Channel.TELEPHONE, recorded_by=ida)
        for n, c in enumerate(concerns(6, date(2025, 2, 10), reporter=people["rikke"])):
            TriageDecision.objects.create(concern=c, kind=TriageDecision.Kind.REFERRAL, reason="Agreed.",
                                          decided_on=date(2025, 2, 12 + n), decided_by=ida)
        case = make_case(lead=carl)
        Case.objects.filter(pk=case.pk).update(opened_at=at(date(2025, 1, 5)))
        make_intervention(case=case, started_on=date(2025, 1, 6))
        lending = make_lending(case=case, lending_organisation=randers, status=LendingRequest.Status.ACCEPTED,
                               offered_mentor=otto)
        assert lending.intervention is not None
        make_session(lending.intervention, held_on=date(2025, 2, 4), duration_minutes=120, lending=lending)
        make_meeting(created_by=kamal, held_on=date(2025, 3, 3), status=DialogueMeeting.Status.HELD)
        make_event(created_by=kamal, held_on=date(2025, 3, 4), attendees=30)
    make_requirement(created_by=people["tina"])


@pytest.fixture
def anders(people: dict[str, User]) -> Client:
    from conftest import sign_in_fully

    return sign_in_fully(Client(), people["anders"])


# --- the page ------------------------------------------------------------------------------------------------

def test_the_analyst_sees_every_table_with_a_chart_and_no_small_count(people: dict[str, User], anders: Client) -> None:
    world(people, 1)

    response = anders.get(URL, PERIOD)

    assert response.status_code == 200
    html = response.content.decode()
    tables = tables_of(html)
    keys = ["concerns-source", "concerns-extremism", "concerns-outcome", "decision-time", "decisions", "cases-flow",
            "cases-open", "cases-outcome", "interventions", "mentor-hours", "training", "community"]
    for key in keys:
        assert key in tables, key
        assert f'data-insights-chart="{key}-chart"' in html
        assert counts_ok(tables[key]["header"], tables[key]["rows"]) == [], key
        # The chart's figures: a number of at least five, or a gap.
        data = json.loads(re.search(rf'<script id="{key}-chart" type="application/json">(.*?)</script>', html,
                                    re.S).group(1))  # type: ignore[union-attr]
        for series in data["datasets"]:
            if series["label"] not in QUARTILE_COLUMNS:
                assert all(v is None or v >= 5 for v in series["values"]), (key, series)
    source = tables["concerns-source"]
    january = next(row for row in source["rows"] if row[0] == "January 2025")
    assert visible(january[source["header"].index("By telephone")]) == "<5"
    assert source["rows"][-1][0] == "Total" and source["rows"][-1][-1] == "15"
    # How to read the marks, and the scripts from our own static files (no inline script).
    assert "How to read the numbers" in html
    assert "insights-charts.js" in html and "chart.umd.min.js" in html
    assert "<script>" not in html and "<script nonce" not in html
    # No names on the page: neither the people of concern nor the reporters.
    assert "Testesen" not in html and people["rasmus"].last_name not in html


def test_a_narrow_filter_is_shown_with_its_numbers_hidden(people: dict[str, User], anders: Client) -> None:
    odder = Organisation.objects.get(name__startswith="Odder")
    concerns(2, date(2025, 2, 3), person=make_person(municipality=odder))

    response = anders.get(URL, {"from": "2025-02", "to": "2025-02", "municipality": odder.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="few"' in html
    assert "Fewer than 5 concerns match this period and area" in html
    extremism = tables_of(html)["concerns-extremism"]
    assert {visible(cell) for row in extremism["rows"] for cell in row[1:]} == {"<5"}


def test_without_a_filter_the_page_shows_the_last_twelve_months(anders: Client) -> None:
    response = anders.get(URL)

    assert response.status_code == 200
    month = timezone.localdate().replace(day=1)
    assert f'value="{month:%Y-%m}"' in response.content.decode()
    assert len(tables_of(response.content.decode())["concerns-source"]["rows"]) == 12 + 1  # and the totals


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"from": "2025-03", "to": "2025-01"}, "to", "The last month cannot be before the first."),
    ({"from": "2010-01", "to": "2025-01"}, "from", "The period can be at most 10 years."),
    ({"from": "2025-01", "to": "2099-01"}, "to", "The period cannot end after this month."),
    ({"from": "2025-13", "to": "2025-03"}, "from", "Enter a year and a month, such as 2025-01."),
    ({"from": "2025-01", "to": "2025-03", "municipality": "999999"}, "municipality", "Select a valid choice."),
    ({"from": "2025-01", "to": "2025-03", "district": "abc"}, "district", "Select a valid choice."),
])
def test_a_filter_that_makes_no_sense_answers_400_at_its_field(anders: Client, query: dict[str, str], field: str,
                                                                message: str) -> None:
    response = anders.get(URL, query)

    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<span class="form-error-message" id="id_{field}_error">(.*?)</span>', html, re.S)
    assert error is not None and message in error.group(1)
    # The months as typed stay in the form.
    assert f'value="{query["from"]}"' in html and f'value="{query["to"]}"' in html
    assert 'data-block="' not in html  # no tables for a refused filter


def test_a_municipality_outside_the_district_is_refused(anders: Client) -> None:
    odder = Organisation.objects.get(name__startswith="Odder")
    other = Organisation.objects.create(name="Nordjyllands Politi (test)", kind=Organisation.Kind.POLICE_DISTRICT)

    response = anders.get(URL, {**PERIOD, "municipality": odder.pk, "district": other.pk})

    assert response.status_code == 400
    assert 'id="id_municipality_error"' in response.content.decode()
    assert f'<option value="{odder.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize("scale", [1, 6])
def test_the_page_costs_the_same_queries_at_any_size(people: dict[str, User], anders: Client, scale: int,
                                                     django_assert_max_num_queries: Any) -> None:
    world(people, scale)
    odder = Organisation.objects.get(name__startswith="Odder")
    # Session, user, authenticator, memberships (4); the district's check (1); concerns by source,
    # kind and outcome (3); the time to a decision per month and for the period (2); decisions
    # (1); cases opened, closed, open when the period began (3); interventions (1); hours lent
    # and borrowed (2); training requirements and their counts (2); community (1); the form's
    # two lists (2); the session saved (1).
    with django_assert_max_num_queries(25):
        response = anders.get(URL, {"from": "2024-01", "to": "2025-12", "district": odder.info_house_id})
    assert response.status_code == 200


# --- downloads ----------------------------------------------------------------------------------------------------

def test_a_csv_holds_the_suppressed_table_and_the_download_is_audited(people: dict[str, User],
                                                                      anders: Client) -> None:
    world(people, 1)

    response = anders.get(EXPORT, {**PERIOD, "table": "concerns-source", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="insights-concerns-source-2025-01-2025-03.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Month received" and header[-1] == "Total"
    assert counts_ok(header, body) == []
    page = tables_of(anders.get(URL, PERIOD).content.decode())["concerns-source"]
    assert [[visible(c) for c in row] for row in page["rows"]] == body
    [event] = AuditEvent.objects.filter(action="insights.exported")
    assert event.actor_username == "anders"
    assert event.details == {"table": "concerns-source", "format": "csv", "from": "2025-01", "to": "2025-03",
                             "municipality": None, "district": None}


def test_an_xlsx_holds_every_table_suppressed(people: dict[str, User], anders: Client) -> None:
    world(people, 1)

    response = anders.get(EXPORT, {**PERIOD, "format": "xlsx"})

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 12
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = [str(v) for v in values[0]]
        body = [[str(v) if v is not None else "" for v in row] for row in values[1:]]
        assert counts_ok(header, body) == [], sheet.title
    assert AuditEvent.objects.filter(action="insights.exported", object_id="all").count() == 1


@pytest.mark.parametrize("query", [{"table": "people", "format": "csv"}, {"format": "csv"},
                                   {"table": "decisions", "format": "pdf"}])
def test_an_unknown_download_is_404_and_not_audited(anders: Client, query: dict[str, str]) -> None:
    assert anders.get(EXPORT, {**PERIOD, **query}).status_code == 404
    assert not AuditEvent.objects.filter(action="insights.exported").exists()


def test_a_download_with_a_refused_filter_answers_400(anders: Client) -> None:
    response = anders.get(EXPORT, {"from": "2025-03", "to": "2025-01", "table": "decisions", "format": "csv"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="insights.exported").exists()


@pytest.mark.parametrize("username", ["ida", "dina", "sofie", "carl"])
def test_nobody_but_the_analyst(people: dict[str, User], username: str) -> None:
    from conftest import sign_in_fully

    client = sign_in_fully(Client(), people[username])
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT, {"table": "decisions", "format": "csv"}).status_code == 403
    assert Client().get(URL).status_code == 302


def test_concerns_received_before_the_period_do_not_count(people: dict[str, User], anders: Client) -> None:
    concerns(9, date(2024, 12, 31) - timedelta(days=1), reporter=people["rasmus"])
    response = anders.get(EXPORT, {**PERIOD, "table": "concerns-source", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1][-1] == "<5"
