"""Runtime settings, read from the environment (prefix ``WINWIN_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"
"""Where links point when WINWIN_BASE_URL is not set (development only)."""


DATABASE_POOL_RESERVE = 5
"""Connections beyond the thread pool: routes that work on the event loop, the SQLite job
thread (its read and its progress at once) and a background task's own session."""


def default_database_url() -> str:
    path = Path(user_data_dir("winwin", appauthor=False)) / "winwin.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    """Everything the doors need to build an engine and serve requests."""

    model_config = SettingsConfigDict(env_prefix="WINWIN_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    # Exactly one of these words: "Production" or "prod" is refused rather than read as
    # development. "development" and "test" allow a generated per-process secret;
    # "production" refuses to start without WINWIN_SECRET_KEY and WINWIN_BASE_URL and
    # always sends Secure cookies.
    environment: Literal["development", "test", "production"] = "development"
    secret_key: str | None = None
    # Secrets this one replaced, comma-separated (WINWIN_SECRET_KEY_PREVIOUS): what was
    # sealed under them still opens (mail waiting in the queue), nothing new is sealed.
    secret_key_previous: str = ""
    cookie_secure: bool = False
    # The public address of the site (scheme, host, optional port and path), used for
    # every link that leaves the site: reset, invitation and answer links. Never taken
    # from a request's Host header.
    base_url: str | None = None
    # Host names the server answers to (comma-separated); empty answers any host.
    trusted_hosts: str = ""
    mail_server: str | None = None
    # How often a PostgreSQL job worker tells the queue it is alive, and how long after its
    # last heartbeat its running jobs are taken as stalled (its host or process died) and
    # run again elsewhere. The threshold must be well above the interval.
    job_heartbeat_seconds: float = Field(default=10.0, gt=0)
    job_stalled_seconds: float = Field(default=60.0, gt=0)
    # Whether an organisation that joins by invitation waits for a platform admin's
    # approval (WINWIN_APPROVE_ORGANISATIONS=1, the default) or is active at once (0).
    approve_organisations: bool = True
    echo_sql: bool = False
    # Threads of one web worker process that run its synchronous routes and background
    # tasks (WINWIN_WEB_THREADS); its database pool is derived from it (database_pool).
    web_threads: int = Field(default=20, ge=1, le=1000)

    @property
    def database_pool(self) -> int:
        """Connections a web worker process keeps: one for each of its threads and
        DATABASE_POOL_RESERVE more, so that no request waits for a connection."""
        return self.web_threads + DATABASE_POOL_RESERVE

    @property
    def previous_secret_keys(self) -> tuple[str, ...]:
        """The secrets of WINWIN_SECRET_KEY_PREVIOUS, in the order listed."""
        return split_secrets(self.secret_key_previous)


def split_secrets(raw: str) -> tuple[str, ...]:
    """The secrets of a comma-separated list (blanks around them ignored)."""
    return tuple(k.strip() for k in raw.split(",") if k.strip())


@lru_cache
def get_settings() -> Settings:
    return Settings()
