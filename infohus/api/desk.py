"""The desk's JSON API under /api/v1/: one NinjaAPI, a router per app, one auth per scope.

Each app's `api.py` holds its router and calls its own selectors and services, exactly as its
pages do. The OpenAPI document is /api/v1/openapi.json; there is no interactive page, as it
would load scripts from another host.
"""

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema
from ninja.throttling import AuthRateThrottle

from infohus.api import errors
from infohus.api.auth import ANY_TOKEN
from infohus.api.models import ApiToken

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
    throttle=[AuthRateThrottle(settings.API_RATE_PER_TOKEN)],
)
errors.install(api)


class MeOut(Schema):
    username: str
    organisation: str
    role: str
    integration: str | None
    scopes: list[str]
    expires_at: datetime


me_router = Router(tags=["token"])


@me_router.get("/me", response=MeOut, auth=ANY_TOKEN, summary="Who the token acts as")
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
