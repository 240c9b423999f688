"""Challenges and ideas travel in the network document (``items[].innovation``)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

BASE: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k.title()} for k in ("kuusi", "pakkaus", "gran", "lab")],
    "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
    "competitors": [["gran", "kuusi"]],
    "items": [
        {
            "key": "wrap",
            "owner": "kuusi",
            "title": "Can fibre replace the butter wrap?",
            "audience": {"level": "public"},
            "innovation": {"kind": "challenge"},
        },
        {
            "key": "wax",
            "owner": "pakkaus",
            "title": "A bio-wax barrier",
            "audience": {"level": "network"},
            "innovation": {"kind": "idea", "stage": "developing", "challenge": "wrap"},
        },
        {
            "key": "inner",
            "owner": "kuusi",
            "title": "Partners only: lighter board",
            "audience": {"level": "partners"},
            "innovation": {"kind": "challenge", "stage": "reviewing"},
        },
        {"key": "plain", "owner": "lab", "title": "Just a post", "audience": {"level": "network"}},
    ],
}


def exported_entries(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    doc = json.loads(cli("export").out)
    return {i["key"]: i.get("innovation") for i in doc["items"]}


def test_entries_round_trip_and_a_new_stage_updates_the_entry(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(BASE)).code == 0
    assert exported_entries(cli) == {
        "wrap": {"kind": "challenge", "stage": "open"},
        "wax": {"kind": "idea", "stage": "developing", "challenge": "wrap"},
        "inner": {"kind": "challenge", "stage": "reviewing"},
        "plain": None,
    }
    exported = cli("export").out
    again = cli("import", "-", stdin=exported)
    assert again.code == 0 and "nothing new" in again.err + again.out
    assert cli("export").out == exported

    moved = copy.deepcopy(BASE)
    moved["items"][1]["innovation"]["stage"] = "piloting"
    assert cli("import", "-", stdin=json.dumps(moved)).code == 0
    assert exported_entries(cli)["wax"]["stage"] == "piloting"
    # The entry's history records the move made by the import.
    shown = cli("innovation", "show", "wax", "--org", "kuusi", "--json")
    assert shown.code == 0, shown.err
    assert [h["to_stage"] for h in shown.json()["history"]] == ["developing", "piloting"]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda d: d["items"][1]["innovation"].update(stage="flying"), "items[1].innovation.stage",
         "'flying' is not a stage"),
        (lambda d: d["items"][1]["innovation"].update(challenge="plain"),
         "items[1].innovation.challenge", "'plain' is not a challenge"),
        (lambda d: d["items"][2]["innovation"].update(challenge="wrap"),
         "items[2].innovation.challenge", "only an idea answers a challenge"),
        (lambda d: d["items"][1]["innovation"].update(kind="poll"), "items[1].innovation.kind", ""),
        (lambda d: d["items"].append({"key": "gran-idea", "owner": "gran", "title": "Ours",
                                      "audience": {"level": "network"},
                                      "innovation": {"kind": "idea", "challenge": "inner"}}),
         "items[4].innovation.challenge", "gran cannot see the challenge 'inner'"),
        (lambda d: d["items"].append({"key": "re", "owner": "pakkaus", "reshare_of": "wrap",
                                      "audience": {"level": "network"},
                                      "innovation": {"kind": "idea"}}),
         "items[4].innovation", "not a reshare"),
    ],
)  # fmt: skip
def test_a_broken_entry_is_refused_with_its_path_and_nothing_is_imported(  # type: ignore[no-untyped-def]
    cli, change, path, message
) -> None:
    before = cli("export").out
    doc = copy.deepcopy(BASE)
    change(doc)
    refused = cli("import", "-", stdin=json.dumps(doc))
    assert refused.code == 2, refused.err
    assert path in refused.err and message in refused.err
    assert "Traceback" not in refused.err
    assert cli("export").out == before
