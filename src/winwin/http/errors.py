"""The error edge: ``winwin.kernel.errors`` to HTTP statuses.

The REST API (paths under ``/api/``) answers JSON
``{"detail": ..., "problems": [{"path": ..., "message": ...}]}``; pages answer an error
page in the user's language, and a page that needs a signed-in user redirects to the
sign-in page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from winwin.http import i18n
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
    WinwinError,
)

log = logging.getLogger("winwin.web")


def status_for(exc: WinwinError) -> int:
    from winwin.accounts.service import BadCredentials, TooManyAttempts

    if isinstance(exc, RuleBroken):
        return 400
    if isinstance(exc, InvalidInput):
        return 422
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, BadCredentials):
        return 401
    return 400


def problems_of(exc: WinwinError) -> list[Problem]:
    if isinstance(exc, InvalidInput):
        return exc.problems
    return [exc.problem]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem_response(status: int, detail: str, problems: list[Problem]) -> JSONResponse:
    return JSONResponse(
        {
            "detail": detail,
            "problems": [
                {"path": p.path, "message": p.message, **({"code": p.code} if p.code else {})}
                for p in problems
            ],
        },
        status_code=status,
    )


def _page(request: Request, status: int, message: str, *, said: bool = False) -> Response:
    """The error page; ``said`` when ``message`` is already in the page's language (a
    refusal translated by its code), so that it is shown as it is."""
    from winwin.http.templating import render, request_locale

    shown = message if said else _in_page_language(message, status, request_locale(request))
    return render(request, "error.html", {"status": status, "message": shown}, status_code=status)


def _in_page_language(message: str, status: int, locale: str) -> str:
    """The detail as the page's language has it. A 403 or 404 detail that the catalog
    does not know (``there is no item 'x'``) is left out on a page in another language
    than English: the heading already says what happened, in the reader's language."""
    translated = i18n.translate(locale, message) if message else message
    if status in (403, 404) and locale != "en" and translated == message:
        return ""
    return translated


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WinwinError)
    status = status_for(exc)
    if is_api(request):
        return problem_response(status, str(exc), problems_of(exc))
    if exc.problem.code:
        from winwin.http.templating import request_locale

        return _page(request, status, i18n.say(exc.problem, request_locale(request)), said=True)
    return _page(request, status, str(exc))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers: dict[str, Any] = dict(getattr(exc, "headers", None) or {})
    detail = str(exc.detail)
    if is_api(request) or request.url.path in ("/healthz", "/openapi.json"):
        response = problem_response(exc.status_code, detail, [Problem("", detail)])
        for key, value in headers.items():
            response.headers[key] = value
        return response
    if exc.status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if exc.status_code == 303 and "Location" in headers:
        # A page dependency sends the person elsewhere first (``http.page_deps``: a
        # platform admin chooses the organisation they act for).
        return RedirectResponse(headers["Location"], status_code=303)
    return _page(request, exc.status_code, detail)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
        problems.append(Problem(".".join(location), str(error.get("msg", "is invalid"))))
    if is_api(request):
        return problem_response(422, "the request is invalid", problems)
    return _page(request, 422, "; ".join(str(p) for p in problems))


async def on_unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        message = "an unexpected error happened; it has been logged"
        return problem_response(500, message, [Problem("", message)])
    return _page(request, 500, "")


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, on_unexpected_error)
    app.add_exception_handler(WinwinError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
