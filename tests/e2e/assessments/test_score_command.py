"""``winwin score`` end to end: documents in through ``winwin import``, numbers out as the
formula says (computed here independently), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from winwin.data import get_builtin_instrument
from winwin.network.generate import generate_network

FACTORS = ("accessibility", "energy", "impact", "attraction")
MINI = {
    "key": "mini",
    "scale": 4,
    "items": [
        {"id": "a1", "factor": "accessibility", "text": {"en": "a", "fi": "a"}},
        {"id": "a2", "factor": "accessibility", "reverse": True, "text": {"en": "b", "fi": "b"}},
        {"id": "e1", "factor": "energy", "text": {"en": "c", "fi": "c"}},
        {"id": "i1", "factor": "impact", "text": {"en": "d", "fi": "d"}},
        {"id": "t1", "factor": "attraction", "reverse": True, "text": {"en": "e", "fi": "e"}},
    ],
}
DOC: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k} for k in ("kuusi", "pakkaus", "lab", "kemi")],
    "instruments": [MINI],
    "assessments": [
        {
            "round": "2026-Q1",
            "instrument": "mini",
            "between": ["pakkaus", "kuusi"],
            "responses": [
                {"side": "kuusi", "respondent": "k1", "answers": {"a1": 4, "a2": 2, "e1": 3}},
                {"side": "kuusi", "respondent": "k2", "answers": {"i1": 2, "t1": 4, "e1": 1}},
                {"side": "pakkaus", "respondent": "p1", "answers": {"a1": 2, "e1": 4, "i1": 3}},
                {"side": "third-party", "respondent": "x", "answers": {"i1": 4, "t1": 1}},
            ],
        },
        {
            "round": "2026-Q2",
            "instrument": "mini",
            "between": ["kuusi", "pakkaus"],
            "responses": [
                {"side": "kuusi", "respondent": "k1", "answers": {"a1": 4, "e1": 4}},
                {"side": "pakkaus", "respondent": "p1", "answers": {"a1": 1, "t1": 4}},
            ],
        },
        {
            "round": "2026-Q1",
            "instrument": "customer-relationship",
            "between": ["lab", "kemi"],
            "responses": [
                {"side": "lab", "respondent": "l", "answers": {"a1": 5, "e5": 1, "i3": 4}},
            ],
        },
    ],
}


def expected(doc: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    spec = next(
        (i for i in doc.get("instruments", []) if i["key"] == assessment["instrument"]), None
    )
    spec = spec or get_builtin_instrument(assessment["instrument"])
    assert spec is not None
    k = spec.get("scale", 5)
    items = {it["id"]: it for it in spec["items"]}

    def values(side: str) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for factor in FACTORS:
            ns = []
            for r in assessment["responses"]:
                for item, x in r["answers"].items():
                    if r["side"] == side and items[item]["factor"] == factor:
                        n = (x - 1) / (k - 1)
                        ns.append(1 - n if items[item].get("reverse") else n)
            out[factor] = sum(ns) / len(ns) if ns else None
        return out

    sides: dict[str, Any] = {}
    for key in sorted(assessment["between"]):
        if not any(r["side"] == key for r in assessment["responses"]):
            sides[key] = None
            continue
        v = values(key)
        a, e, i, t = (v[f] or 0.0 for f in FACTORS)
        gains = [50 * e * (1 - a), 50 * a * (1 - e), 50 * t * (1 - i), 50 * i * (1 - t)]
        lever = gains.index(max(gains))  # index() finds the first maximum: A, E, I, T
        sides[key] = {
            **v,
            "score": 50 * (a * e + i * t),
            "lever": FACTORS[lever],
            "gain": gains[lever],
        }
    s = [sides[k] for k in sorted(assessment["between"])]
    third = [r for r in assessment["responses"] if r["side"] == "third-party" and r["answers"]]
    outside = None
    if third:
        v = values("third-party")
        outside = {"impact": v["impact"], "attraction": v["attraction"]}
    return {
        "between": sorted(assessment["between"]),
        "round": assessment["round"],
        "score": None if None in s else math.sqrt(s[0]["score"] * s[1]["score"]),
        "sides": sides,
        "outside_view": outside,
    }


RELATIONSHIP_KEYS = ("between", "round", "score", "sides", "outside_view")
SIDE_KEYS = (*FACTORS, "score", "lever", "gain")


def contract(relationship: dict[str, Any]) -> dict[str, Any]:
    """The fields CONTRACT.md fixes, without the ones added since (checked apart)."""
    assert list(relationship)[: len(RELATIONSHIP_KEYS)] == list(RELATIONSHIP_KEYS)
    out = {key: relationship[key] for key in RELATIONSHIP_KEYS}
    out["sides"] = {
        key: None if side is None else {k: side[k] for k in SIDE_KEYS}
        for key, side in relationship["sides"].items()
    }
    return out


def assert_measures(relationship: dict[str, Any], assessment: dict[str, Any]) -> None:
    """The added fields: respondents, alpha and the interval per side, the interval of R."""
    for key, side in relationship["sides"].items():
        if side is None:
            continue
        count = sum(r["side"] == key for r in assessment["responses"])
        assert side["respondents"] == count
        assert list(side["alpha"]) == list(FACTORS)
        if count < 3:
            assert side["ci"] is None
            assert set(side["alpha"].values()) == {None}
        else:
            low, high = side["ci"]
            assert low <= side["score"] <= high
    if relationship["score"] is None or any(
        s is None or s["ci"] is None for s in relationship["sides"].values()
    ):
        assert relationship["ci"] is None
    else:
        low, high = relationship["ci"]
        assert low <= relationship["score"] <= high


def approx(value: Any) -> Any:
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-12, abs=1e-12)
    if isinstance(value, dict):
        return {k: approx(v) for k, v in value.items()}
    if isinstance(value, list):
        return [approx(v) for v in value]
    return value


def test_score_json_is_the_contract_document_with_each_latest_round(cli):
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    result = cli("score", "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert list(document) == ["relationships"]
    assert [contract(r) for r in document["relationships"]] == [
        approx(expected(DOC, DOC["assessments"][2])),
        approx(expected(DOC, DOC["assessments"][1])),
    ]
    assert_measures(document["relationships"][0], DOC["assessments"][2])
    assert_measures(document["relationships"][1], DOC["assessments"][1])
    kemi_lab = document["relationships"][0]
    assert kemi_lab["between"] == ["kemi", "lab"]
    assert kemi_lab["score"] is None and kemi_lab["sides"]["kemi"] is None


def test_score_of_a_named_round_keeps_the_outside_view_beside_the_sides(cli):
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    result = cli("score", "--round", "2026-Q1", "--json")
    assert result.code == 0, result.err
    relationships = result.json()["relationships"]
    assert [r["between"] for r in relationships] == [["kemi", "lab"], ["kuusi", "pakkaus"]]
    assert contract(relationships[1]) == approx(expected(DOC, DOC["assessments"][0]))
    assert_measures(relationships[1], DOC["assessments"][0])
    assert relationships[1]["outside_view"] == {"impact": 1.0, "attraction": 1.0}
    assert cli("score", "--round", "2030", "--json").json() == {"relationships": []}


def test_score_of_a_generated_network_matches_the_formula_everywhere(cli, tmp_path):
    doc = generate_network(orgs=80, seed=7, items_per_org=0.0)
    path = tmp_path / "network.json"
    path.write_text(json.dumps(doc))
    assert cli("import", str(path)).code == 0
    relationships = cli("score", "--json").json()["relationships"]
    wanted = sorted(
        (expected(doc, a) for a in doc["assessments"]), key=lambda r: (r["between"], r["round"])
    )
    assert len(relationships) == len(wanted) == 8
    assert [contract(r) for r in relationships] == [approx(w) for w in wanted]
    by_pair = {(tuple(sorted(a["between"])), a["round"]): a for a in doc["assessments"]}
    for r in relationships:
        assert_measures(r, by_pair[(tuple(r["between"]), r["round"])])


def test_score_without_json_prints_a_table_with_the_numbers(cli):
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    result = cli("score")
    assert result.code == 0
    wanted = expected(DOC, DOC["assessments"][1])
    assert "kuusi – pakkaus" in result.out
    assert f"{wanted['score']:.1f}" in result.out
    assert "not answered" in result.out


def test_score_with_an_empty_round_name_is_bad_input_and_exits_2(cli):
    result = cli("score", "--round", " ", "--json")
    assert result.code == 2
    assert "round" in result.err
    assert result.out == ""


MISREAD: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k} for k in ("kuusi", "pakkaus")],
    "instruments": [MINI],
    "assessments": [
        {
            "round": "2026-Q1",
            "instrument": "mini",
            "between": ["kuusi", "pakkaus"],
            # a2 is reverse-coded but these respondents answered it like a1.
            "responses": [
                {"side": "kuusi", "respondent": f"k{n}", "answers": {"a1": x, "a2": y, "e1": 2}}
                for n, (x, y) in enumerate([(1, 1), (2, 3), (3, 3), (4, 4), (4, 2)])
            ]
            + [
                {"side": "pakkaus", "respondent": f"p{n}", "answers": {"a1": x, "a2": 5 - x}}
                for n, x in enumerate([1, 3, 4])
            ],
        }
    ],
}


def test_score_items_json_flags_a_reverse_coded_statement_read_the_wrong_way(cli):
    assert cli("import", "-", stdin=json.dumps(MISREAD)).code == 0
    result = cli("score", "--items", "--json")
    assert result.code == 0, result.err
    (relationship,) = result.json()["relationships"]
    kuusi = relationship["sides"]["kuusi"]
    assert [i["id"] for i in kuusi["items"]] == ["a1", "a2", "e1", "i1", "t1"]
    a1, a2, e1 = kuusi["items"][:3]
    assert set(a1) == {"id", "factor", "reverse", "item_total", "flag"}
    assert a2["reverse"] is True and a2["item_total"] < 0 and a2["flag"] == "possibly misread"
    assert a1["item_total"] < 0 and a1["flag"] == "negative"
    assert e1["item_total"] is None and e1["flag"] is None  # the only energy statement
    assert kuusi["alpha"]["accessibility"] < 0
    pakkaus = relationship["sides"]["pakkaus"]
    assert pakkaus["alpha"]["accessibility"] == pytest.approx(1.0)
    assert [i["flag"] for i in pakkaus["items"][:2]] == [None, None]
    # Without --items the document keeps its shape.
    plain = cli("score", "--json").json()["relationships"][0]
    assert "items" not in plain["sides"]["kuusi"]
    table = cli("score", "--items")
    assert table.code == 0 and "possibly misread" in table.out and "few respondents" in table.out


def test_research_export_writes_a_zip_of_answers_and_codebook_and_refuses_bad_input(cli, tmp_path):
    import io
    import zipfile

    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    target = tmp_path / "research.zip"
    result = cli("research-export", "--round", "2026-Q1", "-o", str(target), "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert document["rows"] == 14 and document["relationship_rounds"] == 2
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["answers.csv", "codebook.json"]
        lines = archive.read("answers.csv").decode().splitlines()
    assert lines[0] == "round,relationship,side,respondent,statement,raw,normalised"
    assert len(lines) == 15 and not any(name in "".join(lines) for name in ("k1", "p1,"))
    bad = cli("research-export", "--round", "2026-Q1", "--format", "xlsx", "-o", str(target))
    assert bad.code == 2 and "format" in bad.err
    none = cli("research-export", "--round", "2031", "-o", str(tmp_path / "x.zip"))
    assert none.code == 2 and "rounds" in none.err and not (tmp_path / "x.zip").exists()
