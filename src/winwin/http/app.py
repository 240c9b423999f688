"""The FastAPI application: REST API under ``/api/v1``, pages at the root, ``/healthz``.

``create_app(settings)`` builds everything, the engine included, from settings; nothing
is built at import time.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import BaseRoute

from winwin import __version__
from winwin.actions import api as api_actions
from winwin.actions import pages as web_actions
from winwin.assessments import answer_pages as web_answers
from winwin.assessments import api as api_assessments
from winwin.assessments import instrument_pages as web_instruments
from winwin.assessments import pages as web_assessments
from winwin.assessments import relationship_pages as web_relationship
from winwin.assessments import result_pages as web_assessment_results
from winwin.assessments import round_pages as web_rounds
from winwin.attachments import api as api_attachments
from winwin.attachments import pages as web_attachments
from winwin.db.engine import build_engine, session_factory
from winwin.http import errors
from winwin.http.deps import outsider_gate
from winwin.http.security import SecurityMiddleware, csrf_protect
from winwin.initiatives import api as api_initiatives
from winwin.initiatives import edit_pages as web_initiative_edit
from winwin.initiatives import learning_pages as web_learning
from winwin.initiatives import pages as web_initiatives
from winwin.innovation import api as api_innovation
from winwin.innovation import outsider_pages as web_innovation_outsiders
from winwin.innovation import pages as web_innovation
from winwin.innovation import taking_part_api as api_innovation_taking_part
from winwin.innovation import taking_part_pages as web_innovation_taking_part
from winwin.insight import api as api_insight
from winwin.insight import pages as web_insight
from winwin.jobs import api as api_jobs
from winwin.jobs import pages as web_jobs
from winwin.notifications import api as api_notifications
from winwin.notifications import pages as web_notifications
from winwin.ops import observability
from winwin.ops.capacity import RequestLimitMiddleware
from winwin.ops.retry import LockRetryMiddleware
from winwin.reports import api as api_reports
from winwin.reports import pages as web_reports
from winwin.search import api as api_search
from winwin.search import pages as web_search
from winwin.settings import DEVELOPMENT_BASE_URL, Settings
from winwin.sharing import api as api_sharing
from winwin.sharing import pages as web_sharing

log = logging.getLogger("winwin.web")


class ConfigurationError(RuntimeError):
    """The server refuses to start with this configuration."""


MIN_SECRET_BYTES = 32


def secret_key_for(settings: Settings) -> str:
    """The configured secret; in development a per-process one, in production none at all."""
    if settings.secret_key:
        if len(settings.secret_key.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"WINWIN_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes long"
            )
        return settings.secret_key
    if settings.environment == "production":
        raise ConfigurationError("WINWIN_SECRET_KEY must be set when WINWIN_ENVIRONMENT=production")
    return secrets.token_urlsafe(32)


def base_url_for(settings: Settings) -> str:
    """The public address links are built on: WINWIN_BASE_URL, required in production."""
    if settings.base_url is None:
        if settings.environment == "production":
            raise ConfigurationError(
                "WINWIN_BASE_URL must be set when WINWIN_ENVIRONMENT=production"
            )
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(settings.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            "WINWIN_BASE_URL must be an http(s) address such as https://winwin.example"
        )
    if settings.environment == "production" and parts.scheme != "https":
        raise ConfigurationError("WINWIN_BASE_URL must use https in production")
    return settings.base_url.rstrip("/")


def trusted_hosts_of(settings: Settings) -> list[str]:
    return [h.strip() for h in settings.trusted_hosts.split(",") if h.strip()]


def api_router() -> APIRouter:
    from winwin.accounts import api as accounts
    from winwin.network import api as organizations
    from winwin.network import crm_api, joining_api

    router = APIRouter(prefix="/api/v1", dependencies=[Depends(outsider_gate)])
    router.include_router(accounts.router)
    router.include_router(joining_api.router)
    router.include_router(crm_api.router)
    router.include_router(organizations.router)
    router.include_router(api_assessments.router)
    router.include_router(api_search.router)
    router.include_router(api_sharing.router)
    router.include_router(api_attachments.router)
    router.include_router(api_insight.router)
    router.include_router(api_innovation.router)
    router.include_router(api_innovation_taking_part.router)
    router.include_router(api_notifications.router)
    router.include_router(api_actions.router)
    router.include_router(api_initiatives.router)
    router.include_router(api_reports.router)
    router.include_router(api_jobs.router)
    return router


def web_router() -> APIRouter:
    from winwin.accounts import org_pages as org
    from winwin.accounts import pages as auth
    from winwin.http import pages
    from winwin.network import crm_pages, joining_pages
    from winwin.network import pages as web_network

    # Every form post of every page checks its CSRF token here, once.
    router = APIRouter(
        dependencies=[Depends(csrf_protect), Depends(outsider_gate)], include_in_schema=False
    )
    router.include_router(pages.router)
    router.include_router(auth.router)
    router.include_router(org.router)
    router.include_router(web_network.router)
    router.include_router(joining_pages.router)
    router.include_router(crm_pages.router)
    router.include_router(web_answers.router)
    router.include_router(web_assessments.router)
    router.include_router(web_relationship.router)
    router.include_router(web_rounds.router)
    router.include_router(web_instruments.router)
    router.include_router(web_assessment_results.router)
    router.include_router(web_sharing.router)
    router.include_router(web_search.router)
    router.include_router(web_attachments.router)
    router.include_router(web_insight.router)
    router.include_router(web_innovation.router)
    router.include_router(web_innovation_outsiders.router)
    router.include_router(web_innovation_taking_part.router)
    router.include_router(web_notifications.router)
    router.include_router(web_actions.router)
    router.include_router(web_reports.router)
    router.include_router(web_initiatives.router)
    router.include_router(web_learning.router)
    router.include_router(web_initiative_edit.router)
    router.include_router(web_jobs.router)
    return router


@functools.cache
def _included_routes() -> tuple[BaseRoute, ...]:
    """Every capability's API and pages, included once per process.

    FastAPI works out each route's dependencies and parameters when its router is
    included: about a second for our 260 routes, most of a test's time and of a worker's
    start. Nothing in that work depends on an app's settings (the routes read them from
    ``request.app.state``), so the inclusion is made once, on an app of its own, and every
    app the process creates shares it.
    """
    holder = FastAPI()
    before = len(holder.router.routes)
    holder.include_router(api_router())
    holder.include_router(web_router())
    return tuple(holder.router.routes[before:])


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On SQLite the job thread starts with the server, so jobs queued before a restart
    (or left by a process that died) run without waiting for a new one; on PostgreSQL
    ``winwin worker`` runs them."""
    from winwin.jobs import queue
    from winwin.jobs.runners import ThreadRunner

    app.state.jobs_runner = None
    if not queue.is_postgres(app.state.settings.database_url):
        runner = ThreadRunner(app.state.engine)
        app.state.jobs_runner = runner
        runner.start()
    try:
        yield
    finally:
        started = getattr(app.state, "jobs_runner", None)
        if started is not None:
            started.close()
            app.state.jobs_runner = None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        lifespan=lifespan,
        title="Winwin",
        version=__version__,
        description="REST API of Winwin, a platform for win*win(+win) partnerships. "
        "Authenticate with `Authorization: Bearer <API token>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    # Refuse a bad configuration before the engine is built.
    secret_key = secret_key_for(settings)
    base_url = base_url_for(settings)
    cookie_secure = settings.cookie_secure or settings.environment == "production"
    engine = build_engine(
        settings.database_url, echo=settings.echo_sql, pool_size=settings.database_pool
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.secret_key = secret_key
    app.state.base_url = base_url
    app.state.cookie_secure = cookie_secure

    errors.install(app)
    app.add_middleware(SecurityMiddleware, cookie_secure=cookie_secure)
    hosts = trusted_hosts_of(settings)
    if hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    # Outermost: each request is one unit of work, run again whole on lock contention.
    app.add_middleware(LockRetryMiddleware)
    # Around it: no more requests at once than threads and pooled connections (ops.capacity).
    app.add_middleware(RequestLimitMiddleware, requests=settings.web_threads)
    # Around it: a request id, an access log line and metrics per request; GET /metrics.
    observability.install(app)
    app.mount(
        "/static",
        StaticFiles(directory=str(files("winwin.http").joinpath("static"))),
        name="static",
    )

    @app.get(
        "/healthz",
        tags=["health"],
        summary="200 when the database answers",
        responses={503: {"description": "The database does not answer"}},
    )
    def healthz(request: Request) -> JSONResponse:
        try:
            session: Session = request.app.state.session_factory()
            with session:
                session.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    app.router.routes.extend(_included_routes())
    app.openapi = lambda: openapi_schema(app)  # type: ignore[method-assign]
    return app


ERROR_STATUSES = {
    "400": "A business rule refuses the request",
    "401": "Not signed in, or the API token is invalid",
    "403": "The signed-in person may not do this",
    "404": "Not found",
    "409": "The request clashes with the current state",
    "422": "The request is malformed; each problem names its field",
}


def openapi_schema(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description, with every error answered as a ``ProblemResponse``."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    from winwin.network.schemas import ProblemResponse

    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = ProblemResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in problem.pop("$defs", {}).items():
        components[name] = definition
    components["ProblemResponse"] = problem
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    reference = {"$ref": "#/components/schemas/ProblemResponse"}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if not path.startswith("/api/"):
                operation["security"] = []
                continue
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = {"application/json": {"schema": reference}}
    security = {"bearer": {"type": "http", "scheme": "bearer"}}
    schema["components"]["securitySchemes"] = security
    schema["security"] = [{"bearer": []}]
    app.openapi_schema = schema
    return schema
