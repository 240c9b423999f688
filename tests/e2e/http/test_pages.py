"""Pages over HTTP: language, CSRF, cookies, security headers, sign-in limits, org admin."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from support.secrets import TEST_SECRET
from support.web import csrf_of, sign_in
from winwin.http import i18n
from winwin.http.app import ConfigurationError, create_app
from winwin.settings import Settings

TEMPLATES = Path(__file__).parents[3] / "src" / "winwin" / "http" / "templates"


def html_lang(text: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', text).group(1)


def test_pages_are_finnish_by_default(client):
    response = client.get("/", headers={"Accept-Language": ""})
    assert html_lang(response.text) == "fi"
    assert "Kirjaudu sisään" in response.text


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("sv-SE,fi;q=0.8,en;q=0.5", "fi"),
        ("de, en;q=0.1", "en"),
        ("de", "fi"),
    ],
)
def test_the_browser_language_is_used_when_the_user_chose_none(client, header, lang):
    assert html_lang(client.get("/login", headers={"Accept-Language": header}).text) == lang


def test_a_signed_in_users_choice_beats_the_browser(client):
    token = sign_in(client, "member@kuusi.example")
    client.post("/lang", data={"locale": "en", "csrf_token": token, "next": "/"})
    client.cookies.delete("winwin_lang")  # the stored choice alone must carry it
    page = client.get("/", headers={"Accept-Language": "fi"})
    assert html_lang(page.text) == "en"
    assert "Relationships" in page.text


def test_the_language_switch_only_returns_to_local_pages(client):
    token = csrf_of(client)
    response = client.post(
        "/lang",
        data={"locale": "en", "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_the_language_switch_after_a_refused_form_returns_to_a_page_not_a_405(client):
    token = sign_in(client, "member@kuusi.example")
    # A refused form leaves the browser on its POST-only address; the switch goes up to
    # the nearest page that answers GET, keeping a readable page's query.
    cases = {
        "/innovation/some-idea/stage": "/innovation/some-idea",
        "/feed?org=kuusi": "/feed?org=kuusi",
        "/items": "/",
        "/lang": "/",
    }
    for pressed_on, landed in cases.items():
        response = client.post(
            "/lang",
            data={"locale": "en", "csrf_token": token, "next": pressed_on},
            follow_redirects=False,
        )
        assert response.headers["location"] == landed
        assert client.get(landed).status_code != 405


def test_a_form_without_its_csrf_token_is_refused(client):
    csrf_of(client)
    response = client.post(
        "/login", data={"email": "member@kuusi.example", "password": "winwin-demo"}
    )
    assert response.status_code == 403
    assert "winwin_session" not in client.cookies


def test_a_csrf_token_from_another_browser_is_refused(client, web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app) as other:
        foreign = csrf_of(other)
    csrf_of(client)
    response = client.post(
        "/login",
        data={"email": "member@kuusi.example", "password": "winwin-demo", "csrf_token": foreign},
    )
    assert response.status_code == 403


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"email": "member@kuusi.example", "password": "winwin-demo", "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "winwin_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie


def test_the_cookie_is_secure_when_configured(tmp_path):
    from fastapi.testclient import TestClient

    from support.web import demo_database

    settings = Settings(
        database_url=demo_database(tmp_path),
        secret_key=TEST_SECRET,
        cookie_secure=True,
    )
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        token = csrf_of(client)
        response = client.post(
            "/login",
            data={"email": "member@kuusi.example", "password": "winwin-demo", "csrf_token": token},
            follow_redirects=False,
        )
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_repeated_failed_sign_ins_answer_429(client):
    token = csrf_of(client)
    statuses = [
        client.post(
            "/login",
            data={"email": "member@kuusi.example", "password": "nope", "csrf_token": token},
        ).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]


def test_every_page_carries_the_security_headers(client):
    for path in ("/", "/login", "/healthz", "/static/app.css", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path


def test_no_template_has_an_inline_script_or_event_handler():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50, TEMPLATES  # the folder moved once and the test read nothing
    for template in templates:
        text = template.read_text("utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/p.db", environment="production")
    with pytest.raises(ConfigurationError):
        create_app(settings)
    ok = Settings(
        database_url=f"sqlite:///{tmp_path}/p.db",
        environment="production",
        secret_key=TEST_SECRET,
    )
    with pytest.raises(ConfigurationError, match="WINWIN_BASE_URL"):
        create_app(ok)
    ok.base_url = "https://winwin.example"
    assert create_app(ok).state.secret_key == TEST_SECRET


def test_the_dashboard_shows_the_signed_in_organisation_and_its_sections(client):
    sign_in(client, "member@kuusi.example")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert "<h1>Kuusi Paper Oy</h1>" in page.text
    for link in ("/relationships", "/feed", "/pairs", "/org"):
        assert f'href="{link}"' in page.text


def test_a_facilitator_switches_between_its_clients_but_not_beyond(client):
    sign_in(client, "facilitator@winwin.example")
    home = client.get("/", headers={"Accept-Language": "en"}).text
    clients = re.findall(r'<li><a href="/\?org=([a-z]+)"', home)
    assert sorted(clients) == ["kuusi", "meijeri", "pakkaus"]
    assert "<h1>Pakkaus-Aalto Oy</h1>" in client.get("/?org=pakkaus").text
    # The choice is remembered.
    assert "<h1>Pakkaus-Aalto Oy</h1>" in client.get("/").text
    # A link for an organisation beyond the grants opens the remembered one and says so,
    # alike for an unknown key; a form that acts for it is refused.
    for beyond in ("lab", "no-such-org"):
        page = client.get(f"/?org={beyond}", headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert "<h1>Pakkaus-Aalto Oy</h1>" in page.text
        assert "The link was for an organisation you do not act for" in page.text
    assert "you do not act for" not in client.get("/?org=pakkaus").text
    token = csrf_of(client)
    refused = client.post("/feed/items?org=lab", data={"csrf_token": token, "body": "x"})
    assert refused.status_code == 403


def test_an_org_admin_invites_by_csv_and_sees_a_per_line_report(client):
    token = sign_in(client, "admin@kuusi.example")
    bad = "email,name\nfine@kuusi.example,Fine\nbroken,Broken\n"
    response = client.post(
        "/org/people/import",
        data={"csrf_token": token},
        files={"file": ("people.csv", bad.encode(), "text/csv")},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "line 3, Email" in response.text
    assert "fine@kuusi.example" not in client.get("/org").text
    good = "email,name\nfine@kuusi.example,Fine\n"
    client.post(
        "/org/people/import",
        data={"csrf_token": token},
        files={"file": ("people.csv", good.encode(), "text/csv")},
    )
    assert "fine@kuusi.example" in client.get("/org").text


def test_a_profile_error_is_shown_beside_its_field_in_finnish(client):
    token = sign_in(client, "admin@kuusi.example")
    client.post("/lang", data={"locale": "fi", "csrf_token": token})
    response = client.post(
        "/org/profile", data={"csrf_token": token, "name": "Kuusi Paper Oy", "country": "Suomi"}
    )
    assert response.status_code == 422
    assert 'id="p-country"' in response.text
    assert "on kaksikirjaiminen maakoodi" in response.text
    assert re.search(r'id="p-country"[^>]*aria-invalid="true"', response.text)


def test_every_po_file_of_a_locale_is_merged(tmp_path, monkeypatch):
    directory = tmp_path / "fi" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    for name, msgid, msgstr in (("a", "Apple", "Omena"), ("b", "Pear", "Päärynä")):
        (directory / f"{name}.po").write_text(
            f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            f'msgid "{msgid}"\nmsgstr "{msgstr}"\n',
            "utf-8",
        )
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    i18n.reload()
    try:
        assert i18n.translate("fi", "Apple") == "Omena"
        assert i18n.translate("fi", "Pear") == "Päärynä"
        assert i18n.translate("fi", "Plum") == "Plum"
    finally:
        monkeypatch.undo()
        i18n.reload()


def test_dates_and_numbers_follow_the_language():
    from datetime import date

    token = i18n.current_locale.set("fi")
    try:
        assert i18n.number_filter(1234.5) == "1\xa0234,5"
        assert "2026" in i18n.date_filter(date(2026, 3, 1))
        fi_date = i18n.date_filter(date(2026, 3, 1), "long")
    finally:
        i18n.current_locale.reset(token)
    token = i18n.current_locale.set("en")
    try:
        assert i18n.number_filter(1234.5) == "1,234.5"
        assert i18n.date_filter(date(2026, 3, 1), "long") != fi_date
    finally:
        i18n.current_locale.reset(token)


def test_a_registered_dashboard_panel_replaces_the_empty_state(client, monkeypatch):
    from winwin.http import dashboard

    seen = []

    def provider(session, actor, org):
        seen.append((actor.email, org.key))
        return {"note": "filled"}

    from jinja2 import ChoiceLoader, DictLoader

    from winwin.http.templating import environment

    env = environment()
    panel_template = {"test/panel.html": "<p>{{ panel.note }} by the feed</p>"}
    monkeypatch.setattr(env, "loader", ChoiceLoader([env.loader, DictLoader(panel_template)]))
    monkeypatch.setattr(
        dashboard, "PANELS", {"feed": dashboard.Panel("feed", "test/panel.html", provider)}
    )
    sign_in(client, "member@kuusi.example")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert seen == [("member@kuusi.example", "kuusi")]
    assert "<p>filled by the feed</p>" in page.text
    assert "Nothing shared with you yet." not in page.text
    assert "No assessed relationships yet." in page.text


def test_an_invited_person_sets_a_password_through_the_logged_link(client, web_app, caplog):
    from fastapi.testclient import TestClient

    token = sign_in(client, "admin@kuusi.example")
    with caplog.at_level("WARNING", logger="winwin.mail"):
        client.post(
            "/org/people",
            data={"csrf_token": token, "name": "Ulla Uusi", "email": "ulla@kuusi.example"},
        )
    [link] = re.findall(r"invitation link for ulla@kuusi.example: (\S+)", caplog.text)
    path = link.split("127.0.0.1:8000", 1)[1]
    with TestClient(web_app) as invited:
        page = invited.get(path, headers={"Accept-Language": "en"})
        assert "Welcome to Winwin" in page.text
        assert "ulla@kuusi.example" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        short = invited.post(path, data={"csrf_token": csrf, "new_password": "short"})
        assert short.status_code == 422
        done = invited.post(path, data={"csrf_token": csrf, "new_password": "ulla's own secret"})
        assert done.status_code == 200
        assert "<h1>Kuusi Paper Oy</h1>" in done.text
        # The link works once.
        assert invited.get(path).status_code == 404


def test_signed_in_pages_are_not_cached(client):
    sign_in(client, "member@kuusi.example")
    assert client.get("/").headers["cache-control"] == "no-store"


def test_with_a_mail_server_the_reset_link_is_mailed(tmp_path, monkeypatch):
    import smtplib

    from fastapi.testclient import TestClient

    from support.web import demo_database

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):  # type: ignore[no-untyped-def]
            self.where = (host, port)

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            return False

        def send_message(self, message):  # type: ignore[no-untyped-def]
            sent.append((self.where, message))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    settings = Settings(
        database_url=demo_database(tmp_path),
        secret_key=TEST_SECRET,
        mail_server="mail.example:2525",
        base_url="https://winwin.example",
    )
    with TestClient(create_app(settings)) as client:
        token = csrf_of(client)
        asked = client.post(
            "/forgot",
            data={"csrf_token": token, "email": "member@kuusi.example"},
            headers={"Accept-Language": "en"},
            follow_redirects=False,
        )
        unknown = client.post(
            "/forgot",
            data={"csrf_token": token, "email": "nobody@kuusi.example"},
            follow_redirects=False,
        )
        # Post/redirect/get: the same answer for both, and reloading it mails nothing.
        assert asked.status_code == unknown.status_code == 303
        assert asked.headers["location"] == unknown.headers["location"] == "/forgot?sent=1"
        landed = client.get("/forgot?sent=1", headers={"Accept-Language": "en"})
        assert landed.status_code == 200
        assert "is on its way" in landed.text
        # The mail is a job, sent by the server's job thread.
        deadline = time.monotonic() + 30
        while not sent and time.monotonic() < deadline:
            time.sleep(0.02)
    [(where, message)] = sent
    assert where == ("mail.example", 2525)
    assert message["To"] == "member@kuusi.example"
    assert message["Subject"] == "Your Winwin password reset link"
    assert "https://winwin.example/reset/" in message.get_content()


def test_a_missing_page_speaks_finnish_on_a_finnish_page(client):
    sign_in(client, "member@kuusi.example")
    missing = client.get("/items/ORG-no-such-item", headers={"Accept-Language": "fi"})
    assert missing.status_code == 404
    assert html_lang(missing.text) == "fi"
    assert "Ei löytynyt" in missing.text
    assert "there is no" not in missing.text
    assert "Linkissä voi olla kirjoitusvirhe" in missing.text
    english = client.get("/items/ORG-no-such-item", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "Not found" in english.text


def test_the_account_menu_leads_to_ones_jobs(client):
    sign_in(client, "member@kuusi.example")
    home = client.get("/", headers={"Accept-Language": "fi"})
    assert '<a href="/jobs" >Työt</a>' in home.text
    jobs = client.get("/jobs", headers={"Accept-Language": "fi"})
    assert jobs.status_code == 200
    assert '<a href="/jobs" aria-current="page">Työt</a>' in jobs.text
