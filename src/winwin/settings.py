"""Runtime settings, read from the environment (prefix ``WINWIN_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    path = Path(user_data_dir("winwin", appauthor=False)) / "winwin.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    """Everything the doors need to build an engine and serve requests."""

    model_config = SettingsConfigDict(env_prefix="WINWIN_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    # "development" allows a generated per-process secret; "production" refuses to
    # start without WINWIN_SECRET_KEY.
    environment: str = "development"
    secret_key: str | None = None
    cookie_secure: bool = False
    mail_server: str | None = None
    echo_sql: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()
