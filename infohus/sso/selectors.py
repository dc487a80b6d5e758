"""Reading the single sign-on configuration. Providers and mappings hold no personal data, so
these reads are not audited; the links to accounts are read only in the admin site."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from infohus.sso.models import Provider
from infohus.sso.services import SIGNED_IN_SESSION_KEY


def active_providers() -> QuerySet[Provider]:
    """The providers offered on the sign-in page, in name order (one query)."""
    return Provider.objects.filter(is_active=True).only("name", "slug").order_by("name")


def provider_by_slug(slug: str) -> Provider:
    """A provider, active or not (an inactive one is refused with a reason); 404 when unknown."""
    return get_object_or_404(Provider, slug=slug)


@dataclass(frozen=True)
class ProviderSession:
    """The provider a signed-in session came from, as recorded at sign-in (no query)."""

    provider_slug: str
    offers_sign_out: bool


def provider_session(request: HttpRequest) -> ProviderSession | None:
    came_from = request.session.get(SIGNED_IN_SESSION_KEY) if request.user.is_authenticated else None
    if not isinstance(came_from, dict):
        return None
    return ProviderSession(
        provider_slug=str(came_from.get("provider", "")), offers_sign_out=bool(came_from.get("end_session"))
    )
