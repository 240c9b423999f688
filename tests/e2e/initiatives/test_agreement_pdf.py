"""The frozen agreement as a PDF, by command and REST, on both databases: it exists only
once every party has agreed, holds the agreed shares and the method in words, and is
readable only by those who may read the initiative."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdf
from babel.numbers import format_decimal

from e2e.initiatives.test_initiative_commands import DOC, GAME


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages).replace("\xa0", " ")


def test_the_agreement_pdf_holds_the_agreed_shares_once_everyone_agreed(
    cli: Any, tmp_path: Path
) -> None:
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    game = tmp_path / "game.json"
    game.write_text(json.dumps(GAME))
    n = cli(
        "initiative",
        "propose",
        "--by",
        "kuusi",
        "--with",
        "pakkaus,meijeri",
        "--title",
        "Pallet pool",
        "--json",
    ).json()["id"]
    for org in ("pakkaus", "meijeri"):
        assert cli("initiative", "accept", str(n), "--by", org).code == 0
    assert cli("initiative", "model", str(n), str(game), "--method", "shapley").code == 0
    out = tmp_path / "sopimus.pdf"
    early = cli("initiative", "agreement", str(n), "--out", str(out))
    assert early.code == 2 and "no agreement" in early.err and not out.exists()
    for org in ("kuusi", "pakkaus", "meijeri"):
        assert cli("initiative", "agree", str(n), "--by", org).code == 0
    shares = cli("initiative", "show", str(n), "--json").json()["shares"]
    for lang, words in (("fi", "Shapleyn arvo"), ("en", "Shapley value")):
        done = cli("initiative", "agreement", str(n), "--lang", lang, "--out", str(out))
        assert done.code == 0, done.err
        text = _text(out.read_bytes())
        assert "Pallet pool" in text and words in text
        for share in shares.values():
            assert format_decimal(share, "#,##0.00", locale=lang).replace("\xa0", " ") in text


def test_rest_serves_the_agreement_only_to_those_who_may_read_the_initiative(world: Any) -> None:
    from winwin.accounts.access import operator
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.initiatives import service as initiatives

    with unit_of_work(session_factory(world.engine)) as session:
        n = initiatives.propose(
            session, by="kuusi", with_=["pakkaus"], title="Shared depot", actor=operator()
        ).id
        initiatives.answer(session, initiative_id=n, by="pakkaus", accept=True, actor=operator())
        game = {
            "type": "table",
            "players": ["kuusi", "pakkaus"],
            "values": {"": 0, "kuusi": 10, "pakkaus": 20, "kuusi,pakkaus": 50},
        }
        initiatives.set_model(
            session, initiative_id=n, game=game, method="shapley", actor=operator()
        )
    path = f"/api/v1/initiatives/{n}/agreement.pdf?lang=en"
    assert world.call("kmember", "GET", path).status_code == 404  # not agreed yet
    with unit_of_work(session_factory(world.engine)) as session:
        for org in ("kuusi", "pakkaus"):
            initiatives.agree(session, initiative_id=n, by=org, actor=operator())
    for who in ("kmember", "fac", "root"):
        response = world.call(who, "GET", path)
        assert response.status_code == 200, who
        assert response.headers["content-type"] == "application/pdf"
        text = _text(response.content)
        # Shapley of the two-party game: 10 + 10 and 20 + 10.
        assert "Shared depot" in text and "20.00" in text and "30.00" in text
    assert world.call("labadmin", "GET", path).status_code == 404
    assert world.call(None, "GET", path).status_code == 401
