"""`winwin import` and `winwin export` through the real entry point, on both databases."""

from __future__ import annotations

import copy
import json

import pytest

from support.document_model import as_exported, canonical, comparable_export
from winwin.network.demo import demo_document

SMALL = {
    "format": "winwin/1",
    "organizations": [
        {
            "key": "kuusi",
            "name": "Kuusi Paper Oy",
            "country": "FI",
            "cluster": "forest",
            "industry": "paper",
            "roles": ["supplier", "customer"],
            "capabilities": ["coated board"],
            "needs": ["barrier coatings"],
            "values": ["circular economy"],
        },
        {
            "key": "kemi",
            "name": "Kemi Oy",
            "country": "FI",
            "cluster": "chemistry",
            "roles": ["supplier"],
        },
        {"key": "pakkaus", "name": "Pakkaus Oy", "country": "FI", "roles": ["customer"]},
        {"key": "lab", "name": "Lab", "country": "FI", "roles": ["research"]},
        {"key": "gran", "name": "Gran AB", "country": "SE", "cluster": "forest"},
    ],
    "ties": [
        {"kind": "supplies", "from": "kemi", "to": "kuusi"},
        {"kind": "supplies", "from": "kuusi", "to": "pakkaus"},
        {"kind": "partners", "from": "lab", "to": "kuusi"},
    ],
    "competitors": [["kuusi", "gran"]],
    "circles": [{"key": "board-lab", "name": "Board lab", "members": ["kuusi", "lab", "pakkaus"]}],
    "agreements": [{"between": ["kuusi", "pakkaus"], "secret_topics": ["recipe"]}],
    "competition_sensitive_topics": ["pricing", "capacity", "bids"],
    "items": [
        {
            "key": "i1",
            "owner": "kuusi",
            "title": "New barrier idea",
            "body": "Thin *coat*",
            "topics": ["barrier"],
            "audience": {"level": "partners"},
            "exclude": ["competitors", "country:SE"],
        },
        {"key": "i2", "owner": "lab", "reshare_of": "i1", "audience": {"level": "network"}},
    ],
    "instruments": [
        {
            "key": "mini",
            "scale": 5,
            "items": [
                {"id": "a1", "factor": "accessibility", "text": {"en": "Open", "fi": "Avoin"}},
                {
                    "id": "e1",
                    "factor": "energy",
                    "reverse": True,
                    "text": {"en": "Tired", "fi": "Väsynyt"},
                },
                {"id": "i1", "factor": "impact", "text": {"en": "Helps", "fi": "Auttaa"}},
            ],
        },
    ],
    "assessments": [
        {
            "round": "2026-Q1",
            "instrument": "mini",
            "between": ["kuusi", "pakkaus"],
            "responses": [
                {
                    "side": "kuusi",
                    "respondent": "r1",
                    "answers": {"a1": 4, "e1": 2},
                    "cant_say": ["i1"],
                },
                {"side": "third-party", "respondent": "r9", "answers": {"i1": 5}},
                # Only "I can't say": kept, though not counted as a respondent.
                {
                    "side": "pakkaus",
                    "respondent": "r2",
                    "answers": {},
                    "cant_say": ["i1", "a1"],
                },
            ],
        },
    ],
}


def _import(cli, document) -> object:  # type: ignore[no-untyped-def]
    return cli("import", "-", stdin=json.dumps(document))


def _export(cli) -> dict:  # type: ignore[no-untyped-def]
    result = cli("export")
    assert result.code == 0, result.err
    return result.json()


def test_a_document_round_trips_through_an_empty_database(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, SMALL).code == 0
    first = _export(cli)
    # The export says what the document said (normalised), not only what an export says.
    assert canonical(comparable_export(first, SMALL)) == canonical(as_exported(SMALL))
    from support.cli import run

    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run(other, "import", "-", stdin=json.dumps(first)).code == 0
    second = run(other, "export").json()
    assert canonical(first) == canonical(second)
    assert {o["key"] for o in first["organizations"]} == {o["key"] for o in SMALL["organizations"]}
    reshare = next(i for i in first["items"] if i["key"] == "i2")
    assert reshare["reshare_of"] == "i1"
    assert reshare["title"] == "New barrier idea"  # a reshare takes the original's title


def test_importing_the_same_document_twice_changes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, SMALL).code == 0
    before = _export(cli)
    again = cli("import", "-", "--json", stdin=json.dumps(SMALL))
    assert again.code == 0
    assert sum(again.json()["created"].values()) == 0
    assert _export(cli) == before


def test_a_changed_key_updates_that_record(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, SMALL).code == 0
    changed = copy.deepcopy(SMALL)
    changed["organizations"][0]["name"] = "Kuusi Board Oy"
    changed["items"][0]["title"] = "Barrier idea, second draft"
    changed["assessments"][0]["responses"][0]["answers"]["a1"] = 5
    assert _import(cli, changed).code == 0
    after = _export(cli)
    assert (
        next(o for o in after["organizations"] if o["key"] == "kuusi")["name"] == "Kuusi Board Oy"
    )
    assert (
        next(i for i in after["items"] if i["key"] == "i1")["title"] == "Barrier idea, second draft"
    )
    answers = after["assessments"][0]["responses"]
    assert next(r for r in answers if r["respondent"] == "r1")["answers"]["a1"] == 5
    assert len(after["organizations"]) == len(SMALL["organizations"])


def test_i_cant_say_marks_round_trip_and_a_changed_document_replaces_them(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, SMALL).code == 0
    first = _export(cli)
    responses = {r["respondent"]: r for r in first["assessments"][0]["responses"]}
    assert responses["r1"]["cant_say"] == ["i1"]
    assert responses["r2"] == {
        "side": "pakkaus", "respondent": "r2", "answers": {}, "cant_say": ["a1", "i1"]
    }  # fmt: skip
    assert "cant_say" not in responses["r9"]
    # The marks are no answers: r2 is no respondent, and r1's side scores from a1 and e1.
    (scored,) = cli("score", "--json").json()["relationships"]
    assert scored["sides"]["pakkaus"] is None
    assert scored["sides"]["kuusi"]["respondents"] == 1
    # A document that changes a response replaces its marks, as it does its answers.
    changed = copy.deepcopy(SMALL)
    changed["assessments"][0]["responses"][0]["cant_say"] = []
    changed["assessments"][0]["responses"][2]["cant_say"] = ["e1"]
    changed["assessments"][0]["responses"][1]["cant_say"] = ["i1"]
    changed["assessments"][0]["responses"][1]["answers"] = {}
    assert _import(cli, changed).code == 0
    after = {r["respondent"]: r for r in _export(cli)["assessments"][0]["responses"]}
    assert "cant_say" not in after["r1"]
    assert after["r2"]["cant_say"] == ["e1"]
    assert after["r9"] == {
        "side": "third-party",
        "respondent": "r9",
        "answers": {},
        "cant_say": ["i1"],
    }
    again = cli("import", "-", "--json", stdin=json.dumps(changed))
    assert again.code == 0 and sum(again.json()["created"].values()) == 0
    # In a closed round the marks can no longer change; the same ones are no change.
    (listed,) = cli("round", "list", "--json").json()["rounds"]
    assert cli("round", "close", str(listed["id"])).code == 0
    closed = _export(cli)
    assert _import(cli, changed).code == 0
    moved = copy.deepcopy(changed)
    moved["assessments"][0]["responses"][2]["cant_say"] = ["a1"]
    refused = _import(cli, moved)
    assert refused.code == 2 and "assessments[0].responses[2]" in refused.err, refused.err
    assert _export(cli) == closed


def test_the_demo_network_loads_and_round_trips(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo").code == 0
    exported = _export(cli)
    demo = demo_document()
    assert len(exported["organizations"]) == len(demo["organizations"]) >= 30
    assert {o["country"] for o in exported["organizations"]} >= {"FI", "SE", "DE"}
    assert {i["audience"]["level"] for i in exported["items"]} == {
        "secret",
        "direct",
        "partners",
        "circle",
        "network",
        "public",
    }
    assert len({a["round"] for a in exported["assessments"]}) == 2
    assert cli("demo").code == 0
    assert _export(cli) == exported


def test_the_demo_document_exports_as_written(cli) -> None:  # type: ignore[no-untyped-def]
    demo = demo_document()
    assert _import(cli, demo).code == 0
    exported = _export(cli)
    assert canonical(comparable_export(exported, demo)) == canonical(as_exported(demo))


def test_export_prints_one_json_document_and_nothing_else(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, SMALL).code == 0
    result = cli("export", "--json")
    assert result.code == 0
    assert json.loads(result.out)["format"] == "winwin/1"


def test_init_is_safe_to_run_again(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    assert _import(cli, SMALL).code == 0
    assert cli("init").code == 0
    assert len(_export(cli)["organizations"]) == len(SMALL["organizations"])


def _with(path: str, value: object) -> dict:
    """SMALL with one JSON path replaced (``items[0].audience.level``)."""
    document = copy.deepcopy(SMALL)
    target: object = document
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]  # type: ignore[index]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value  # type: ignore[index]
    return document


DUPLICATE_ORG = copy.deepcopy(SMALL)
DUPLICATE_ORG["organizations"].append(dict(SMALL["organizations"][1]))
VALID_THEN_BROKEN = copy.deepcopy(SMALL)
VALID_THEN_BROKEN["organizations"] += [
    {"key": f"extra-{n}", "name": f"Extra {n}"} for n in range(50)
] + [{"key": "Broken Key", "name": "x"}]

HOSTILE = [
    ("invalid json", '{"format": "winwin/1",', "invalid JSON"),
    ("a list, not an object", "[]", "JSON object"),
    ("missing format", json.dumps({"organizations": []}), "format"),
    ("unknown format", json.dumps({"format": "winwin/9"}), "format"),
    ("malformed key", json.dumps(_with("organizations[1].key", "Kemi Oy")), "organizations[1].key"),
    ("duplicate key", json.dumps(DUPLICATE_ORG), "organizations[5].key"),
    ("dangling tie", json.dumps(_with("ties[1].to", "nobody")), "ties[1].to"),
    ("unknown tie kind", json.dumps(_with("ties[0].kind", "owns")), "ties[0].kind"),
    (
        "wrong type",
        json.dumps(_with("organizations[0].roles", "supplier")),
        "organizations[0].roles",
    ),
    ("unknown key", json.dumps({**SMALL, "colour": "red"}), "colour"),
    (
        "unknown level",
        json.dumps(_with("items[0].audience.level", "friends")),
        "items[0].audience.level",
    ),
    (
        "answer out of scale",
        json.dumps(_with("assessments[0].responses[0].answers.a1", 6)),
        "assessments[0].responses[0].answers.a1",
    ),
    (
        "third party answers energy",
        json.dumps(_with("assessments[0].responses[1].answers", {"e1": 3})),
        "assessments[0].responses[1].answers.e1",
    ),
    (
        "side outside the pair",
        json.dumps(_with("assessments[0].responses[0].side", "kemi")),
        "assessments[0].responses[0].side",
    ),
    (
        "unknown instrument",
        json.dumps(_with("assessments[0].instrument", "nope")),
        "assessments[0].instrument",
    ),
    ("valid part then a broken one", json.dumps(VALID_THEN_BROKEN), "organizations[55].key"),
    (
        "fractional answer",
        json.dumps(_with("assessments[0].responses[0].answers.a1", 3.5)),
        "assessments[0].responses[0].answers.a1",
    ),
    ("not utf-8", b'{"format": "winwin/1", "x": "\xff"}', "UTF-8"),
    (
        "can't say an unknown item",
        json.dumps(_with("assessments[0].responses[0].cant_say", ["zz9"])),
        "assessments[0].responses[0].cant_say[0]",
    ),
    (
        "can't say an answered item",
        json.dumps(_with("assessments[0].responses[0].cant_say", ["i1", "a1"])),
        "assessments[0].responses[0].cant_say[1]",
    ),
    (
        "can't say twice",
        json.dumps(_with("assessments[0].responses[2].cant_say", ["i1", "i1"])),
        "assessments[0].responses[2].cant_say[1]",
    ),
    (
        "a third party can't say energy",
        json.dumps(_with("assessments[0].responses[1].cant_say", ["e1"])),
        "assessments[0].responses[1].cant_say[0]",
    ),
    (
        "can't say a number",
        json.dumps(_with("assessments[0].responses[0].cant_say", [3])),
        "assessments[0].responses[0].cant_say[0]",
    ),
    (
        "can't say as one text",
        json.dumps(_with("assessments[0].responses[0].cant_say", "i1")),
        "assessments[0].responses[0].cant_say",
    ),
]


@pytest.mark.parametrize(("case", "text", "place"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_documents_exit_2_and_leave_the_database_as_it_was(
    cli, case: str, text: str | bytes, place: str
) -> None:  # type: ignore[no-untyped-def]
    assert (
        _import(
            cli,
            {"format": "winwin/1", "organizations": [{"key": "already", "name": "Already here"}]},
        ).code
        == 0
    )
    before = _export(cli)
    result = cli("import", "-", stdin=text)
    assert result.code == 2, (case, result.err)
    assert "Traceback" not in result.err
    assert place in result.err
    assert result.out == ""
    assert _export(cli) == before


def test_a_huge_document_with_one_broken_record_stores_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    n = 20_000
    document = {
        "format": "winwin/1",
        "organizations": [{"key": f"o{i}", "name": f"Org {i}"} for i in range(n)],
        "ties": [
            {"kind": "supplies", "from": f"o{i}", "to": f"o{(i * 7 + 1) % n}"} for i in range(n)
        ],
    }
    document["ties"][-1]["to"] = "missing"
    result = _import(cli, document)
    assert result.code == 2
    assert f"ties[{n - 1}].to" in result.err
    assert _export(cli)["organizations"] == []


def test_an_unreadable_file_is_bad_input(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", str(tmp_path / "missing.json"))
    assert result.code == 2
    assert "no such file" in result.err
