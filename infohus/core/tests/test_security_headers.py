"""Security headers on every response, no-store on signed-in pages, and /healthz."""

import re
from collections.abc import Callable
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client


def _policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives = [d.strip().split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.fixture
def front(db: None) -> object:
    return Client().get("/")


def test_the_content_security_policy_is_strict(front: object) -> None:
    policy = _policy(front)

    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert [s for s in policy["script-src"] if s not in {"'self'"} and not s.startswith("'nonce-")] == []
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_pages_have_no_inline_script(signed_in: Callable[[str], Client]) -> None:
    # With the policy above an inline <script> without the nonce would not run.
    for path in ["/", "/desk/", "/accounts/security/"]:
        html = signed_in("ida").get(path).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts
        # Data blocks (json_script) are not run, so they need neither.
        code = [tag for tag in scripts if 'type="application/json"' not in tag]
        assert all("src=" in tag or "nonce=" in tag for tag in code), code
        assert " on" + "click=" not in html


def test_no_asset_comes_from_another_host(front: object) -> None:
    html = front.content.decode()  # type: ignore[attr-defined]

    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references
    assert [r for r in references if r.startswith(("http:", "https:", "//"))] == []


def test_framing_is_refused(front: object) -> None:
    assert front["X-Frame-Options"] == "DENY"  # type: ignore[index]


def test_other_hardening_headers(front: object) -> None:
    assert front["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]
    assert front["Referrer-Policy"] == "same-origin"  # type: ignore[index]
    assert front["Cross-Origin-Opener-Policy"] == "same-origin"  # type: ignore[index]


def test_the_public_front_page_may_be_cached(front: object) -> None:
    assert "no-store" not in front.get("Cache-Control", "")  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/", "/desk/", "/accounts/security/"])
def test_signed_in_pages_are_not_stored(signed_in: Callable[[str], Client], path: str) -> None:
    response = signed_in("ida").get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_pages_half_way_through_sign_in_are_not_stored(people: object) -> None:
    client = Client()
    client.post("/accounts/sign-in/", {"username": "ida", "password": "Infohus-demo-2026!"})

    response = client.get("/accounts/second-factor/")

    assert "no-store" in response["Cache-Control"]


def test_the_audit_trail_is_not_stored(signed_in: Callable[[str], Client]) -> None:
    assert "no-store" in signed_in("dina").get("/audit/")["Cache-Control"]


# --- request ids -------------------------------------------------------------------------

def test_a_request_id_from_the_proxy_is_kept(db: None) -> None:
    assert Client().get("/", HTTP_X_REQUEST_ID="abc123")["X-Request-ID"] == "abc123"


@pytest.mark.parametrize("incoming", ["", "not safe!", "x" * 33, "abc\r\nSet-Cookie: a=b"])
def test_a_missing_or_odd_request_id_is_replaced(db: None, incoming: str) -> None:
    request_id = Client().get("/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]

    assert request_id != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)


# --- /healthz ----------------------------------------------------------------------------

def test_healthz_reports_the_database_ok(db: None) -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_database(db: None) -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert b"connection refused" not in response.content


def test_healthz_answers_half_way_through_sign_in(people: object) -> None:
    client = Client()
    client.post("/accounts/sign-in/", {"username": "ida", "password": "Infohus-demo-2026!"})

    assert client.get("/healthz").status_code == 200
