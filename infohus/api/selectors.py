"""Reading API tokens and integrations. A person sees only their own personal tokens; an
integration and its tokens are for system administrators (the views check the capability).
Each lookup of one object answers 404 when it is not the caller's to see."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Now
from django.http import Http404

from infohus.accounts.models import Membership
from infohus.api.models import ApiToken, Integration


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The person's own tokens (not those of an integration), newest first."""
    return (ApiToken.objects.filter(user=user, integration__isnull=True)
            .select_related("membership__organisation").order_by("-created_at", "-pk"))


def own_token(user: Any, pk: int) -> ApiToken:
    """One of the person's own tokens, or 404: the same answer for someone else's and none."""
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def _with_role() -> Prefetch[Any]:
    return Prefetch("account__memberships", to_attr="roles",
                    queryset=Membership.objects.select_related("organisation").order_by("pk"))


def integrations() -> QuerySet[Integration]:
    """Every integration, with the role its account acts in, its count of tokens and of those
    still usable (neither revoked nor expired)."""
    usable = Q(tokens__revoked_at__isnull=True, tokens__expires_at__gt=Now())
    return (Integration.objects.select_related("account").prefetch_related(_with_role())
            .annotate(token_count=Count("tokens"), usable_count=Count("tokens", filter=usable))
            .order_by("name"))


def integration(pk: int) -> Integration:
    found = (Integration.objects.select_related("account", "created_by").prefetch_related(_with_role())
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def integration_membership(found: Integration) -> Membership | None:
    """The membership the integration's service account acts in (it has one)."""
    # Prefetched by the selectors above onto the account (Prefetch's to_attr lands on the last step).
    roles: list[Membership] | None = getattr(found.account, "roles", None)
    if roles is None:
        roles = list(found.account.memberships.select_related("organisation").order_by("pk"))
    return roles[0] if roles else None


def integration_tokens(found: Integration) -> QuerySet[ApiToken]:
    return (ApiToken.objects.filter(integration=found).select_related("created_by", "revoked_by")
            .order_by("-created_at", "-pk"))


def integration_token(found: Integration, pk: int) -> ApiToken:
    """A token of this integration, or 404 (also for a token of another integration)."""
    token = integration_tokens(found).select_related("membership__organisation").filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
