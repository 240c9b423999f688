"""``winwin serve``: builds the app from the database option and prints the demo accounts."""

from __future__ import annotations

import uvicorn
from typer.testing import CliRunner

from winwin.cli.main import app
from winwin.db import schema
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.network.demo import load_demo


def current_database(url: str, *, demo: bool) -> None:
    """The whole schema, stamped as current (migrations are tested on their own)."""
    from alembic import command

    engine = build_engine(url)
    Base.metadata.create_all(engine)
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    if demo:
        with unit_of_work(session_factory(engine)) as session:
            load_demo(session)
    engine.dispose()


def test_serve_prints_one_demo_account_per_role_and_runs_the_app(tmp_path, monkeypatch):
    served = {}

    def fake_run(application, host, port, **_options):  # type: ignore[no-untyped-def]
        served.update(app=application, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    current_database(url, demo=True)
    result = CliRunner().invoke(app, ["--db", url, "serve", "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    for email in (
        "platform@winwin.example",
        "facilitator@winwin.example",
        "admin@kuusi.example",
        "member@kuusi.example",
    ):
        assert email in result.output
    assert "winwin-demo" in result.output
    assert (served["host"], served["port"]) == ("0.0.0.0", 8123)
    assert served["app"].state.settings.database_url == url


def test_serve_on_an_empty_database_prints_no_accounts(tmp_path, monkeypatch):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    current_database(url, demo=False)
    result = CliRunner().invoke(app, ["--db", url, "serve"])
    assert result.exit_code == 0, result.output
    assert "Demo accounts" not in result.output
    assert "http://127.0.0.1:8000/" in result.output


def test_serve_refuses_production_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setenv("WINWIN_ENVIRONMENT", "production")
    monkeypatch.delenv("WINWIN_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    result = CliRunner().invoke(app, ["--db", url, "serve"])
    assert result.exit_code != 0
    assert "WINWIN_SECRET_KEY" in str(result.exception)
