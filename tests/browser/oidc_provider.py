"""A minimal OpenID Connect provider for the sign-in tests: authorization code flow, on loopback, in a thread.

It does what Microsoft Entra ID does for ``st.login``, and checks what a real provider checks:

- ``/.well-known/openid-configuration``: the discovery document (Authlib reads it from ``server_metadata_url``).
- ``GET /authorize``: checks ``client_id``, ``redirect_uri`` (registered URIs only), ``response_type=code`` and
  the ``openid`` scope, then shows a form with one button per test user (instead of a password prompt).
- ``POST /authorize``: redirects to ``redirect_uri`` with a one-time ``code`` and the request's ``state``.
- ``POST /token``: exchanges the code once, checking the client secret (HTTP Basic or form), the
  ``redirect_uri`` and the PKCE ``code_verifier`` (S256); answers an RS256-signed ``id_token`` (iss, aud, sub,
  email, name, nonce, iat, exp, groups) and an ``access_token``.
- ``/jwks``: the public signing key (an RSA key made for this run, never stored).
- ``/userinfo``: the claims for a Bearer access token.
- ``/logout`` (``end_session_endpoint``): back to a registered ``post_logout_redirect_uri``.

Everything it was asked is appended to ``provider.log`` so a test can check the flow, e.g. that PKCE was used.
Test code only: no consent, no refresh tokens, no persistence.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CODE_LIFETIME_S = 60
TOKEN_LIFETIME_S = 3600


@dataclass(frozen=True)
class TestUser:
    email: str
    name: str
    groups: tuple[str, ...] = ()

    __test__ = False  # not a pytest test class

    @property
    def sub(self) -> str:
        # A stable, opaque subject per user, as a real provider gives.
        return hashlib.sha256(self.email.encode()).hexdigest()[:24]

    def claims(self) -> dict:
        claims = {"sub": self.sub, "email": self.email, "email_verified": True, "name": self.name,
                  "preferred_username": self.email}
        if self.groups:
            claims["groups"] = list(self.groups)
        return claims


@dataclass
class _Grant:
    user: TestUser
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires: float


@dataclass
class OidcProvider:
    """Register one client (id, secret, redirect URIs) and some users, then ``with provider.running():``."""

    client_id: str
    client_secret: str
    users: list[TestUser]
    redirect_uris: list[str] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
        self.issuer = ""
        self._codes: dict[str, _Grant] = {}
        self._access_tokens: dict[str, TestUser] = {}
        self._lock = threading.Lock()

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @contextlib.contextmanager
    def running(self) -> Iterator[OidcProvider]:
        """Serve on 127.0.0.1 and a free port in a daemon thread until the block ends."""
        provider = self

        class Handler(_Handler):
            pass

        Handler.provider = provider
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    # --- the endpoints' logic (the handler below does the HTTP) -------------------------------------------

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name",
                                 "preferred_username", "groups"],
        }

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    def check_authorize(self, params: dict[str, str]) -> str | None:
        """Why an authorization request is refused (shown to the person, never redirected), or None."""
        if params.get("client_id") != self.client_id:
            return f"unknown client_id {params.get('client_id')!r}"
        if params.get("redirect_uri") not in self.redirect_uris:
            return f"redirect_uri {params.get('redirect_uri')!r} is not registered"
        if params.get("response_type") != "code":
            return f"response_type {params.get('response_type')!r} is not supported"
        if "openid" not in params.get("scope", "").split():
            return "the openid scope is required"
        if params.get("code_challenge") and params.get("code_challenge_method") != "S256":
            return "only the S256 code_challenge_method is supported"
        return None

    def user(self, email: str) -> TestUser | None:
        return next((u for u in self.users if u.email == email), None)

    def issue_code(self, params: dict[str, str], user: TestUser) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(user, params["client_id"], params["redirect_uri"], params.get("nonce"),
                                       params.get("code_challenge"), params.get("code_challenge_method"),
                                       time.time() + CODE_LIFETIME_S)
        return code

    def exchange(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict]:
        """The token endpoint: (HTTP status, JSON body)."""
        client_id, client_secret = basic or (form.get("client_id"), form.get("client_secret"))
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code is good for one exchange only
        if grant is None or grant.expires < time.time() or grant.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "unknown, used or expired code"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs from the request's"}
        if grant.code_challenge:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant.code_challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE code_verifier does not match"}
        now = int(time.time())
        claims = {**grant.user.claims(), "iss": self.issuer, "aud": client_id, "iat": now,
                  "exp": now + TOKEN_LIFETIME_S}
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, self.key)
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = grant.user
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S,
                     "id_token": id_token, "scope": "openid email profile"}

    def userinfo(self, authorization: str | None) -> TestUser | None:
        scheme, _, token = (authorization or "").partition(" ")
        return self._access_tokens.get(token) if scheme.lower() == "bearer" else None

    def sign_in_form(self, params: dict[str, str]) -> str:
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in params.items())
        buttons = "".join(f'<li><button type="submit" name="user" value="{html.escape(u.email)}">'
                          f"{html.escape(u.name)} ({html.escape(u.email)})</button></li>" for u in self.users)
        return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Test identity provider</title>"
                "</head><body><main><h1>Test identity provider</h1><p>Sign in as:</p>"
                f"<form method='post' action='/authorize'>{hidden}<ul>{buttons}</ul></form></main></body></html>")


class _Handler(BaseHTTPRequestHandler):
    provider: OidcProvider

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test output quiet
        pass

    # --- plumbing ---

    def _send(self, status: int, body: str | bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, body: dict) -> None:
        self._send(status, json.dumps(body), "application/json")

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", {"Location": location})

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

    def _basic_auth(self) -> tuple[str, str] | None:
        scheme, _, value = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        client_id, _, client_secret = base64.b64decode(value).decode().partition(":")
        return unquote(client_id.replace("+", " ")), unquote(client_secret.replace("+", " "))

    # --- routes ---

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = urlsplit(self.path).path
        provider = self.provider
        if path == "/.well-known/openid-configuration":
            self._json(200, provider.metadata())
        elif path == "/jwks":
            self._json(200, provider.jwks())
        elif path == "/authorize":
            params = self._query()
            provider.log.append({"endpoint": "authorize", **params})
            problem = provider.check_authorize(params)
            if problem:
                self._send(400, f"<!doctype html><title>Error</title><p>{html.escape(problem)}</p>", "text/html")
            else:
                self._send(200, provider.sign_in_form(params), "text/html; charset=utf-8")
        elif path == "/userinfo":
            user = provider.userinfo(self.headers.get("Authorization"))
            if user is None:
                self._send(401, b"", "text/plain", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            else:
                self._json(200, user.claims())
        elif path == "/logout":
            params = self._query()
            provider.log.append({"endpoint": "logout", **params})
            target = params.get("post_logout_redirect_uri")
            if target in provider.redirect_uris:
                self._redirect(target)
            else:
                self._send(200, "<!doctype html><title>Signed out</title><p>Signed out.</p>", "text/html")
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        path = urlsplit(self.path).path
        provider = self.provider
        if path == "/authorize":
            form = self._form()
            user = provider.user(form.pop("user", ""))
            problem = provider.check_authorize(form) or (None if user else "no such user")
            if problem:
                self._send(400, f"<!doctype html><title>Error</title><p>{html.escape(problem)}</p>", "text/html")
                return
            code = provider.issue_code(form, user)
            query = {"code": code, **({"state": form["state"]} if "state" in form else {})}
            separator = "&" if urlsplit(form["redirect_uri"]).query else "?"
            self._redirect(f"{form['redirect_uri']}{separator}{urlencode(query)}")
        elif path == "/token":
            form = self._form()
            basic = self._basic_auth()
            status, body = provider.exchange(form, basic)
            provider.log.append({"endpoint": "token", "client_auth": "basic" if basic else "post", "status": status,
                                 **{k: v for k, v in form.items() if k != "client_secret"}})
            self._json(status, body)
        else:
            self._send(404, b"not found", "text/plain")
