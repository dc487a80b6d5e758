"""The resource person's local assessment through the API: the queue, a concern of their own
institution (and no other), and the assessment with the concern's version."""

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, ConcernAttachment, LocalAssessment
from infohus.cases.tests.factories import make_concern
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

S = Concern.Status
TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)


def _prison() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)


def _at_prison(people: dict[str, User], **fields: Any) -> Concern:
    fields.setdefault("status", S.LOCAL_ASSESSMENT)
    return make_concern(reporter=people["rasmus"], institution=_prison(), **fields)


def _at_school(people: dict[str, User]) -> Concern:
    return make_concern(reporter=people["rasmus"], status=S.LOCAL_ASSESSMENT,
                        institution=Organisation.objects.get(kind=Organisation.Kind.SCHOOL))


def _assess(client: Client, concern: Concern, **overrides: Any) -> Any:
    body = {"version": 1, "participants": "Rikke (resource person), Ole (wing officer)",
            "conclusion": "We talked it through with his contact officer.", "decision": "forward"}
    body.update(overrides)
    return client.post(f"/api/v1/concerns/local/{concern.pk}/assessment", body, content_type="application/json")


# --- the queue ------------------------------------------------------------------------------------

def test_queue_holds_her_institutions_concerns_urgent_first(people: dict[str, User]) -> None:
    old = _at_prison(people)
    urgent = _at_prison(people, urgent=True)
    _at_school(people)
    done = _at_prison(people, status=S.HANDLED_LOCALLY)
    client = api_client(people["rikke"])

    waiting = json_of(client.get("/api/v1/concerns/local"))
    assessed = json_of(client.get("/api/v1/concerns/local?state=assessed"))

    assert [c["id"] for c in waiting["results"]] == [urgent.pk, old.pk]
    assert waiting["results"][0]["reported_by"] == {"username": "rasmus", "name": "Rasmus Lærke"}
    assert [c["id"] for c in assessed["results"]] == [done.pk]


def test_queue_is_for_resource_people(people: dict[str, User]) -> None:
    assert api_client(people["ida"]).get("/api/v1/concerns/local").status_code == 403


@pytest.mark.parametrize("rows", [1, 25])
def test_queue_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    for _ in range(rows):
        _at_prison(people)
    client = api_client(people["rikke"])
    with django_assert_max_num_queries(TOKEN + 2):  # the count and one page with the reporters
        response = client.get("/api/v1/concerns/local?page_size=100")
    assert json_of(response)["count"] == rows


# --- one concern ----------------------------------------------------------------------------------

def test_resource_person_reads_the_concern_and_the_read_is_audited_like_the_page(
        people: dict[str, User], signed_in: Any, django_assert_max_num_queries: Any) -> None:
    concern = _at_prison(people)
    attachment = ConcernAttachment(concern=concern, original_name="log.txt", content_type="text/plain", size=3)
    attachment.file.save("api-local.txt", ContentFile(b"log"), save=True)
    client = api_client(people["rikke"])

    # the concern with what it links to, its attachments, the audit event
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT):
        body = json_of(client.get(f"/api/v1/concerns/local/{concern.pk}"))
    signed_in("rikke").get(f"/desk/concerns/local/{concern.pk}/")

    assert body["observed"] == concern.observed
    assert body["attachments"][0]["name"] == "log.txt"
    assert body["local_assessment"] is None
    api_read, page_read = AuditEvent.objects.filter(actor_id=people["rikke"].pk, object_type="concern").order_by("seq")
    assert (api_read.action, api_read.object_id) == (page_read.action, page_read.object_id) == (
        "concern.viewed", str(concern.pk))
    assert api_read.purpose == "api: local assessment"


@pytest.mark.parametrize("files", [1, 5])
def test_concern_queries_do_not_grow_with_its_attachments(people: dict[str, User],
                                                          django_assert_max_num_queries: Any, files: int) -> None:
    concern = _at_prison(people)
    for i in range(files):
        attachment = ConcernAttachment(concern=concern, original_name=f"log{i}.txt", content_type="text/plain", size=3)
        attachment.file.save("api-local.txt", ContentFile(b"log"), save=True)
    client = api_client(people["rikke"])
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT):
        body = json_of(client.get(f"/api/v1/concerns/local/{concern.pk}"))
    assert len(body["attachments"]) == files


def test_only_resource_people_read_concerns_for_local_assessment(people: dict[str, User]) -> None:
    concern = _at_prison(people)
    assert api_client(people["ida"]).get(f"/api/v1/concerns/local/{concern.pk}").status_code == 403


def test_another_institutions_concern_is_404_and_audited(people: dict[str, User]) -> None:
    concern = _at_school(people)

    assert api_client(people["rikke"]).get(f"/api/v1/concerns/local/{concern.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="concern.refused", object_id=str(concern.pk)).exists()


def test_an_assessed_concern_shows_its_assessment(people: dict[str, User]) -> None:
    concern = _at_prison(people)
    _assess(api_client(people["rikke"]), concern, decision="handle_locally")

    body = json_of(api_client(people["rikke"]).get(f"/api/v1/concerns/local/{concern.pk}"))

    assert body["status"] == "handled_locally"
    assert body["local_assessment"]["decision"] == "handle_locally"
    assert body["local_assessment"]["assessed_by"]["username"] == "rikke"


# --- the assessment -------------------------------------------------------------------------------

def test_forwarding_sends_the_concern_to_the_info_house(people: dict[str, User]) -> None:
    concern = _at_prison(people)

    response = _assess(api_client(people["rikke"]), concern)

    assert response.status_code == 201
    assert json_of(response)["decision"] == "forward"
    concern.refresh_from_db()
    assert (concern.status, concern.version) == (S.AWAITING_TRIAGE, 2)
    assert AuditEvent.objects.filter(action="concern.local_assessment_recorded", object_id=str(concern.pk)).exists()


def test_a_stale_version_answers_409_and_nothing_is_recorded(people: dict[str, User]) -> None:
    concern = _at_prison(people)
    Concern.objects.filter(pk=concern.pk).update(version=3)

    response = _assess(api_client(people["rikke"]), concern, version=2)

    assert response.status_code == 409
    assert json_of(response)["error"]["current_version"] == 3
    concern.refresh_from_db()
    assert concern.status == S.LOCAL_ASSESSMENT
    assert not LocalAssessment.objects.exists()


def test_a_concern_is_assessed_once(people: dict[str, User]) -> None:
    concern = _at_prison(people)
    client = api_client(people["rikke"])
    assert _assess(client, concern).status_code == 201

    again = _assess(client, concern, version=2, decision="no_concern")

    assert again.status_code == 409
    assert LocalAssessment.objects.get().decision == "forward"


def test_invalid_input_answers_422_with_the_fields(people: dict[str, User]) -> None:
    concern = _at_prison(people)

    response = _assess(api_client(people["rikke"]), concern, decision="ignore", participants="   ")

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == {"decision"}
    blank = _assess(api_client(people["rikke"]), concern, participants="   ")
    assert set(json_of(blank)["error"]["fields"]) == {"participants"}
    assert not LocalAssessment.objects.exists()


def test_assessing_is_for_the_institutions_resource_person(people: dict[str, User]) -> None:
    concern = _at_prison(people)
    outside = _at_school(people)

    assert _assess(api_client(people["ida"]), concern).status_code == 403
    assert _assess(api_client(people["rikke"]), outside).status_code == 404
    assert not LocalAssessment.objects.exists()
