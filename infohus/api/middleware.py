"""Answers under /api/ that did not come from an operation (an unknown path, a method the path
does not take, a body too large) get the API's error shape instead of an HTML page; and a call
that succeeded marks its token as used (a refused one writes nothing)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from infohus.api.auth import mark_used
from infohus.api.errors import error_body

CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 500: "server_error"}
MESSAGES = {
    400: "The request could not be read.",
    404: "No such endpoint. The OpenAPI document at /api/v1/openapi.json lists them.",
    405: "This endpoint does not take that method.",
    413: "The request body is too large.",
    500: "Something went wrong on our side; the error has been logged.",
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None and response.status_code < 400:
            mark_used(token)
        if (not request.path.startswith("/api/") or response.status_code < 400
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        status = response.status_code
        shaped = JsonResponse(error_body(status, CODES.get(status, "error"), MESSAGES.get(status, "The call failed.")),
                              status=status)
        if "Allow" in response:
            shaped["Allow"] = response["Allow"]
        return shaped
