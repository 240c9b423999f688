"""Sign in and out, password change and reset, API tokens of the signed-in person, and
an outsider's sign-up (``/join``) and the link that verifies their address."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response

from winwin.accounts import outsiders
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.http.deps import (
    CurrentUser,
    IdPath,
    OptionalUser,
    SessionDep,
    public_base_url,
)
from winwin.http.pages import safe_next
from winwin.http.security import SESSION_COOKIE
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import InvalidInput, PermissionDenied
from winwin.mail.delivery import shows_link_on_page
from winwin.mail.web import mail_system_link

router = APIRouter()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.app.state.cookie_secure,
        path="/",
    )


def link_page(
    request: Request,
    template: str,
    token: str,
    target: User | None,
    status_code: int | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A page a one-time link opens (a password reset, an invitation, an outsider's
    verification): whose password it sets, or that it no longer works (404)."""
    context = {"token": token, "target": target, "invalid": target is None, **extra}
    status = status_code if status_code is not None else 200 if target else 404
    return render(request, template, context, status_code=status, headers=headers)


@router.get("/login", name="login")
def login_page(request: Request, actor: OptionalUser, next: str | None = None) -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": safe_next(next), "nav": "login"})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    target = safe_next(next)
    context = {"next": target, "email": email, "nav": "login"}
    # The attempt is stored and committed before it is judged, so parallel guesses
    # cannot all pass the limit between the check and the count.
    accounts.reserve_sign_in_attempt(session, email=email, ip=client_ip(request))
    session.commit()
    try:
        attempt = accounts.start_sign_in(session, email=email, ip=client_ip(request))
        # The read ends before the password hash is checked, so that the hash (slow on
        # purpose) holds no database connection: under a burst of sign-ins the pool ran
        # dry and other requests failed waiting for one (docs/benchmarks.md).
        session.commit()
        ok = accounts.password_matches(attempt, password)
        _user, token = accounts.finish_sign_in(session, attempt=attempt, password=password, ok=ok)
    except accounts.TooManyAttempts:
        return render(
            request,
            "auth/login.html",
            {**context, "error": "too_many"},
            status_code=429,
            headers={"Retry-After": "900"},
        )
    except accounts.BadCredentials:
        return render(request, "auth/login.html", {**context, "error": "bad"}, status_code=401)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.sign_out(session, session_token=token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/forgot", name="forgot")
def forgot_page(request: Request, sent: bool = False) -> Response:
    return render(request, "auth/forgot.html", {"nav": "login", "sent": sent})


@router.post("/forgot")
def forgot(
    request: Request,
    session: SessionDep,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=320)],
) -> Response:
    link = accounts.request_password_reset(session, email=email, base_url=public_base_url(request))
    if link is not None:
        to = email.strip().lower()
        mail_system_link(request, background, session, kind="reset", to=to, link=link)
    # The same answer whether or not the email is known; a redirect, so that reloading
    # the page never mails another link.
    return RedirectResponse("/forgot?sent=1", status_code=303)


@router.get("/reset/{token}", name="reset")
def reset_page(request: Request, session: SessionDep, token: str) -> Response:
    target = accounts.reset_target(session, token=token)
    return link_page(request, "auth/reset.html", token, target, nav="login")


@router.post("/reset/{token}")
def reset(
    request: Request,
    session: SessionDep,
    token: str,
    new_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        user = accounts.reset_password(session, token=token, new=new_password)
    except (InvalidInput, PermissionDenied) as exc:
        session.rollback()
        status = 403 if isinstance(exc, PermissionDenied) else 422
        target = accounts.reset_target(session, token=token)
        return link_page(request, "auth/reset.html", token, target, status, error=exc)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, accounts.open_session(session, user_id=user.id))
    return response


@router.get("/account", name="account")
def account_page(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    tokens = accounts.list_api_tokens(session, user_id=actor.person_id)
    return render(request, "auth/account.html", {"tokens": tokens, "nav": "account"})


@router.post("/account/password", name="change_password")
def change_password(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    revoke_tokens: Annotated[bool, Form()] = False,
) -> Response:
    try:
        accounts.change_password(
            session,
            user_id=actor.person_id,
            current=current_password,
            new=new_password,
            keep_session=request.cookies.get(SESSION_COOKIE),
            revoke_tokens=revoke_tokens,
        )
    except InvalidInput as exc:
        session.rollback()
        tokens = accounts.list_api_tokens(session, user_id=actor.person_id)
        return render(
            request,
            "auth/account.html",
            {"tokens": tokens, "password_error": exc, "nav": "account"},
            status_code=422,
        )
    return RedirectResponse("/account?changed=1", status_code=303)


@router.post("/account/tokens", name="create_token")
def create_token(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        created = accounts.create_api_token(session, user_id=actor.person_id, name=name)
    except InvalidInput as exc:
        session.rollback()
        tokens = accounts.list_api_tokens(session, user_id=actor.person_id)
        return render(
            request,
            "auth/account.html",
            {"tokens": tokens, "token_error": exc, "nav": "account"},
            status_code=422,
        )
    tokens = accounts.list_api_tokens(session, user_id=actor.person_id)
    return render(
        request, "auth/account.html", {"tokens": tokens, "new_token": created, "nav": "account"}
    )


@router.post("/account/tokens/{token_id}/revoke", name="revoke_token")
def revoke_token(actor: CurrentUser, session: SessionDep, token_id: IdPath) -> Response:
    accounts.revoke_api_token(session, user_id=actor.person_id, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


# --- outsiders: sign-up and the link that verifies the address -----------------------------
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@router.get("/join", name="join")
def join_page(request: Request, actor: OptionalUser) -> Response:
    if actor is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "auth/join.html", {"nav": "join", "values": {}})


@router.post("/join")
def join(
    request: Request,
    session: SessionDep,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=1000)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    values = {"email": email, "name": name}
    # Counted and committed before it is judged, as a sign-in is.
    outsiders.reserve_sign_up(session, email=email, ip=client_ip(request))
    session.commit()
    try:
        done = outsiders.sign_up(
            session,
            email=email,
            name=name,
            ip=client_ip(request),
            base_url=public_base_url(request),
            locale=request_locale(request),
        )
    except accounts.TooManyAttempts:
        return render(
            request,
            "auth/join.html",
            {"nav": "join", "values": values, "too_many": True},
            status_code=429,
            headers={"Retry-After": "3600"},
        )
    except InvalidInput as exc:
        session.rollback()
        return render(
            request,
            "auth/join.html",
            {"nav": "join", "values": values, "error": exc},
            status_code=422,
        )
    settings = request.app.state.settings
    if done.link is not None and shows_link_on_page(settings):
        # No mail server outside production: the page shows the link, as answer links are
        # shown; the token rides in the redirect so that reloading never signs up again.
        token = done.link.rsplit("/", 1)[1]
        return RedirectResponse(f"/join/sent?token={token}", status_code=303)
    if done.link is not None:
        # Queued in this transaction and sent after the commit, so the link works by the
        # time it arrives; without a mail server (production) it goes to the log.
        mail_system_link(request, background, session, kind="verify", to=done.email, link=done.link)
    # A taken address is answered as a new one: nothing tells whether an account exists.
    return RedirectResponse("/join/sent", status_code=303)


@router.get("/join/sent", name="join_sent")
def join_sent(request: Request, token: str | None = None) -> Response:
    link = None
    if token and TOKEN.match(token) and shows_link_on_page(request.app.state.settings):
        link = f"{public_base_url(request).rstrip('/')}/join/{token}"
    return render(request, "auth/join_sent.html", {"nav": "join", "link": link})


@router.get("/join/{token}", name="join_verify")
def verify_page(request: Request, session: SessionDep, token: str) -> Response:
    # Opening the link changes nothing (mail scanners open links); choosing the password
    # uses it up.
    target = outsiders.verification_target(session, token=token)
    return link_page(request, "auth/join_verify.html", token, target, nav="join")


@router.post("/join/{token}")
def verify(
    request: Request,
    session: SessionDep,
    token: str,
    new_password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    outsiders.reserve_verification(session, token=token, ip=client_ip(request))
    session.commit()
    try:
        user = outsiders.verify(session, token=token, password=new_password, ip=client_ip(request))
    except accounts.TooManyAttempts:
        target = outsiders.verification_target(session, token=token)
        return link_page(
            request,
            "auth/join_verify.html",
            token,
            target,
            429,
            headers={"Retry-After": "3600"},
            too_many=True,
        )
    except (InvalidInput, PermissionDenied) as exc:
        session.rollback()
        target = outsiders.verification_target(session, token=token)
        status = 404 if isinstance(exc, PermissionDenied) else 422
        return link_page(request, "auth/join_verify.html", token, target, status, error=exc)
    response = RedirectResponse("/public/innovation?done=joined", status_code=303)
    set_session_cookie(request, response, accounts.open_session(session, user_id=user.id))
    return response
