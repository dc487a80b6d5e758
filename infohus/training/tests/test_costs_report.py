"""The cost report: cost per run and per participant from known runs, "—" where there is nobody to
share the cost, the totals, participants by kind of organisation, the filters, the CSV and XLSX
downloads (read back), bad input, and the query pin. Counts only: no participant's name on it.

The national centre (tina's) has three runs in 2026: a PSP course for 30,000 kr. with ten enrolled
(eight completed) and one withdrawn; an awareness session for 12,000 kr. with nobody enrolled; a
resource-person course for 5,000 kr. with three enrolled and none completed. A centre run from
2025 and an Aarhus run that tina trains on do not count.
"""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from infohus.accounts.models import Organisation, User
from infohus.training.models import CourseKind, CourseRun, Enrolment
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
REPORT = reverse("training:cost_report")
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
K = Organisation.Kind

# The request (session, user, second factor, memberships: 4; the session saved: 3), the runs with
# their counts (1) and the participants by run and kind (1).
REPORT_QUERIES = 9


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return " ".join(response.content.decode().split())


def enrol(run: CourseRun, kind: str, count: int, *, completed: int = 0, **fields: Any) -> None:
    for n in range(count):
        make_enrolment(run, name=f"Deltager {kind} {n}", organisation_kind=kind,
                       completed_on=run.ends_on if n < completed else None, **fields)


@pytest.fixture
def runs(people: People) -> dict[str, CourseRun]:
    tina = people["tina"]
    psp = make_run(make_course(created_by=tina, title="PSP-kursus", kind=CourseKind.PSP),
                   starts_on=date(2026, 3, 2), cost=30000, trainers=(tina,), status=CourseRun.Status.HELD)
    enrol(psp, K.PRISON_PROBATION, 6, completed=5)
    enrol(psp, K.MUNICIPALITY, 4, completed=3)
    make_enrolment(psp, name="Udtrådt", organisation_kind=K.PRISON_PROBATION, status=Enrolment.Status.WITHDRAWN)
    awareness = make_run(make_course(created_by=tina, title="Oplæg på personalemøde", kind=CourseKind.AWARENESS,
                                     units=1), starts_on=date(2026, 5, 5), cost=12000)
    resource = make_run(make_course(created_by=tina, title="Ressourcepersonkursus", kind=CourseKind.RESOURCE_PERSON),
                        starts_on=date(2026, 9, 1), cost=5000)
    enrol(resource, K.PSYCHIATRY, 2)
    enrol(resource, K.NGO, 1)
    old = make_run(make_course(created_by=tina, title="Sidste år"), starts_on=date(2025, 12, 1), cost=99999)
    enrol(old, K.MUNICIPALITY, 2)
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    theirs = make_run(make_course(created_by=tina, title="Aarhus' eget kursus", organisation=aarhus),
                      starts_on=date(2026, 4, 1), cost=77777, trainers=(tina,))
    enrol(theirs, K.SCHOOL, 4)
    return {"psp": psp, "awareness": awareness, "resource": resource}


def test_cost_per_run_and_per_participant(signed_in: ClientFor, runs: dict[str, CourseRun]) -> None:
    response = signed_in("tina").get(REPORT, YEAR)
    report = response.context["report"]
    assert [(r.run.course.title, str(r.cost), r.enrolled, r.completed, r.per_enrolled, r.per_completed)
            for r in report.runs] == [
        ("PSP-kursus", "30000.00", 10, 8, 3000, 3750),
        ("Oplæg på personalemøde", "12000.00", 0, 0, None, None),
        ("Ressourcepersonkursus", "5000.00", 3, 0, Decimal("1666.67"), None),
    ]
    # Totals: the costs added up and divided by the counts added up (47,000 ÷ 13 and ÷ 8).
    assert (str(report.total_cost), report.enrolled, report.completed) == ("47000.00", 13, 8)
    assert (str(report.per_enrolled), str(report.per_completed)) == ("3615.38", "5875.00")
    page = page_of(response)
    psp = runs["psp"]
    assert (f'<tr data-run="{psp.pk}"> <th scope="row"><a href="{reverse("training:run_detail", args=[psp.pk])}">'
            "PSP-kursus</a>, 2026-03-02</th> <td>PSP course (police, social services and psychiatry)</td>"
            "<td>Held</td> <td>30,000.00</td><td>10</td><td>8</td> <td>3,000.00</td> <td>3,750.00</td>") in page
    awareness = runs["awareness"]
    row = page.split(f'<tr data-run="{awareness.pk}">')[1].split("</tr>")[0]
    assert row.count('<span aria-hidden="true">—</span>') == 2 and "none enrolled" in row and "none completed" in row
    total = page.split('data-testid="cost-total">')[1].split("</tr>")[0]
    assert "<td>47,000.00</td><td>13</td><td>8</td> <td>3,615.38</td> <td>5,875.00</td>" in total
    assert "Sidste år" not in page and "Aarhus' eget kursus" not in page and "99,999" not in page
    assert "Deltager" not in page and "Udtrådt" not in page  # counts only
    assert 'data-testid="period">Runs starting from 2026-01-01 up to and including 2026-12-31.' in page


def test_participants_by_kind_of_organisation(signed_in: ClientFor, runs: dict[str, CourseRun]) -> None:
    response = signed_in("tina").get(REPORT, YEAR)
    report = response.context["report"]
    assert [label for _value, label in report.kinds] == [
        "Municipality", "Prison or probation institution", "Psychiatry", "NGO"]
    assert [(r.run.course.title, counts) for r, counts in report.kind_rows()] == [
        ("PSP-kursus", [4, 6, 0, 0]), ("Oplæg på personalemøde", [0, 0, 0, 0]), ("Ressourcepersonkursus", [0, 0, 2, 1])]
    assert report.kind_totals() == [4, 6, 2, 1]
    page = page_of(response)
    assert ('<tr data-testid="kind-total"><th scope="row">Total</th><td>4</td><td>6</td><td>2</td><td>1</td>'
            "<td>13</td></tr>") in page
    assert "<th scope=\"col\">School</th>" not in page  # no participants of that kind in these runs


def test_filter_by_kind_of_course(signed_in: ClientFor, runs: dict[str, CourseRun]) -> None:
    response = signed_in("tina").get(REPORT, {**YEAR, "kind": CourseKind.RESOURCE_PERSON})
    report = response.context["report"]
    assert [r.run.pk for r in report.runs] == [runs["resource"].pk]
    assert (str(report.total_cost), report.enrolled) == ("5000.00", 3)
    assert "Kind of course: Resource-person course." in page_of(response)


def test_the_period_defaults_to_this_year(signed_in: ClientFor, people: People) -> None:
    tina = people["tina"]
    today = timezone.localdate()
    this_year = make_run(make_course(created_by=tina, title="I år"), starts_on=date(today.year, 1, 1), cost=100)
    make_run(make_course(created_by=tina, title="Sidste år"), starts_on=date(today.year, 1, 1) - timedelta(days=1),
             cost=100)
    response = signed_in("tina").get(REPORT)
    report = response.context["report"]
    assert [r.run.pk for r in report.runs] == [this_year.pk]
    assert (report.start, report.end) == (date(today.year, 1, 1), date(today.year, 12, 31))
    page = page_of(response)
    assert f'name="from" value="{today.year}-01-01"' in page and f'name="to" value="{today.year}-12-31"' in page


@pytest.mark.parametrize("query, message", [
    ({"from": "2026-13-01", "to": "2026-12-31"}, "Enter a valid date."),
    ({"from": "2026-06-01", "to": "2026-01-01"}, "The end of the period cannot be before its start."),
    ({**YEAR, "kind": "juggling"}, "Select a valid choice. juggling is not one of the available choices."),
])
def test_bad_filters_are_refused_with_what_was_typed(signed_in: ClientFor, runs: dict[str, CourseRun],
                                                     query: dict[str, str], message: str) -> None:
    page = page_of(signed_in("tina").get(REPORT, query), 400)
    assert message in page
    assert f'value="{query["from"]}"' in page
    assert 'data-testid="cost-per-run"' not in page


def test_csv_download(signed_in: ClientFor, runs: dict[str, CourseRun]) -> None:
    response = signed_in("tina").get(REPORT, {**YEAR, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="training-costs-2026-01-01-2026-12-31.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Course", "Kind of course", "Starts on", "Ends on", "Status", "Cost (DKK)", "Enrolled", "Completed",
         "Cost per enrolled participant (DKK)", "Cost per participant who completed (DKK)"],
        ["PSP-kursus", "PSP course (police, social services and psychiatry)", "2026-03-02", "2026-03-03", "Held",
         "30000.00", "10", "8", "3000.00", "3750.00"],
        ["Oplæg på personalemøde", "Awareness session at a staff meeting", "2026-05-05", "2026-05-05", "Planned",
         "12000.00", "0", "0", "", ""],
        ["Ressourcepersonkursus", "Resource-person course", "2026-09-01", "2026-09-02", "Planned", "5000.00", "3", "0",
         "1666.67", ""],
        ["Total", "", "", "", "", "47000.00", "13", "8", "3615.38", "5875.00"],
    ]
    kinds = signed_in("tina").get(REPORT, {**YEAR, "format": "csv", "table": "kinds"})
    assert kinds["Content-Disposition"] == \
        'attachment; filename="training-costs-2026-01-01-2026-12-31-by-organisation-kind.csv"'
    assert list(csv.reader(io.StringIO(kinds.content.decode("utf-8-sig")))) == [
        ["Course", "Starts on", "Municipality", "Prison or probation institution", "Psychiatry", "NGO", "Enrolled"],
        ["PSP-kursus", "2026-03-02", "4", "6", "0", "0", "10"],
        ["Oplæg på personalemøde", "2026-05-05", "0", "0", "0", "0", "0"],
        ["Ressourcepersonkursus", "2026-09-01", "0", "0", "2", "1", "3"],
        ["Total", "", "4", "6", "2", "1", "13"],
    ]


def test_xlsx_download(signed_in: ClientFor, runs: dict[str, CourseRun]) -> None:
    response = signed_in("tina").get(REPORT, {**YEAR, "kind": CourseKind.PSP, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="training-costs-2026-01-01-2026-12-31-psp.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Cost per run", "By kind of organisation"]
    sheet = workbook["Cost per run"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == "PSP-kursus"
    assert values[1][5:] == [30000, 10, 8, 3000, 3750]
    assert all(isinstance(v, int | float) for v in values[1][5:])
    assert values[2][0] == "Total"
    kinds = [[cell.value for cell in row] for row in workbook["By kind of organisation"].iter_rows()]
    assert kinds[0] == ["Course", "Starts on", "Municipality", "Prison or probation institution", "Enrolled"]
    assert kinds[1][2:] == [4, 6, 10]


def test_an_empty_cost_per_participant_is_an_empty_cell(signed_in: ClientFor, runs: dict[str, CourseRun]) -> None:
    response = signed_in("tina").get(REPORT, {**YEAR, "kind": CourseKind.AWARENESS, "format": "xlsx"})
    row = [cell.value for cell in next(load_workbook(io.BytesIO(response.content))["Cost per run"].iter_rows(
        min_row=2, max_row=2))]
    assert row[5:] == [12000, 0, 0, None, None]


def test_text_never_runs_as_a_formula(signed_in: ClientFor, people: People) -> None:
    tina = people["tina"]
    make_run(make_course(created_by=tina, title='=HYPERLINK("https://example.invalid","klik")'),
             starts_on=date(2026, 2, 2), cost=10)
    response = signed_in("tina").get(REPORT, {**YEAR, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("https://example.invalid","klik")'
    workbook = load_workbook(io.BytesIO(signed_in("tina").get(REPORT, {**YEAR, "format": "xlsx"}).content))
    cell = workbook["Cost per run"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_report_queries_do_not_grow_with_runs(signed_in: ClientFor, people: People,
                                                  django_assert_max_num_queries: Any) -> None:
    tina = people["tina"]
    client = signed_in("tina")
    course = make_course(created_by=tina, units=1)
    counts = []
    for total in (1, 30):
        for n in range(total):
            run = make_run(course, starts_on=date(2026, 1 + n % 12, 1 + n % 28), cost=1000 + n)
            enrol(run, (K.MUNICIPALITY, K.PRISON_PROBATION, K.SCHOOL)[n % 3], 2, completed=1)
        with django_assert_max_num_queries(REPORT_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(REPORT, YEAR))
        counts.append(len(queries))
        assert page.count('<tr data-run="') == 2 * (1 if total == 1 else 31)
    assert counts[0] == counts[1]
