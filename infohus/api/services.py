"""Issuing and revoking API tokens and integrations. Every change is audited; the secret is
returned once and never stored."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Membership
from infohus.api.auth import NewToken, digest, make_secret
from infohus.api.models import ApiToken, Integration
from infohus.api.scopes import Scope
from infohus.audit.services import record_event


class Action:
    TOKEN_ISSUED = "api.token_issued"
    TOKEN_REVOKED = "api.token_revoked"
    INTEGRATION_CREATED = "api.integration_created"
    INTEGRATION_SWITCHED_OFF = "api.integration_switched_off"


@transaction.atomic
def issue_token(*, membership: Membership, name: str, scopes: list[str], days: int, actor: Any,
                integration: Integration | None = None) -> NewToken:
    """A token that acts as the membership's user in that membership, for `days` days."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(unknown)}"})
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": f"A token lives between 1 and {settings.API_TOKEN_MAX_DAYS} days."})
    if not membership.is_active:
        raise ValidationError({"membership": "The role is no longer active."})
    if integration is not None and integration.account_id != membership.user_id:
        raise ValidationError({"membership": "An integration's token acts as the integration's own account."})
    key_id, secret, presented = make_secret()
    token = ApiToken.objects.create(
        key_id=key_id, secret_hash=digest(secret), name=name, user=membership.user, membership=membership,
        integration=integration, scopes=sorted(set(scopes)), created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_event(action=Action.TOKEN_ISSUED, actor=actor, organisation=membership.organisation,
                 object_type="desk_api.apitoken", object_id=token.pk,
                 details={"key_id": key_id, "scopes": token.scopes, "days": days,
                          "integration": integration.client_id if integration else ""})
    return NewToken(token=token, secret=presented)


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoking is immediate and final; revoking a revoked token changes nothing."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor)
    token.refresh_from_db()
    if updated:
        record_event(action=Action.TOKEN_REVOKED, actor=actor, organisation=token.membership.organisation,
                     object_type="desk_api.apitoken", object_id=token.pk, details={"key_id": token.key_id})
    return token
