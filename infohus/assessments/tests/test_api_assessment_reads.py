"""Reading assessments through the desk's API: the list of a case or a concern, and one
assessment with its answers. The same need-to-know, compartments and audit as the pages."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in_fully
from infohus.accounts.models import User
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case
from infohus.cases.tests.factories import grant_break_glass, make_case, make_concern, make_person
from infohus.cases.tests.triage_helpers import audit_queries
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Every call: the token, its last use, the memberships of its user.
TOKEN = 3
AUDIT_EVENT = audit_queries(1)
ANSWERS = {"summary": "Back in school", "overall": 6, "areas": ["school"], "scale": {"person": 4, "mentor": 6}}


def _on(case: Case, version: InstrumentVersion, author: User, **fields: Any) -> Assessment:
    fields.setdefault("answers", ANSWERS)
    fields.setdefault("assessed_on", TODAY - timedelta(days=3))
    return make_assessment(version=version, author=author, case=case, **fields)


# --- the list --------------------------------------------------------------------------------------

def test_a_team_member_lists_the_case_assessments_newest_first(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    older = _on(team_case, small_version, people["carl"], signed=True, assessed_on=TODAY - timedelta(days=30))
    newer = _on(team_case, small_version, people["carl"])

    response = api_client(people["mads"]).get("/api/v1/assessments", {"case": team_case.pk})

    assert response.status_code == 200
    body = json_of(response)
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert first["instrument"] == {"slug": "test-instrument", "name": "Test instrument",
                                   "version_id": small_version.pk, "version_number": 1}
    assert (first["status"], first["case"], first["concern"], first["version"]) == ("draft", team_case.pk, None, 1)
    assert body["results"][1]["signed_by"] == "Carl Brink"
    # The list gives what a list shows, not the answers.
    assert "answers" not in first


def test_the_list_holds_only_the_compartments_the_reader_sees(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    _on(team_case, small_version, people["carl"])
    health = _on(team_case, small_version, people["signe"], compartment="health")

    carls = json_of(api_client(people["carl"]).get("/api/v1/assessments", {"case": team_case.pk}))
    signes = json_of(api_client(people["signe"]).get("/api/v1/assessments", {"case": team_case.pk}))

    assert health.pk not in {row["id"] for row in carls["results"]}
    assert health.pk in {row["id"] for row in signes["results"]}


def test_the_list_filters_by_status_and_instrument(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _on(team_case, small_version, people["carl"], signed=True)
    _on(team_case, small_version, people["carl"])
    other = published(small_definition(slug="test-other"))
    of_other = _on(team_case, other, people["carl"])
    client = api_client(people["carl"])

    by_status = json_of(client.get("/api/v1/assessments", {"case": team_case.pk, "status": "signed"}))
    by_instrument = json_of(client.get("/api/v1/assessments", {"case": team_case.pk, "instrument": "test-other"}))

    assert [row["id"] for row in by_status["results"]] == [signed.pk]
    assert [row["id"] for row in by_instrument["results"]] == [of_other.pk]


def test_the_list_audits_the_read_of_the_case_as_the_progress_page_does(
        people: dict[str, User], team_case: Case, signed_in: Any) -> None:
    signed_in("carl").get(f"/desk/cases/{team_case.pk}/assessments/")
    api_client(people["carl"]).get("/api/v1/assessments", {"case": team_case.pk})

    page, api = AuditEvent.objects.filter(action="case.viewed", object_id=str(team_case.pk)).order_by("seq")
    assert (api.actor_id, api.person_id, api.details) == (page.actor_id, page.person_id, page.details)
    assert api.purpose == "api: assessments of a case"


def test_someone_outside_the_team_gets_404_and_the_refusal_is_audited(
        people: dict[str, User], team_case: Case) -> None:
    response = api_client(people["otto"]).get("/api/v1/assessments", {"case": team_case.pk})

    assert response.status_code == 404
    assert json_of(response)["error"]["code"] == "not_found"
    assert AuditEvent.objects.filter(action="case.refused", actor_id=people["otto"].pk,
                                     object_id=str(team_case.pk)).exists()


def test_roles_without_case_work_are_refused_before_the_need_to_know(people: dict[str, User], team_case: Case) -> None:
    response = api_client(people["anders"]).get("/api/v1/assessments", {"case": team_case.pk})

    assert response.status_code == 403


@pytest.mark.parametrize("query", [{}, {"case": 1, "concern": 1}])
def test_the_list_needs_either_a_case_or_a_concern(people: dict[str, User], query: dict[str, Any]) -> None:
    response = api_client(people["carl"]).get("/api/v1/assessments", query)

    assert response.status_code == 422
    assert json_of(response)["error"]["code"] == "invalid"


def test_an_unknown_query_parameter_is_refused_rather_than_ignored(people: dict[str, User], team_case: Case) -> None:
    response = api_client(people["carl"]).get("/api/v1/assessments", {"case": team_case.pk, "stauts": "signed"})

    assert response.status_code == 422
    assert json_of(response)["error"]["fields"] == {"stauts": ["This operation takes no such query parameter."]}


def test_triage_lists_the_assessments_of_a_concern(people: dict[str, User]) -> None:
    triage = published(small_definition(slug="test-triage", use="triage"))
    concern = make_concern(person=make_person())
    made = make_assessment(version=triage, author=people["ida"], concern=concern, answers={"summary": "x"})

    response = api_client(people["per"]).get("/api/v1/assessments", {"concern": concern.pk})

    assert [row["id"] for row in json_of(response)["results"]] == [made.pk]
    # A case worker does not triage: refused by the capability.
    assert api_client(people["carl"]).get("/api/v1/assessments", {"concern": concern.pk}).status_code == 403


def test_break_the_glass_reads_the_list(people: dict[str, User], small_version: InstrumentVersion) -> None:
    case = make_case(lead=people["carl"])
    made = _on(case, small_version, people["carl"])
    grant_break_glass(case, people["per"])

    response = api_client(people["per"]).get("/api/v1/assessments", {"case": case.pk})

    assert [row["id"] for row in json_of(response)["results"]] == [made.pk]


@pytest.mark.parametrize("rows", [1, 15])
def test_the_list_costs_the_same_number_of_queries_whatever_its_length(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, rows: int,
        django_assert_max_num_queries: Any) -> None:
    for n in range(rows):
        _on(team_case, small_version, people["carl"], signed=n % 2 == 0,
            amends=None if n == 0 else Assessment.objects.filter(case=team_case, status="signed").first())
    client = api_client(people["mads"])
    # the case and the team place (case_access); the count, and the page with instrument, version
    # and people joined.
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT_EVENT + 2):
        response = client.get("/api/v1/assessments", {"case": team_case.pk, "page_size": 100})
    assert json_of(response)["count"] == rows


# --- one assessment --------------------------------------------------------------------------------

def test_one_assessment_gives_its_answers_as_kept_and_as_the_page_shows_them(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    made = _on(team_case, small_version, people["carl"])

    response = api_client(people["mads"]).get(f"/api/v1/assessments/{made.pk}")

    assert response.status_code == 200
    body = json_of(response)
    assert body["answers"] == ANSWERS
    rows = {row["key"]: row for s in body["sections"] for row in s["rows"]}
    assert rows["summary"]["lines"] == ["Back in school"]
    assert rows["overall"]["lines"] == ["6 / 10"]
    assert rows["areas"]["lines"] == ["School"]
    # (In the order the database keeps the keys: PostgreSQL's jsonb sorts them.)
    assert sorted(rows["scale"]["lines"]) == ["The mentor: 6 / 10", "The person: 4 / 10"]
    assert rows["story"]["lines"] == []
    assert body["may_write"] is True
    assert body["version"] == made.revision


def test_the_read_is_audited_as_the_page_audits_it(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion, signed_in: Any) -> None:
    made = _on(team_case, small_version, people["carl"])

    signed_in("carl").get(f"/desk/assessments/{made.pk}/")
    api_client(people["carl"]).get(f"/api/v1/assessments/{made.pk}")

    page, api = AuditEvent.objects.filter(action="assessment.viewed", object_id=str(made.pk)).order_by("seq")
    assert (api.actor_id, api.person_id, api.details) == (page.actor_id, page.person_id, page.details)
    assert (page.purpose, api.purpose) == ("assessment: read", "api: assessment: read")


def test_an_assessment_in_a_compartment_not_seen_is_404(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    health = _on(team_case, small_version, people["signe"], compartment="health")

    assert api_client(people["carl"]).get(f"/api/v1/assessments/{health.pk}").status_code == 404
    assert api_client(people["signe"]).get(f"/api/v1/assessments/{health.pk}").status_code == 200
    refusal = AuditEvent.objects.get(action="assessment.refused", actor_id=people["carl"].pk)
    assert refusal.details == {"exists": True, "compartment": "health"}


def test_outside_the_need_to_know_is_404_as_for_a_record_that_does_not_exist(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    made = _on(team_case, small_version, people["carl"])
    client = api_client(people["otto"])

    outside, missing = client.get(f"/api/v1/assessments/{made.pk}"), client.get("/api/v1/assessments/987654")

    assert (outside.status_code, missing.status_code) == (404, 404)
    assert json_of(outside) == json_of(missing)


def test_a_break_the_glass_reader_reads_but_may_not_write(
        people: dict[str, User], small_version: InstrumentVersion) -> None:
    case = make_case(lead=people["carl"])
    made = _on(case, small_version, people["carl"])
    grant_break_glass(case, people["per"])

    body = json_of(api_client(people["per"]).get(f"/api/v1/assessments/{made.pk}"))

    assert body["may_write"] is False


def test_the_corrections_the_reader_sees_are_listed(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    signed = _on(team_case, small_version, people["carl"], signed=True)
    correction = _on(team_case, small_version, people["carl"], amends=signed)

    body = json_of(api_client(people["carl"]).get(f"/api/v1/assessments/{signed.pk}"))

    assert [c["id"] for c in body["corrections"]] == [correction.pk]
    assert body["corrections"][0]["corrects"] == signed.pk


@pytest.mark.parametrize("fields", [1, 20])
def test_one_assessment_costs_the_same_number_of_queries_whatever_its_size(
        people: dict[str, User], team_case: Case, fields: int, django_assert_max_num_queries: Any) -> None:
    definition = small_definition(slug=f"test-size-{fields}")
    definition["sections"][0]["fields"] = [
        {"key": f"f-{n}", "kind": "short_text", "label_da": f"F {n}", "label_en": f"F {n}"} for n in range(fields)]
    version = published(definition)
    made = _on(team_case, version, people["carl"], answers={f"f-{n}": "svar" for n in range(fields)})
    for _ in range(fields):
        _on(team_case, version, people["carl"], amends=made)
    client = api_client(people["carl"])
    # the assessment, the case and the team place; the fields, files, corrections and the
    # assessments to compare with.
    with django_assert_max_num_queries(TOKEN + 3 + AUDIT_EVENT + 4):
        response = client.get(f"/api/v1/assessments/{made.pk}")
    assert len(json_of(response)["corrections"]) == fields


def test_an_assessment_is_not_reached_through_another_client_s_session(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    made = _on(team_case, small_version, people["carl"])
    # A signed-in browser session is not an API credential.
    browser = sign_in_fully(Client(), people["carl"])

    response = browser.get(f"/api/v1/assessments/{made.pk}")

    assert response.status_code == 401
