import uuid
from collections.abc import Callable

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
