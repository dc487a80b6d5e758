import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from infohus.audit.context import RequestContext, current_request


class RequestIdMiddleware:
    """Gives each request an id (kept from a trusted proxy's X-Request-ID) for logs and audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 32 else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request.set(RequestContext(request_id=request_id, ip_address=request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in person is kept in a browser's or a proxy's cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ClientAddressMiddleware:
    """Behind the reverse proxy, REMOTE_ADDR is the proxy's. When the connection comes from one of
    TRUSTED_PROXIES, the client is the nearest address in X-Forwarded-For that is not itself a
    trusted proxy; sign-in throttling, API rate limits and the audit trail then count the client.
    The header is never read from anyone else, since a client can write whatever it likes in it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = set(settings.TRUSTED_PROXIES)
        if trusted and request.META.get("REMOTE_ADDR") in trusted:
            forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            for address in reversed(forwarded):
                if address and address not in trusted:
                    if _is_address(address):
                        request.META["REMOTE_ADDR"] = address
                    break
        return self.get_response(request)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
