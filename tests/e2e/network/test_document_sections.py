"""Joint actions, initiatives and tie-sharing levels travel in the network document
(``actions``, ``initiatives`` and ``tie_sharing``), through the real ``winwin import``
and ``winwin export``, on both databases."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from support.cli import run
from support.document_model import as_exported, canonical, comparable_export

T = "2026-03-01T10:00:00.000000Z"
GAME = {
    "type": "synergy",
    "standalone": {"kuusi": 10, "pakkaus": 20},
    "synergy": [["kuusi", "pakkaus", 30]],
}
AGREED = {
    "title": "Barrier pilot",
    "goal": "",
    "parties": {"kuusi": "accepted", "pakkaus": "accepted"},
    "contributions": {"kuusi": [{"amount": 100.0, "currency": "EUR"}], "pakkaus": []},
    "method": "shapley",
    "shares": {"kuusi": 25.0, "pakkaus": 35.0},
    "in_core": True,
    "version": 3,
    "game": GAME,
}


def _both(status_a: str = "accepted", status_b: str = "accepted") -> list[dict[str, Any]]:
    return [{"org": "kuusi", "status": status_a}, {"org": "pakkaus", "status": status_b}]


DOC: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi Paper Oy", "country": "FI"},
        {"key": "kemi", "name": "Kemi Oy", "country": "FI"},
        {"key": "pakkaus", "name": "Pakkaus Oy", "country": "FI"},
        {"key": "lab", "name": "Lab", "country": "FI"},
        {"key": "gran", "name": "Gran AB", "country": "SE"},
    ],
    "ties": [
        {"kind": "supplies", "from": "kemi", "to": "kuusi"},
        {"kind": "supplies", "from": "kuusi", "to": "pakkaus"},
        {"kind": "partners", "from": "lab", "to": "kuusi"},
    ],
    "competition_sensitive_topics": ["pricing"],
    "tie_sharing": [
        {"org": "kuusi", "level": "overlap"},
        {"org": "kuusi", "with": "pakkaus", "level": "all"},
        {"org": "kemi", "with": "kuusi", "level": "hidden"},
    ],
    "actions": [
        {
            "key": "open-up",
            "between": ["pakkaus", "kuusi"],
            "by": "kuusi",
            "factor": "accessibility",
            "title": "Weekly call",
            "due": "2027-01-31",
            "created": T,
        },
        {
            "key": "energy",
            "between": ["kemi", "kuusi"],
            "by": "kemi",
            "factor": "energy",
            "title": "Joint sprint",
            "description": "**Two** weeks",
            "status": "doing",
        },
        {
            "key": "impact",
            "between": ["kuusi", "lab"],
            "by": "lab",
            "factor": "impact",
            "title": "Publish results",
            "status": "done",
            "created": T,
        },
        {
            "key": "attract",
            "between": ["kuusi", "lab"],
            "by": "kuusi",
            "factor": "attraction",
            "title": "Open day",
            "status": "dropped",
            "reason": "Merged into the sprint",
            "created": T,
        },
    ],
    "initiatives": [
        {
            "key": "proposed",
            "title": "Shared warehouse",
            "proposed_by": "kuusi",
            "parties": _both("accepted", "invited"),
            "created": T,
        },
        {
            "key": "declined",
            "title": "Lab study",
            "goal": "Find a coating",
            "expected_value": 5000,
            "proposed_by": "kuusi",
            "parties": [
                {"org": "kuusi", "status": "accepted"},
                {"org": "lab", "status": "declined"},
            ],
            "created": T,
        },
        {
            "key": "accepted",
            "title": "Pilot line",
            "proposed_by": "pakkaus",
            "parties": _both(),
            "contributions": [
                {"by": "pakkaus", "amount": 1000, "currency": "EUR", "created": T},
                {"by": "kuusi", "amount": 250.5, "currency": "SEK", "created": T},
            ],
            "version": 3,
            "history": [
                {
                    "version": 1,
                    "change": "proposed",
                    "by": "pakkaus",
                    "at": T,
                    "details": {
                        "title": "Pilot",
                        "goal": "",
                        "expected_value": None,
                        "parties": ["kuusi", "pakkaus"],
                    },
                },
                {
                    "version": 2,
                    "change": "edited",
                    "by": "pakkaus",
                    "at": T,
                    "details": {"title": {"old": "Pilot", "new": "Pilot line"}},
                },
                {
                    "version": 3,
                    "change": "contributed",
                    "by": "kuusi",
                    "at": T,
                    "details": {"amount": 250.5, "currency": "SEK"},
                },
            ],
            "created": T,
        },
        {
            "key": "modelled",
            "title": "Transport pool",
            "proposed_by": "kuusi",
            "parties": _both(),
            "method": "proportional",
            "game": {"type": "airport", "costs": {"kuusi": 10, "pakkaus": 30}},
            "shares": {"kuusi": 10, "pakkaus": 30},
            "version": 2,
            "created": T,
        },
        {
            "key": "agreed",
            "title": "Barrier pilot",
            "proposed_by": "kuusi",
            "parties": [
                {"org": "kuusi", "status": "accepted", "agreed_version": 3},
                {"org": "pakkaus", "status": "accepted", "agreed_version": 3},
            ],
            "contributions": [{"by": "kuusi", "amount": 100, "currency": "EUR", "created": T}],
            "method": "shapley",
            "game": GAME,
            "shares": {"kuusi": 25, "pakkaus": 35},
            "in_core": True,
            "version": 3,
            "agreed_version": 3,
            "agreements": [{"version": 3, "agreed": T, "document": AGREED}],
            "results": [{"by": "pakkaus", "amount": 72, "currency": "EUR", "recorded": T}],
            "created": T,
        },
        {
            "key": "reopened",
            "title": "Barrier pilot",
            "proposed_by": "pakkaus",
            "parties": [
                {"org": "kuusi", "status": "accepted", "agreed_version": 4},
                {"org": "pakkaus", "status": "accepted", "agreed_version": 3},
            ],
            "contributions": [
                {"by": "kuusi", "amount": 100, "currency": "EUR", "created": T},
                {"by": "pakkaus", "amount": 1, "currency": "EUR", "created": T},
            ],
            "method": "shapley",
            "game": GAME,
            "shares": {"kuusi": 25, "pakkaus": 35},
            "in_core": True,
            "version": 4,
            "agreed_version": 3,
            "agreements": [{"version": 3, "agreed": T, "document": AGREED}],
            "created": T,
        },
        {
            "key": "learning",
            "title": "Fibre academy",
            "kind": "learning",
            "proposed_by": "lab",
            "parties": [
                {"org": "kuusi", "status": "accepted"},
                {"org": "lab", "status": "accepted"},
            ],
            "goals": ["impact", "attract"],
            "created": T,
        },
    ],
}


def _import(cli, document: dict[str, Any] | str) -> Any:  # type: ignore[no-untyped-def]
    text = document if isinstance(document, str) else json.dumps(document)
    return cli("import", "-", "--json", stdin=text)


def _export(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = cli("export")
    assert result.code == 0, result.err
    return result.json()  # type: ignore[no-any-return]


def test_actions_and_initiatives_in_every_state_round_trip(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _import(cli, DOC)
    assert result.code == 0, result.err
    assert result.json()["created"]["actions"] == 4
    assert result.json()["created"]["initiatives"] == 7
    assert result.json()["created"]["tie_sharing"] == 3
    # The imported levels are the ones the checkpoint reads.
    shared = cli("ties", "sharing", "kuusi", "--json")
    assert shared.code == 0, shared.err
    assert shared.json()["default"] == "overlap"
    levels = {p["with"]: (p["level"], p["override"]) for p in shared.json()["partners"]}
    assert levels["pakkaus"] == ("all", "all")
    assert levels["lab"] == ("overlap", None)
    first = _export(cli)
    assert canonical(comparable_export(first, DOC)) == canonical(as_exported(DOC))
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run(other, "import", "-", stdin=json.dumps(first)).code == 0
    assert canonical(run(other, "export").json()) == canonical(first)
    states = {
        key: cli("initiative", "show", str(n), "--json").json()["state"]
        for n, key in enumerate(
            ["proposed", "declined", "accepted", "modelled", "agreed", "reopened"], start=1
        )
    }
    assert states == {
        "proposed": "proposed",
        "declined": "declined",
        "accepted": "accepted",
        "modelled": "modelled",
        "agreed": "agreed",
        "reopened": "modelled",
    }
    agreed = cli("initiative", "show", "5", "--json").json()
    assert agreed["agreement"] == AGREED
    assert cli("initiative", "show", "7", "--json").json()["kind"] == "learning"
    assert agreed["kind"] == "joint"
    learning = next(i for i in first["initiatives"] if i["key"] == "learning")
    assert learning["goals"] == ["attract", "impact"]
    assert agreed["result"]["final"] == {"kuusi": 30.0, "pakkaus": 42.0}


def test_importing_the_sections_twice_changes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, DOC).code == 0
    before = _export(cli)
    again = _import(cli, DOC)
    assert again.code == 0, again.err
    summary = again.json()
    for section in ("actions", "initiatives", "tie_sharing"):
        assert summary["created"][section] == 0
        assert summary["updated"][section] == 0
    assert _export(cli) == before


def test_a_document_without_the_sections_leaves_them_alone(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, DOC).code == 0
    before = _export(cli)
    bare = {k: v for k, v in DOC.items() if k not in ("actions", "initiatives", "tie_sharing")}
    assert _import(cli, bare).code == 0
    assert _export(cli) == before


def test_a_changed_action_or_initiative_is_updated_by_key(cli) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, DOC).code == 0
    changed = copy.deepcopy(DOC)
    changed["actions"][0]["status"] = "doing"
    changed["initiatives"][0]["parties"][1]["status"] = "accepted"
    result = _import(cli, changed)
    assert result.code == 0, result.err
    assert result.json()["updated"]["actions"] == 1
    assert result.json()["updated"]["initiatives"] == 1
    exported = _export(cli)
    assert canonical(comparable_export(exported, changed)) == canonical(as_exported(changed))


def _made_through_the_commands(cli) -> None:  # type: ignore[no-untyped-def]
    bare = {k: v for k, v in DOC.items() if k not in ("actions", "initiatives", "tie_sharing")}
    assert _import(cli, bare).code == 0
    steps = [
        ("actions", "add", "--relationship", "kuusi:pakkaus", "--by", "kuusi",
         "--factor", "energy", "--title", "Call", "--due", "2027-02-01"),
        ("actions", "add", "--relationship", "kuusi:lab", "--by", "lab",
         "--factor", "impact", "--title", "Paper"),
        ("actions", "set", "2", "--status", "dropped", "--reason", "No time"),
        ("initiative", "propose", "--by", "kuusi", "--with", "pakkaus", "--title", "Pilot"),
        ("initiative", "accept", "--by", "pakkaus", "1"),
        ("initiative", "edit", "--by", "pakkaus", "1", "--goal", "Less waste"),
        ("initiative", "contribute", "--by", "kuusi", "1", "--amount", "100"),
        ("initiative", "model", "1", "-", "--method", "shapley"),
        ("initiative", "agree", "--by", "kuusi", "1"),
        ("initiative", "agree", "--by", "pakkaus", "1"),
        ("initiative", "result", "--by", "kuusi", "1", "--amount", "80"),
        ("initiative", "propose", "--by", "lab", "--with", "kuusi", "--title", "Study"),
    ]  # fmt: skip
    for step in steps:
        stdin = json.dumps(GAME) if "model" in step else None
        result = cli(*step, stdin=stdin)
        assert result.code == 0, (step, result.err)


def test_what_the_commands_made_exports_and_imports_as_a_fixed_point(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _made_through_the_commands(cli)
    first = _export(cli)
    assert [a["key"] for a in first["actions"]] == ["action-1", "action-2"]
    assert first["actions"][1]["reason"] == "No time"
    agreed = next(i for i in first["initiatives"] if i["key"] == "initiative-1")
    assert agreed["agreed_version"] == agreed["version"]
    changes = [(h["change"], h["by"]) for h in agreed["history"]]
    assert changes == [
        ("proposed", "kuusi"),
        ("edited", "pakkaus"),
        ("contributed", "kuusi"),
        ("modelled", None),  # the command line names no party for a model
    ]
    assert agreed["agreements"][0]["document"]["shares"] == {"kuusi": 25.0, "pakkaus": 35.0}
    assert agreed["results"][0]["amount"] == 80.0
    # Importing the export back names the stored (unkeyed) records: nothing changes.
    again = _import(cli, first)
    assert again.code == 0, again.err
    assert again.json()["created"]["initiatives"] == 0
    assert again.json()["updated"]["actions"] == 0
    assert _export(cli) == first
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run(other, "import", "-", stdin=json.dumps(first)).code == 0
    assert canonical(run(other, "export").json()) == canonical(first)


def _with(path: str, value: object, base: dict[str, Any] = DOC) -> dict[str, Any]:
    """DOC with one JSON path replaced (``actions[0].factor``)."""
    document = copy.deepcopy(base)
    target: Any = document
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return document


DUPLICATE_ACTION = copy.deepcopy(DOC)
DUPLICATE_ACTION["actions"][1]["key"] = "open-up"
CHANGED_AGREEMENT = _with(
    "initiatives[4].agreements[0].document.shares", {"kuusi": 60, "pakkaus": 0}
)
HUGE_IN_GAME = json.dumps(_with("initiatives[4].game.standalone.kuusi", 123456789)).replace(
    "123456789", "1e400"
)

HOSTILE: list[tuple[str, str, str]] = [
    ("unknown org", json.dumps(_with("actions[0].between[1]", "nobody")), "actions[0].between[1]"),
    ("unknown factor", json.dumps(_with("actions[3].factor", "luck")), "actions[3].factor"),
    ("unknown field", json.dumps(_with("actions[0].colour", "red")), "actions[0].colour"),
    ("side outside the pair", json.dumps(_with("actions[0].by", "lab")), "actions[0].by"),
    (
        "not related",
        json.dumps(_with("actions[0].between", ["gran", "kemi"])),
        "actions[0].between",
    ),
    ("dropped without a reason", json.dumps(_with("actions[3].reason", None)), "actions[3].reason"),
    ("a reason while open", json.dumps(_with("actions[0].reason", "x")), "actions[0].reason"),
    ("bad due date", json.dumps(_with("actions[0].due", "2027-02-30")), "actions[0].due"),
    ("duplicate action key", json.dumps(DUPLICATE_ACTION), "actions[1].key"),
    ("NUL in a title", json.dumps(_with("actions[0].title", "a\x00b")), "actions[0].title"),
    ("NUL in a goal", json.dumps(_with("initiatives[1].goal", "\x00")), "initiatives[1].goal"),
    (
        "a party twice",
        json.dumps(_with("initiatives[0].parties[1].org", "kuusi")),
        "initiatives[0].parties[1].org",
    ),
    (
        "unknown party",
        json.dumps(_with("initiatives[0].parties[1].org", "nobody")),
        "initiatives[0].parties[1].org",
    ),
    (
        "shares for a non-party",
        json.dumps(_with("initiatives[4].shares", {"kuusi": 25, "pakkaus": 35, "lab": 1})),
        "initiatives[4].shares.lab",
    ),
    (
        "huge amount",
        json.dumps(_with("initiatives[2].contributions[0].amount", 1e300)),
        "initiatives[2].contributions[0].amount",
    ),
    ("huge version", json.dumps(_with("initiatives[0].version", 10**30)), "initiatives[0].version"),
    ("huge number in a game", HUGE_IN_GAME, "initiatives[4].game.standalone.kuusi"),
    (
        "a model before everyone accepted",
        json.dumps(_with("initiatives[0].method", "shapley")),
        "initiatives[0].method",
    ),
    (
        "players are not the parties",
        json.dumps(_with("initiatives[3].game", {"type": "airport", "costs": {"kuusi": 1}})),
        "initiatives[3].game",
    ),
    (
        "results without an agreement",
        json.dumps(
            _with("initiatives[2].results", [{"by": "kuusi", "amount": 1, "currency": "EUR"}])
        ),
        "initiatives[2].results[0]",
    ),
    (
        "a frozen agreement changed",
        json.dumps(CHANGED_AGREEMENT),
        "initiatives[4].agreements[0].document",
    ),
    (
        "agreed version without its agreement",
        json.dumps(_with("initiatives[4].agreements", [])),
        "initiatives[4].agreed_version",
    ),
    (
        "contribution by a party that declined",
        json.dumps(
            _with(
                "initiatives[1].contributions",
                [{"by": "lab", "amount": 1, "currency": "EUR"}],
            )
        ),
        "initiatives[1].contributions[0].by",
    ),
    (
        "agreed without every party",
        json.dumps(_with("initiatives[4].parties[1].agreed_version", None)),
        "initiatives[4].parties[1].agreed_version",
    ),
    ("section not a list", json.dumps(_with("initiatives", {"a": 1})), "initiatives"),
    (
        "a history entry later than the version",
        json.dumps(_with("initiatives[2].history[2].version", 9)),
        "initiatives[2].history[2].version",
    ),
    (
        "history out of order",
        json.dumps(_with("initiatives[2].history[1].version", 1)),
        "initiatives[2].history[1].version",
    ),
    (
        "an unknown change",
        json.dumps(_with("initiatives[2].history[0].change", "rewritten")),
        "initiatives[2].history[0].change",
    ),
    (
        "history naming an unknown organisation",
        json.dumps(_with("initiatives[2].history[1].details.added", ["nobody"])),
        "initiatives[2].history[1].details.added[0]",
    ),
    (
        "a detail its change does not say",
        json.dumps(_with("initiatives[2].history[2].details.method", "shapley")),
        "initiatives[2].history[2].details.method",
    ),
    (
        "an edit without its old value",
        json.dumps(_with("initiatives[2].history[1].details.title", "Pilot line")),
        "initiatives[2].history[1].details.title",
    ),
    (
        "a huge amount in the history",
        json.dumps(_with("initiatives[2].history[2].details.amount", 1e300)),
        "initiatives[2].history[2].details.amount",
    ),
    (
        "a kept history entry changed",
        json.dumps(_with("initiatives[2].history[1].details.title.new", "Other")),
        "initiatives[2].history[1]",
    ),
    ("unknown kind", json.dumps(_with("initiatives[6].kind", "school")), "initiatives[6].kind"),
    (
        "goals of a joint initiative",
        json.dumps(_with("initiatives[6].kind", "joint")),
        "initiatives[6].goals",
    ),
    (
        "a goal that is no action",
        json.dumps(_with("initiatives[6].goals", ["nothing"])),
        "initiatives[6].goals[0]",
    ),
    (
        "a goal outside the initiative's relationships",
        json.dumps(_with("initiatives[6].goals", ["open-up"])),
        "initiatives[6].goals[0]",
    ),
    (
        "a goal named twice",
        json.dumps(_with("initiatives[6].goals", ["impact", "impact"])),
        "initiatives[6].goals[1]",
    ),
    (
        "a goal of two initiatives",
        json.dumps(
            _with(
                "initiatives",
                [
                    *DOC["initiatives"],
                    {**DOC["initiatives"][6], "key": "learning-2"},
                ],
            )
        ),
        "initiatives[7].goals[0]",
    ),
    (
        "unknown sharing level",
        json.dumps(_with("tie_sharing", [{"org": "kuusi", "level": "everything"}])),
        "tie_sharing[0].level",
    ),
    (
        "sharing with an unknown organisation",
        json.dumps(_with("tie_sharing", [{"org": "kuusi", "with": "nobody", "level": "all"}])),
        "tie_sharing[0].with",
    ),
    (
        "sharing with itself",
        json.dumps(_with("tie_sharing", [{"org": "kuusi", "with": "kuusi", "level": "all"}])),
        "tie_sharing[0].with",
    ),
    (
        "a default set twice",
        json.dumps(
            _with(
                "tie_sharing",
                [{"org": "kuusi", "level": "all"}, {"org": "kuusi", "level": "hidden"}],
            )
        ),
        "tie_sharing[1]",
    ),
]


@pytest.mark.parametrize(("case", "text", "place"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_sections_exit_2_name_the_path_and_change_nothing(
    cli, case: str, text: str, place: str
) -> None:  # type: ignore[no-untyped-def]
    assert _import(cli, DOC).code == 0
    before = _export(cli)
    result = cli("import", "-", stdin=text)
    assert result.code == 2, (case, result.err)
    assert "Traceback" not in result.err
    assert place in result.err, result.err
    assert result.out == ""
    assert _export(cli) == before
