"""Two assessments of one instrument side by side: by section, changes marked in words, fields of
one version only; the choice of the other one; refusals."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.tests.factories import make_assessment, published, small_definition, wheel_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case
from infohus.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


@pytest.fixture
def v1() -> InstrumentVersion:
    return published(small_definition())


@pytest.fixture
def v2(v1: InstrumentVersion) -> InstrumentVersion:
    """Version 2: "story" (long text) taken out, "next" (statements) added to the first section."""
    definition = small_definition()
    fields = definition["sections"][0]["fields"]
    fields.pop(1)
    fields.append({"key": "next", "kind": "statements", "label_da": "Næste", "label_en": "Next steps"})
    version = published(definition)
    assert version.number == 2
    return version


def _make(version: InstrumentVersion, case: Case, author: User, day: date, answers: dict[str, Any],
          **kwargs: Any) -> Assessment:
    return make_assessment(version=version, author=author, case=case, answers=answers, assessed_on=day,
                           signed=kwargs.pop("signed", True), **kwargs)


def _compare(client: Client, pk: int, other: int | str | None = None) -> Any:
    params = {} if other is None else {"with": str(other)}
    return client.get(reverse("assessments:assessment_compare", args=[pk]), params)


def _row(page: str, key: str) -> list[str]:
    match = re.search(rf'<tr[^>]*data-field="{key}">(.*?)</tr>', page, re.S)
    assert match, f"no row {key}"
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def test_side_by_side_by_section_with_changes_in_words(signed_in: Callable[[str], Client], case: Case,
                                                       v1: InstrumentVersion, people: dict[str, User]) -> None:
    older = _make(v1, case, people["carl"], DAY, {"summary": "Worried about school", "scale": {"person": 3},
                                                  "harm": ["Threats online"]})
    newer = _make(v1, case, people["carl"], DAY + timedelta(days=30),
                  {"summary": "Worried about school", "scale": {"person": 6}})
    # Asked from the newer one: the older is still on the left.
    response = _compare(signed_in("mads"), newer.pk, older.pk)
    assert response.status_code == 200
    page = response.content.decode()
    headings = re.findall(r'<h2 id="compare-section-\d+">(.*?)</h2>', page)
    assert headings == ["Worries", "Where things stand"]
    assert _row(page, "summary") == ["In short", "Worried about school", "Worried about school", "Same"]
    assert _row(page, "scale") == ["Scale", "The person: 3 / 10", "The person: 6 / 10", "Changed"]
    assert _row(page, "harm") == ["Harm statements", "Threats online", "Not answered", "Changed"]
    assert _row(page, "story") == ["Description", "Not answered", "Not answered", "Same"]
    assert re.search(r'data-testid="left">\s*2026-03-02, version 1', page)
    assert re.search(r'data-testid="right">\s*2026-04-01, version 1', page)


def test_fields_of_one_version_only_say_so(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                                           v2: InstrumentVersion, people: dict[str, User]) -> None:
    old = _make(v1, case, people["carl"], DAY, {"summary": "a", "story": "Long story"})
    new = _make(v2, case, people["carl"], DAY + timedelta(days=3), {"summary": "a", "next": ["Call the school"]})
    page = _compare(signed_in("carl"), old.pk, new.pk).content.decode()
    assert _row(page, "next") == ["Next steps", "not in version 1", "Call the school", "In one version only"]
    assert _row(page, "story") == ["Description", "Long story", "not in version 2", "In one version only"]
    assert _row(page, "summary")[-1] == "Same"


def test_a_draft_can_be_compared(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                                 people: dict[str, User]) -> None:
    done = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    draft = _make(v1, case, people["carl"], DAY + timedelta(days=1), {"summary": "b"}, signed=False)
    page = _compare(signed_in("carl"), draft.pk, done.pk).content.decode()
    assert re.search(r'data-testid="right">\s*2026-03-03, version 1 \(draft\)', page)


def test_without_a_second_one_the_others_of_the_instrument_are_offered(
        signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion, v2: InstrumentVersion,
        people: dict[str, User]) -> None:
    this = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    other_version = _make(v2, case, people["carl"], DAY + timedelta(days=2), {"summary": "b"})
    draft = _make(v1, case, people["carl"], DAY + timedelta(days=1), {}, signed=False)
    health = _make(v1, case, people["signe"], DAY, {"summary": "c"}, compartment="health")
    wheel = _make(published(wheel_definition(areas=3)), case, people["carl"], DAY, {"area-1": 2})
    elsewhere = _make(v1, make_case(lead=people["carl"]), people["carl"], DAY, {"summary": "d"})
    response = _compare(signed_in("mads"), this.pk)
    assert response.status_code == 200
    page = response.content.decode()
    offered = [int(pk) for pk in re.findall(r'name="with" value="(\d+)"', page)]
    assert offered == [other_version.pk, draft.pk]
    for absent in (this, health, wheel, elsewhere):
        assert absent.pk not in offered


def test_nothing_to_compare_with_says_so(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                                         people: dict[str, User]) -> None:
    only = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    page = _compare(signed_in("carl"), only.pk).content.decode()
    assert "There is no other assessment made with this instrument that you may see." in page


def test_another_instrument_is_refused_with_400_and_a_message(
        signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion, people: dict[str, User]) -> None:
    this = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    wheel = _make(published(wheel_definition(areas=3)), case, people["carl"], DAY, {"area-1": 2})
    response = _compare(signed_in("carl"), this.pk, wheel.pk)
    assert response.status_code == 400
    assert "Only assessments made with the same instrument can be compared" in response.content.decode()
    assert 'data-testid="compare-error"' in response.content.decode()


def test_the_same_one_or_a_non_number_is_refused_with_400(
        signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion, people: dict[str, User]) -> None:
    this = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    client = signed_in("carl")
    assert _compare(client, this.pk, this.pk).status_code == 400
    assert _compare(client, this.pk, "abc").status_code == 400


def test_assessments_of_two_cases_are_not_compared(signed_in: Callable[[str], Client], case: Case,
                                                   v1: InstrumentVersion, people: dict[str, User]) -> None:
    this = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    other = _make(v1, make_case(lead=people["carl"]), people["carl"], DAY, {"summary": "b"})
    response = _compare(signed_in("carl"), this.pk, other.pk)
    assert response.status_code == 400
    assert "Only assessments of the same case can be compared." in response.content.decode()


def test_one_the_reader_may_not_see_is_404(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                                          people: dict[str, User]) -> None:
    this = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    health = _make(v1, case, people["signe"], DAY, {"summary": "In treatment"}, compartment="health")
    response = _compare(signed_in("mads"), this.pk, health.pk)
    assert response.status_code == 404
    assert b"In treatment" not in response.content
    assert AuditEvent.objects.filter(action="assessment.refused", actor_id=people["mads"].pk,
                                     object_id=str(health.pk)).exists()
    assert _compare(signed_in("mads"), health.pk, this.pk).status_code == 404
    assert _compare(signed_in("signe"), this.pk, health.pk).status_code == 200


def test_outsider_gets_404(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                           people: dict[str, User]) -> None:
    a = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    b = _make(v1, case, people["carl"], DAY, {"summary": "b"})
    assert _compare(signed_in("otto"), a.pk, b.pk).status_code == 404
    assert _compare(signed_in("otto"), a.pk).status_code == 404


def test_both_reads_are_audited(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                                people: dict[str, User]) -> None:
    a = _make(v1, case, people["carl"], DAY, {"summary": "a"})
    b = _make(v1, case, people["carl"], DAY, {"summary": "b"})
    _compare(signed_in("mads"), a.pk, b.pk)
    events = AuditEvent.objects.filter(action="assessment.viewed", actor_id=people["mads"].pk,
                                       purpose="assessment comparison")
    assert sorted(events.values_list("object_id", flat=True)) == sorted([str(a.pk), str(b.pk)])
    assert {e.person_id for e in events} == {str(case.person_id)}


# Request (7) + for each of the two: the assessment, the case and the reader's team entry, and
# the read's audit event (3 + 4, 5 on PostgreSQL) + the fields of both versions (1).
COMPARE_QUERIES = 7 + 2 * 8 + 1
# Without ?with=: request (7) + one assessment (3 + 4–5) + the others of its instrument (1).
CHOOSE_QUERIES = 7 + 8 + 1


def test_compare_queries_do_not_grow(signed_in: Callable[[str], Client], case: Case, v1: InstrumentVersion,
                                     people: dict[str, User], django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = _make(v1, case, people["carl"], DAY, {"summary": "a", "harm": ["x"] * 3})
    b = _make(v1, case, people["carl"], DAY, {"summary": "b"})
    client = signed_in("carl")
    counts = []
    for _round in range(2):
        with django_assert_max_num_queries(COMPARE_QUERIES), CaptureQueriesContext(connection) as compare:
            assert _compare(client, a.pk, b.pk).status_code == 200
        with django_assert_max_num_queries(CHOOSE_QUERIES), CaptureQueriesContext(connection) as choose:
            assert _compare(client, a.pk).status_code == 200
        counts.append((len(compare), len(choose)))
        for n in range(30):
            _make(v1, case, people["carl"], DAY - timedelta(days=n), {"summary": f"s{n}"})
    assert counts[0] == counts[1]
