"""The report of hours lent and borrowed: numbers from known sessions, the period, the CSV and XLSX
downloads (read back), bad dates, and the query pin. Totals only: no case and no person on it.

Randers lends otto to an Aarhus case; Odder lends pia to a Randers case. Sessions outside the
period, and sessions not under a lending, do not count.
"""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from infohus.accounts.models import Organisation, User
from infohus.cases.models import Case
from infohus.cases.tests.factories import make_case, make_person
from infohus.interventions.forms_lending import current_quarter
from infohus.interventions.models import Intervention, LendingRequest
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile, make_session

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
S = LendingRequest.Status
REPORT = reverse("interventions:hours_report")
PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}
IN, OUT = date(2026, 2, 10), date(2026, 4, 1)


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


def lent(case: Case, lender: str, mentor: User) -> tuple[LendingRequest, Intervention]:
    request = make_lending(case=case, lending_organisation=org(lender), status=S.ACCEPTED,
                           offered_mentor=make_profile(mentor))
    assert request.intervention is not None
    return request, request.intervention


@pytest.fixture
def sessions(people: dict[str, User]) -> Case:
    """Randers → Aarhus: 90 + 45 minutes in the period, 60 after it; Odder → Randers: 30 minutes;
    a session of Aarhus's own mentor, not under a lending. Returns the Aarhus case."""
    aarhus_case = make_case(lead=people["carl"], person=make_person("Yusuf", "Kilde"))
    request, mentoring = lent(aarhus_case, "Randers", people["otto"])
    make_session(mentoring, held_on=IN, duration_minutes=90, lending=request)
    make_session(mentoring, held_on=date(2026, 3, 31), duration_minutes=45, lending=request)
    make_session(mentoring, held_on=OUT, duration_minutes=60, lending=request)
    request, coaching = lent(make_case(lead=people["rita"]), "Odder", people["pia"])
    make_session(coaching, held_on=date(2026, 1, 1), duration_minutes=30, lending=request)
    own = make_intervention(case=aarhus_case, provider_user=people["mads"])
    make_session(own, held_on=IN, duration_minutes=600)
    return aarhus_case


def rows_of(table: Any) -> list[tuple[str, str, str]]:
    return [(row.name, str(row.hours_lent), str(row.hours_borrowed)) for row in table]


def test_hours_per_municipality_and_per_pair(signed_in: ClientFor, sessions: Case) -> None:
    response = signed_in("rita").get(REPORT, PERIOD)
    assert response.status_code == 200
    report = response.context["report"]
    assert rows_of(report.municipalities) == [
        ("Aarhus Kommune (demo)", "0.00", "2.25"),
        ("Odder Kommune (demo)", "0.50", "0.00"),
        ("Randers Kommune (demo)", "2.25", "0.50"),
    ]
    assert [(p.lending, p.borrowing, str(p.hours)) for p in report.pairs] == [
        ("Odder Kommune (demo)", "Randers Kommune (demo)", "0.50"),
        ("Randers Kommune (demo)", "Aarhus Kommune (demo)", "2.25"),
    ]
    html = response.content.decode()
    assert '<th scope="row">Randers Kommune (demo)</th><td>2.25</td><td>0.50</td>' in html
    assert '<td data-testid="total">2.75</td>' in html
    assert 'data-testid="period">From 2026-01-01 to 2026-03-31.' in html
    assert sessions.reference not in html and "Yusuf" not in html and "Kilde" not in html


def test_the_period_defaults_to_the_current_quarter(signed_in: ClientFor, people: dict[str, User]) -> None:
    today = timezone.localdate()
    start, end = current_quarter(today)
    request, mentoring = lent(make_case(lead=people["carl"]), "Randers", people["otto"])
    make_session(mentoring, held_on=today, duration_minutes=120, lending=request)
    make_session(mentoring, held_on=start - timedelta(days=1), duration_minutes=60, lending=request)
    response = signed_in("carl").get(REPORT)
    assert (response.context["report"].start, response.context["report"].end) == (start, end)
    assert rows_of(response.context["report"].municipalities) == [
        ("Aarhus Kommune (demo)", "0.00", "2.00"), ("Randers Kommune (demo)", "2.00", "0.00")]
    html = response.content.decode()
    assert f'name="from" value="{start:%Y-%m-%d}"' in html and f'name="to" value="{end:%Y-%m-%d}"' in html


@pytest.mark.parametrize("day, quarter", [
    (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 5, 31), (date(2026, 4, 1), date(2026, 6, 30))),
    (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
    (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
])
def test_current_quarter(day: date, quarter: tuple[date, date]) -> None:
    assert current_quarter(day) == quarter


def test_csv_download(signed_in: ClientFor, sessions: Case) -> None:
    response = signed_in("rita").get(REPORT, {**PERIOD, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lending-hours-2026-01-01-2026-03-31.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Municipality", "Municipality code", "Hours lent", "Hours borrowed"],
        ["Aarhus Kommune (demo)", "751", "0.00", "2.25"],
        ["Odder Kommune (demo)", "727", "0.50", "0.00"],
        ["Randers Kommune (demo)", "730", "2.25", "0.50"],
    ]
    pairs = signed_in("rita").get(REPORT, {**PERIOD, "format": "csv", "table": "pairs"})
    assert pairs["Content-Disposition"] == 'attachment; filename="lending-hours-2026-01-01-2026-03-31-pairs.csv"'
    assert list(csv.reader(io.StringIO(pairs.content.decode("utf-8-sig")))) == [
        ["Lending municipality", "Lending code", "Borrowing municipality", "Borrowing code", "Hours"],
        ["Odder Kommune (demo)", "727", "Randers Kommune (demo)", "730", "0.50"],
        ["Randers Kommune (demo)", "730", "Aarhus Kommune (demo)", "751", "2.25"],
    ]


def test_xlsx_download_has_a_header_row_and_numbers(signed_in: ClientFor, sessions: Case) -> None:
    response = signed_in("rita").get(REPORT, {**PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="lending-hours-2026-01-01-2026-03-31.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Per municipality", "Per pair"]
    rows = list(workbook["Per municipality"].iter_rows(values_only=True))
    assert rows == [
        ("Municipality", "Municipality code", "Hours lent", "Hours borrowed"),
        ("Aarhus Kommune (demo)", "751", 0, 2.25),
        ("Odder Kommune (demo)", "727", 0.5, 0),
        ("Randers Kommune (demo)", "730", 2.25, 0.5),
    ]
    numbers = [cell for row in workbook["Per municipality"].iter_rows(min_row=2, min_col=3) for cell in row]
    assert all(cell.data_type == "n" for cell in numbers)
    assert list(workbook["Per pair"].iter_rows(values_only=True)) == [
        ("Lending municipality", "Lending code", "Borrowing municipality", "Borrowing code", "Hours"),
        ("Odder Kommune (demo)", "727", "Randers Kommune (demo)", "730", 0.5),
        ("Randers Kommune (demo)", "730", "Aarhus Kommune (demo)", "751", 2.25),
    ]


def test_a_name_that_looks_like_a_formula_is_written_as_text(signed_in: ClientFor, people: dict[str, User]) -> None:
    odd = Organisation.objects.create(name="=HYPERLINK(\"http://x\")", kind=Organisation.Kind.MUNICIPALITY)
    case = make_case(lead=people["carl"])
    request = make_lending(case=case, lending_organisation=odd, status=S.ACCEPTED,
                           offered_mentor=make_profile(people["otto"], municipality=odd))
    assert request.intervention is not None
    make_session(request.intervention, held_on=IN, duration_minutes=60, lending=request)
    rita = signed_in("rita")
    text = rita.get(REPORT, {**PERIOD, "format": "csv"}).content.decode("utf-8-sig")
    names_in_csv = {row[0] for row in csv.reader(io.StringIO(text))}
    assert "'=HYPERLINK(\"http://x\")" in names_in_csv  # CSV: an apostrophe keeps it text
    sheet = load_workbook(io.BytesIO(rita.get(REPORT, {**PERIOD, "format": "xlsx"}).content))["Per municipality"]
    names = {cell.value: cell.data_type for cell in sheet["A"][1:]}
    assert names == {"=HYPERLINK(\"http://x\")": "s", "Aarhus Kommune (demo)": "s"}  # XLSX: stored as text


@pytest.mark.parametrize("period, field, message", [
    ({"from": "2026-03-31", "to": "2026-01-01"}, "to", "The end of the period cannot be before its start."),
    ({"from": "2026-13-01", "to": "2026-03-31"}, "from", "Enter a valid date."),
    ({"from": "2026-01-01", "to": ""}, "to", "This field is required."),
])
def test_bad_dates_are_refused_at_the_field(signed_in: ClientFor, period: dict[str, str], field: str,
                                            message: str) -> None:
    for wanted in ("", "csv", "xlsx"):
        response = signed_in("carl").get(REPORT, {**period, "format": wanted})
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="id_{field}_error">{message}' in html
        assert 'class="alert alert-error error-summary"' in html
        assert "report" not in response.context


# Signed in: the session, the user, the OTP device, the memberships; saving the session at the end.
# Then one aggregate query over the sessions.
REPORT_QUERIES = 4 + 3 + 1


@pytest.mark.parametrize("format_", ["", "csv", "xlsx"])
def test_the_report_queries_do_not_grow_with_the_sessions(signed_in: ClientFor, people: dict[str, User],
                                                          format_: str, django_assert_max_num_queries: Any) -> None:
    rita = signed_in("rita")
    request, mentoring = lent(make_case(lead=people["carl"]), "Randers", people["otto"])
    for _ in range(3):
        make_session(mentoring, held_on=IN, duration_minutes=30, lending=request)
    few = _count(rita, {**PERIOD, "format": format_})
    for _ in range(27):
        make_session(mentoring, held_on=IN, duration_minutes=30, lending=request)
    more, pin = lent(make_case(lead=people["rita"]), "Odder", people["pia"])
    make_session(pin, held_on=IN, duration_minutes=30, lending=more)
    with django_assert_max_num_queries(REPORT_QUERIES):
        rita.get(REPORT, {**PERIOD, "format": format_})
    assert _count(rita, {**PERIOD, "format": format_}) == few


def _count(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(REPORT, params).status_code == 200
    return len(captured)


def test_people_who_neither_manage_cases_nor_coach_mentors_are_refused(signed_in: ClientFor) -> None:
    for username in ("mads", "anders"):
        assert signed_in(username).get(REPORT).status_code == 403
