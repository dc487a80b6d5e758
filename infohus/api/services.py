"""Issuing and revoking API tokens and integrations. Every change is audited; the secret is
returned once and never stored."""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.accounts.services import grant_membership
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
        raise ValidationError({"scopes": _("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)}})
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope.")})
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        most = settings.API_TOKEN_MAX_DAYS
        raise ValidationError({"days": _("A token lives between 1 and %(days)s days.") % {"days": most}})
    if not membership.is_active:
        raise ValidationError({"membership": _("The role is no longer active.")})
    if integration is not None and not integration.is_active:
        raise ValidationError({"integration": _("The integration is switched off.")})
    if integration is not None and integration.account_id != membership.user_id:
        raise ValidationError({"membership": _("An integration's token acts as the integration's own account.")})
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


# A service account never administers: the administrator's pages are for people who sign in.
INTEGRATION_ROLES = [role for role in Role if role != Role.SYSTEM_ADMINISTRATOR]


@transaction.atomic
def create_integration(*, name: str, description: str, organisation: Organisation, role: str,
                       actor: Any) -> Integration:
    """Another system that may call the API, with a service account of its own (no usable
    password, so it cannot sign in to the pages) and one membership giving its role."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the integration a name.")})
    if Integration.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Another integration has this name.")})
    if role not in {r.value for r in INTEGRATION_ROLES}:
        raise ValidationError({"role": _("An integration cannot act in this role.")})
    if not organisation.is_active:
        raise ValidationError({"organisation": _("The organisation is no longer active.")})
    client_id = f"ihc-{secrets.token_hex(12)}"
    account = User(username=f"integration-{client_id[4:]}", first_name=name[:150])
    account.set_unusable_password()
    account.save()
    integration = Integration.objects.create(name=name, client_id=client_id, description=description.strip(),
                                             account=account, created_by=actor)
    grant_membership(user=account, organisation=organisation, role=role, by=actor)
    record_event(action=Action.INTEGRATION_CREATED, actor=actor, organisation=organisation,
                 object_type="desk_api.integration", object_id=integration.pk,
                 details={"client_id": client_id, "name": name, "role": role, "account": account.username})
    return integration


@transaction.atomic
def switch_off_integration(*, integration: Integration, actor: Any) -> Integration:
    """Every token of the integration stops answering at once; its tokens and account stay, so
    that the audit trail can still name them. Switching off twice changes nothing."""
    updated = Integration.objects.filter(pk=integration.pk, is_active=True).update(is_active=False)
    integration.refresh_from_db()
    if updated:
        membership = integration.account.memberships.select_related("organisation").first()
        record_event(action=Action.INTEGRATION_SWITCHED_OFF, actor=actor,
                     organisation=membership.organisation if membership else None,
                     object_type="desk_api.integration", object_id=integration.pk,
                     details={"client_id": integration.client_id})
    return integration
