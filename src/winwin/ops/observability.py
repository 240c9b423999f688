"""Request ids, structured JSON logs and Prometheus metrics at ``/metrics``.

- Every request gets an id: the caller's ``X-Request-ID`` when it is a short token
  (a reverse proxy's), else a new one. It is answered in ``X-Request-ID`` and carried by
  every log record written while the request runs.
- ``WINWIN_LOG_FORMAT=json`` writes one JSON object per log line (``time``, ``level``,
  ``logger``, ``message``, ``request_id`` and the record's extra fields); each request
  ends with an ``http request`` line (method, route, status, duration).
- ``/metrics`` is the Prometheus text format (prometheus-client): requests by method,
  route template and status, their durations, and requests in progress. With several
  worker processes set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory shared by the
  workers; ``/metrics`` then adds up every worker's numbers.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

REQUEST_ID_HEADER = "x-request-id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_request_id: ContextVar[str | None] = ContextVar("winwin_request_id", default=None)

access_log = logging.getLogger("winwin.access")

# Metric objects live once per process (a second app in the same process, as in tests,
# shares them); labels are route templates, never raw paths, so their number is bounded.
REQUESTS = Counter(
    "winwin_http_requests",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
DURATION = Histogram(
    "winwin_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
IN_PROGRESS = Gauge(
    "winwin_http_requests_in_progress",
    "HTTP requests being answered",
    multiprocess_mode="livesum",
)


def current_request_id() -> str | None:
    """The id of the request being answered in this context, if any."""
    return _request_id.get()


def _route_of(scope: dict[str, Any]) -> str:
    # A route of an included router knows only its own part of the path; FastAPI keeps
    # the whole template in its effective route context.
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    template = getattr(context, "path_format", None)
    if isinstance(template, str):
        return template
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"


class ObservabilityMiddleware:
    """Pure ASGI middleware: request id, access log line and metrics for each request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"")
        given = sent.decode("latin-1")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        status = 500
        started = time.perf_counter()

        async def reply(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != REQUEST_ID_HEADER.encode()
                ]
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, reply)
        finally:
            IN_PROGRESS.dec()
            elapsed = time.perf_counter() - started
            method = scope["method"]
            route = _route_of(scope)
            REQUESTS.labels(method, route, str(status)).inc()
            DURATION.labels(method, route).observe(elapsed)
            access_log.info(
                "http request",
                extra={
                    "method": method,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 3),
                },
            )
            _request_id.reset(token)


def metrics_body() -> tuple[bytes, str]:
    """The Prometheus text of this process, or of every worker in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


# logs ---------------------------------------------------------------------------------
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (or None) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the record's ``extra`` fields are kept."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                document[key] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False, default=str)


def configure_logging(log_format: str | None = None, *, level: int = logging.INFO) -> None:
    """Send every log record (uvicorn's included) through one handler on standard error.

    ``log_format`` is ``json`` or ``text`` (default: ``$WINWIN_LOG_FORMAT``, else text).
    """
    chosen = (log_format or os.environ.get("WINWIN_LOG_FORMAT") or "text").strip().lower()
    if chosen not in ("json", "text"):
        raise ValueError("WINWIN_LOG_FORMAT must be json or text")
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if chosen == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(levelname)s %(name)s [%(request_id)s]: %(message)s")
        )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # The access line of each request is winwin.access's; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = chosen == "json"


def install(app: FastAPI) -> None:
    """Add the middleware (outermost) and ``GET /metrics`` to the app."""

    app.add_middleware(ObservabilityMiddleware)
    if os.environ.get("WINWIN_LOG_FORMAT"):
        configure_logging()

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        body, media_type = metrics_body()
        return Response(body, media_type=media_type)
