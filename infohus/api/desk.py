"""The desk's JSON API under /api/v1/: one NinjaAPI, a router per app, one auth per scope.

Each app's `api.py` holds its router and calls its own selectors and services, exactly as its
pages do. The OpenAPI document is /api/v1/openapi.json; there is no interactive page, as it
would load scripts from another host.
"""

from datetime import datetime
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema
from pydantic import BaseModel

from infohus.api import errors
from infohus.api.auth import ANY_TOKEN, ScopedToken, TokenRateThrottle
from infohus.api.models import ApiToken
from infohus.api.schemas import ErrorOut

api = NinjaAPI(
    title="Infohus practice desk",
    version="1",
    description=(
        "Concerns, triage, cases, assessments, interventions, lending, training, community work and "
        "statistics, with the need-to-know of the token's role. Authenticate with "
        "`Authorization: Bearer <token>`; an integration's token also needs `X-Infohus-Client`. "
        "Errors have one shape: `{\"error\": {\"status\", \"code\", \"message\", \"fields\"}}`."
    ),
    urls_namespace="desk_api",
    docs_url=None,
    # The rate is read from settings.API_RATE_PER_TOKEN on every call.
    throttle=[TokenRateThrottle()],
)
errors.install(api)


class MeOut(Schema):
    """Whom a token acts as."""

    username: str
    organisation: str
    role: str
    integration: str | None
    scopes: list[str]
    expires_at: datetime


me_router = Router(tags=["token"])


@me_router.get("/me", response=MeOut, auth=ANY_TOKEN, summary="Who the token acts as",
               description="The person or integration the token acts for, in which role and organisation, with "
                           "which scopes, until when. Any valid token may ask, whatever its scopes.")
def me(request: HttpRequest) -> MeOut:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=token.user.get_username(), organisation=token.membership.organisation.name,
        role=token.membership.role, integration=token.integration.name if token.integration else None,
        scopes=sorted(token.scopes), expires_at=token.expires_at,
    )


api.add_router("", me_router)

# Each app's router, mounted at the root: its operations name their own paths.
for module in ("cases", "assessments", "interventions", "training", "community", "insights"):
    api.add_router("", import_module(f"infohus.{module}.api").router)


def _sends_version(models: list[Any]) -> bool:
    """Whether the body carries the version the caller read: such a write may answer 409."""
    for model in models:
        if model.__ninja_param_source__ != "body":
            continue
        for field in model.model_fields.values():
            body = field.annotation
            if isinstance(body, type) and issubclass(body, BaseModel) and "version" in body.model_fields:
                return True
    return False


def _document_guard_rails() -> None:
    """Say in the OpenAPI document what the checks around every operation may answer, in the error
    shape, where the operation has not said it itself (its own error responses are kept): 401 and
    429 always; 403 where a scope is needed; 422 where there is input; 400 and 415 where there is a
    body, and 409 where it carries the version read; 404 where the path names a record."""
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                if not operation.auth_callbacks:
                    continue
                codes = {401, 429}
                if any(isinstance(auth, ScopedToken) and auth.required for auth in operation.auth_callbacks):
                    codes.add(403)
                sources = {model.__ninja_param_source__ for model in operation.models}
                if sources:
                    codes.add(422)
                if "body" in sources:
                    codes |= {400, 415}
                if _sends_version(operation.models):
                    codes.add(409)
                if "{" in path:
                    codes.add(404)
                for code in sorted(codes - set(operation.response_models)):
                    operation.response_models[code] = operation._create_response_model(ErrorOut)


_document_guard_rails()
