"""``winwin score --compare R1 R2 [--json]`` on both databases: the contract's shape, the
changes against ``winwin score --round``, noise from the intervals, and the actions aimed
at each factor with what became of them."""

from __future__ import annotations

import json
from typing import Any

import pytest

FACTORS = ("accessibility", "energy", "impact", "attraction")
MINI = {
    "key": "mini",
    "scale": 5,
    "items": [
        {"id": i, "factor": f, "text": {"en": f, "fi": f}}
        for i, f in zip(("a1", "e1", "i1", "t1"), FACTORS, strict=True)
    ],
}


def _responses(side: str, rows: list[tuple[int, int, int, int]]) -> list[dict[str, Any]]:
    return [
        {
            "side": side,
            "respondent": f"{side}{n}",
            "answers": dict(zip(("a1", "e1", "i1", "t1"), r, strict=True)),
        }
        for n, r in enumerate(rows)
    ]


STEADY = [(3, 4, 3, 4), (4, 3, 4, 3), (3, 3, 4, 4), (4, 4, 3, 3)]
DOC = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k} for k in ("kuusi", "pakkaus", "lab", "kemi")],
    "ties": [
        {"kind": "supplies", "from": "pakkaus", "to": "kuusi"},
        {"kind": "supplies", "from": "lab", "to": "kemi"},
    ],
    "instruments": [MINI],
    "assessments": [
        {
            "round": "2026-Q1",
            "instrument": "mini",
            "between": ["kuusi", "pakkaus"],
            "responses": _responses(
                "kuusi", [(1, 4, 3, 4), (1, 3, 4, 3), (2, 3, 4, 4), (1, 4, 3, 3)]
            )
            + _responses("pakkaus", STEADY),
        },
        {
            "round": "2026-Q2",
            "instrument": "mini",
            "between": ["kuusi", "pakkaus"],
            "responses": _responses(
                "kuusi", [(5, 4, 3, 4), (5, 3, 4, 3), (4, 3, 4, 4), (5, 4, 3, 3)]
            )
            + _responses("pakkaus", STEADY),
        },
        {
            "round": "2026-Q1",
            "instrument": "mini",
            "between": ["lab", "kemi"],
            "responses": _responses("lab", [(2, 2, 2, 2)]) + _responses("kemi", [(3, 3, 3, 3)]),
        },
        {
            "round": "2026-Q2",
            "instrument": "mini",
            "between": ["lab", "kemi"],
            "responses": _responses("lab", [(4, 4, 4, 4)]) + _responses("kemi", [(3, 3, 3, 3)]),
        },
    ],
}


@pytest.fixture
def rounds(cli: Any) -> Any:
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    return cli


def test_compare_keeps_the_contract_and_agrees_with_the_scores(rounds: Any) -> None:
    done = rounds(
        "actions",
        "add",
        "--relationship",
        "kuusi:pakkaus",
        "--by",
        "pakkaus",
        "--factor",
        "accessibility",
        "--title",
        "Named contact person",
        "--json",
    ).json()
    dropped = rounds(
        "actions",
        "add",
        "--relationship",
        "kuusi:pakkaus",
        "--by",
        "kuusi",
        "--factor",
        "energy",
        "--title",
        "Joint workshop",
        "--json",
    ).json()
    assert rounds("actions", "set", str(done["id"]), "--status", "done").code == 0
    assert (
        rounds(
            "actions", "set", str(dropped["id"]), "--status", "dropped", "--reason", "no budget"
        ).code
        == 0
    )

    result = rounds("score", "--compare", "2026-Q1", "2026-Q2", "--json")
    assert result.code == 0, result.err
    found = {tuple(r["between"]): r for r in result.json()["relationships"]}
    assert set(found) == {("kemi", "lab"), ("kuusi", "pakkaus")}
    q1 = {
        tuple(r["between"]): r
        for r in rounds("score", "--round", "2026-Q1", "--json").json()["relationships"]
    }
    q2 = {
        tuple(r["between"]): r
        for r in rounds("score", "--round", "2026-Q2", "--json").json()["relationships"]
    }
    for pair, doc in found.items():
        assert doc["score"]["from"] == q1[pair]["score"] and doc["score"]["to"] == q2[pair]["score"]
        assert doc["score"]["change"] == pytest.approx(q2[pair]["score"] - q1[pair]["score"])
        for key in pair:
            side = doc["sides"][key]
            for factor in FACTORS:
                assert side[factor]["from"] == q1[pair]["sides"][key][factor]
                assert side[factor]["to"] == q2[pair]["sides"][key][factor]
            assert side["score"]["change"] == pytest.approx(
                q2[pair]["sides"][key]["score"] - q1[pair]["sides"][key]["score"]
            )

    moved = found[("kuusi", "pakkaus")]
    assert moved["sides"]["kuusi"]["accessibility"]["beyond_noise"] is True  # 0.06 → 0.94
    assert moved["sides"]["pakkaus"]["accessibility"]["beyond_noise"] is False  # same answers
    assert moved["sides"]["pakkaus"]["accessibility"]["change"] == 0
    assert moved["actions"]["accessibility"] == [
        {
            "id": done["id"],
            "title": "Named contact person",
            "by": "pakkaus",
            "status": "done",
            "reason": None,
        }
    ]
    assert moved["actions"]["energy"][0]["status"] == "dropped"
    assert moved["actions"]["energy"][0]["reason"] == "no budget"
    assert moved["actions"]["impact"] == []
    # One respondent a side: nobody can tell.
    few = found[("kemi", "lab")]
    assert few["sides"]["lab"]["accessibility"]["change"] == pytest.approx(0.5)
    assert few["sides"]["lab"]["accessibility"]["beyond_noise"] is None
    assert few["score"]["beyond_noise"] is None

    text = rounds("score", "--compare", "2026-Q1", "2026-Q2")
    assert "too few respondents to tell" in text.out and "beyond noise" in text.out
    assert "Named contact person (done)" in text.out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--compare", "2026-Q1", "2026-Q1"], "after"),
        (["--compare", "2026-Q1", "2026-Q2", "--round", "2026-Q1"], "--compare"),
    ],
)
def test_a_refused_comparison_exits_2_and_names_the_field(
    rounds: Any, args: list[str], field: str
) -> None:
    refused = rounds("score", *args)
    assert refused.code == 2
    assert f"error: {field}:" in refused.err
