"""The workshop report through every door (REST, page link, command line) on both
databases, checked by rendering: the text pypdf extracts holds the numbers the scores
API gives and the words of the report's language, and a page rendered by PDFium is not
blank. Access is the relationship page's."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pypdf
import pypdfium2
import pytest
from babel.numbers import format_decimal

from e2e.assessments.conftest import World
from winwin.accounts.access import operator
from winwin.actions import service as actions
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document

FACTORS = ("accessibility", "energy", "impact", "attraction")
PREFIX = dict(zip(FACTORS, "aeit", strict=True))
KEYS = [f"{PREFIX[f]}{n}" for f in FACTORS for n in (1, 2)]
DUO = {
    "key": "duo",
    "scale": 5,
    "items": [
        {"id": k, "factor": f, "text": {"en": k, "fi": k}}
        for f in FACTORS
        for k in (f"{PREFIX[f]}1", f"{PREFIX[f]}2")
    ],
}


def _responses(side: str, rows: list[list[int]]) -> list[dict[str, Any]]:
    return [
        {"side": side, "respondent": f"{side}{n}", "answers": dict(zip(KEYS, r, strict=True))}
        for n, r in enumerate(rows)
    ]


KUUSI = [
    [1, 2, 4, 4, 3, 3, 4, 5],
    [2, 2, 3, 4, 4, 4, 3, 3],
    [1, 1, 4, 5, 3, 4, 4, 4],
    [2, 3, 5, 4, 4, 3, 5, 4],
]
PAKKAUS = [
    [3, 4, 4, 3, 4, 4, 3, 4],
    [4, 4, 3, 3, 3, 4, 4, 4],
    [3, 3, 4, 4, 5, 4, 3, 3],
    [4, 5, 3, 4, 4, 5, 4, 5],
]
DOC = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi Oy"},
        {"key": "pakkaus", "name": "Pakkaus & Ääni Oy"},
    ],
    "instruments": [DUO],
    "assessments": [
        {
            "round": "2026-Q1",
            "instrument": "duo",
            "between": ["kuusi", "pakkaus"],
            "responses": _responses("kuusi", KUUSI) + _responses("pakkaus", PAKKAUS),
        },
        {
            "round": "2026-Q2",
            "instrument": "duo",
            "between": ["kuusi", "pakkaus"],
            "responses": _responses("kuusi", [[r[0] + 2, r[1] + 2, *r[2:]] for r in KUUSI])
            + _responses("pakkaus", PAKKAUS),
        },
    ],
}


@pytest.fixture
def assessed(world: World) -> World:
    with unit_of_work(session_factory(world.engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(DOC).encode()))
        actions.add_action(
            session,
            actor=operator(),
            between=["kuusi", "pakkaus"],
            by="pakkaus",
            factor="accessibility",
            title="Named contact person <#1> *bold*",
        )
    return world


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # Line breaks and the no-break spaces of number formats read as plain spaces.
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages).replace("\xa0", " ")


def _score(world: World, who: str) -> dict[str, Any]:
    found = world.call(who, "GET", "/api/v1/scores?round=2026-Q1").json()["relationships"]
    (relationship,) = [r for r in found if r["between"] == ["kuusi", "pakkaus"]]
    return relationship


def _n(value: float, pattern: str, locale: str) -> str:
    return format_decimal(value, format=pattern, locale=locale).replace("\xa0", " ")


WORDS = {
    "en": ["Perception gaps", "The lever and its gain", "Trend across rounds", "Lever"],
    "fi": ["Näkemyserot", "Vipu ja sen hyöty", "Kehitys kierroksittain", "Työpajaraportti"],
}


def test_the_report_holds_the_numbers_of_the_scores_and_the_words_of_its_language(
    assessed: World,
) -> None:
    for lang, words in WORDS.items():
        _check_report(assessed, lang, words)
    _check_not_blank(assessed)


def _check_report(assessed: World, lang: str, words: list[str]) -> None:
    response = assessed.call(
        "kmember", "GET", f"/api/v1/relationships/kuusi/pakkaus/report?round=2026-Q1&lang={lang}"
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = _text(response.content)
    score = _score(assessed, "kmember")
    for word in words:
        assert word in text
    assert "Kuusi Oy – Pakkaus & Ääni Oy" in text
    assert _n(score["score"], "0.0", lang) in text
    assert score["ci"] is not None
    low, high = (_n(x, "0.0", lang) for x in score["ci"])
    assert f"{low}–{high}" in text
    for key in ("kuusi", "pakkaus"):
        side = score["sides"][key]
        assert _n(side["score"], "0.0", lang) in text
        assert _n(side["gain"], "0.#", lang) in text
        for factor in FACTORS:
            assert f"{_n(side[factor] * 100, '0', lang)} %" in text
            alpha = side["alpha"][factor]
            assert alpha is not None
            assert _n(alpha, "0.00", lang) in text
    # The lever in the relationship page's words, with who should act and its S gain,
    # and the open action of the plan, typed markup and all.
    lever = score["sides"]["kuusi"]["lever"]
    gain = _n(score["sides"]["kuusi"]["gain"], "0.0", lang)
    lever_words = {
        "en": f"If Kuusi Oy raised {lever} to the top, its own S would rise by {gain} points",
        "fi": f"Jos Kuusi Oy nostaisi {FI_FACTORS[lever]} huipulle, sen oma S nousisi {gain}",
    }[lang]
    assert lever_words in " ".join(text.split())
    assert "Named contact person <#1> *bold*" in text
    # The trend holds the later round too.
    assert "2026-Q2" in text


FI_FACTORS = {
    "accessibility": "saavutettavuuden",
    "energy": "energian",
    "impact": "vaikuttavuuden",
    "attraction": "vetovoiman",
}


def _check_not_blank(assessed: World) -> None:
    pdf = assessed.call("kmember", "GET", "/api/v1/relationships/kuusi/pakkaus/report").content
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 1
    pixels = document[0].render(scale=0.5).to_numpy()
    dark = (pixels.mean(axis=2) < 128).mean()
    assert 0.005 < dark < 0.5
    # ... and not one flat colour either: text, rules and the radar's fills.
    assert len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)) > 20


def test_the_relationship_page_links_the_report_which_follows_the_page_s_access(
    assessed: World,
) -> None:
    page = assessed.client.get(
        "/relationships/kuusi/pakkaus?round=2026-Q1",
        headers={"Accept-Language": "fi", **assessed.headers("kmember")},
    )
    # The page's form makes the report as a job (test_report_job.py); the PDF's own
    # address still answers at once.
    assert 'action="/relationships/kuusi/pakkaus/report"' in page.text
    link = "/relationships/kuusi/pakkaus/report.pdf?round=2026-Q1&lang=fi"
    pdf = assessed.call("kmember", "GET", link)
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Työpajaraportti" in _text(pdf.content)
    # Without lang the report is in the page's language.
    english = assessed.client.get(
        "/relationships/kuusi/pakkaus/report.pdf",
        headers={"Accept-Language": "en", **assessed.headers("kmember")},
    )
    assert "Workshop report" in _text(english.content)
    # Whoever may not see the relationship is told it does not exist, through each door.
    for path in (
        "/relationships/kuusi/pakkaus/report.pdf",
        "/api/v1/relationships/kuusi/pakkaus/report",
        "/api/v1/relationships/kuusi/pakkaus/report?round=2030-Q9",
    ):
        assert assessed.call("labadmin", "GET", path).status_code == 404
    assert (
        assessed.call(None, "GET", "/api/v1/relationships/kuusi/pakkaus/report").status_code == 401
    )
    bad = assessed.call("kmember", "GET", "/api/v1/relationships/kuusi/pakkaus/report?lang=sv")
    assert bad.status_code == 422 and "lang" in bad.text
    _check_client_pack(assessed)


def _check_client_pack(assessed: World) -> None:
    clients = assessed.call("fac", "GET", "/relationships/clients")
    assert 'action="/relationships/clients/pakkaus/report"' in clients.text
    pdf = assessed.call("fac", "GET", "/relationships/clients/pakkaus/report.pdf?lang=en")
    assert pdf.status_code == 200
    text = _text(pdf.content)
    assert "Workshop report: the relationships of Pakkaus & Ääni Oy" in text
    assert "Kuusi Oy – Pakkaus & Ääni Oy" in text
    api = assessed.call("fac", "GET", "/api/v1/organizations/pakkaus/report?round=2026-Q1")
    assert api.headers["content-type"] == "application/pdf"
    # A facilitator not granted the client, and an unknown round, get nothing.
    assert (
        assessed.call("labadmin", "GET", "/api/v1/organizations/pakkaus/report").status_code == 404
    )
    missing = assessed.call("fac", "GET", "/api/v1/organizations/pakkaus/report?round=1999")
    assert missing.status_code == 404


def test_the_command_writes_the_report_and_refuses_bad_input(cli: Any, tmp_path: Any) -> None:
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    out = tmp_path / "raportti.pdf"
    done = cli("report", "kuusi:pakkaus", "--round", "2026-Q1", "--lang", "fi", "--out", str(out))
    assert done.code == 0, done.err
    scores = cli("score", "--round", "2026-Q1", "--json").json()["relationships"]
    (score,) = [r for r in scores if r["between"] == ["kuusi", "pakkaus"]]
    text = _text(out.read_bytes())
    assert _n(score["score"], "0.0", "fi") in text and "Näkemyserot" in text
    pack = tmp_path / "pack.pdf"
    assert cli("report", "pakkaus", "--lang", "en", "--out", str(pack)).code == 0
    assert "Workshop report: the relationships of Pakkaus & Ääni Oy" in _text(pack.read_bytes())
    bad = cli("report", "kuusi:pakkaus:x", "--out", str(tmp_path / "x.pdf"))
    assert bad.code == 2 and "RELATIONSHIP" in bad.err
    bad = cli("report", "kuusi:pakkaus", "--lang", "sv", "--out", str(tmp_path / "x.pdf"))
    assert bad.code == 2 and "lang" in bad.err
    missing = cli("report", "kuusi:pakkaus", "--round", "1999", "--out", str(tmp_path / "x.pdf"))
    assert missing.code == 2 and "1999" in missing.err
    assert not (tmp_path / "x.pdf").exists()
