"""`winwin feed`, `can-see`, `openness` and the import's item refusals, on both databases."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

DOC: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi", "country": "FI", "cluster": "forest"},
        {"key": "lab", "name": "Lab", "country": "FI"},
        {"key": "pakkaus", "name": "Pakkaus", "country": "FI", "cluster": "forest"},
        {"key": "gran", "name": "Gran", "country": "SE", "cluster": "forest"},
        {"key": "far", "name": "Far", "country": "DE"},
    ],
    "ties": [
        {"kind": "partners", "from": "kuusi", "to": "lab"},
        {"kind": "partners", "from": "kuusi", "to": "pakkaus"},
        {"kind": "supplies", "from": "kuusi", "to": "gran"},
        {"kind": "partners", "from": "lab", "to": "far"},
    ],
    "competitors": [["gran", "kuusi"]],
    "circles": [{"key": "board-lab", "name": "Board lab", "members": ["kuusi", "lab"]}],
    "agreements": [{"between": ["kuusi", "pakkaus"], "secret_topics": ["recipe"]}],
    "competition_sensitive_topics": ["pricing"],
    "items": [
        {
            "key": "i1",
            "owner": "kuusi",
            "title": "Barrier idea",
            "topics": ["barrier"],
            "audience": {"level": "partners"},
            "exclude": ["competitors"],
            "created": "2026-01-01T10:00:00Z",
        },
        {
            "key": "i2",
            "owner": "lab",
            "reshare_of": "i1",
            "audience": {"level": "network"},
            "created": "2026-01-02T10:00:00Z",
        },
        {
            "key": "i3",
            "owner": "kuusi",
            "title": "Open call",
            "audience": {"level": "public"},
            "created": "2026-01-03T10:00:00Z",
        },
        {
            "key": "i4",
            "owner": "kuusi",
            "title": "Our recipe",
            "topics": ["recipe"],
            "audience": {"level": "direct", "orgs": ["pakkaus"]},
            "created": "2026-01-04T10:00:00Z",
        },
        {
            "key": "i5",
            "owner": "kuusi",
            "title": "Only us",
            "audience": {"level": "secret"},
            "created": "2026-01-05T10:00:00Z",
        },
    ],
}


@pytest.fixture
def loaded(cli):  # type: ignore[no-untyped-def]
    result = cli("import", "-", stdin=json.dumps(DOC))
    assert result.code == 0, result.err
    return cli


def test_a_partner_reads_its_feed_newest_first(loaded) -> None:  # type: ignore[no-untyped-def]
    result = loaded("feed", "lab", "--json")
    assert result.code == 0
    assert result.json() == {"org": "lab", "items": ["i3", "i2", "i1"]}
    assert loaded("feed", "lab", "--limit", "2", "--json").json()["items"] == ["i3", "i2"]


def test_the_owner_sees_everything_of_its_own_and_a_competitor_only_the_public_item(
    loaded,  # type: ignore[no-untyped-def]
) -> None:
    assert loaded("feed", "kuusi", "--json").json()["items"] == ["i5", "i4", "i3", "i2", "i1"]
    assert loaded("feed", "gran", "--json").json()["items"] == ["i3"]
    assert loaded("feed", "far", "--json").json()["items"] == ["i3"]


def test_an_anonymous_reader_sees_only_public_items(loaded) -> None:  # type: ignore[no-untyped-def]
    result = loaded("feed", "--anonymous", "--json")
    assert result.code == 0
    assert result.json() == {"org": None, "items": ["i3"]}


def test_can_see_answers_with_a_reason_and_exit_zero_either_way(loaded) -> None:  # type: ignore[no-untyped-def]
    yes = loaded("can-see", "pakkaus", "i4", "--json")
    assert yes.code == 0
    assert yes.json() == {"visible": True, "reason": "pakkaus is named in the item's audience."}
    no = loaded("can-see", "gran", "i1", "--json")
    assert no.code == 0
    assert no.json() == {"visible": False, "reason": "gran is excluded as a competitor of kuusi."}
    widened = loaded("can-see", "far", "i2", "--json")
    assert widened.json()["visible"] is False
    assert "i1" in widened.json()["reason"]


def test_openness_counts_secret_and_held_items(loaded) -> None:  # type: ignore[no-untyped-def]
    result = loaded("openness", "kuusi", "--json")
    assert result.code == 0
    assert result.json() == {
        "org": "kuusi",
        "total": 4,
        "by_level": {
            "secret": 1,
            "direct": 1,
            "partners": 1,
            "circle": 0,
            "network": 0,
            "public": 1,
        },
        "secret_share": 0.5,
        "within_rule": False,
        # The items counted as secret, so that the share can be traced (2 of 4).
        "secret_items": ["i4", "i5"],
    }


@pytest.mark.parametrize(
    "args",
    [
        ("feed", "nobody"),
        ("can-see", "nobody", "i1"),
        ("can-see", "kuusi", "nothing"),
        ("openness", "nobody"),
        ("feed", "kuusi", "--anonymous"),
        ("feed",),
        ("feed", "kuusi", "--limit", "0"),
    ],
)
def test_an_unknown_organisation_or_item_or_a_bad_option_exits_2(loaded, args) -> None:  # type: ignore[no-untyped-def]
    result = loaded(*args, "--json")
    assert result.code == 2
    assert result.out == ""
    assert "error" in result.err


def _with_item(**item: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DOC)
    doc["items"].append({"key": "bad", "owner": "kuusi", "title": "Bad", **item})
    return doc


REFUSALS = [
    (
        "agreement topic reaches outside the pair",
        _with_item(topics=["recipe"], audience={"level": "partners"}),
        "items[5].topics",
        "secret between kuusi and pakkaus",
    ),
    (
        "sensitive topic reaches a competitor",
        _with_item(topics=["pricing"], audience={"level": "partners"}),
        "items[5].topics",
        "competition-sensitive",
    ),
    (
        "direct audience names a non-partner",
        _with_item(audience={"level": "direct", "orgs": ["far"]}),
        "items[5].audience.orgs",
        "far is not a partner of kuusi",
    ),
    (
        "circle owner is not a member",
        _with_item(owner="gran", audience={"level": "circle", "circle": "board-lab"}),
        "items[5].audience.circle",
        "not a member of circle board-lab",
    ),
    (
        "public item with exclusions",
        _with_item(audience={"level": "public"}, exclude=["country:SE"]),
        "items[5].exclude",
        "public item may have no exclusions",
    ),
    (
        "reshare of a secret item",
        _with_item(reshare_of="i5", audience={"level": "secret"}),
        "items[5].reshare_of",
        "secret and cannot be reshared",
    ),
    (
        "reshare by someone who cannot see the original",
        _with_item(owner="far", reshare_of="i1", audience={"level": "network"}),
        "items[5].reshare_of",
        "far cannot see the original item i1",
    ),
    (
        "unknown circle",
        _with_item(audience={"level": "circle", "circle": "nope"}),
        "items[5].audience.circle",
        "unknown circle",
    ),
    (
        "unknown audience level",
        _with_item(audience={"level": "everyone"}),
        "items[5].audience.level",
        "",
    ),
    (
        "malformed exclusion",
        _with_item(audience={"level": "network"}, exclude=["country:sweden"]),
        "items[5].exclude[0]",
        "not an exclusion",
    ),
]


@pytest.mark.parametrize(("name", "doc", "path", "rule"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_an_item_that_breaks_a_rule_is_refused_with_exit_2_and_nothing_changes(
    loaded,
    name: str,
    doc: dict[str, Any],
    path: str,
    rule: str,  # type: ignore[no-untyped-def]
) -> None:
    before = loaded("export").out
    result = loaded("import", "-", stdin=json.dumps(doc))
    assert result.code == 2, name
    assert path in result.err
    assert rule in result.err
    assert loaded("export").out == before
