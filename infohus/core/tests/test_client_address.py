"""The client's address behind the reverse proxy: taken from X-Forwarded-For only when the
connection comes from a trusted proxy."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from infohus.core.middleware import ClientAddressMiddleware


def _seen(remote: str, forwarded: str | None) -> str:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    ClientAddressMiddleware(view)(RequestFactory().get("/", **extra))
    return seen["address"]


@pytest.fixture
def proxies(settings: object) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.0.6"]  # type: ignore[attr-defined]


def test_the_proxy_names_the_client(proxies: None) -> None:
    assert _seen("10.0.0.5", "203.0.113.7") == "203.0.113.7"


def test_an_address_the_client_wrote_itself_is_ignored(proxies: None) -> None:
    # nginx appends; the client's own claim sits to the left of the address nginx saw.
    assert _seen("10.0.0.5", "198.51.100.1, 203.0.113.7") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked(proxies: None) -> None:
    assert _seen("10.0.0.6", "203.0.113.7, 10.0.0.5") == "203.0.113.7"


def test_the_header_from_anyone_else_is_ignored(proxies: None) -> None:
    assert _seen("192.0.2.9", "203.0.113.7") == "192.0.2.9"


def test_without_trusted_proxies_nothing_changes(settings: object) -> None:
    settings.TRUSTED_PROXIES = []  # type: ignore[attr-defined]
    assert _seen("10.0.0.5", "203.0.113.7") == "10.0.0.5"


def test_garbage_in_the_header_keeps_the_proxy_address(proxies: None) -> None:
    assert _seen("10.0.0.5", "not-an-address") == "10.0.0.5"
