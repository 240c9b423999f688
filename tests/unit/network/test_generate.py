"""The synthetic network generator and the demo network both obey the import rules."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from typing import Any

import numpy as np
import pytest

from winwin.network.generate import ANSWER_IDS, generate_network

KEY = re.compile(r"^[a-z0-9_-]{1,64}$")
LEVELS = {"secret", "direct", "partners", "circle", "network", "public"}
DEFAULT_SENSITIVE = ["pricing", "capacity", "bids", "customers", "market-allocation"]


def load_demo() -> dict[str, Any]:
    text = resources.files("winwin").joinpath("data/demo.json").read_text(encoding="utf-8")
    return json.loads(text)


class Network:
    """Just enough of the audience policy to check a document by hand."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.orgs = {o["key"]: o for o in doc.get("organizations", [])}
        self.partners: dict[str, set[str]] = {k: set() for k in self.orgs}
        for tie in doc.get("ties", []):
            self.partners[tie["from"]].add(tie["to"])
            self.partners[tie["to"]].add(tie["from"])
        self.competitors: dict[str, set[str]] = {k: set() for k in self.orgs}
        for a, b in doc.get("competitors", []):
            self.competitors[a].add(b)
            self.competitors[b].add(a)
        self.circles = {c["key"]: set(c["members"]) for c in doc.get("circles", [])}
        self.items = {i["key"]: i for i in doc.get("items", [])}
        self.sensitive = set(doc.get("competition_sensitive_topics", DEFAULT_SENSITIVE))
        self.agreements = [
            (set(a["between"]), set(a["secret_topics"])) for a in doc.get("agreements", [])
        ]

    def excluded(self, item: dict[str, Any], org: str) -> bool:
        owner = item["owner"]
        if org == owner:
            return False
        o = self.orgs[org]
        for rule in item.get("exclude", []):
            if rule == "competitors" and org in self.competitors[owner]:
                return True
            kind, _, value = rule.partition(":")
            if (kind, value) in (
                ("org", org),
                ("country", o["country"]),
                ("cluster", o.get("cluster")),
            ):
                return True
        return False

    def reach(self, item: dict[str, Any]) -> set[str]:
        """Organisations that can see the item under its own audience (not the original's)."""
        owner, audience = item["owner"], item["audience"]
        level = audience["level"]
        if level == "secret":
            base = set()
        elif level == "direct":
            base = set(audience["orgs"])
        elif level == "partners":
            base = set(self.partners[owner])
        elif level == "circle":
            base = set(self.circles[audience["circle"]])
        else:
            base = set(self.orgs)
        seen = {o for o in base if not self.excluded(item, o)} | {owner}
        if "reshare_of" in item:
            seen &= self.reach(self.items[item["reshare_of"]])
        return seen

    def topics(self, item: dict[str, Any]) -> set[str]:
        if "topics" in item:
            return set(item["topics"])
        return self.topics(self.items[item["reshare_of"]])


def check_rules(doc: dict[str, Any]) -> Network:
    """Assert every rule of the network document that the importer enforces."""
    assert doc["format"] == "winwin/1"
    net = Network(doc)
    assert len(net.orgs) == len(doc["organizations"]), "organisation keys are unique"
    assert len(net.items) == len(doc["items"]), "item keys are unique"
    for key in [*net.orgs, *net.items, *net.circles]:
        assert KEY.match(key), key

    seen_pairs = set()
    for tie in doc["ties"]:
        assert tie["kind"] in ("supplies", "partners")
        assert tie["from"] in net.orgs and tie["to"] in net.orgs
        assert tie["from"] != tie["to"], tie
        pair = frozenset((tie["from"], tie["to"]))
        assert pair not in seen_pairs, f"duplicate tie {tie}"
        seen_pairs.add(pair)

    for a, b in doc.get("competitors", []):
        assert a in net.orgs and b in net.orgs and a != b
    for circle in doc.get("circles", []):
        assert set(circle["members"]) <= set(net.orgs)
    for agreement in doc.get("agreements", []):
        a, b = agreement["between"]
        assert b in net.partners[a], f"agreement between untied {a} and {b}"

    for item in doc["items"]:
        owner, audience = item["owner"], item["audience"]
        assert owner in net.orgs
        assert audience["level"] in LEVELS
        if audience["level"] == "direct":
            assert set(audience["orgs"]) <= net.partners[owner], item["key"]
        if audience["level"] == "circle":
            assert owner in net.circles[audience["circle"]], item["key"]
        if audience["level"] == "public":
            assert not item.get("exclude"), item["key"]
        for rule in item.get("exclude", []):
            kind, _, value = rule.partition(":")
            assert rule == "competitors" or kind in ("org", "country", "cluster"), rule
            if kind == "org":
                assert value in net.orgs
        if "reshare_of" in item:
            original = net.items[item["reshare_of"]]
            assert original["audience"]["level"] != "secret", item["key"]
            assert owner in net.reach(original), f"{item['key']}: owner cannot see original"
        reach = net.reach(item)
        topics = net.topics(item)
        for pair, secret in net.agreements:
            if topics & secret and owner in pair:
                assert reach <= pair, f"{item['key']} leaks an agreement topic"
        if topics & net.sensitive:
            assert not reach & net.competitors[owner], f"{item['key']} reaches a competitor"

    for assessment in doc.get("assessments", []):
        a, b = assessment["between"]
        assert b in net.partners[a], f"assessment between untied {a} and {b}"
        for response in assessment["responses"]:
            assert response["side"] in (a, b, "third-party")
            answers = response["answers"]
            assert answers, "a response answers something"
            assert all(isinstance(v, int) and 1 <= v <= 5 for v in answers.values())
            if response["side"] == "third-party":
                assert all(k[0] in "it" for k in answers)
            assert set(answers) <= set(ANSWER_IDS)
    return net


@pytest.fixture(scope="module")
def network() -> dict[str, Any]:
    return generate_network(orgs=2000, seed=7)


def test_same_seed_gives_the_same_document(network: dict[str, Any]) -> None:
    again = generate_network(orgs=2000, seed=7)
    assert json.dumps(again, sort_keys=True) == json.dumps(network, sort_keys=True)


def test_another_seed_gives_another_document(network: dict[str, Any]) -> None:
    other = generate_network(orgs=2000, seed=8)
    assert other["ties"] != network["ties"]


def test_generated_network_obeys_every_rule(network: dict[str, Any]) -> None:
    check_rules(network)


def test_generated_network_has_the_promised_shape(network: dict[str, Any]) -> None:
    assert len(network["organizations"]) == 2000
    assert 16000 <= len(network["ties"]) <= 20000
    assert {t["kind"] for t in network["ties"]} == {"supplies", "partners"}
    assert 150 <= len(network["competitors"]) <= 200
    assert len(network["circles"]) == 10
    assert all(3 <= len(c["members"]) <= 30 for c in network["circles"])
    assert {i["audience"]["level"] for i in network["items"]} == LEVELS
    assert any("reshare_of" in i for i in network["items"])
    assert network["agreements"]
    assert len(network["assessments"]) == 200
    assert len({o["cluster"] for o in network["organizations"]}) == 12


def test_degrees_are_heavy_tailed(network: dict[str, Any]) -> None:
    degree = Counter[str]()
    for tie in network["ties"]:
        degree[tie["from"]] += 1
        degree[tie["to"]] += 1
    values = np.array([degree[o["key"]] for o in network["organizations"]])
    assert values.max() > 10 * np.median(values)


def test_competitors_share_a_cluster_and_are_not_tied(network: dict[str, Any]) -> None:
    net = Network(network)
    for a, b in network["competitors"]:
        assert net.orgs[a]["cluster"] == net.orgs[b]["cluster"]
        assert b not in net.partners[a]


def test_generated_assessments_answer_all_twenty_items(network: dict[str, Any]) -> None:
    for assessment in network["assessments"]:
        assert assessment["instrument"] == "customer-relationship"
        assert len(assessment["responses"]) == 4
        for response in assessment["responses"]:
            assert sorted(response["answers"]) == sorted(ANSWER_IDS)


def test_items_per_org_and_assessments_are_honoured() -> None:
    doc = generate_network(orgs=500, seed=1, items_per_org=3.0, assessments=7)
    assert len(doc["items"]) == 1500
    assert len(doc["assessments"]) == 7
    check_rules(doc)


@pytest.mark.parametrize("orgs", [2, 3, 10, 60])
def test_tiny_networks_still_obey_the_rules(orgs: int) -> None:
    check_rules(generate_network(orgs=orgs, seed=3))


def test_demo_network_obeys_every_rule() -> None:
    check_rules(load_demo())


def test_demo_network_tells_the_story() -> None:
    demo = load_demo()
    net = Network(demo)
    assert len(net.orgs) >= 30
    assert {o["country"] for o in demo["organizations"]} >= {"FI", "SE", "DE"}
    assert {i["audience"]["level"] for i in demo["items"]} == LEVELS
    assert sum("reshare_of" in i for i in demo["items"]) >= 2
    assert {a["round"] for a in demo["assessments"]} == {"2026-Q1", "2026-Q2"}
    assert len(demo["circles"]) == 2
    supplies: dict[str, set[str]] = {k: set() for k in net.orgs}
    for tie in demo["ties"]:
        if tie["kind"] == "supplies":
            supplies[tie["from"]].add(tie["to"])
    for mill in ("kuusi", "honka", "koivu", "gran", "tall"):
        beyond = {c2 for c in supplies[mill] for c2 in supplies[c]}
        outside = {o for o in beyond if net.orgs[o]["cluster"] != "forest"}
        assert outside, f"{mill} has customers' customers outside the forest cluster"


def test_demo_openness_has_one_org_beyond_the_rule() -> None:
    demo = load_demo()
    net = Network(demo)
    own: Counter[str] = Counter()
    held: Counter[str] = Counter()
    for item in demo["items"]:
        owner = item["owner"]
        own[owner] += 1
        topics = net.topics(item)
        if item["audience"]["level"] == "secret" or any(
            owner in pair and topics & secret for pair, secret in net.agreements
        ):
            held[owner] += 1
    breaking = {org for org in own if held[org] / own[org] > 0.05}
    assert breaking == {"tarkemia"}
    assert held["kuusi"] >= 1
