"""Security headers and CSRF protection for every response and form.

CSRF uses a double-submit token bound to the server's secret and to the sign-in session:
a random value lives in the ``winwin_csrf`` cookie (HttpOnly, SameSite=Lax) and every
form carries ``HMAC(secret, value + session)`` in its ``csrf_token`` field (htmx sends it
as the ``X-CSRF-Token`` header), where ``session`` is the ``winwin_session`` cookie (empty
before sign-in). A forged cross-site form can neither read the cookies nor compute the
token, and a token taken from one session (a shared machine, a leaked page) is refused
in any other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "winwin_csrf"
SESSION_COOKIE = "winwin_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def csrf_token_for(secret: str, value: str, session: str = "") -> str:
    """``HMAC(secret, value ␟ session)``: the token of one browser in one session."""
    message = f"{value}\x1f{session}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _cookie_value(scope: Scope, name: str) -> str | None:
    for key, raw in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(raw.decode("latin-1"))
            except Exception:
                return None
            if name in jar:
                return jar[name].value
    return None


class SecurityMiddleware:
    """Adds the security headers and makes sure every browser holds a CSRF cookie."""

    def __init__(self, app: ASGIApp, *, cookie_secure: bool = False) -> None:
        self.app = app
        self.cookie_secure = cookie_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope):
            # PostgreSQL refuses NUL characters in text; refuse them at the door instead.
            await _bad_request(send)
            return
        value = _cookie_value(scope, CSRF_COOKIE)
        fresh = value is None or len(value) < 20
        if fresh:
            value = secrets.token_urlsafe(24)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["csrf_value"] = value

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                if self.cookie_secure:
                    # Secure cookies mean the site is served over HTTPS: keep it that way.
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                if fresh:
                    cookie = f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax"
                    if self.cookie_secure:
                        cookie += "; Secure"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _has_nul(scope: Scope) -> bool:
    path = scope.get("path", "")
    query = scope.get("query_string", b"")
    return "\x00" in path or b"%00" in query or b"\x00" in query


async def _bad_request(send: Send) -> None:
    body = b'{"detail":"NUL characters are not allowed","problems":[]}'
    headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def csrf_token(request: Request) -> str:
    """The token that this browser's forms must carry."""
    value = getattr(request.state, "csrf_value", None) or ""
    session = request.cookies.get(SESSION_COOKIE, "")
    return csrf_token_for(request.app.state.secret_key, value, session)


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request whose form field or header lacks the right CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            field = form.get(CSRF_FIELD)
            sent = field if isinstance(field, str) else None
    # The cookie must have come with the request (a fresh one means the browser had none).
    cookie = request.cookies.get(CSRF_COOKIE)
    if not sent or not cookie or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(status_code=403, detail="csrf")
