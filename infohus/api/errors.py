"""Every error of the API has one shape, so that an integration needs one parser:

    {"error": {"status": 409, "code": "stale_version", "message": "...", "fields": {...}}}

`fields` names the input at fault where there is one; a stale write adds `current`, the record
as it is now.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from infohus.core.concurrency import StaleEdit

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success, raised anywhere below an operation."""

    def __init__(self, status: int, code: str, message: str, *, fields: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}


def error_body(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None,
               **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}, **extra}}


def _answer(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(
        request, error_body(error.status, error.code, error.message, error.fields, **error.extra), status=error.status,
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(location: tuple[Any, ...]) -> str:
    # ninja's locations start with where the value came from ("body", "query", "path") and, for a
    # body, the name of the operation's parameter that holds it (every body here is one Input
    # schema); the caller knows the field by the rest.
    parts = [str(part) for part in location]
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source in {"body", "form"} and parts:
            parts.pop(0)
    while parts and parts[0] in {"payload", "filters", "data"}:
        parts.pop(0)
    return ".".join(parts) or "__all__"


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in errors:
        fields.setdefault(_field_name(tuple(item.get("loc", ()))), []).append(str(item.get("msg", "invalid")))
    return fields


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the shape above."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _answer(api, request, exc)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = _validation_fields(list(exc.errors))
        return _answer(api, request, ApiError(422, "invalid", "The request's input is not valid.", fields=fields))

    @api.exception_handler(DjangoValidationError)
    def refused_by_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = ({name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
                  if hasattr(exc, "error_dict") else {"__all__": [str(m) for m in exc.messages]})
        return _answer(api, request, ApiError(422, "invalid", "The change was refused.", fields=fields))

    @api.exception_handler(StaleEdit)
    def stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
        current = getattr(exc.current, "version", None)
        return _answer(api, request, ApiError(
            409, "stale_version", "Someone else changed this record after the version you sent; nothing was changed.",
            extra={"current_version": current},
        ))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, int(getattr(exc, "wait", None) or 1))
        return _answer(api, request, ApiError(
            429, "rate_limited", f"Too many calls; try again in {wait} seconds.", headers={"Retry-After": str(wait)},
        ))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _answer(api, request, ApiError(
            401, "unauthenticated", "Send a valid token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": 'Bearer realm="infohus"'},
        ))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _answer(api, request, ApiError(403, "forbidden", "The token's role may not do this."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same answer whether the record does not exist or lies outside the need-to-know.
        return _answer(api, request, ApiError(404, "not_found", "No such record, or not one you may see."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # ninja's words for a body that json.loads refused.
            return _answer(api, request, ApiError(400, "malformed_json", "The request body is not valid JSON."))
        code = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 415: "unsupported_media_type"}.get(exc.status_code, "error")
        return _answer(api, request, ApiError(exc.status_code, code, str(exc)))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API call failed: %s %s", request.method, request.path)
        return _answer(api, request, ApiError(500, "server_error",
                                              "Something went wrong on our side; the error has been logged."))
