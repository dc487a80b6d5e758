"""A write's body: not JSON (400), not sent as JSON (415), with a field the operation does not
take (422 naming it), missing or of the wrong type (422 naming it). Each answered in the one
error shape, and nothing written: not the operation's write, not the token's last use.

Tested on a small API built from the same error handlers, auth and throttle as the desk's
(infohus/api/tests/urls_checks.py), whose one operation writes an audit event."""

from typing import Any

import pytest
from django.test import Client

from infohus.accounts.models import User
from infohus.api.models import ApiToken
from infohus.api.tests.test_guard_rails import error_of
from infohus.api.tests.urls_checks import WRITTEN
from infohus.audit.models import AuditEvent
from tests.api import api_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("infohus.api.tests.urls_checks")]
People = dict[str, User]
NOTES = "/api/checks/notes"


@pytest.fixture
def api(people: People) -> Client:
    return api_client(people["carl"], scopes=["cases:write"])


def refused(api: Client, body: Any, content_type: str, status: int, code: str) -> dict[str, Any]:
    events = AuditEvent.objects.count()
    error = error_of(api.post(NOTES, body, content_type=content_type), status, code)
    assert AuditEvent.objects.count() == events and not AuditEvent.objects.filter(action=WRITTEN).exists()
    assert ApiToken.objects.get().last_used_at is None
    return error


def test_a_good_body_is_written(api: Client) -> None:
    response = api.post(NOTES, {"text": "hello", "count": 2}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"written": True}
    event = AuditEvent.objects.get(action=WRITTEN)
    assert event.details == {"text": "hello", "count": 2}
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("body", ['{"text": "hello"', "text=hello", "{'text': 'hello'}", "\xff\xfe"])
def test_a_body_that_is_not_json_answers_400(api: Client, body: str) -> None:
    error = refused(api, body, "application/json", 400, "malformed_json")
    assert error["message"] == "The request body is not valid JSON."


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_not_sent_as_json_answers_415(api: Client, content_type: str) -> None:
    error = refused(api, '{"text": "hello"}', content_type, 415, "unsupported_media_type")
    assert content_type in error["message"]


def test_a_multipart_body_answers_415(api: Client) -> None:
    events = AuditEvent.objects.count()
    error_of(api.post(NOTES, {"text": "hello"}), 415, "unsupported_media_type")  # the test client's multipart
    assert AuditEvent.objects.count() == events


def test_an_unknown_field_answers_422_naming_it(api: Client) -> None:
    error = refused(api, {"text": "hello", "colour": "red"}, "application/json", 422, "invalid")
    assert list(error["fields"]) == ["colour"]


def test_a_missing_field_answers_422_naming_it(api: Client) -> None:
    error = refused(api, {"count": 1}, "application/json", 422, "invalid")
    assert list(error["fields"]) == ["text"]


def test_a_field_of_the_wrong_type_answers_422_naming_it(api: Client) -> None:
    error = refused(api, {"text": "hello", "count": "many"}, "application/json", 422, "invalid")
    assert list(error["fields"]) == ["count"]


def test_a_body_that_is_not_an_object_answers_422(api: Client) -> None:
    error = refused(api, ["hello"], "application/json", 422, "invalid")
    assert list(error["fields"]) == ["__all__"]
