"""The body checks of test_body_checks.py, once more on a real write of the desk's API (adding a
course to the training catalogue as tina the trainer): a body that is not JSON, not sent as
JSON or with an unknown field is refused in the error shape, and nothing is written."""

from typing import Any

import pytest
from django.test import Client

from infohus.accounts.models import User
from infohus.api.models import ApiToken
from infohus.api.tests.test_guard_rails import error_of
from infohus.audit.models import AuditEvent
from infohus.training.models import Course
from tests.api import api_client

pytestmark = pytest.mark.django_db
COURSES = "/api/v1/training/courses"
GOOD = {"kind": "psp", "title": "PSP-kursus", "units": 2, "unit_kind": "day"}


@pytest.fixture
def api(people: dict[str, User]) -> Client:
    return api_client(people["tina"], scopes=["training:write"])


@pytest.mark.parametrize(("body", "content_type", "status", "code"), [
    ('{"kind": "psp", "title": ', "application/json", 400, "malformed_json"),
    ('{"kind": "psp", "title": "PSP-kursus", "units": 2, "unit_kind": "day"}', "text/plain", 415,
     "unsupported_media_type"),
    ({**GOOD, "room": "B12"}, "application/json", 422, "invalid"),
])
def test_a_refused_body_writes_nothing(api: Client, body: Any, content_type: str, status: int, code: str) -> None:
    events = AuditEvent.objects.count()
    error = error_of(api.post(COURSES, body, content_type=content_type), status, code)
    assert not Course.objects.exists() and AuditEvent.objects.count() == events
    assert ApiToken.objects.get().last_used_at is None
    if code == "invalid":
        assert list(error["fields"]) == ["room"]


def test_the_same_body_without_the_fault_is_written(api: Client) -> None:
    response = api.post(COURSES, GOOD, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Course.objects.get().title == "PSP-kursus"
