"""The progress page of a case: the timeline, each participant's scale over time, the wheel, the
choice of two to compare; need-to-know, compartments, audit and a pinned number of queries."""

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.tests.factories import (
    PARTICIPANTS,
    make_assessment,
    published,
    small_definition,
    wheel_definition,
)
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case
from infohus.cases.tests.factories import grant_break_glass, make_case

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    """carl leads; mads (mentor) sees general; signe (psychiatry) sees general and health."""
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


@pytest.fixture
def bra() -> InstrumentVersion:
    """The small test instrument: a participant scale ("scale": person, parent, mentor) and more."""
    return published(small_definition())


@pytest.fixture
def wheel() -> InstrumentVersion:
    return published(wheel_definition(areas=4))


def signed(version: InstrumentVersion, case: Case, author: User, day: date, answers: dict[str, Any],
           **kwargs: Any) -> Assessment:
    return make_assessment(version=version, author=author, case=case, answers=answers, assessed_on=day, signed=True,
                           **kwargs)


def _get(client: Client, case: Case, **params: str) -> Any:
    return client.get(reverse("assessments:case_progress", args=[case.pk]), params)


def _page(client: Client, case: Case, **params: str) -> str:
    response = _get(client, case, **params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def chart_data(page: str, element_id: str) -> dict[str, Any]:
    match = re.search(rf'<script id="{re.escape(element_id)}" type="application/json">(.*?)</script>', page, re.S)
    assert match, f"no chart data {element_id}"
    return json.loads(match.group(1))


def table(page: str, element_id: str) -> list[list[str]]:
    """The table's rows as lists of cell texts (tags dropped, "not given" left as the screen reader hears it)."""
    match = re.search(rf'<table[^>]*id="{re.escape(element_id)}"[^>]*>(.*?)</table>', page, re.S)
    assert match, f"no table {element_id}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


# --- the timeline ----------------------------------------------------------------------------

def test_timeline_lists_every_assessment_newest_first_with_drafts_marked(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    old = signed(bra, case, people["carl"], DAY, {"summary": "a"})
    new = signed(bra, case, people["carl"], DAY + timedelta(days=20), {"summary": "b"})
    draft = make_assessment(version=bra, author=people["mads"], case=case, assessed_on=DAY + timedelta(days=10))
    page = _page(signed_in("mads"), case)
    order = [int(pk) for pk in re.findall(r'<tr data-assessment="(\d+)">', page)]
    assert order == [new.pk, draft.pk, old.pk]
    draft_row = re.search(rf'<tr data-assessment="{draft.pk}">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    assert 'data-testid="draft-mark"' in draft_row and "Draft" in draft_row
    assert page.count('data-testid="draft-mark"') == 1
    for a in (old, new, draft):
        assert reverse("assessments:assessment_detail", args=[a.pk]) in page
        assert reverse("assessments:assessment_pdf", args=[a.pk]) in page


def test_team_members_get_a_start_link_and_a_closed_case_has_none(
        signed_in: Callable[[str], Client], case: Case) -> None:
    start = reverse("assessments:case_start", args=[case.pk])
    assert start in _page(signed_in("mads"), case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert start not in _page(signed_in("carl"), case)


def test_break_the_glass_reads_without_a_start_link(signed_in: Callable[[str], Client], case: Case,
                                                    people: dict[str, User]) -> None:
    grant_break_glass(case, people["ida"])
    page = _page(signed_in("ida"), case)
    assert 'data-testid="break-glass-banner"' in page
    assert reverse("assessments:case_start", args=[case.pk]) not in page


def test_health_assessment_is_shown_to_signe_and_not_to_the_mentor(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    general = signed(bra, case, people["carl"], DAY, {"scale": {"person": 4}})
    health = signed(bra, case, people["signe"], DAY + timedelta(days=5), {"scale": {"person": 9}},
                    compartment="health")
    mads = _page(signed_in("mads"), case)
    assert f'data-assessment="{general.pk}"' in mads and f'data-assessment="{health.pk}"' not in mads
    assert chart_data(mads, f"scale-{bra.instrument_id}-scale-data")["series"][0]["values"] == [4]
    signe = _page(signed_in("signe"), case)
    assert f'data-assessment="{health.pk}"' in signe
    assert chart_data(signe, f"scale-{bra.instrument_id}-scale-data")["series"][0]["values"] == [4, 9]


def test_timeline_is_paginated(signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion,
                               people: dict[str, User]) -> None:
    for n in range(55):
        signed(bra, case, people["carl"], DAY + timedelta(days=n), {"scale": {"person": n % 11}})
    first = _page(signed_in("carl"), case)
    assert len(re.findall(r'<tr data-assessment="', first)) == 50
    second = _page(signed_in("carl"), case, page="2")
    assert len(re.findall(r'<tr data-assessment="', second)) == 5
    # The chart uses every signed assessment, not one page of them.
    assert len(chart_data(second, f"scale-{bra.instrument_id}-scale-data")["labels"]) == 55


# --- participant scales ----------------------------------------------------------------------

def test_participant_scale_chart_and_table_show_the_values_as_given(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    first = signed(bra, case, people["carl"], DAY, {"scale": {"person": 3, "parent": 7}})
    second = signed(bra, case, people["carl"], DAY + timedelta(days=30), {"scale": {"person": 5, "mentor": 2}})
    page = _page(signed_in("carl"), case)
    key = f"scale-{bra.instrument_id}-scale"
    data = chart_data(page, f"{key}-data")
    assert data["labels"] == ["2026-03-02", "2026-04-01"]
    assert data["min"] == 0 and data["max"] == 10
    assert data["series"] == [
        {"label": "The person", "values": [3, 5]},
        {"label": "A parent", "values": [7, None]},
        {"label": "The mentor", "values": [None, 2]},
    ]
    assert table(page, f"{key}-table") == [
        ["Date", "The person", "A parent", "The mentor"],
        ["2026-03-02", "3", "7", "not given"],
        ["2026-04-01", "5", "not given", "2"],
    ]
    body = re.search(rf'id="{key}-table".*?</table>', page, re.S).group(0)  # type: ignore[union-attr]
    assert "<caption>" in body and '<th scope="col">The person</th>' in body
    assert f'<th scope="row"><a href="{reverse("assessments:assessment_detail", args=[first.pk])}">' in body
    assert reverse("assessments:assessment_detail", args=[second.pk]) in body


def test_nothing_is_computed_from_the_scales(signed_in: Callable[[str], Client], case: Case,
                                             bra: InstrumentVersion, people: dict[str, User]) -> None:
    signed(bra, case, people["carl"], DAY, {"scale": {"person": 2, "parent": 8, "mentor": 6}})
    signed(bra, case, people["carl"], DAY + timedelta(days=1), {"scale": {"person": 4, "parent": 8, "mentor": 9}})
    page = _page(signed_in("carl"), case)
    rows = table(page, f"scale-{bra.instrument_id}-scale-table")
    # Exactly the given values: no column or row of totals, means or trends.
    assert rows == [["Date", "The person", "A parent", "The mentor"], ["2026-03-02", "2", "8", "6"],
                    ["2026-03-03", "4", "8", "9"]]
    # Every number the section shows (dates and the chart data aside) is one that was given.
    section = re.search(r'<section id="progress".*?</section>\s*<section id="compare"', page, re.S).group(0)  # type: ignore[union-attr]
    text = re.sub(r"<script.*?</script>|<[^>]+>|\d{4}-\d{2}-\d{2}", " ", section, flags=re.S)
    assert set(re.findall(r"\d+(?:[.,]\d+)?", text)) == {"2", "4", "6", "8", "9"}


def test_drafts_are_left_out_of_the_charts(signed_in: Callable[[str], Client], case: Case,
                                           bra: InstrumentVersion, people: dict[str, User]) -> None:
    signed(bra, case, people["carl"], DAY, {"scale": {"person": 3}})
    make_assessment(version=bra, author=people["carl"], case=case, answers={"scale": {"person": 10}},
                    assessed_on=DAY + timedelta(days=1))
    page = _page(signed_in("carl"), case)
    assert chart_data(page, f"scale-{bra.instrument_id}-scale-data")["series"] == [
        {"label": "The person", "values": [3]}]


def test_a_corrected_assessment_gives_way_to_its_correction(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    wrong = signed(bra, case, people["carl"], DAY, {"scale": {"person": 1}})
    signed(bra, case, people["carl"], DAY, {"scale": {"person": 6}}, amends=wrong)
    page = _page(signed_in("carl"), case)
    assert chart_data(page, f"scale-{bra.instrument_id}-scale-data")["series"][0]["values"] == [6]
    assert "corrects the assessment of 2026-03-02" in page  # the timeline still lists both
    assert "One signed assessment was corrected by a later one" in page


def test_scales_of_two_versions_are_one_chart_with_old_participants_kept(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    definition = small_definition()
    scale = definition["sections"][1]["fields"][2]
    scale["options"] = {"participants": [PARTICIPANTS[0], PARTICIPANTS[3]]}  # parent and mentor out, case worker in
    v2 = published(definition)
    assert v2.number == 2
    signed(bra, case, people["carl"], DAY, {"scale": {"person": 2, "parent": 5}})
    signed(v2, case, people["carl"], DAY + timedelta(days=7), {"scale": {"person": 4, "case_worker": 6}})
    page = _page(signed_in("carl"), case)
    data = chart_data(page, f"scale-{bra.instrument_id}-scale-data")
    assert {s["label"]: s["values"] for s in data["series"]} == {
        "The person": [2, 4], "The case worker": [None, 6], "A parent": [5, None]}


def test_charts_are_images_with_a_text_alternative_and_no_inline_script(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, wheel: InstrumentVersion,
        people: dict[str, User]) -> None:
    signed(bra, case, people["carl"], DAY, {"scale": {"person": 3}})
    signed(wheel, case, people["carl"], DAY, {"area-1": 3, "area-2": 4, "area-3": 5})
    page = _page(signed_in("carl"), case)
    canvases = re.findall(r"<canvas([^>]*)>", page, re.S)
    assert len(canvases) == 2
    for attributes in canvases:
        assert 'role="img"' in attributes
        assert "The same values are in the table below the chart." in attributes
        assert " hidden" in attributes  # shown by the script; without it the table stands alone
    for attributes in re.findall(r"<script([^>]*)>", page):
        assert "src=" in attributes or 'type="application/json"' in attributes
    assert "vendor/chartjs/chart.umd.min.js" in page and "infohus/assessment-charts.js" in page
    assert " style=" not in page


def test_page_without_signed_scales_loads_no_chart_script(signed_in: Callable[[str], Client], case: Case) -> None:
    page = _page(signed_in("carl"), case)
    assert "assessment-charts.js" not in page
    assert "No signed assessment with a scale that you may see yet." in page


# --- the wheel -------------------------------------------------------------------------------

def test_wheel_shows_the_latest_rating_over_the_previous_one(
        signed_in: Callable[[str], Client], case: Case, wheel: InstrumentVersion, people: dict[str, User]) -> None:
    signed(wheel, case, people["carl"], DAY - timedelta(days=60), {"area-1": 0, "area-2": 0, "area-3": 0})
    signed(wheel, case, people["carl"], DAY, {"area-1": 3, "area-2": 4, "area-3": 5})
    signed(wheel, case, people["carl"], DAY + timedelta(days=30), {"area-1": 6, "area-2": 4, "area-4": 5})
    page = _page(signed_in("carl"), case)
    key = f"wheel-{wheel.instrument_id}"
    data = chart_data(page, f"{key}-data")
    assert data["kind"] == "radar" and data["labels"] == ["Area 1", "Area 2", "Area 3", "Area 4"]
    assert data["series"] == [
        {"label": "Previous, 2026-03-02", "values": [3, 4, 5, None], "role": "previous"},
        {"label": "Latest, 2026-04-01", "values": [6, 4, None, 5], "role": "latest"},
    ]
    assert table(page, f"{key}-table") == [
        ["Area", "Previous, 2026-03-02", "Latest, 2026-04-01"],
        ["Area 1", "3", "6"], ["Area 2", "4", "4"], ["Area 3", "5", "not given"], ["Area 4", "not given", "5"],
    ]


def test_a_first_wheel_has_no_previous_rating(signed_in: Callable[[str], Client], case: Case,
                                              wheel: InstrumentVersion, people: dict[str, User]) -> None:
    signed(wheel, case, people["carl"], DAY, {"area-1": 3})
    page = _page(signed_in("carl"), case)
    data = chart_data(page, f"wheel-{wheel.instrument_id}-data")
    assert [s["role"] for s in data["series"]] == ["latest"]
    assert "Previous (none)" in page


# --- choosing two to compare -----------------------------------------------------------------

def test_choosing_two_of_one_instrument_opens_the_comparison(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    a = signed(bra, case, people["carl"], DAY, {"scale": {"person": 3}})
    b = signed(bra, case, people["carl"], DAY + timedelta(days=1), {"scale": {"person": 4}})
    response = _get(signed_in("carl"), case, first=str(a.pk), second=str(b.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:assessment_compare", args=[a.pk]) + f"?with={b.pk}"


def test_choosing_two_instruments_is_refused_at_the_field(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, wheel: InstrumentVersion,
        people: dict[str, User]) -> None:
    a = signed(bra, case, people["carl"], DAY, {"scale": {"person": 3}})
    signed(bra, case, people["carl"], DAY + timedelta(days=1), {"scale": {"person": 4}})
    w = signed(wheel, case, people["carl"], DAY, {"area-1": 3})
    page = _page(signed_in("carl"), case, first=str(a.pk), second=str(w.pk))
    assert "Choose an assessment made with the same instrument as the first one (Test instrument)." in page
    assert 'class="form-error-message" id="id_second_error"' in page
    assert 'href="#id_second"' in page  # the error summary links to the field


def test_an_assessment_outside_the_page_cannot_be_chosen(
        signed_in: Callable[[str], Client], case: Case, bra: InstrumentVersion, people: dict[str, User]) -> None:
    a = signed(bra, case, people["carl"], DAY, {"scale": {"person": 3}})
    signed(bra, case, people["carl"], DAY + timedelta(days=1), {"scale": {"person": 4}})
    hidden = signed(bra, case, people["signe"], DAY, {"scale": {"person": 9}}, compartment="health")
    page = _page(signed_in("mads"), case, first=str(a.pk), second=str(hidden.pk))
    assert "Select a valid choice" in page


# --- need-to-know and audit ------------------------------------------------------------------

def test_outsider_gets_404_and_the_refusal_is_audited(signed_in: Callable[[str], Client], case: Case,
                                                     people: dict[str, User]) -> None:
    assert _get(signed_in("otto"), case).status_code == 404
    assert AuditEvent.objects.filter(action="case.refused", actor_id=people["otto"].pk,
                                     object_id=str(case.pk)).exists()


def test_a_role_without_case_work_is_refused(signed_in: Callable[[str], Client], case: Case) -> None:
    assert _get(signed_in("sofie"), case).status_code == 403


def test_reading_the_progress_is_audited_with_person_and_purpose(signed_in: Callable[[str], Client], case: Case,
                                                                people: dict[str, User]) -> None:
    _page(signed_in("mads"), case)
    event = AuditEvent.objects.filter(action="case.viewed", actor_id=people["mads"].pk).latest("seq")
    assert event.purpose == "assessment progress"
    assert event.person_id == str(case.person_id)


# --- query count -----------------------------------------------------------------------------
# Request (7: session, user, TOTP device, memberships; the session save in a savepoint) + the case
# and the reader's team entry (2) + the read's audit event (4, 5 on PostgreSQL) + the timeline's
# count and page (2) + the signed assessments with version, instrument and people, and the fields
# of their versions (2).
PROGRESS_QUERIES = 18


def _many(case: Case, author: User, count: int) -> None:
    """count signed assessments: the small instrument in two versions and the wheel, with drafts."""
    v1 = published(small_definition())
    definition = small_definition()
    definition["sections"][0]["fields"].pop(1)
    v2 = published(definition)
    w = published(wheel_definition(areas=10))
    now = timezone.now()
    rows = []
    for n in range(count):
        version = (v1, v2, w)[n % 3]
        answers: dict[str, Any] = ({f"area-{k}": (n + k) % 11 for k in range(1, 11)} if version == w else
                                   {"summary": "x", "scale": {p["key"]: (n + i) % 11 for i, p in
                                                              enumerate(PARTICIPANTS[:3])}})
        rows.append(Assessment(version=version, case=case, person_id=case.person_id, compartment="general",
                               assessed_on=DAY - timedelta(days=count - n), answers=answers, created_by=author,
                               status=Assessment.Status.SIGNED, signed_by=author, signed_at=now))
    Assessment.objects.bulk_create(rows)


def test_progress_queries_do_not_grow_with_assessments(signed_in: Callable[[str], Client], people: dict[str, User],
                                                       django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, many = make_case(lead=people["carl"]), make_case(lead=people["carl"])
    _many(few, people["carl"], 3)
    _many(many, people["carl"], 200)
    client = signed_in("carl")
    counts = []
    for case in (few, many):
        with django_assert_max_num_queries(PROGRESS_QUERIES), CaptureQueriesContext(connection) as queries:
            page = _page(client, case)
        counts.append(len(queries))
        assert 'data-testid="wheel-chart"' in page and 'data-testid="scale-chart"' in page
    assert counts[0] == counts[1]
    # All 200 are in the charts: the two versions of the small instrument make one chart.
    assert page.count('data-testid="scale-chart"') == 1
    data = chart_data(page, f"scale-{Assessment.objects.filter(case=many).first().version.instrument_id}-scale-data")  # type: ignore[union-attr]
    assert len(data["labels"]) == 134
