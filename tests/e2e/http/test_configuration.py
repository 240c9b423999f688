"""The server's configuration: links never follow the Host header, production is strict.

Regression tests for findings of the security review: a reset link took its host from
the request (``Host: evil.example``), ``WINWIN_ENVIRONMENT=Production`` started without a
secret, a one-character secret was accepted, cookies were not forced Secure in
production, and a CSRF token from one session was accepted in another.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from support.secrets import TEST_SECRET
from support.smtp import smtp_server
from support.web import csrf_of, demo_database, sign_in
from winwin.http.app import ConfigurationError, create_app
from winwin.settings import Settings

SECRET = TEST_SECRET


def _settings(tmp_path, **values) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=demo_database(tmp_path), secret_key=SECRET, **values)


@pytest.mark.parametrize("host", ["evil.example", "winwin.example.evil.example:8443"])
def test_a_reset_link_uses_the_configured_base_url_whatever_the_host_header(tmp_path, host):
    with smtp_server() as inbox:
        settings = _settings(
            tmp_path, base_url="https://winwin.example/app", mail_server=inbox.address
        )
        with TestClient(create_app(settings)) as client:
            token = csrf_of(client)
            answer = client.post(
                "/forgot",
                data={"csrf_token": token, "email": "member@kuusi.example"},
                headers={"Host": host, "Accept-Language": "en"},
            )
            assert answer.status_code == 200
        [message] = inbox.wait_for(1)
    body = message.get_content()
    assert "https://winwin.example/app/reset/" in body
    assert host.split(":")[0] not in body


def test_an_invitation_link_uses_the_configured_base_url(tmp_path, caplog):
    settings = _settings(tmp_path, base_url="https://winwin.example")
    with TestClient(create_app(settings)) as client:
        token = sign_in(client, "admin@kuusi.example")
        with caplog.at_level("WARNING", logger="winwin.mail"):
            client.post(
                "/org/people",
                data={"csrf_token": token, "name": "Ulla Uusi", "email": "ulla@kuusi.example"},
                headers={"Host": "evil.example"},
            )
    [link] = re.findall(r"invitation link for ulla@kuusi.example: (\S+)", caplog.text)
    assert link.startswith("https://winwin.example/")


@pytest.mark.parametrize("word", ["Production", "PRODUCTION", "prod", "production ", ""])
def test_an_environment_that_is_not_exactly_a_known_word_is_refused(tmp_path, word):
    with pytest.raises(ValidationError):
        Settings(database_url=demo_database(tmp_path), environment=word)


def test_an_unknown_environment_stops_winwin_serve_with_its_name(tmp_path, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from winwin.cli.main import app

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("must not serve"))
    monkeypatch.setenv("WINWIN_ENVIRONMENT", "Production")
    result = CliRunner().invoke(app, ["--db", demo_database(tmp_path), "serve"])
    assert result.exit_code != 0
    assert "WINWIN_ENVIRONMENT" in str(result.exception)


@pytest.mark.parametrize("secret", ["x", "a" * 31, "ä" * 15])
def test_a_secret_shorter_than_32_bytes_is_refused(tmp_path, secret):
    for environment in ("development", "production"):
        settings = Settings(
            database_url=demo_database(tmp_path),
            environment=environment,
            secret_key=secret,
            base_url="https://winwin.example",
        )
        with pytest.raises(ConfigurationError, match="32 bytes"):
            create_app(settings)


@pytest.mark.parametrize(
    "url", ["winwin.example", "ftp://winwin.example", "https://", "https://w.example/?a=1"]
)
def test_a_base_url_that_is_not_an_http_address_is_refused(tmp_path, url):
    with pytest.raises(ConfigurationError, match="WINWIN_BASE_URL"):
        create_app(_settings(tmp_path, base_url=url))


def test_production_requires_an_https_base_url(tmp_path):
    settings = _settings(tmp_path, environment="production", base_url="http://winwin.example")
    with pytest.raises(ConfigurationError, match="https"):
        create_app(settings)


def test_production_always_sends_secure_cookies(tmp_path):
    settings = _settings(tmp_path, environment="production", base_url="https://winwin.example")
    assert settings.cookie_secure is False
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        first = client.get("/login")
        assert "secure" in first.headers["set-cookie"].lower()
        token = csrf_of(client)
        signed_in = client.post(
            "/login",
            data={"email": "member@kuusi.example", "password": "winwin-demo", "csrf_token": token},
            follow_redirects=False,
        )
    assert signed_in.status_code == 303
    assert "secure" in signed_in.headers["set-cookie"].lower()


def test_trusted_hosts_refuse_any_other_host(tmp_path):
    settings = _settings(tmp_path, trusted_hosts="winwin.example, www.winwin.example")
    with TestClient(create_app(settings), base_url="http://winwin.example") as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_a_csrf_token_from_another_session_is_refused(tmp_path):
    app = create_app(_settings(tmp_path))
    with TestClient(app) as alice, TestClient(app) as mallory:
        sign_in(alice, "member@kuusi.example")
        sign_in(mallory, "member@kuusi.example")
        stolen = csrf_of(alice, "/account")
        # Mallory's browser holds the same CSRF cookie value as Alice's, as a fixated or
        # shared cookie would; only the session differs.
        mallory.cookies.set("winwin_csrf", alice.cookies.get("winwin_csrf"))
        refused = mallory.post("/logout", data={"csrf_token": stolen}, follow_redirects=False)
        own = csrf_of(mallory, "/account")
        accepted = mallory.post("/logout", data={"csrf_token": own}, follow_redirects=False)
    assert refused.status_code == 403
    assert accepted.status_code == 303
