"""Signing in and out through an OpenID Connect provider. Each change writes its audit row; a
refused sign-in writes only its audit row (why, never a token).

The flow: `start_sign_in` binds state, nonce and PKCE verifier to the browser's session and
sends the person to the provider; `finish_sign_in` takes the callback, uses the state once,
exchanges the code, checks the ID token, maps its claims to an organisation and a role, matches
or creates the account as the provider's policy allows and starts the session exactly as a
password sign-in does.
"""

import re
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login

from infohus.accounts import services as accounts
from infohus.accounts.models import Membership, Organisation, SignedInSession, User
from infohus.accounts.permissions import SESSION_MEMBERSHIP_KEY, needs_second_factor
from infohus.audit.services import record_event
from infohus.sso import client
from infohus.sso.crypto import decrypt_secret, encrypt_secret
from infohus.sso.models import ExternalIdentity, Provider, ProviderDevice
from infohus.sso.refusals import Reason, SignInRefused

FLOWS_SESSION_KEY = "infohus_sso_flows"
SIGNED_IN_SESSION_KEY = "infohus_sso"
LOGOUT_STATE_SESSION_KEY = "infohus_sso_logout_state"
# A sign-in started at a provider must come back within this time, and a browser holds at most
# this many unfinished ones (several tabs).
FLOW_SECONDS = 10 * 60
MAX_OPEN_FLOWS = 5
# No password was checked; the session names the model backend, which loads the user by id.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SsoAction:
    REFUSED = "sso.refused"
    LINKED = "sso.linked"
    ACCOUNT_CREATED = "sso.account_created"
    MEMBERSHIP_GRANTED = "sso.membership_granted"
    PROVIDER_TURNED_OFF = "sso.provider_turned_off"
    PROVIDER_REMOVED = "sso.provider_removed"


@dataclass(frozen=True)
class SignedIn:
    user: User
    membership: Membership
    next_url: str
    # The provider confirmed a second factor, so Infohus does not ask for its own.
    second_factor_by_provider: bool


def record_refusal(provider: Provider, refusal: SignInRefused, *, subject: str = "", user: User | None = None) -> None:
    details: dict[str, Any] = {"provider": provider.slug, "reason": refusal.reason.value}
    if refusal.detail:
        details["detail"] = refusal.detail
    if subject:
        details["subject"] = subject[:255]
    if user is not None:
        details["username"] = user.get_username()
    record_event(action=SsoAction.REFUSED, object_type="sso_provider", object_id=provider.pk, details=details)


# --- administration -------------------------------------------------------------------------------


@transaction.atomic
def save_provider(*, provider: Provider, new_client_secret: str = "", by: User | None = None) -> int:
    """Save a provider's configuration; a new client secret is stored encrypted, an empty one keeps
    the secret stored before. (The admin site audits the change without the secret.) Turning a
    provider off ends the sessions begun through it; returns how many were ended."""
    if new_client_secret:
        provider.client_secret_encrypted = encrypt_secret(new_client_secret)
    was_active = provider.pk is not None and Provider.objects.filter(pk=provider.pk, is_active=True).exists()
    provider.save()
    if not (was_active and not provider.is_active):
        return 0
    ended = end_sessions_through(provider)
    record_event(action=SsoAction.PROVIDER_TURNED_OFF, actor=by, object_type="sso_provider", object_id=provider.pk,
                 details={"sessions_ended": ended})
    return ended


@transaction.atomic
def remove_provider(*, provider: Provider, by: User | None = None) -> int:
    """Delete a provider (its links to accounts go with it) after ending the sessions begun
    through it; returns how many were ended."""
    ended = end_sessions_through(provider)
    record_event(action=SsoAction.PROVIDER_REMOVED, actor=by, object_type="sso_provider", object_id=provider.pk,
                 details={"sessions_ended": ended, "slug": provider.slug})
    provider.delete()
    return ended


def end_sessions_through(provider: Provider) -> int:
    """End every session that began with a sign-in through this provider (someone who signed in
    with a password keeps theirs); returns how many were ended."""
    def began_here(session: SessionBase) -> bool:
        came_from = session.get(SIGNED_IN_SESSION_KEY) or {}
        return isinstance(came_from, dict) and came_from.get("provider") == provider.slug

    linked = SignedInSession.objects.filter(user__external_identities__provider=provider).distinct()
    return accounts.end_sessions(linked, where=began_here)


def check_provider(provider: Provider) -> client.Metadata:
    """Read and check the provider's discovery document (SignInRefused when it cannot)."""
    return client.discover(provider.issuer, fresh=True)


# --- signing in -----------------------------------------------------------------------------------


def callback_uri(request: HttpRequest, provider: Provider) -> str:
    """The redirect URI to register at the provider."""
    return request.build_absolute_uri(reverse("sso:callback", kwargs={"slug": provider.slug}))


def start_sign_in(request: HttpRequest, provider: Provider, *, next_url: str) -> str:
    """Bind a new state, nonce and PKCE verifier to the session; the provider's authorization URL."""
    try:
        if not provider.is_active:
            raise SignInRefused(Reason.INACTIVE_PROVIDER)
        metadata = client.discover(provider.issuer)
    except SignInRefused as refusal:
        record_refusal(provider, refusal)
        raise
    secrets = client.new_flow_secrets()
    redirect_uri = callback_uri(request, provider)
    now = int(time.time())
    flows = {state: flow for state, flow in _open_flows(request).items() if now - flow["started"] < FLOW_SECONDS}
    newest = sorted(flows.items(), key=lambda item: item[1]["started"])[-(MAX_OPEN_FLOWS - 1):]
    flows = dict(newest)
    flows[secrets.state] = {
        "provider": provider.slug, "nonce": secrets.nonce, "code_verifier": secrets.code_verifier,
        "redirect_uri": redirect_uri, "next": next_url, "started": now,
    }
    request.session[FLOWS_SESSION_KEY] = flows
    return client.authorization_url(
        metadata, client_id=provider.client_id, redirect_uri=redirect_uri, scopes=provider.scope_list,
        secrets=secrets,
    )


def _open_flows(request: HttpRequest) -> dict[str, dict[str, Any]]:
    flows = request.session.get(FLOWS_SESSION_KEY)
    return dict(flows) if isinstance(flows, dict) else {}


def _take_flow(request: HttpRequest, provider: Provider, state: str) -> dict[str, Any]:
    """The flow this state started, removed from the session so that it is used once."""
    flows = _open_flows(request)
    flow = flows.pop(state, None) if state else None
    request.session[FLOWS_SESSION_KEY] = flows
    if flow is None:
        raise SignInRefused(Reason.UNKNOWN_STATE, "no sign-in with this state is waiting in this session")
    if flow["provider"] != provider.slug:
        raise SignInRefused(Reason.UNKNOWN_STATE, f"the state belongs to provider {flow['provider']}")
    if int(time.time()) - flow["started"] >= FLOW_SECONDS:
        raise SignInRefused(Reason.UNKNOWN_STATE, "the sign-in took longer than ten minutes")
    return flow


def finish_sign_in(request: HttpRequest, provider: Provider, params: dict[str, str]) -> SignedIn:
    """The callback from the provider: a signed-in session, or SignInRefused (audited, nothing else
    written)."""
    subject = ""
    try:
        if not provider.is_active:
            raise SignInRefused(Reason.INACTIVE_PROVIDER)
        flow = _take_flow(request, provider, params.get("state", ""))
        if params.get("error"):
            detail = params["error"] + (f": {params['error_description']}" if params.get("error_description") else "")
            raise SignInRefused(Reason.PROVIDER_ERROR, detail[:200])
        if not params.get("code"):
            raise SignInRefused(Reason.NO_CODE)
        metadata = client.discover(provider.issuer)
        tokens = client.exchange_code(
            metadata, client_id=provider.client_id, client_secret=decrypt_secret(provider.client_secret_encrypted),
            code=params["code"], redirect_uri=flow["redirect_uri"], code_verifier=flow["code_verifier"],
        )
        id_token: str = tokens["id_token"]
        claims = client.validate_id_token(
            metadata, id_token, client_id=provider.client_id, nonce=flow["nonce"],
            access_token=str(tokens.get("access_token") or ""),
        )
        subject = str(claims["sub"])
        signed_in = _sign_in_with_claims(request, provider, claims, next_url=flow["next"])
    except SignInRefused as refusal:
        record_refusal(provider, refusal, subject=subject, user=refusal.user)
        raise
    # Kept for signing out at the provider too (id_token_hint); the session is on the server.
    request.session[SIGNED_IN_SESSION_KEY] = {
        "provider": provider.slug, "id_token": id_token, "end_session": bool(metadata.end_session_endpoint),
    }
    return signed_in


@transaction.atomic
def _sign_in_with_claims(request: HttpRequest, provider: Provider, claims: dict[str, Any], *,
                         next_url: str) -> SignedIn:
    subject = str(claims["sub"])
    by_provider = _second_factor_shown(provider, claims)
    organisation = _mapped_organisation(provider, claims)
    role = _mapped_role(provider, claims)
    user = _account_for(provider, claims)
    try:
        membership = _membership_for(provider, user, organisation, role, subject=subject)
    except SignInRefused as refusal:
        refusal.user = user  # named in the audit row of the refusal
        raise
    ExternalIdentity.objects.filter(provider=provider, subject=subject).update(last_signed_in_at=timezone.now())
    accounts.sign_in(
        request, user, backend=SESSION_BACKEND,
        details={"provider": provider.slug, "subject": subject,
                 "second_factor": "provider" if by_provider else "infohus"},
    )
    request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    if by_provider:
        device, _created = ProviderDevice.objects.get_or_create(
            user=user, provider=provider, defaults={"name": provider.name[:64]}
        )
        otp_login(request, device)
    return SignedIn(user=user, membership=membership, next_url=next_url, second_factor_by_provider=by_provider)


def _second_factor_shown(provider: Provider, claims: dict[str, Any]) -> bool:
    """Whether the ID token shows a second factor; MFA_MISSING when the provider must show one."""
    if not provider.require_mfa:
        return False
    amr = claims.get("amr")
    methods = {value for value in amr if isinstance(value, str)} if isinstance(amr, list) else set()
    acr = claims.get("acr")
    if methods & set(provider.mfa_amr_values.split()):
        return True
    if isinstance(acr, str) and acr in provider.mfa_acr_values.split():
        return True
    raise SignInRefused(Reason.MFA_MISSING, f"amr={sorted(methods)} acr={str(acr or '')[:100]}")


def _claim_value(claims: dict[str, Any], name: str) -> str:
    """A claim's one value: a string, or a list of exactly one string; "" otherwise."""
    value = claims.get(name)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, str) else ""


def _mapped_organisation(provider: Provider, claims: dict[str, Any]) -> Organisation:
    value = _claim_value(claims, provider.organisation_claim)
    mappings = provider.organisation_mappings.select_related("organisation")
    mapping = mappings.filter(value=value).first() if value else None
    if mapping is None:
        raise SignInRefused(Reason.UNMAPPED_ORGANISATION, f"{provider.organisation_claim}={value[:100]!r}")
    if not mapping.organisation.is_active:
        raise SignInRefused(Reason.INACTIVE_ORGANISATION, mapping.organisation.name)
    return mapping.organisation


def _mapped_role(provider: Provider, claims: dict[str, Any]) -> str:
    value = _claim_value(claims, provider.role_claim)
    role = provider.role_mappings.filter(value=value).values_list("role", flat=True).first() if value else None
    if role is None:
        raise SignInRefused(Reason.UNMAPPED_ROLE, f"{provider.role_claim}={value[:100]!r}")
    return role


def _verified_email(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    verified = claims.get("email_verified")
    # Some providers send the flag as the string "true".
    if isinstance(email, str) and "@" in email and (verified is True or verified == "true"):
        return email.strip()[:254]
    return ""


def _account_for(provider: Provider, claims: dict[str, Any]) -> User:
    """The account linked to this subject; else the one account with the verified e-mail address,
    now linked; else (where the policy allows) a new account."""
    subject = str(claims["sub"])
    identity = ExternalIdentity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    if identity is not None:
        if not identity.user.is_active:
            raise SignInRefused(Reason.ACCOUNT_DISABLED, identity.user.get_username())
        return identity.user
    email = _verified_email(claims)
    if email:
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if len(matches) > 1:
            raise SignInRefused(Reason.AMBIGUOUS_EMAIL)
        if matches:
            user = matches[0]
            if not user.is_active:
                raise SignInRefused(Reason.ACCOUNT_DISABLED, user.get_username())
            if ExternalIdentity.objects.filter(provider=provider, user=user).exists():
                raise SignInRefused(Reason.ALREADY_LINKED, user.get_username())
            _link(provider, subject, user, how="verified e-mail address")
            return user
    if provider.account_policy != Provider.AccountPolicy.LINK_OR_CREATE:
        raise SignInRefused(Reason.NO_ACCOUNT)
    user = _create_account(provider, claims, email=email)
    _link(provider, subject, user, how="new account")
    return user


def _link(provider: Provider, subject: str, user: User, *, how: str) -> ExternalIdentity:
    identity = ExternalIdentity.objects.create(provider=provider, subject=subject, user=user)
    record_event(
        action=SsoAction.LINKED, actor=user, object_type="external_identity", object_id=identity.pk,
        details={"provider": provider.slug, "subject": subject, "user": user.get_username(), "matched_by": how},
    )
    return identity


_NOT_IN_USERNAMES = re.compile(r"[^\w.@+-]")


def _create_account(provider: Provider, claims: dict[str, Any], *, email: str) -> User:
    wanted = _claim_value(claims, "preferred_username") or email.partition("@")[0] or str(claims["sub"])
    base = f"{provider.slug}.{_NOT_IN_USERNAMES.sub('', wanted).lower() or 'user'}"[:140]
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    user = User(
        username=username, email=email,
        first_name=_claim_value(claims, "given_name")[:150], last_name=_claim_value(claims, "family_name")[:150],
    )
    user.set_unusable_password()  # the account signs in through its provider only
    user.save()
    record_event(
        action=SsoAction.ACCOUNT_CREATED, actor=user, object_type="user", object_id=user.pk,
        details={"provider": provider.slug, "subject": str(claims["sub"]), "user": username},
    )
    return user


def _membership_for(provider: Provider, user: User, organisation: Organisation, role: str, *,
                    subject: str) -> Membership:
    """The membership the provider's claims name: an active one the account holds, or (where the
    policy allows) a new one. One that an administrator ended is never brought back from here."""
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is not None:
        if not membership.is_active:
            raise SignInRefused(Reason.MEMBERSHIP_ENDED, f"{role} in {organisation.name}")
        return membership
    if provider.account_policy != Provider.AccountPolicy.LINK_OR_CREATE:
        raise SignInRefused(Reason.NO_MEMBERSHIP, f"{role} in {organisation.name}")
    membership = accounts.grant_membership(user=user, organisation=organisation, role=role)
    record_event(
        action=SsoAction.MEMBERSHIP_GRANTED, actor=user, organisation=organisation, object_type="membership",
        object_id=membership.pk, details={"provider": provider.slug, "subject": subject, "role": role},
    )
    return membership


# --- signing out ----------------------------------------------------------------------------------


def sign_out(request: HttpRequest) -> str:
    """End the local session (as the ordinary sign-out does). Where the session came from a provider
    that offers RP-initiated logout, the URL that ends the session there too (with the ID token as
    hint and the way back); "" otherwise."""
    came_from = request.session.get(SIGNED_IN_SESSION_KEY) or {}
    accounts.sign_out(request)
    if not came_from.get("end_session"):
        return ""
    provider = Provider.objects.filter(slug=came_from.get("provider"), is_active=True).first()
    if provider is None:
        return ""
    try:
        metadata = client.discover(provider.issuer)
    except SignInRefused:
        return ""  # the session here has ended all the same
    state = client.new_flow_secrets().state
    # Kept in the fresh anonymous session, to recognise the provider's way back.
    request.session[LOGOUT_STATE_SESSION_KEY] = state
    return client.logout_url(
        metadata, client_id=provider.client_id, id_token_hint=str(came_from.get("id_token", "")),
        post_logout_redirect_uri=request.build_absolute_uri(reverse("sso:signed_out")), state=state,
    )


def returned_from_provider_sign_out(request: HttpRequest, state: str) -> bool:
    """Whether the provider sent the browser back from the logout this session started."""
    expected = request.session.pop(LOGOUT_STATE_SESSION_KEY, None)
    return bool(state) and expected == state


def needs_infohus_second_factor(user: User) -> bool:
    """Whether Infohus must still ask for its own second factor (as after a password)."""
    enrolled: bool = user.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[attr-defined]
    return needs_second_factor(user) or enrolled

