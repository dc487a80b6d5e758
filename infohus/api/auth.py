"""Who is calling: a bearer token, checked the same way on every operation.

`scope("cases:read")` is the auth object of an operation. It finds the token by its key id,
compares the digest of the secret in constant time, refuses an expired or revoked token, a
token whose user or membership is no longer active, and an integration's token presented
without (or with another) client id. It then sets request.user, request.api_token and
request.api_membership, which the permission functions read in place of the session.
"""

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from infohus.accounts.permissions import act_only_in
from infohus.api.errors import ApiError
from infohus.api.models import ApiToken
from infohus.api.scopes import Scope

TOKEN_PREFIX = "ihk"
CLIENT_HEADER = "X-Infohus-Client"
# Writing last_used_at on every call would make each read a write; once a minute is enough to
# tell an administrator whether a token is in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)
BODY_METHODS = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class NewToken:
    """A token as issued: the secret is shown once and never stored."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make_secret() -> tuple[str, str, str]:
    """(key id, secret, the string the caller sends)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return key_id, secret, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def _parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1] or "m"]
    return int(count), seconds


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _count_failure(request: HttpRequest) -> None:
    limit, window = _parse_rate(settings.API_RATE_FAILED_PER_ADDRESS)
    key = f"api:failed:{_address(request)}"
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def _refuse_if_failing(request: HttpRequest) -> None:
    limit, window = _parse_rate(settings.API_RATE_FAILED_PER_ADDRESS)
    if (cache.get(f"api:failed:{_address(request)}") or 0) >= limit:
        raise ApiError(429, "rate_limited", f"Too many failed calls from this address; try again in {window} seconds.",
                       headers={"Retry-After": str(window)})


def _refuse(request: HttpRequest, message: str) -> ApiError:
    _count_failure(request)
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": 'Bearer realm="infohus"'})


def _check_body(request: HttpRequest) -> None:
    """A write must say it sends JSON; checked before ninja reads the body, so that a form post
    or a file is refused with a clear answer rather than read as something else."""
    if request.method not in BODY_METHODS:
        return
    content_type = request.content_type or ""
    if request.body and content_type != "application/json":
        raise ApiError(415, "unsupported_media_type",
                       f"Send the body as application/json, not {content_type or 'no content type'}.")


def authenticate_token(request: HttpRequest, presented: str) -> ApiToken:
    """The token the caller presented, or a refusal (401, counted against the caller's address)."""
    _refuse_if_failing(request)
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not key_id or not secret:
        raise _refuse(request, "The token is not an Infohus API token.")
    token = (ApiToken.objects.select_related("user", "membership__organisation", "integration")
             .filter(key_id=key_id).first())
    # Compare even when no token has this id, so that timing does not tell which ids exist.
    expected = token.secret_hash if token is not None else digest("")
    if not hmac.compare_digest(expected, digest(secret)) or token is None:
        raise _refuse(request, "The token is not known.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise _refuse(request, "The token has been revoked.")
    if token.expires_at <= now:
        raise _refuse(request, "The token has expired.")
    if not token.user.is_active or not token.membership.is_active or not token.membership.organisation.is_active:
        raise _refuse(request, "The token's account or role is no longer active.")
    client = request.headers.get(CLIENT_HEADER, "")
    if token.integration is not None:
        if not token.integration.is_active:
            raise _refuse(request, "The token's integration has been switched off.")
        if not hmac.compare_digest(client, token.integration.client_id):
            raise _refuse(request, f"The token belongs to another integration than the one named in {CLIENT_HEADER}.")
    elif client:
        raise _refuse(request, f"A personal token is sent without {CLIENT_HEADER}.")
    return token


def mark_used(token: ApiToken) -> None:
    """Note that the token was used, at most once per LAST_USED_RESOLUTION. Called for a call that
    succeeded (by the API's middleware), so that a refused call writes nothing at all."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class ScopedToken(HttpBearer):
    """The auth of one operation: a valid token that carries the operation's scope."""

    def __init__(self, required: Scope | None) -> None:
        super().__init__()
        self.required = required

    def __call__(self, request: HttpRequest) -> Any:
        _refuse_if_failing(request)
        header = request.headers.get(self.header, "")
        if not header:
            # No guess was made, so it does not count against the address: only a presented
            # token that is wrong does.
            raise ApiError(401, "unauthenticated", "Send a token: Authorization: Bearer <token>.",
                           headers={"WWW-Authenticate": 'Bearer realm="infohus"'})
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not presented.strip():
            raise _refuse(request, "Send the token as Authorization: Bearer <token>.")
        return self.authenticate(request, presented.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = authenticate_token(request, token)
        if self.required is not None and self.required.value not in found.scopes:
            raise ApiError(403, "missing_scope", f"The token does not carry the scope {self.required.value}.")
        _check_body(request)
        act_only_in(found.user, found.membership)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        request.api_membership = found.membership  # type: ignore[attr-defined]
        return found


# Any valid token, whatever its scopes: for asking who the token is.
ANY_TOKEN = ScopedToken(None)
_AUTHS: dict[Scope, ScopedToken] = {}


def scope(required: Scope | str) -> ScopedToken:
    """The auth object for operations that need this scope (one instance per scope)."""
    key = Scope(required)
    if key not in _AUTHS:
        _AUTHS[key] = ScopedToken(key)
    return _AUTHS[key]


class TokenRateThrottle(BaseThrottle):
    """Calls per token in fixed windows, at the rate of settings.API_RATE_PER_TOKEN read on each
    call (so that it can be changed without a restart, and in tests).

    A counter per window in the cache is one atomic increment on Redis, shared by every process;
    the last wait is kept per thread because one throttle object serves all of a process's threads.
    """

    timer = staticmethod(time.time)

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True  # the auth has refused the call already
        limit, window = _parse_rate(settings.API_RATE_PER_TOKEN)
        now = self.timer()
        started = int(now // window) * window
        key = f"api:rate:{token.key_id}:{started}"
        cache.add(key, 0, window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window + 1)
            count = 1
        self._local.wait = max(1.0, started + window - now)
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
