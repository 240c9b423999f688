"""The result page ready for a workshop, through the HTTP client on both databases.

One number per lever (the gain the score module computes, in S and in R, the same on
the relationship page, the dashboards and the presentation view), results per
statement, the trend from two rounds on, the instrument by name, the presentation view
and the Excel download, each through the relationship page's access and anonymity rules.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
import statistics
from typing import Any

import pytest
from openpyxl import load_workbook

from e2e.assessments.conftest import World
from winwin.accounts.access import operator
from winwin.assessments import service as rounds
from winwin.assessments.score import FACTORS, side_score
from winwin.data import load_builtin_instruments
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document

INSTRUMENT = next(i for i in load_builtin_instruments() if i["key"] == "customer-relationship")
ITEMS = [item["id"] for item in INSTRUMENT["items"]]
REVERSE = {item["id"]: item["reverse"] for item in INSTRUMENT["items"]}
TEXT_FI = {item["id"]: item["text"]["fi"] for item in INSTRUMENT["items"]}
WITHHELD_FI = "Liian vähän vastaajia näytettäväksi ilman, että heidät voisi tunnistaa."


def answers(seed: int) -> dict[str, int]:
    """A respondent's answers, different for each seed, so that means and spreads differ."""
    return {item: 1 + (seed * 7 + n * 3 + seed * n) % 5 for n, item in enumerate(ITEMS)}


SHEETS = {
    "kuusi": [answers(1), answers(2), answers(3)],
    "pakkaus": [answers(4), answers(5), answers(6)],
}


def make_round(
    world: World,
    name: str,
    given: dict[str, list[dict[str, int]]],
    *,
    between: tuple[str, str] = ("kuusi", "pakkaus"),
    minimum: int | None = None,
) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        opened = rounds.open_round(
            session,
            actor=operator(),
            between=list(between),
            round=name,
            instrument="customer-relationship",
            min_respondents=minimum,
        )
        invitees = [
            rounds.Invitee(side=side, name=f"{side} {n}")
            for side, sheets in given.items()
            for n in range(len(sheets))
        ]
        issued = rounds.invite_respondents(
            session, actor=operator(), round_id=opened.id, invitees=invitees
        )
        sheets = [sheet for side in given for sheet in given[side]]
        for invitation, sheet in zip(issued, sheets, strict=True):
            rounds.submit_response(session, token=invitation.token, answers=sheet)


def tie_kuusi_and_lab(world: World) -> None:
    doc = {
        "format": "winwin/1",
        "organizations": [
            {"key": "kuusi", "name": "Kuusi Oy"},
            {"key": "lab", "name": "Lab Oy"},
        ],
        "ties": [{"kind": "partners", "from": "kuusi", "to": "lab"}],
    }
    with unit_of_work(session_factory(world.engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))


def page(world: World, who: str | None, path: str, lang: str = "en") -> Any:
    headers = {"Accept-Language": lang, **(world.headers(who) if who else {})}
    return world.client.get(path, headers=headers, follow_redirects=False)


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


def expected_levers(world: World, who: str, round: str) -> dict[str, tuple[str, float, float]]:
    """Each side's lever, gain in S and rise of R, worked out with the score module from
    the factor values the REST API reports."""
    history = world.call(who, "GET", "/api/v1/relationships/kuusi/pakkaus").json()["history"]
    (read,) = [h for h in history if h["round"] == round]
    scored = {key: side_score({f: side[f] for f in FACTORS}) for key, side in read["sides"].items()}
    r = math.sqrt(scored["kuusi"].score * scored["pakkaus"].score)
    assert read["score"] == pytest.approx(r)
    out = {}
    for key, other in (("kuusi", "pakkaus"), ("pakkaus", "kuusi")):
        side = scored[key]
        assert read["sides"][key]["gain"] == pytest.approx(side.gain)
        rise = math.sqrt((side.score + side.gain) * scored[other].score) - r
        out[key] = (side.lever, side.gain, rise)
    return out


FACTOR_EN = {
    "accessibility": "accessibility",
    "energy": "energy",
    "impact": "impact",
    "attraction": "attraction",
}
FACTOR_FI = {
    "accessibility": "saavutettavuuden",
    "energy": "energian",
    "impact": "vaikuttavuuden",
    "attraction": "vetovoiman",
}
LABEL_FI = {
    "accessibility": "Saavutettavuus",
    "energy": "Energia",
    "impact": "Vaikuttavuus",
    "attraction": "Vetovoima",
}


def fi_number(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def test_every_place_names_the_lever_with_the_score_module_s_two_gains(world: World) -> None:
    make_round(world, "2026-Q1", SHEETS)
    levers = expected_levers(world, "fac", "2026-Q1")
    best = max(levers, key=lambda k: (levers[k][2], k == "kuusi"))
    names = {"kuusi": "Kuusi Oy", "pakkaus": "Pakkaus Oy"}

    en = text_of(page(world, "fac", "/relationships/kuusi/pakkaus"))
    fi = text_of(page(world, "fac", "/relationships/kuusi/pakkaus", "fi"))
    for key, (lever, gain, rise) in levers.items():
        assert (
            f"If {names[key]} raised {FACTOR_EN[lever]} to the top, its own S would rise by"
            f" {gain:.1f} points and R by {rise:.1f} points"
        ) in en
        assert (
            f"Jos {names[key]} nostaisi {FACTOR_FI[lever]} huipulle, sen oma S nousisi"
            f" {fi_number(gain)} pistettä ja R {fi_number(rise)} pistettä"
        ) in fi
    lever, gain, rise = levers[best]
    step = re.search(r'data-testid="best-step" data-side="(\w+)" data-factor="(\w+)"', en)
    assert step and step.groups() == (best, lever)

    # The dashboards and the presentation view show the same two numbers, labelled.
    compact = f"{LABEL_FI[lever]}, {names[best]} (S +{fi_number(gain)} · R +{fi_number(rise)})"
    assert compact in text_of(page(world, "fac", "/relationships?org=kuusi", "fi"))
    assert compact in text_of(page(world, "fac", "/?org=kuusi", "fi"))
    assert compact in text_of(page(world, "fac", "/relationships/clients", "fi"))
    listed = text_of(page(world, "fac", "/relationships?org=kuusi", "fi"))
    assert "Vipu (suurin nousu)" in listed and "Heikoin" not in listed
    shown = text_of(page(world, "fac", "/relationships/kuusi/pakkaus/present", "fi"))
    assert (
        f"Jos {names[best]} nostaisi {FACTOR_FI[lever]} huipulle, sen oma S nousisi"
        f" {fi_number(gain)} pistettä ja R {fi_number(rise)} pistettä"
    ) in shown


def test_units_trend_and_instrument_name_on_the_relationship_page(world: World) -> None:
    make_round(world, "2026-Q1", SHEETS)
    one = page(world, "fac", "/relationships/kuusi/pakkaus", "fi").text
    assert 'data-testid="instrument">Asiakassuhde<' in one
    assert "customer-relationship" not in re.sub(r'href="[^"]*"', "", one)
    assert 'id="trend"' not in one  # one round: no trend chart
    radar = json.loads(html.unescape(re.search(r"id=\"radar\" data-chart='([^']+)'", one)[1]))
    assert radar["options"]["scales"]["r"]["max"] == 100
    assert radar["options"]["scales"]["r"]["ticks"]["unit"] == "%"
    history = world.call("fac", "GET", "/api/v1/relationships/kuusi/pakkaus").json()["history"]
    values = history[0]["sides"]["kuusi"]
    assert radar["data"]["datasets"][0]["data"] == [round(values[f] * 100, 1) for f in FACTORS]
    # The gaps in percentage points, as the factor values are in per cent.
    assert re.search(r"[+-]\d+ %-yks\.", one)
    assert "prosenttiyksik" in one

    make_round(world, "2026-Q2", SHEETS)
    two = page(world, "fac", "/relationships/kuusi/pakkaus", "fi").text
    assert 'id="trend"' in two


def test_results_per_statement_show_each_side_s_mean_and_spread(world: World) -> None:
    make_round(world, "2026-Q1", SHEETS)
    text = page(world, "fac", "/relationships/kuusi/pakkaus", "fi").text
    section = text[text.index('data-testid="statements"') :]
    for side, sheets in SHEETS.items():
        for item in ("a1", "e2", ITEMS[-1]):
            normalised = [
                (1 - (s[item] - 1) / 4) if REVERSE[item] else (s[item] - 1) / 4 for s in sheets
            ]
            mean = statistics.fmean(normalised)
            spread = statistics.stdev(normalised)
            row = section[section.index(f'data-statement="{item}"') :]
            cell = row[
                row.index(f'data-side="{side}"') : row.index(
                    "</td>", row.index(f'data-side="{side}"')
                )
            ]
            cell = html.unescape(cell).replace("\xa0", " ")
            assert f"{round(mean * 100)} %" in cell, (side, item, cell)
            assert f"± {round(spread * 100)} %-yks." in cell, (side, item, cell)
            assert "(n = 3)" in cell
    assert html.escape(TEXT_FI["a1"], quote=False) in section or TEXT_FI["a1"] in html.unescape(
        section
    )


def test_a_withheld_side_s_statements_are_hidden_like_its_factors(world: World) -> None:
    make_round(world, "2026-Q1", {"kuusi": SHEETS["kuusi"], "pakkaus": SHEETS["pakkaus"][:2]})
    member = page(world, "kmember", "/relationships/kuusi/pakkaus", "fi").text
    section = member[member.index('data-testid="statements"') :]
    assert section.count('data-side="kuusi"><span data-mean>') == len(ITEMS)
    assert 'data-side="pakkaus"><span data-mean>' not in section
    assert section.count('data-side="pakkaus"><span class="muted withheld">') == len(ITEMS)
    # The facilitator granted pakkaus sees them.
    trusted = page(world, "fac", "/relationships/kuusi/pakkaus", "fi").text
    assert trusted.count('data-side="pakkaus"><span data-mean>') == len(ITEMS)


def read_xlsx(response: Any) -> dict[str, list[list[Any]]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def test_the_excel_download_has_finnish_headers_and_the_page_s_numbers(world: World) -> None:
    make_round(world, "2026-Q1", SHEETS)
    sheets = read_xlsx(page(world, "fac", "/relationships/kuusi/pakkaus/results.xlsx", "fi"))
    results, statements = sheets["Tulokset"], sheets["Väittämät"]
    assert results[0] == [
        "Kierros", "Mittari", "Tila", "R", "Organisaatio", "Vastaajat",
        "Saavutettavuus (%)", "Energia (%)", "Vaikuttavuus (%)", "Vetovoima (%)",
        "S", "Vipu", "S:n nousu", "R:n nousu", "Huomautus",
    ]  # fmt: skip
    levers = expected_levers(world, "fac", "2026-Q1")
    history = world.call("fac", "GET", "/api/v1/relationships/kuusi/pakkaus").json()["history"]
    read = history[0]
    by_org = {row[4]: row for row in results[1:]}
    for key, name in (("kuusi", "Kuusi Oy"), ("pakkaus", "Pakkaus Oy")):
        row = by_org[name]
        assert row[:3] == ["2026-Q1", "Asiakassuhde", "avoin"]
        assert row[3] == pytest.approx(read["score"])
        assert row[5] == 3
        assert row[6:10] == pytest.approx([read["sides"][key][f] for f in FACTORS])
        assert row[10] == pytest.approx(read["sides"][key]["score"])
        lever, gain, rise = levers[key]
        assert row[11] == LABEL_FI[lever]
        assert row[12:14] == pytest.approx([gain, rise])
        assert row[14] is None
    assert statements[0] == [
        "Kierros", "Organisaatio", "Väittämä", "Tekijä", "Käänteinen", "Vastauksia",
        "Keskiarvo (%)", "Hajonta (prosenttiyksikköä)",
    ]  # fmt: skip
    assert len(statements) == 1 + 2 * len(ITEMS)
    first = next(r for r in statements[1:] if r[1] == "Kuusi Oy" and r[2] == TEXT_FI["a1"])
    normalised = [(s["a1"] - 1) / 4 for s in SHEETS["kuusi"]]
    assert first[5] == 3
    assert first[6] == pytest.approx(statistics.fmean(normalised))
    assert first[7] == pytest.approx(statistics.stdev(normalised) * 100)
    # The machine CSV is left as it was: English column names, unrounded numbers.
    csv = world.call("fac", "GET", "/api/v1/relationships/kuusi/pakkaus/results.csv").text
    assert csv.splitlines()[0] == (
        "a,b,round,instrument,status,score,side,respondents,accessibility,energy,impact,"
        "attraction,side_score,lever,gain,withheld"
    )


def test_the_excel_download_keeps_the_anonymity_minimum_and_defuses_formulas(
    world: World,
) -> None:
    make_round(world, "=HYPERLINK(1)", {"kuusi": SHEETS["kuusi"], "pakkaus": SHEETS["pakkaus"][:2]})
    sheets = read_xlsx(page(world, "kmember", "/relationships/kuusi/pakkaus/results.xlsx", "fi"))
    results, statements = sheets["Tulokset"], sheets["Väittämät"]
    by_org = {row[4]: row for row in results[1:]}
    assert by_org["Pakkaus Oy"][6:14] == [None] * 8
    assert by_org["Pakkaus Oy"][14] == WITHHELD_FI
    assert by_org["Pakkaus Oy"][3] is None  # R would give the side away
    assert by_org["Kuusi Oy"][6] is not None
    assert {row[1] for row in statements[1:]} == {"Kuusi Oy"}
    # A round name that a spreadsheet would run is kept as text.
    assert by_org["Kuusi Oy"][0] == "'=HYPERLINK(1)"
    book = load_workbook(
        io.BytesIO(page(world, "kmember", "/relationships/kuusi/pakkaus/results.xlsx").content)
    )
    assert all(
        cell.data_type != "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )
    # In English, the headers are English.
    english = read_xlsx(page(world, "kmember", "/relationships/kuusi/pakkaus/results.xlsx"))
    assert english["Results"][0][:3] == ["Round", "Instrument", "Status"]


@pytest.mark.parametrize("path", ["present", "results.xlsx"])
def test_the_new_views_follow_the_relationship_page_s_access_rule(world: World, path: str) -> None:
    make_round(world, "2026-Q1", SHEETS)
    for who in ("kmember", "kadmin", "fac", "root"):
        assert page(world, who, f"/relationships/kuusi/pakkaus/{path}").status_code == 200, who
    # An organisation outside the pair sees neither, as it does not see the page.
    assert page(world, "labadmin", "/relationships/kuusi/pakkaus").status_code == 404
    assert page(world, "labadmin", f"/relationships/kuusi/pakkaus/{path}").status_code == 404
    assert page(world, "fac", f"/relationships/kuusi/nobody/{path}").status_code == 404
    anonymous = page(world, None, f"/relationships/kuusi/pakkaus/{path}")
    assert anonymous.status_code == page(world, None, "/relationships/kuusi/pakkaus").status_code
    assert anonymous.status_code in (303, 401)


def test_the_presentation_view_pages_through_the_organisation_s_relationships(
    world: World,
) -> None:
    tie_kuusi_and_lab(world)
    make_round(world, "2026-Q1", SHEETS)
    make_round(
        world, "2026-Q1", {"kuusi": SHEETS["kuusi"], "lab": SHEETS["pakkaus"]},
        between=("kuusi", "lab"),
    )  # fmt: skip
    start = page(world, "kadmin", "/relationships/present?org=kuusi", "fi")
    assert start.status_code == 303
    first = page(world, "kadmin", start.headers["location"], "fi")
    assert first.status_code == 200 and '<html lang="fi">' in first.text
    assert 'data-testid="position">1 / 2<' in first.text
    assert 'rel="prev"' not in first.text.split("<body", 1)[1]
    following = re.search(r'<a href="([^"]+)" rel="next"', first.text)
    assert following
    second = page(world, "kadmin", html.unescape(following[1]), "fi")
    assert 'data-testid="position">2 / 2<' in second.text
    assert 'rel="next"' not in second.text.split("<body", 1)[1]
    back = re.search(r'<a href="([^"]+)" rel="prev"', second.text)
    assert back and html.unescape(back[1]) == start.headers["location"]
    between = {re.search(r'data-between="([^"]+)"', p.text)[1] for p in (first, second)}
    assert between == {"kuusi/pakkaus", "kuusi/lab"}
    assert "Edellinen" in second.text and "Seuraava" in first.text
    # The member of kuusi reads the factors of no side that is below the minimum.
    make_round(world, "2026-Q2", {"kuusi": SHEETS["kuusi"], "pakkaus": SHEETS["pakkaus"][:1]})
    member = page(world, "kmember", "/relationships/kuusi/pakkaus/present?round=2026-Q2", "fi")
    assert 'data-testid="withheld-pakkaus"' in member.text and WITHHELD_FI in member.text
    assert 'data-testid="score-pakkaus"' not in member.text
    assert 'data-testid="relationship-score">–<' in member.text
    assert 'data-testid="lever" data-side="kuusi"' in member.text
