"""The reporter's part of the concerns API (their list, a status, the report form), the Info
house's telephone intake, and the list of a concern's attachments."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, ConcernAttachment
from infohus.cases.tests.factories import make_concern
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

S = Concern.Status
# Every call: the token, the acting membership, and at most once a minute the token's last use.
TOKEN = 3
# One audit event: savepoint, the chain's last row, the insert, release (PostgreSQL: its lock).
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _report(**overrides: Any) -> dict[str, Any]:
    body = {"observed": "He showed classmates a video that celebrates an attack.",
            "observed_on": str(timezone.localdate() - timedelta(days=1)), "observed_where": "Class 8B",
            "worries": "He talks about a coming fight.", "extremism": "right_wing",
            "person_described": "Jonas, 15, class 8B"}
    body.update(overrides)
    return body


def _prison() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)


# --- the reporter's list and status ---------------------------------------------------------------

def test_reporter_lists_own_concerns_with_status_only(people: dict[str, User]) -> None:
    mine = make_concern(reporter=people["rasmus"], outcome_for_reporter="Assessed.", status=S.DECIDED)
    make_concern(reporter=people["carl"])

    body = json_of(api_client(people["rasmus"]).get("/api/v1/concerns"))

    assert body["count"] == 1
    assert body["results"] == [{"id": mine.pk, "reference": mine.reference, "status": "decided", "urgent": False,
                                "received_at": body["results"][0]["received_at"], "outcome": "Assessed."}]


def test_list_needs_the_capability_to_report(people: dict[str, User]) -> None:
    response = api_client(people["mads"]).get("/api/v1/concerns")
    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "forbidden"


def test_list_needs_the_read_scope(people: dict[str, User]) -> None:
    response = api_client(people["rasmus"], scopes=["concerns:write"]).get("/api/v1/concerns")
    assert response.status_code == 403
    assert json_of(response)["error"]["code"] == "missing_scope"


@pytest.mark.parametrize("rows", [1, 30])
def test_list_queries_do_not_grow_with_the_concerns(people: dict[str, User], django_assert_max_num_queries: Any,
                                                    rows: int) -> None:
    for _ in range(rows):
        make_concern(reporter=people["rasmus"])
    client = api_client(people["rasmus"])
    # the count and one page
    with django_assert_max_num_queries(TOKEN + 2):
        response = client.get("/api/v1/concerns?page_size=50")
    assert json_of(response)["count"] == rows


def test_status_of_own_concern(people: dict[str, User], django_assert_max_num_queries: Any) -> None:
    concern = make_concern(reporter=people["rasmus"])
    client = api_client(people["rasmus"])
    with django_assert_max_num_queries(TOKEN + 1):
        response = client.get(f"/api/v1/concerns/{concern.pk}")
    assert json_of(response)["status"] == "awaiting_triage"
    assert set(json_of(response)) == {"id", "reference", "status", "urgent", "received_at", "outcome"}


def test_another_reporters_concern_is_404_and_audited(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["carl"])

    response = api_client(people["rasmus"]).get(f"/api/v1/concerns/{concern.pk}")

    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action="concern.refused", actor_id=people["rasmus"].pk)
    assert refusal.object_id == str(concern.pk)
    assert refusal.purpose == "api: reporter's status"


# --- reporting a concern --------------------------------------------------------------------------

def test_reporter_submits_a_concern_that_goes_to_the_info_house(people: dict[str, User]) -> None:
    response = _post(api_client(people["rasmus"]), "/api/v1/concerns", _report(immediate_danger=True))

    assert response.status_code == 201
    body = json_of(response)
    concern = Concern.objects.get(pk=body["id"])
    assert (body["status"], body["urgent"], body["reference"]) == ("awaiting_triage", True, concern.reference)
    assert concern.reported_by == people["rasmus"]
    assert concern.extremism == "right_wing"
    assert AuditEvent.objects.filter(action="concern.submitted", object_id=str(concern.pk)).exists()


def test_a_prison_concern_goes_to_the_resource_person_first(people: dict[str, User]) -> None:
    response = _post(api_client(people["rikke"]), "/api/v1/concerns", _report())

    assert json_of(response)["status"] == "local_assessment"
    assert Concern.objects.get(pk=json_of(response)["id"]).institution == _prison()


def test_a_role_that_does_not_report_is_refused_and_nothing_is_made(people: dict[str, User]) -> None:
    response = _post(api_client(people["mads"]), "/api/v1/concerns", _report())

    assert response.status_code == 403
    assert not Concern.objects.exists()


def test_the_forms_checks_answer_422_with_the_fields(people: dict[str, User]) -> None:
    future = str(timezone.localdate() + timedelta(days=1))
    response = _post(api_client(people["rasmus"]), "/api/v1/concerns",
                     _report(observed_on=future, person_described=""))

    assert response.status_code == 422
    fields = json_of(response)["error"]["fields"]
    assert set(fields) == {"observed_on", "person_described"}
    assert not Concern.objects.exists()


def test_an_unknown_person_may_be_reported_when_said_so(people: dict[str, User]) -> None:
    response = _post(api_client(people["rasmus"]), "/api/v1/concerns",
                     _report(person_described="", person_unknown=True))
    assert response.status_code == 201


@pytest.mark.parametrize("change", [{"urgent": True}, {"extremism": "green"}, {"observed": None}])
def test_unknown_fields_and_wrong_values_are_refused(people: dict[str, User], change: dict[str, Any]) -> None:
    body = {k: v for k, v in _report(**change).items() if v is not None}
    response = _post(api_client(people["rasmus"]), "/api/v1/concerns", body)

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == set(change)
    assert not Concern.objects.exists()


# --- the telephone ---------------------------------------------------------------------------------

def test_info_house_records_an_anonymous_telephone_concern(people: dict[str, User]) -> None:
    body = _report(caller_anonymous=True, caller_relation="neighbour")
    response = _post(api_client(people["ida"]), "/api/v1/concerns/telephone", body)

    assert response.status_code == 201
    concern = Concern.objects.get(pk=json_of(response)["id"])
    assert (concern.channel, concern.status, concern.caller_anonymous) == ("telephone", "awaiting_triage", True)
    assert concern.recorded_by == people["ida"]


def test_an_anonymous_caller_leaves_no_name(people: dict[str, User]) -> None:
    body = _report(caller_anonymous=True, caller_name="Hanne")
    response = _post(api_client(people["ida"]), "/api/v1/concerns/telephone", body)

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"caller_name"}
    assert not Concern.objects.exists()


def test_a_reporter_cannot_record_a_telephone_concern(people: dict[str, User]) -> None:
    response = _post(api_client(people["rasmus"]), "/api/v1/concerns/telephone", _report(caller_name="Hanne"))
    assert response.status_code == 403


# --- attachments ----------------------------------------------------------------------------------

def _attach(concern: Concern, name: str = "notes.txt") -> ConcernAttachment:
    attachment = ConcernAttachment(concern=concern, original_name=name, content_type="text/plain", size=5)
    attachment.file.save("api-test.txt", ContentFile(b"notes"), save=True)
    return attachment


def test_info_house_lists_attachments_without_their_content(people: dict[str, User],
                                                          django_assert_max_num_queries: Any) -> None:
    concern = make_concern(reporter=people["rasmus"])
    attachment = _attach(concern)
    client = api_client(people["ida"])

    # the concern, its attachments, the audit event
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT):
        response = client.get(f"/api/v1/concerns/{concern.pk}/attachments")

    assert json_of(response) == [{"id": attachment.pk, "name": "notes.txt", "content_type": "text/plain",
                                  "size": 5, "uploaded_at": json_of(response)[0]["uploaded_at"]}]
    read = AuditEvent.objects.get(action="concern.viewed", actor_id=people["ida"].pk)
    assert (read.object_id, read.details) == (str(concern.pk), {"attachments": [attachment.pk]})


def test_the_reporter_does_not_see_the_attachments(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    _attach(concern)
    assert api_client(people["rasmus"]).get(f"/api/v1/concerns/{concern.pk}/attachments").status_code == 403


def test_a_concern_still_at_the_institution_is_not_the_info_houses(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rikke"], status=S.LOCAL_ASSESSMENT, institution=_prison())
    _attach(concern)

    assert api_client(people["ida"]).get(f"/api/v1/concerns/{concern.pk}/attachments").status_code == 404
    assert api_client(people["rikke"]).get(f"/api/v1/concerns/{concern.pk}/attachments").status_code == 200
    assert AuditEvent.objects.filter(action="concern.refused", actor_id=people["ida"].pk,
                                     object_id=str(concern.pk)).exists()


def test_a_role_that_does_not_report_has_no_status_page(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    assert api_client(people["mads"]).get(f"/api/v1/concerns/{concern.pk}").status_code == 403
