"""The Jinja2 environment of the pages and ``render``, the one way to answer with a page.

Templates see, besides their own context: ``_``/``gettext``/``ngettext``/``pgettext`` (in the
request's language), ``locale``, ``user`` (the signed-in ``Actor`` or None),
``csrf_token``, ``request``, ``url_for``, ``static(path)``, ``nav`` (the current
section), and the filters ``date``, ``number`` and ``percent`` (Babel, localised) and
``tojson``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from winwin.http import i18n
from winwin.http.security import csrf_token

LANG_COOKIE = "winwin_lang"


def templates_dir() -> Path:
    return Path(str(files("winwin.http").joinpath("templates")))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext, npgettext=i18n.npgettext
    )
    env.filters["date"] = i18n.date_filter
    env.filters["number"] = i18n.number_filter
    env.filters["percent"] = i18n.percent_filter
    env.filters["possessive"] = i18n.possessive_filter
    env.globals["LANGUAGES"] = i18n.LANGUAGE_NAMES
    # ``tr`` translates a text that came from code (a service's problem message, a role).
    env.globals["tr"] = i18n.gettext
    env.globals["describe_path"] = describe_path
    # ``say`` translates a service's problem: by its refusal code when it has one.
    env.globals["say"] = lambda problem: i18n.say(problem, i18n.current_locale.get())
    return env


def request_locale(request: Request) -> str:
    """The signed-in user's language, else the language cookie, else the browser's, else fi."""
    actor = getattr(request.state, "actor", None)
    return i18n.choose_locale(
        user_locale=getattr(actor, "locale", None),
        cookie_locale=request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page in the request's language."""
    locale = request_locale(request)
    token = i18n.current_locale.set(locale)
    try:
        values: dict[str, Any] = {
            "request": request,
            "locale": locale,
            "user": getattr(request.state, "actor", None),
            "csrf_token": csrf_token(request),
            "url_for": request.url_for,
            "static": static_url,
            "nav": None,
        }
        values.update(context or {})
        html = environment().get_template(template).render(values)
    finally:
        i18n.current_locale.reset(token)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["content-language"] = locale
    response.headers["vary"] = "Accept-Language, Cookie"
    # Pages carry personal data and CSRF tokens: no shared or back-button caches.
    response.headers["cache-control"] = "no-store"
    return response


def describe_path(path: str) -> str:
    """A problem's path for people: ``line 3.email`` → "line 3, Email" in their language."""
    parts = []
    for part in path.split("."):
        if part.startswith("line ") and part[5:].isdigit():
            parts.append(i18n.gettext("line %(n)s") % {"n": part[5:]})
        elif part:
            parts.append(i18n.gettext(FIELD_LABELS.get(part, part)))
    return ", ".join(parts)


FIELD_LABELS = {
    "email": "Email",
    "name": "Name",
    "role": "Role",
    "file": "CSV file",
    "person": "Person",
    "country": "Country",
}


def static_url(path: str) -> str:
    return f"/static/{path.lstrip('/')}"


class Progress(Protocol):
    """What a progress fragment needs of a job (``jobs.service.JobView`` is one)."""

    @property
    def status(self) -> str: ...


def render_progress(
    request: Request, template: str, job: Progress, context: dict[str, Any]
) -> HTMLResponse:
    """A job's progress for htmx to poll; once it has succeeded, htmx reloads the page."""
    headers = {"cache-control": "no-store"}
    if job.status == "succeeded":
        headers["HX-Refresh"] = "true"
    return render(request, template, {"job": job, **context}, headers=headers)
