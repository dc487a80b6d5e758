"""The OpenID Connect relying party: discovery, the authorization request with state, nonce and
PKCE, the code exchange, and the checks of the ID token.

Authlib does the protocol work (its discovery metadata model, grant URI, client authentication,
PKCE challenge and ID-token claims) and joserfc, which Authlib builds on, checks the signature
against the provider's published keys, as Authlib's own clients do. The few HTTP calls go through
the standard library, so that no HTTP client becomes a dependency of the site.
"""

import hashlib
import ipaddress
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from authlib.common.security import generate_token, is_secure_transport
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from infohus.sso.refusals import Reason, SignInRefused

TIMEOUT_SECONDS = 10
DISCOVERY_CACHE_SECONDS = 5 * 60
MAX_RESPONSE_BYTES = 1_000_000
# Seconds of clock difference allowed between the provider and this server.
LEEWAY_SECONDS = 60
# Signatures with a key from the provider's JWKS; never "none", nor a secret shared with the client.
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


@dataclass(frozen=True)
class Metadata:
    """What the relying party needs from a provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str
    token_auth_methods: tuple[str, ...]
    signing_algorithms: tuple[str, ...]


@dataclass(frozen=True)
class FlowSecrets:
    """The values one authorization request binds to the browser's session."""

    state: str
    nonce: str
    code_verifier: str


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _open(url: str, *, headers: dict[str, str], data: bytes | None = None) -> tuple[int, dict[str, Any]]:
    """The status and JSON object of one call to the provider ({} when the body is not one)."""
    if not is_secure_transport(url):
        # https, or plain http to this machine only (the tests' provider).
        raise SignInRefused(Reason.BAD_METADATA, f"not https: {url[:200]}")
    request = urllib.request.Request(  # noqa: S310 (https or loopback http, checked above)
        url, data=data, headers=headers, method="POST" if data is not None else "GET"
    )
    # A loopback provider is reached directly, whatever proxy the environment names.
    handlers = [urllib.request.ProxyHandler({})] if is_loopback(url) else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, body = response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read(MAX_RESPONSE_BYTES)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SignInRefused(Reason.UNREACHABLE, f"{urlsplit(url).netloc}: {error}") from None
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    return status, parsed if isinstance(parsed, dict) else {}


def _get_json(url: str) -> dict[str, Any]:
    status, data = _open(url, headers={"Accept": "application/json"})
    if status != 200 or not data:
        raise SignInRefused(Reason.BAD_METADATA, f"{url[:200]} answered {status}")
    return data


def discover(issuer: str, *, fresh: bool = False) -> Metadata:
    """The provider's discovery document, checked by Authlib and against the configured issuer.

    A checked document is kept in the shared cache for DISCOVERY_CACHE_SECONDS, so that a sign-in
    does not fetch it at the start and again at the callback; `fresh` reads it from the provider
    (the administrator's check). The keys (JWKS) are always fetched fresh, so that a key the
    provider has just rotated in is known at once."""
    key = "sso:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    if not fresh:
        cached = cache.get(key)
        if isinstance(cached, Metadata):
            return cached
    metadata = _discover(issuer)
    cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def _discover(issuer: str) -> Metadata:
    data = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    try:
        OpenIDProviderMetadata(data).validate()
    except (ValueError, TypeError) as error:
        raise SignInRefused(Reason.BAD_METADATA, str(error)) from None
    if data["issuer"] != issuer:
        # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it came from.
        raise SignInRefused(Reason.BAD_METADATA, f"the discovery document names issuer {data['issuer'][:200]}")
    return Metadata(
        issuer=data["issuer"],
        authorization_endpoint=data["authorization_endpoint"],
        token_endpoint=data["token_endpoint"],
        jwks_uri=data["jwks_uri"],
        end_session_endpoint=str(data.get("end_session_endpoint") or ""),
        token_auth_methods=tuple(data.get("token_endpoint_auth_methods_supported") or ("client_secret_basic",)),
        signing_algorithms=tuple(data.get("id_token_signing_alg_values_supported") or ("RS256",)),
    )


def new_flow_secrets() -> FlowSecrets:
    return FlowSecrets(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64))


def authorization_url(
    metadata: Metadata, *, client_id: str, redirect_uri: str, scopes: list[str], secrets: FlowSecrets
) -> str:
    url: str = prepare_grant_uri(
        metadata.authorization_endpoint, client_id, "code", redirect_uri=redirect_uri, scope=scopes,
        state=secrets.state, nonce=secrets.nonce,
        code_challenge=create_s256_code_challenge(secrets.code_verifier), code_challenge_method="S256",
    )
    return url


def exchange_code(
    metadata: Metadata, *, client_id: str, client_secret: str, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, Any]:
    """Trade the authorization code (with the PKCE verifier) for the provider's tokens."""
    body = prepare_token_request(
        "authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
    )
    method = "client_secret_basic" if "client_secret_basic" in metadata.token_auth_methods else "client_secret_post"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    url, headers, body = ClientAuth(client_id, client_secret, method).prepare(
        "POST", metadata.token_endpoint, headers, body
    )
    status, data = _open(url, headers=headers, data=body.encode())
    if status != 200 or "error" in data:
        raise SignInRefused(Reason.TOKEN_REFUSED, f"{status} {str(data.get('error', ''))[:100]}")
    if not isinstance(data.get("id_token"), str):
        raise SignInRefused(Reason.NO_ID_TOKEN)
    return data


_CLAIM_REASONS = {"nonce": Reason.WRONG_NONCE, "iss": Reason.WRONG_ISSUER, "aud": Reason.WRONG_AUDIENCE,
                  "azp": Reason.WRONG_AUDIENCE, "exp": Reason.EXPIRED_TOKEN}


def validate_id_token(
    metadata: Metadata, id_token: str, *, client_id: str, nonce: str, access_token: str = ""
) -> dict[str, Any]:
    """The ID token's claims, once its signature (against the provider's JWKS), issuer, audience,
    expiry and nonce are right; SignInRefused naming the first check that failed otherwise."""
    jwks: Any = _get_json(metadata.jwks_uri)
    try:
        key_set = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise SignInRefused(Reason.BAD_METADATA, f"the provider's keys: {error}") from None
    algorithms = [alg for alg in metadata.signing_algorithms if alg in ASYMMETRIC_ALGORITHMS] or ["RS256"]
    try:
        token = jwt.decode(id_token, key_set, algorithms=algorithms)
    except (BadSignatureError, InvalidKeyIdError) as error:
        raise SignInRefused(Reason.BAD_SIGNATURE, str(error)) from None
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise SignInRefused(Reason.INVALID_TOKEN, f"{type(error).__name__}: {error}") from None
    claims = CodeIDToken(
        token.claims, token.header,
        {"iss": {"essential": True, "value": metadata.issuer}, "aud": {"essential": True, "value": client_id}},
        {"nonce": nonce, "client_id": client_id, "access_token": access_token or None},
    )
    try:
        claims.validate(leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise SignInRefused(Reason.EXPIRED_TOKEN) from None
    except ClaimError as error:
        raise SignInRefused(_CLAIM_REASONS.get(error.claim, Reason.INVALID_TOKEN), str(error)) from None
    except (JoseError, ValueError, TypeError) as error:
        raise SignInRefused(Reason.INVALID_TOKEN, str(error)) from None
    return dict(claims)


def logout_url(metadata: Metadata, *, client_id: str, id_token_hint: str, post_logout_redirect_uri: str,
               state: str) -> str:
    """RP-initiated logout at the provider (OpenID Connect RP-Initiated Logout 1.0), or "" when the
    provider does not offer it."""
    if not metadata.end_session_endpoint:
        return ""
    params = [("client_id", client_id), ("post_logout_redirect_uri", post_logout_redirect_uri), ("state", state)]
    if id_token_hint:
        params.insert(0, ("id_token_hint", id_token_hint))
    url: str = add_params_to_uri(metadata.end_session_endpoint, params)
    return url
