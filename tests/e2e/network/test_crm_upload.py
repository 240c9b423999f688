"""Customer and supplier lists from a CRM through every door, on both databases."""

from __future__ import annotations

import json
import re

import pytest

from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.jobs import queue
from winwin.network import joining

NETWORK = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A Oy", "country": "FI"},
        {"key": "kuusi", "name": "Kuusi Paper Oy", "country": "FI", "business_id": "0112038-9"},
        {"key": "koivu", "name": "Koivu Sellu Oy", "country": "FI"},
        {"key": "gran", "name": "Gran AB", "country": "SE"},
    ],
    "ties": [{"kind": "supplies", "from": "a", "to": "gran"}],
}
PENDING_ID = "SE556677889901"
HUBSPOT = (
    "Record ID,Company name,Company Domain Name,Website URL,Country/Region\n"
    "1,Kuusi Paper,,https://kuusi.example,Finland\n"
    "2,KOIVU SELLU,,,Finland\n"
    "3,Gran AB,,,Sweden\n"
    "4,Vieras Oy,vieras.example,,Finland\n"
    '5,"=HYPERLINK(""http://x"")",,,\n'
    "6,Odottava AB,,,Sweden\n"
)
MAPPED = "Nimi;Y-tunnus\nWhatever;FI01120389\nOdottava;SE556677889901\n"


def _pending(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """An organisation waiting for approval, named like a row and with its ID."""
    link = cli("org", "invite", "--by", "a", "o@odottava.example", "--json").json()["link"]
    engine = build_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        joining.complete_profile(
            session,
            token=re.search(r"/invitation/(.+)$", link).group(1),
            name="Odottava AB",
            country="SE",
            business_id=PENDING_ID,
            admin_name="O",
            password="odottava-123",
        )
    engine.dispose()


def test_the_cli_matches_lists_bad_rows_and_proposes_only_when_confirmed(
    cli, db_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    _pending(cli, db_url)
    path = tmp_path / "hubspot.csv"
    path.write_text(HUBSPOT, "utf-8")
    before = cli("export").json()
    shown = cli("ties", "upload", "--by", "a", str(path), "--as", "customers",
                "--preset", "hubspot", "--json")  # fmt: skip
    assert shown.code == 0, shown.err
    found = shown.json()
    assert found["summary"] == {"rows": 6, "matched": 3, "unmatched": 2, "bad": 1}
    assert [(r["line"], r["match"], r["how"]) for r in found["rows"]] == [
        (2, "kuusi", "name"),
        (3, "koivu", "name"),
        (4, "gran", "name"),
        (5, None, None),
        (7, None, None),  # the pending organisation is never matched
    ]
    assert [b["line"] for b in found["bad"]] == [6]
    assert "HYPERLINK" not in shown.out
    assert found["confirmed"] is None
    assert cli("export").json() == before  # nothing proposed

    mapped = tmp_path / "mapped.csv"
    mapped.write_text(MAPPED, "utf-8")
    by_id = cli("ties", "upload", "--by", "a", str(mapped), "--as", "suppliers",
                "--column", "name=Nimi", "--column", "business_id=Y-tunnus", "--json")  # fmt: skip
    assert [(r["match"], r["how"]) for r in by_id.json()["rows"]] == [
        ("kuusi", "business_id"),
        (None, None),
    ]

    confirmed = cli("ties", "upload", "--by", "a", str(path), "--as", "customers",
                    "--preset", "hubspot", "--confirm", "--json")  # fmt: skip
    assert confirmed.code == 0, confirmed.err
    done = confirmed.json()["confirmed"]
    assert done["proposed"] == ["koivu", "kuusi"] and done["kind"] == "supplies"
    assert [(s["line"], s["with"]) for s in done["skipped"]] == [(4, "gran")]  # already tied
    listed = cli("ties", "list", "a", "--json").json()["ties"]
    assert {(t["with"], t["kind"], t["state"]) for t in listed} == {
        ("gran", "supplies", "accepted"),
        ("koivu", "supplies", "proposed"),
        ("kuusi", "supplies", "proposed"),
    }


def test_the_cli_refuses_a_file_it_cannot_read_and_stores_nothing(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    before = cli("export").json()
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Company name\nÄijä Oy\n".encode("latin-1"))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Account Name\nX\n", "utf-8")
    for args, field in (
        ((str(latin), "--preset", "hubspot"), "file"),
        ((str(wrong), "--preset", "hubspot"), "columns.name"),
        ((str(wrong), "--column", "domain=Web"), "columns.domain"),
        ((str(wrong), "--preset", "pipedrive"), "preset"),
    ):
        result = cli("ties", "upload", "--by", "a", *args, "--as", "customers")
        assert result.code == 2, args
        assert f"{field}:" in result.err, (args, result.err)
    bad_side = cli("ties", "upload", "--by", "a", str(wrong), "--as", "friends")
    assert bad_side.code == 2 and "as:" in bad_side.err
    assert cli("ties", "upload", "--by", "nobody", str(wrong), "--as", "customers").code == 2
    assert cli("export").json() == before
    assert cli("jobs", "list", "--json").json()["jobs"] == []


# --- REST and the web (the demo network; people's mail domains are web domains) ----------
DEMO_LIST = (
    "Account ID,Account Name,Website,Billing Country\n"
    "001,Kotelo Oy,,Finland\n"  # already our customer: skipped when confirmed
    "002,Meijeri Lähde,,Finland\n"
    "003,Tutkimuslaitos,https://www.lab.example/fi,Finland\n"
    "004,Tuntematon Oy,tuntematon.example,Finland\n"
    "005,,,\n"
)


@pytest.fixture
def queued(world):  # type: ignore[no-untyped-def]
    """On PostgreSQL, Procrastinate's queue too (the world's tables come from the models)."""
    if world.engine.dialect.name == "postgresql":
        with world.engine.begin() as connection:
            queue.install_schema(connection)
    return world


def _run_jobs(world) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL a worker runs the queued job; on SQLite the app's own thread does."""
    url = str(world.engine.url.render_as_string(hide_password=False))
    if queue.is_postgres(url):
        app = queue.build_app(url, world.engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)


def _finished(world, path: str, who: str = "org_admin") -> dict:  # type: ignore[no-untyped-def]
    import time

    _run_jobs(world)
    for _ in range(400):
        found = world.call(who, "GET", path).json()
        if found["status"] in ("succeeded", "failed"):
            return found
        time.sleep(0.05)
    raise AssertionError(found)


def test_rest_uploads_matches_as_a_job_and_proposes_when_confirmed(queued) -> None:  # type: ignore[no-untyped-def]
    world = queued
    path = "/api/v1/organizations/kuusi/customer-lists"
    files = {"file": ("accounts.csv", DEMO_LIST.encode("utf-8"), "text/csv")}
    form = {"as": "customers", "preset": "salesforce"}
    for who in ("member", "lab_admin"):
        assert world.call(who, "POST", path, files=files, data=form).status_code == 403
    latin = {"file": ("a.csv", "Account Name\nÄ\n".encode("latin-1"), "text/csv")}
    bad = world.call("org_admin", "POST", path, files=latin, data=form)
    assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "file"
    missing = world.call("org_admin", "POST", path, files=files,
                         data={"as": "customers", "columns": '{"name": "Nimi"}'})  # fmt: skip
    assert missing.status_code == 422 and missing.json()["problems"][0]["path"] == "columns.name"
    started = world.call("org_admin", "POST", path, files=files, data=form)
    assert started.status_code == 202, started.text
    job = started.json()["job"]
    found = _finished(world, f"{path}/{job}")
    assert found["status"] == "succeeded", found
    assert [(r["line"], r["match"], r["how"]) for r in found["rows"]] == [
        (2, "kotelo", "name"),
        (3, "meijeri", "name"),
        (4, "lab", "domain"),
        (5, None, None),
    ]
    # The English reason for scripts, and its code and values for the pages' languages.
    assert found["bad"] == [
        {
            "line": 6,
            "problems": ["name: is empty"],
            "reasons": [{"field": "name", "code": "network.crm_name_empty", "params": {}}],
        }
    ]
    # Only its starter reads it: another organisation's admin gets 403, another person 404.
    assert world.call("lab_admin", "GET", f"{path}/{job}").status_code == 403
    assert world.call("platform_admin", "GET", f"{path}/{job}").status_code == 404

    ties_before = world.call("org_admin", "GET", "/api/v1/organizations/kuusi/ties").json()
    assert not any(t["with"] == "meijeri" for t in ties_before["ties"])
    done = world.call("org_admin", "POST", f"{path}/{job}/confirm", json={"lines": [3, 4, 2]})
    assert done.status_code == 200, done.text
    assert done.json()["proposed"] == ["lab", "meijeri"]
    assert [s["with"] for s in done.json()["skipped"]] == ["kotelo"]
    assert done.json()["skipped"][0]["why"] == "you and 'kotelo' already have this tie"
    assert done.json()["skipped"][0]["code"] == "network.tie_exists"
    listed = world.call("org_admin", "GET", "/api/v1/organizations/kuusi/ties").json()["ties"]
    assert {
        "with": "meijeri",
        "kind": "supplies",
        "state": "proposed",
        "proposed_by": "kuusi",
    } in listed


def test_the_web_uploads_follows_the_job_and_confirms(queued) -> None:  # type: ignore[no-untyped-def]
    world = queued
    import time

    from e2e.network.test_joining import _sign_in
    from support.web import CSRF

    client = world.client
    assert _sign_in(client, "admin@kuusi.example") == 303
    fi = {"Accept-Language": "fi"}
    page = client.get("/org/ties", headers=fi)
    assert "Asiakkaat tai toimittajat CRM:stä" in page.text
    token = CSRF.search(page.text).group(1)
    files = {"file": ("accounts.csv", DEMO_LIST.encode("utf-8"), "text/csv")}
    refused = client.post("/org/customer-lists", headers=fi, files=files,
                          data={"csrf_token": token, "side": "customers", "preset": "",
                                "col_name": "Nimi"})  # fmt: skip
    assert refused.status_code == 422 and "columns.name" in refused.text
    started = client.post("/org/customer-lists", headers=fi, files=files, follow_redirects=False,
                          data={"csrf_token": token, "side": "customers",
                                "preset": "salesforce"})  # fmt: skip
    assert started.status_code == 303
    location = started.headers["location"]
    _run_jobs(world)
    for _ in range(400):
        shown = client.get(location, headers=fi)
        if 'data-testid="crm-progress"' not in shown.text:
            break
        assert "<progress" in shown.text and shown.headers.get("refresh") == "1"
        time.sleep(0.05)
    assert "Rivejä 5: yhdistettyjä 3, yhdistämättömiä 1, virheellisiä 1." in shown.text
    assert "verkkotunnuksen perusteella" in shown.text
    # Bad rows and skipped rows are said in the page's language, not in the API's English.
    assert "Rivi 6: Nimi: on tyhjä" in shown.text and "is empty" not in shown.text
    job = location.split("/")[-1].split("?")[0]
    done = client.post(f"/org/customer-lists/{job}/confirm?org=kuusi", headers=fi,
                       data={"csrf_token": token, "line": ["3", "2"]})  # fmt: skip
    assert done.status_code == 200 and 'data-testid="crm-done"' in done.text
    assert "Rivi 2: teillä ja organisaatiolla &#39;kotelo&#39; on jo tämä suhde" in done.text
    assert "already have this tie" not in done.text
    listed = world.call("org_admin", "GET", "/api/v1/organizations/kuusi/ties").json()["ties"]
    assert {(t["with"], t["state"]) for t in listed if t["state"] == "proposed"} == {
        ("meijeri", "proposed")
    }


def test_an_unmatched_row_with_an_e_mail_becomes_an_invitation_only_when_chosen(queued) -> None:  # type: ignore[no-untyped-def]
    world = queued
    path = "/api/v1/organizations/kuusi/customer-lists"
    text = (
        "Nimi,Sähköposti\nUusi Asiakas Oy,eka@uusiasiakas.example\nToinen Oy,toka@toinen.example\n"
    )
    files = {"file": ("own.csv", text.encode("utf-8"), "text/csv")}
    columns = '{"name": "Nimi", "email": "Sähköposti"}'
    started = world.call("org_admin", "POST", path, files=files,
                         data={"as": "customers", "columns": columns})  # fmt: skip
    assert started.status_code == 202, started.text
    job = started.json()["job"]
    found = _finished(world, f"{path}/{job}")
    assert [(r["line"], r["match"], r["email"]) for r in found["rows"]] == [
        (2, None, "eka@uusiasiakas.example"),
        (3, None, "toka@toinen.example"),
    ]
    done = world.call("org_admin", "POST", f"{path}/{job}/confirm", json={"invite_lines": [2]})
    assert done.status_code == 200, done.text
    invited = done.json()["invited"]
    assert [i["email"] for i in invited] == ["eka@uusiasiakas.example"]
    assert "/invitation/" in invited[0]["link"] and done.json()["proposed"] == []
