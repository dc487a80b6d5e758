"""Changes to accounts: sign-in, second factor, memberships, deactivation. Each writes its audit row."""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.models import Membership, Organisation, SignedInSession, User
from infohus.accounts.permissions import SESSION_MEMBERSHIP_KEY
from infohus.audit.services import Action, record_event

SESSION_SIGNED_IN_AT = "infohus_signed_in_at"
RECOVERY_CODE_COUNT = 10


# --- sign-in and sign-out ---------------------------------------------------------------

@transaction.atomic
def sign_in(
    request: HttpRequest, user: User, *, backend: str | None = None, details: dict[str, Any] | None = None
) -> None:
    """Start a session for a user whose password was checked.

    Single sign-on (infohus.sso) starts its sessions here too: it names the backend (no password
    was checked by one) and adds the provider and subject to the audit event's details.
    """
    auth.login(request, user, backend=backend)
    request.session[SESSION_SIGNED_IN_AT] = int(time.time())
    request.session.save()
    SignedInSession.objects.get_or_create(user=user, session_key=request.session.session_key or "")
    record_event(action=Action.SIGN_IN, actor=user, object_type="user", object_id=user.pk, details=details)


def record_failed_sign_in(*, username: str, reason: str) -> None:
    record_event(
        action=Action.SIGN_IN_FAILED, object_type="user", details={"username": username[:150], "reason": reason}
    )


@transaction.atomic
def sign_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        SignedInSession.objects.filter(session_key=request.session.session_key or "").delete()
        record_event(action=Action.SIGN_OUT, actor=user, object_type="user", object_id=user.pk)
    auth.logout(request)  # flushes the session on the server


def end_sessions(signed_in: QuerySet[SignedInSession], *, where: Callable[[SessionBase], bool] | None = None) -> int:
    """Delete the server-side sessions listed (only those `where` accepts, when given); returns
    how many were ended."""
    engine: Any = import_module(settings.SESSION_ENGINE)
    ended: list[int] = []
    for row in signed_in:
        store: SessionBase = engine.SessionStore(session_key=row.session_key)
        if where is not None and not where(store):
            continue
        store.delete()
        ended.append(row.pk)
    SignedInSession.objects.filter(pk__in=ended).delete()
    return len(ended)


def end_all_sessions(user: User) -> int:
    """Delete every server-side session of a user; returns how many were ended."""
    return end_sessions(SignedInSession.objects.filter(user=user))


# --- second factor -----------------------------------------------------------------------

class SecondFactorResult(StrEnum):
    PASSED = "passed"
    WRONG = "wrong"
    EXPIRED = "expired"
    REUSED = "reused"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SecondFactorOutcome:
    result: SecondFactorResult
    used_recovery_code: bool = False


def _totp_step_of(device: TOTPDevice, token: int, *, look_back: int) -> int | None:
    """The time step at which the device would have shown this token, looking back a few steps."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now_step = totp.t()
    for offset in range(device.tolerance, -look_back - 1, -1):
        totp.drift = device.drift + offset
        if totp.token() == token:
            return now_step + offset
    return None


@transaction.atomic
def verify_second_factor(request: HttpRequest, token: str) -> SecondFactorOutcome:
    """Check a TOTP code or a recovery code and mark the session as verified."""
    user: User = request.user  # type: ignore[assignment]
    token = token.strip().replace(" ", "").replace("-", "")
    totp_devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if any(not d.verify_is_allowed()[0] for d in totp_devices):
        record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, details={"reason": "throttled"})
        return SecondFactorOutcome(SecondFactorResult.THROTTLED)
    if token.isdigit():
        # A recovery code of digits only is not a wrong authenticator code (no throttling).
        for device in (d for d in totp_devices if len(token) == d.digits):
            step = _totp_step_of(device, int(token), look_back=10)
            if step is not None and step <= device.last_t:
                device.throttle_increment()
                record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, details={"reason": "reused"})
                return SecondFactorOutcome(SecondFactorResult.REUSED)
            if device.verify_token(token):
                otp_login(request, device)
                record_event(
                    action=Action.SECOND_FACTOR_PASSED, actor=user, object_type="totp_device", object_id=device.pk
                )
                return SecondFactorOutcome(SecondFactorResult.PASSED)
            if step is not None:
                record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, details={"reason": "expired"})
                return SecondFactorOutcome(SecondFactorResult.EXPIRED)
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token.lower()):
            otp_login(request, static)
            record_event(action=Action.RECOVERY_CODE_USED, actor=user, object_type="static_device", object_id=static.pk)
            return SecondFactorOutcome(SecondFactorResult.PASSED, used_recovery_code=True)
    record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, details={"reason": "wrong"})
    return SecondFactorOutcome(SecondFactorResult.WRONG)


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, made once and kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(request: HttpRequest, token: str) -> list[str] | None:
    """Confirm the pending device with a code; returns fresh recovery codes, or None if wrong."""
    user: User = request.user  # type: ignore[assignment]
    device = pending_totp_device(user)
    if not device.verify_token(token.strip().replace(" ", "")):
        record_event(action=Action.SECOND_FACTOR_FAILED, actor=user, details={"reason": "enrolment code wrong"})
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record_event(action=Action.SECOND_FACTOR_ENROLLED, actor=user, object_type="totp_device", object_id=device.pk)
    return issue_recovery_codes(user)


@transaction.atomic
def issue_recovery_codes(user: User) -> list[str]:
    """Replace a user's recovery codes with new single-use ones and return them (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record_event(action=Action.RECOVERY_CODES_ISSUED, actor=user, object_type="user", object_id=user.pk)
    return codes


@transaction.atomic
def remove_second_factor(*, user: User, by: Any) -> None:
    """An administrator resets a user's second factor; they must enrol again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_all_sessions(user)
    record_event(action=Action.SECOND_FACTOR_REMOVED, actor=by, object_type="user", object_id=user.pk)


# --- memberships and organisations -------------------------------------------------------

@transaction.atomic
def grant_membership(*, user: User, organisation: Organisation, role: str, by: Any = None) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    reactivated = not created and not membership.is_active
    if reactivated:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    if created or reactivated:
        record_event(
            action=Action.MEMBERSHIP_GRANTED, actor=by, organisation=organisation,
            object_type="membership", object_id=membership.pk,
            details={"user": user.get_username(), "role": role},
        )
    return membership


@transaction.atomic
def change_membership(*, membership: Membership, role: str, is_active: bool, by: Any = None) -> Membership:
    before = Membership.objects.select_for_update().get(pk=membership.pk)
    if before.role == role and before.is_active == is_active:
        return before
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    record_event(
        action=Action.MEMBERSHIP_CHANGED if is_active else Action.MEMBERSHIP_REVOKED,
        actor=by, organisation=membership.organisation, object_type="membership", object_id=membership.pk,
        details={"user": membership.user.get_username(), "role": [before.role, role],
                 "active": [before.is_active, is_active]},
    )
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership, by: Any = None) -> None:
    record_event(
        action=Action.MEMBERSHIP_REVOKED, actor=by, organisation=membership.organisation,
        object_type="membership", object_id=membership.pk,
        details={"user": membership.user.get_username(), "role": membership.role},
    )
    membership.delete()


def switch_organisation(request: HttpRequest, membership_id: int) -> Membership | None:
    from infohus.accounts.permissions import memberships_of

    for membership in memberships_of(request.user):
        if membership.pk == membership_id:
            request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
            record_event(
                action=Action.ORGANISATION_SWITCHED, actor=request.user, organisation=membership.organisation,
                object_type="membership", object_id=membership.pk,
            )
            return membership
    return None


@transaction.atomic
def deactivate_user(*, user: User, by: Any = None) -> int:
    """Disable a user and end every one of their sessions at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_all_sessions(user)
    record_event(action=Action.USER_DEACTIVATED, actor=by, object_type="user", object_id=user.pk,
                 details={"sessions_ended": ended, "at": timezone.now().isoformat()})
    return ended


@transaction.atomic
def reactivate_user(*, user: User, by: Any = None) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_event(action=Action.USER_REACTIVATED, actor=by, object_type="user", object_id=user.pk)
