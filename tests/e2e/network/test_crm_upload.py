"""Customer and supplier lists from a CRM through every door, on both databases."""

from __future__ import annotations

import json
import re

from winwin.db.engine import build_engine, session_factory, unit_of_work
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
            token=re.search(r"/join/(.+)$", link).group(1),
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
