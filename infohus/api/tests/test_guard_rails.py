"""The checks every call of the API passes before an operation runs: the token (unknown,
malformed, expired, revoked, of an inactive account, role or organisation, of an integration
without or with another client id, personal but sent with one), its scope, the rate per token
and the failed calls per address; and the JSON answers for a path or method that does not
exist. Every refusal has exactly the error shape of errors.py, and nothing is written: no audit
event, and not even the token's last use."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Membership, User
from infohus.api.auth import TokenRateThrottle
from infohus.api.models import ApiToken
from infohus.api.services import issue_token, switch_off_integration
from infohus.api.tests.factories import make_integration
from infohus.audit.models import AuditEvent
from tests.api import api_client

pytestmark = pytest.mark.django_db
People = dict[str, User]
ME = "/api/v1/me"
NOTES = "/api/checks/notes"
ERROR_KEYS = {"status", "code", "message", "fields"}


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error body, after checking that it has exactly the one shape and says its status."""
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert error["status"] == status and error["code"] == code and error["message"]
    assert isinstance(error["fields"], dict)
    return error


@contextmanager
def nothing_written() -> Iterator[None]:
    """Around a refused call: no audit event and no token's last use is written."""
    events = AuditEvent.objects.count()
    yield
    assert AuditEvent.objects.count() == events
    assert not ApiToken.objects.filter(last_used_at__isnull=False).exists()


def bearer(presented: str, **meta: Any) -> Client:
    """A client that sends this Authorization header (and any other request META given)."""
    return Client(HTTP_AUTHORIZATION=presented, **meta)


def carls(people: People, scopes: list[str] | None = None) -> Any:
    membership = Membership.objects.filter(user=people["carl"]).order_by("pk").first()
    assert membership is not None
    return issue_token(membership=membership, name="script", scopes=scopes or ["cases:read"], days=5,
                       actor=people["carl"])


# --- the token ---------------------------------------------------------------------------------------------

def test_a_call_without_a_token_is_refused(client: Client) -> None:
    with nothing_written():
        response = client.get(ME)
    error_of(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="infohus"'


@pytest.mark.parametrize("header", [
    "Basic Y2FybDpzZWNyZXQ=", "Bearer", "Bearer ", "Token ihk_0123456789abcdef_secret", "Bearer not-a-token",
    "Bearer ihk_0123456789abcdef", "Bearer xyz_0123456789abcdef_secret", "Bearer ihk__secret",
])
def test_a_malformed_header_is_refused(header: str, db: None) -> None:
    with nothing_written():
        response = bearer(header).get(ME)
    error_of(response, 401, "unauthenticated")


def test_an_unknown_token_is_refused(people: People) -> None:
    with nothing_written():
        response = bearer("Bearer ihk_0123456789abcdef_" + "x" * 43).get(ME)
    assert error_of(response, 401, "unauthenticated")["message"] == "The token is not known."


def test_a_known_key_id_with_the_wrong_secret_is_refused(people: People) -> None:
    issued = carls(people)
    with nothing_written():
        response = bearer(f"Bearer ihk_{issued.token.key_id}_{'x' * 43}").get(ME)
    assert error_of(response, 401, "unauthenticated")["message"] == "The token is not known."


def test_an_expired_token_is_refused(people: People) -> None:
    issued = carls(people)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with nothing_written():
        response = bearer(f"Bearer {issued.secret}").get(ME)
    assert error_of(response, 401, "unauthenticated")["message"] == "The token has expired."


def test_a_revoked_token_is_refused(people: People) -> None:
    issued = carls(people)
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
    with nothing_written():
        response = bearer(f"Bearer {issued.secret}").get(ME)
    assert error_of(response, 401, "unauthenticated")["message"] == "The token has been revoked."


@pytest.mark.parametrize("what", ["user", "membership", "organisation"])
def test_a_token_of_an_inactive_account_role_or_organisation_is_refused(people: People, what: str) -> None:
    issued = carls(people)
    assert bearer(f"Bearer {issued.secret}").get(ME).status_code == 200
    ApiToken.objects.update(last_used_at=None)
    membership = issued.token.membership
    target = {"user": people["carl"], "membership": membership, "organisation": membership.organisation}[what]
    type(target).objects.filter(pk=target.pk).update(is_active=False)
    with nothing_written():
        response = bearer(f"Bearer {issued.secret}").get(ME)
    assert error_of(response, 401, "unauthenticated")["message"] == "The token's account or role is no longer active."


def test_an_integrations_token_needs_its_own_client_id(people: People) -> None:
    found, other = make_integration(people), make_integration(people, "Randers register")
    issued = issue_token(membership=found.account.memberships.get(), name="nightly", scopes=["cases:read"], days=5,
                         actor=people["sofie"], integration=found)
    with nothing_written():
        without = error_of(bearer(f"Bearer {issued.secret}").get(ME), 401, "unauthenticated")
        another = bearer(f"Bearer {issued.secret}", HTTP_X_INFOHUS_CLIENT=other.client_id).get(ME)
    assert "X-Infohus-Client" in without["message"]
    assert "another integration" in error_of(another, 401, "unauthenticated")["message"]


def test_an_integrations_token_works_with_its_client_id_until_switched_off(people: People) -> None:
    found = make_integration(people)
    issued = issue_token(membership=found.account.memberships.get(), name="nightly", scopes=["cases:read"], days=5,
                         actor=people["sofie"], integration=found)
    api = bearer(f"Bearer {issued.secret}", HTTP_X_INFOHUS_CLIENT=found.client_id)
    me = api.get(ME)
    assert me.status_code == 200 and me.json()["role"] == "case_worker"
    switch_off_integration(integration=found, actor=people["sofie"])
    assert "switched off" in error_of(api.get(ME), 401, "unauthenticated")["message"]


def test_a_personal_token_sent_with_a_client_id_is_refused(people: People) -> None:
    found = make_integration(people)
    issued = carls(people)
    with nothing_written():
        response = bearer(f"Bearer {issued.secret}", HTTP_X_INFOHUS_CLIENT=found.client_id).get(ME)
    assert "personal token" in error_of(response, 401, "unauthenticated")["message"]


@pytest.mark.urls("infohus.api.tests.urls_checks")
def test_a_token_without_the_operations_scope_is_refused(people: People) -> None:
    issued = carls(people, scopes=["cases:read", "concerns:write"])
    with nothing_written():
        response = bearer(f"Bearer {issued.secret}").post(NOTES, {"text": "hello"}, content_type="application/json")
    assert "cases:write" in error_of(response, 403, "missing_scope")["message"]


# --- rates -------------------------------------------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """The throttle's clock, 30 seconds into a minute; tests move it by hand."""
    now = {"t": 1_800_000_030.0}
    monkeypatch.setattr(TokenRateThrottle, "timer", staticmethod(lambda: now["t"]))
    return now


def test_a_token_is_limited_to_its_rate(people: People, settings: Any, clock: dict[str, float]) -> None:
    settings.API_RATE_PER_TOKEN = "3/m"
    api, other = api_client(people["carl"]), api_client(people["ida"])
    assert [api.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    ApiToken.objects.update(last_used_at=None)
    with nothing_written():
        refused = api.get(ME)
    error = error_of(refused, 429, "rate_limited")
    assert refused["Retry-After"] == "30" and "30 seconds" in error["message"]
    # Another token is counted on its own; the next minute starts afresh.
    assert other.get(ME).status_code == 200
    clock["t"] += 30
    assert api.get(ME).status_code == 200


def test_the_rate_is_read_from_the_settings_on_each_call(people: People, settings: Any,
                                                         clock: dict[str, float]) -> None:
    api = api_client(people["carl"])
    settings.API_RATE_PER_TOKEN = "1/m"
    assert api.get(ME).status_code == 200
    assert api.get(ME).status_code == 429
    settings.API_RATE_PER_TOKEN = "100/m"
    assert api.get(ME).status_code == 200


def test_an_address_with_too_many_failed_calls_is_refused_for_a_while(people: People, settings: Any) -> None:
    settings.API_RATE_FAILED_PER_ADDRESS = "3/m"
    wrong = bearer("Bearer ihk_0123456789abcdef_" + "x" * 43)
    assert [wrong.get(ME).status_code for _ in range(3)] == [401, 401, 401]
    # Now even a good token from this address waits; another address does not.
    good = carls(people)
    with nothing_written():
        refused = bearer(f"Bearer {good.secret}").get(ME)
    error_of(refused, 429, "rate_limited")
    assert refused["Retry-After"] == "60"
    assert bearer(f"Bearer {good.secret}", REMOTE_ADDR="192.0.2.7").get(ME).status_code == 200


def test_calls_without_a_token_do_not_count_as_failed(people: People, settings: Any, client: Client) -> None:
    settings.API_RATE_FAILED_PER_ADDRESS = "3/m"
    assert [client.get(ME).status_code for _ in range(5)] == [401] * 5
    assert bearer(f"Bearer {carls(people).secret}").get(ME).status_code == 200


# --- paths and methods -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v2/cases", "/api/v1/me/extra"])
def test_a_path_that_does_not_exist_answers_404_in_json(people: People, path: str) -> None:
    error_of(api_client(people["carl"]).get(path), 404, "not_found")


def test_a_method_the_path_does_not_take_answers_405_in_json(people: People) -> None:
    response = api_client(people["carl"]).delete(ME)
    error_of(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
