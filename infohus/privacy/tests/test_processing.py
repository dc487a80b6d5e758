"""The records of processing page and its CSV download: read from the models, with the retention
period in force, for every signed-in person; a fixed number of queries."""

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from infohus.privacy.models import RetentionRule
from infohus.privacy.retention import KINDS
from infohus.privacy.selectors import processing as selectors

pytestmark = pytest.mark.django_db

URL = reverse("privacy:processing")
CSV_URL = reverse("privacy:processing_csv")


def _record(html: str, anchor: str) -> str:
    """The section of one kind of record on the page."""
    match = re.search(rf'<section aria-labelledby="{anchor}".*?</section>', html, re.S)
    assert match, anchor
    return match.group(0)


def test_the_page_lists_a_field_of_a_person_with_its_verbose_name_and_kind(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("carl").get(URL)
    assert response.status_code == 200
    person = _record(response.content.decode(), "cases-person")
    assert re.search(r'<tr data-field="birth_date"><th scope="row">Birth date</th><td>date</td></tr>', person)
    assert re.search(r'<tr data-field="created_by"><th scope="row">Created by</th>'
                     r"<td>link to a user of the platform</td></tr>", person)
    assert "People of concern" in person


def test_the_page_speaks_the_readers_language(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("anders")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    person = _record(client.get(URL).content.decode(), "cases-person")
    # Django's own Danish for "first name": the label comes from the model, translated.
    assert '<tr data-field="first_name"><th scope="row">Fornavn</th>' in person


def test_a_disclosure_names_section_115_as_its_legal_basis(signed_in: Callable[[str], Client]) -> None:
    disclosure = _record(signed_in("anders").get(URL).content.decode(), "cases-disclosure")
    legal_basis = re.search(r'<ul data-testid="legal-basis">(.*?)</ul>', disclosure, re.S)
    assert legal_basis and "Administration of Justice Act (retsplejeloven) § 115" in legal_basis.group(1)
    assert "never for a criminal investigation" in legal_basis.group(1)


def test_the_retention_period_follows_a_changed_rule(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("dina")
    before = _record(client.get(URL).content.decode(), "cases-note")
    assert "<strong>5 years</strong> (the default)" in before
    RetentionRule.objects.create(kind="case_closed", months=90)
    html = client.get(URL).content.decode()
    note = _record(html, "cases-note")
    assert "Closed case: <strong>90 months</strong> (set by the data protection officer)" in note
    assert "Counted from: The date the case was closed." in note
    # Another kind keeps its default.
    assert "Person of concern: <strong>6 months</strong> (the default)" in _record(html, "cases-person")


def test_a_period_reads_not_set_when_retention_knows_no_such_kind(
        signed_in: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "record_kinds", lambda: {})
    note = _record(signed_in("anders").get(URL).content.decode(), "cases-note")
    assert "<strong>Not set</strong>" in note
    assert "the default" not in note


def test_the_contents_link_to_every_kind_of_record(signed_in: Callable[[str], Client]) -> None:
    html = signed_in("sofie").get(URL).content.decode()
    contents = re.search(r'<nav aria-labelledby="contents-heading".*?</nav>', html, re.S)
    assert contents
    anchors = re.findall(r'href="#([\w-]+)"', contents.group(0))
    assert "cases-person" in anchors and "area-cases" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html
    records = sum(len(area.records) for area in selectors.records_of_processing())
    assert len([a for a in anchors if not a.startswith("area-")]) == records


def test_the_csv_holds_a_row_for_every_kind_of_record(signed_in: Callable[[str], Client]) -> None:
    RetentionRule.objects.create(kind="person", months=3)
    response = signed_in("anders").get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header == ["Area", "Kind of record", "Personal data", "Data subjects", "Purpose", "Legal basis",
                      "Retention", "Who may see it"]
    areas = selectors.records_of_processing()
    assert len(body) == sum(len(a.records) + len(a.without_personal_data) for a in areas)
    person = next(row for row in body if row[1] == "Person")
    assert "Birth date (date)" in person[2]
    assert person[6].startswith("Person of concern: 3 months (set by the data protection officer)")
    assert "Triage concerns at the Info house (Info-house coordinator, Police liaison)" in person[7]
    country = next(row for row in body if row[1] == "Country")
    assert country[2] == "No personal data"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in (URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize("many", [False, True])
def test_the_page_and_csv_make_the_same_queries_however_many_rules(
        signed_in: Callable[[str], Client], django_assert_max_num_queries: Any, many: bool) -> None:
    client = signed_in("ida")
    kinds = [kind.key for kind in KINDS] if many else [KINDS[0].key]
    RetentionRule.objects.bulk_create([RetentionRule(kind=key, months=120) for key in kinds])
    if many:  # rules of kinds no record names are not read one by one either
        RetentionRule.objects.bulk_create([RetentionRule(kind=f"other_{n}", months=12) for n in range(40)])
    # The session, the user, the second-factor device, the memberships (the page's header) and
    # the session's save (savepoint, update, release): 7; and one for the retention rules.
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(CSV_URL).status_code == 200
