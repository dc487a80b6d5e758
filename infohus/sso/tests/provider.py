"""A small OpenID provider that the tests start on 127.0.0.1, in a thread (http.server).

It serves discovery, its JWKS (an RSA key made with `cryptography`), an authorization endpoint (a
page on which the test picks one of the provider's people and presses "Sign in", or an automatic
approval with ?login_as=<subject>), a token endpoint that checks the code, the redirect URI, the
PKCE verifier and the client secret and issues an RS256 ID token, and an end-session endpoint.

It misbehaves on request (`provider.misbehave.add(...)`), for the bad-input tests:
  wrong_key       the ID token is signed with a key the JWKS does not publish (same key id)
  expired         the ID token expired an hour ago
  wrong_nonce     the ID token carries another nonce than the one asked for
  wrong_issuer    the ID token names another issuer
  wrong_audience  the ID token is meant for another client
  error           the authorization endpoint answers error=access_denied
  no_id_token     the token endpoint answers without an ID token
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from infohus.accounts.models import Organisation
from infohus.sso.crypto import encrypt_secret
from infohus.sso.models import OrganisationMapping, Provider, RoleMapping

CLIENT_ID = "infohus-test-client"
CLIENT_SECRET = "loopback-client-secret-for-tests"
KEY_ID = "loopback-key-1"
MISBEHAVIOURS = frozenset({"wrong_key", "expired", "wrong_nonce", "wrong_issuer", "wrong_audience", "error",
                           "no_id_token"})


@dataclass
class Identity:
    """A person at the provider and the claims their ID token carries."""

    subject: str
    name: str
    email: str = ""
    email_verified: bool = True
    organisation: Any = "aarhus"
    role: Any = "case_worker"
    amr: list[str] = field(default_factory=lambda: ["pwd", "mfa"])
    acr: str = ""
    preferred_username: str = ""

    def claims(self) -> dict[str, Any]:
        given, _, family = self.name.partition(" ")
        claims: dict[str, Any] = {"name": self.name, "given_name": given, "family_name": family, "amr": self.amr}
        if self.email:
            claims |= {"email": self.email, "email_verified": self.email_verified}
        if self.organisation is not None:
            claims["organisation"] = self.organisation
        if self.role is not None:
            claims["role"] = self.role
        if self.acr:
            claims["acr"] = self.acr
        if self.preferred_username:
            claims["preferred_username"] = self.preferred_username
        return claims


def _rsa_key() -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return RSAKey.import_key(pem, {"kid": KEY_ID, "use": "sig", "alg": "RS256"})


class LoopbackProvider:
    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET,
                 end_session: bool = True) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.end_session = end_session
        self.key = _rsa_key()
        self.other_key = _rsa_key()  # never published: for "wrong_key"
        self.identities: dict[str, Identity] = {}
        self.misbehave: set[str] = set()
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, Any]] = []
        self.logouts: list[dict[str, str]] = []
        self.issued_id_tokens: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- running ------------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        assert self._server is not None, "start() the provider first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "LoopbackProvider":
        provider = self

        class Handler(_Handler):
            owner = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-oidc", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "LoopbackProvider":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # --- for the tests ------------------------------------------------------------------------

    def add(self, identity: Identity) -> Identity:
        self.identities[identity.subject] = identity
        return identity

    def approve(self, authorization_url: str, subject: str) -> str:
        """What the browser would do at the provider: sign in as `subject`; the callback URL."""
        assert authorization_url.startswith(self.issuer + "/authorize?"), authorization_url
        return redirect_of(_with_params(authorization_url, {"login_as": subject}))

    # --- the provider's work --------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        metadata = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }
        if self.end_session:
            metadata["end_session_endpoint"] = f"{self.issuer}/end-session"
        return metadata

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def issue_code(self, params: dict[str, str], subject: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "client_id": params.get("client_id"), "redirect_uri": params.get("redirect_uri"),
            "nonce": params.get("nonce"), "challenge": params.get("code_challenge"),
            "method": params.get("code_challenge_method"), "subject": subject, "used": False,
        }
        return code

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests.append({"form": dict(form), "authorization": authorization})
        client_id, client_secret = _basic_credentials(authorization)
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None or grant["used"]:
            return 400, {"error": "invalid_grant"}
        grant["used"] = True
        if grant["redirect_uri"] != form.get("redirect_uri") or grant["client_id"] != client_id:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri or client differs"}
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["method"] != "S256" or not verifier or digest != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
        access_token = secrets.token_urlsafe(24)
        answer: dict[str, Any] = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300}
        if "no_id_token" not in self.misbehave:
            answer["id_token"] = self.id_token(grant)
        return 200, answer

    def id_token(self, grant: dict[str, Any]) -> str:
        identity = self.identities[grant["subject"]]
        now = int(time.time())
        claims = {
            "iss": "https://someone-else.invalid" if "wrong_issuer" in self.misbehave else self.issuer,
            "sub": identity.subject,
            "aud": "another-client" if "wrong_audience" in self.misbehave else self.client_id,
            "iat": now - 4000 if "expired" in self.misbehave else now,
            "exp": now - 3600 if "expired" in self.misbehave else now + 300,
            "auth_time": now,
            "nonce": "not-the-nonce-asked-for" if "wrong_nonce" in self.misbehave else grant["nonce"],
            **identity.claims(),
        }
        key = self.other_key if "wrong_key" in self.misbehave else self.key
        token: str = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)
        self.issued_id_tokens.append(token)
        return token


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def redirect_of(url: str) -> str:
    """Where a GET of this URL at the provider sends the browser (its Location)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.code
        location: str = answer.headers["Location"]
        return location
    raise AssertionError(f"the provider did not redirect from {url}")


def _basic_credentials(authorization: str) -> tuple[str, str]:
    if not authorization.startswith("Basic "):
        return "", ""
    try:
        decoded = base64.b64decode(authorization[6:]).decode()
    except ValueError:
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _with_params(url: str, params: dict[str, str]) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


class _Handler(BaseHTTPRequestHandler):
    owner: LoopbackProvider

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class names it so)
        pass  # quiet in the test output

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, url: str) -> None:
        self.send_response(302)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _html(self, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        owner = self.owner
        if parts.path == "/.well-known/openid-configuration":
            self._json(200, owner.metadata())
        elif parts.path == "/jwks":
            self._json(200, owner.jwks())
        elif parts.path == "/authorize":
            self._authorize(params)
        elif parts.path == "/end-session" and owner.end_session:
            owner.logouts.append(params)
            target = params.get("post_logout_redirect_uri", "")
            if target:
                self._redirect(_with_params(target, {"state": params.get("state", "")}))
            else:
                self._html('<!DOCTYPE html><link rel="icon" href="data:,"><title>Signed out</title><h1>Signed out</h1>')
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path == "/token":
            status, body = self.owner.token(form, self.headers.get("Authorization", ""))
            self._json(status, body)
        elif self.path == "/authorize":
            subject = form.pop("subject", "")
            self._authorize({**form, "login_as": subject})
        else:
            self._json(404, {"error": "not_found"})

    def _authorize(self, params: dict[str, str]) -> None:
        owner = self.owner
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != owner.client_id or not redirect_uri or params.get("response_type") != "code":
            self._json(400, {"error": "invalid_request"})
            return
        state = params.get("state", "")
        if "error" in owner.misbehave:
            self._redirect(_with_params(redirect_uri, {
                "error": "access_denied", "error_description": "The person cancelled the sign-in", "state": state,
            }))
            return
        subject = params.get("login_as", "")
        if subject in owner.identities:
            code = owner.issue_code(params, subject)
            self._redirect(_with_params(redirect_uri, {"code": code, "state": state}))
            return
        kept = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items() if k != "login_as"
        )
        choices = "".join(
            f'<li><label><input type="radio" name="subject" value="{html.escape(i.subject)}"> '
            f"{html.escape(i.name)}</label></li>"
            for i in owner.identities.values()
        )
        self._html(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Loopback identity provider</title>'
            # No favicon request (a 404 would show among the browser tests' console errors).
            '<link rel="icon" href="data:,"></head><body><main><h1>Loopback identity provider</h1>'
            f'<form method="post" action="/authorize">{kept}<fieldset><legend>Who are you?</legend>'
            f"<ul>{choices}</ul></fieldset><button type=\"submit\">Sign in</button></form></main></body></html>"
        )


def configure(
    loopback: LoopbackProvider, *, slug: str = "aarhus-idp", name: str = "Aarhus IdP",
    organisations: Mapping[str, str] | None = None, roles: Mapping[str, str] | None = None, **fields: Any,
) -> Provider:
    """A Provider row for a running loopback provider, with its mappings (claim value → organisation
    name, claim value → role)."""
    provider = Provider.objects.create(
        slug=slug, name=name, issuer=loopback.issuer, client_id=loopback.client_id,
        client_secret_encrypted=encrypt_secret(loopback.client_secret), **fields,
    )
    for value, organisation in (organisations or {}).items():
        OrganisationMapping.objects.create(
            provider=provider, value=value, organisation=Organisation.objects.get(name=organisation)
        )
    for value, role in (roles or {}).items():
        RoleMapping.objects.create(provider=provider, value=value, role=role)
    return provider
