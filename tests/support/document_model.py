"""The tests' own model of a network: what the documents say, never what was stored.

The consistency suites compare the database's answers with :func:`winwin.sharing.audience.can_see`
over a :class:`~winwin.sharing.audience.Network`. That network must come from the input
documents, not from the stored rows: a snapshot of the database would carry an
importer's mistakes into the expected answer too (an importer that dropped every
exclusion would then agree with itself).

:class:`DocumentModel` applies documents in order the way CONTRACT.md says an import
does: records are matched by key and updated, ties and competitor pairs are added,
circles and agreements are replaced by key (pair), the competition-sensitive topics are
replaced when a document gives them, and an organisation keeps every country and
cluster it has ever had (sticky exclusions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from winwin.sharing import audience as policy
from winwin.sharing.topics import DEFAULT_SENSITIVE_TOPICS


def _pair(a: str, b: str) -> tuple[str, str]:
    x, y = sorted((a, b))
    return x, y


def item_policy(item: dict[str, Any]) -> policy.ItemPolicy:
    """An item of a document as the policy sees it (a reshare without topics inherits)."""
    audience = item.get("audience", {})
    return policy.ItemPolicy(
        key=item["key"],
        owner=item["owner"],
        audience=policy.Audience(
            audience["level"], frozenset(audience.get("orgs", ())), audience.get("circle")
        ),
        topics=frozenset(item.get("topics") or ()),
        exclude=tuple(policy.Exclusion.parse(e) for e in item.get("exclude", ())),
        reshare_of=item.get("reshare_of"),
    )


@dataclass
class DocumentModel:
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    countries: dict[str, set[str]] = field(default_factory=dict)
    clusters: dict[str, set[str]] = field(default_factory=dict)
    ties: set[tuple[str, str, str]] = field(default_factory=set)
    competitors: set[tuple[str, str]] = field(default_factory=set)
    circles: dict[str, frozenset[str]] = field(default_factory=dict)
    agreements: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    sensitive: list[str] = field(default_factory=lambda: list(DEFAULT_SENSITIVE_TOPICS))
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, *docs: dict[str, Any]) -> DocumentModel:
        model = cls()
        for doc in docs:
            model.apply(doc)
        return model

    def apply(self, doc: dict[str, Any]) -> None:
        for org in doc.get("organizations", ()):
            merged = {**self.orgs.get(org["key"], {}), **org}
            self.orgs[org["key"]] = merged
            if merged.get("country"):
                self.countries.setdefault(org["key"], set()).add(merged["country"].upper())
            if merged.get("cluster"):
                self.clusters.setdefault(org["key"], set()).add(merged["cluster"])
        self.ties |= {(t["kind"], t["from"], t["to"]) for t in doc.get("ties", ())}
        self.competitors |= {_pair(*p) for p in doc.get("competitors", ())}
        for circle in doc.get("circles", ()):
            self.circles[circle["key"]] = frozenset(circle["members"])
        for agreement in doc.get("agreements", ()):
            pair = _pair(*agreement["between"])
            self.agreements[pair] = frozenset(agreement["secret_topics"])
        if "competition_sensitive_topics" in doc:
            self.sensitive = list(doc["competition_sensitive_topics"])
        for item in doc.get("items", ()):
            self.items[item["key"]] = item

    def remove_ties(self, ties: Iterable[tuple[str, str, str]]) -> None:
        """Ties taken away outside a document (``kind, from, to`` by organisation key)."""
        self.ties -= set(ties)

    def network(self) -> policy.Network:
        orgs = [
            policy.Org(
                key,
                (org.get("country") or "").upper() or None,
                org.get("cluster"),
                past_countries=frozenset(self.countries.get(key, ())),
                past_clusters=frozenset(self.clusters.get(key, ())),
            )
            for key, org in self.orgs.items()
        ]
        return policy.Network.build(
            orgs=orgs,
            ties=sorted(self.ties),
            competitors=sorted(self.competitors),
            circles=self.circles,
            agreements=sorted(self.agreements.items()),
            sensitive_topics=self.sensitive,
            items=[item_policy(i) for i in self.items.values()],
        )


def model_network(*docs: dict[str, Any]) -> policy.Network:
    """The network the documents describe, applied in order."""
    return DocumentModel.of(*docs).network()


def shown_text(items: dict[str, dict[str, Any]], key: str) -> tuple[str, str]:
    """The title and body an item shows: its own, or for a reshare that gives no title,
    its original's (followed down the chain), as the contract says."""
    item = items[key]
    seen = {key}
    while item.get("title") is None and item.get("reshare_of") not in (None, *seen):
        seen.add(item["reshare_of"])
        item = items[item["reshare_of"]]
    return item.get("title") or "", item.get("body") or ""


_ORG_LISTS = ("roles", "capabilities", "needs", "values")


def as_exported(doc: dict[str, Any]) -> dict[str, Any]:
    """What ``winwin export`` must print after importing ``doc`` into an empty database.

    Written from CONTRACT.md's document rules, not from the exporter: absent lists are
    empty, a competitor pair, an agreement's pair and an undirected ``partners`` tie are
    sorted, an instrument item is
    not reversed unless it says so, an item's exclusions are listed (empty when none), a
    reshare without a title shows its original's title and body and one without topics
    its original's topics; sections the document leaves out are empty (the
    competition-sensitive topics: the defaults). ``created`` is left out where the
    document gave none (the import stamps the time). Compare with :func:`canonical` on both sides.
    """
    out: dict[str, Any] = {"format": doc["format"]}
    out["organizations"] = [
        {
            **{k: v for k, v in o.items() if v is not None},
            **{k: list(o.get(k) or []) for k in _ORG_LISTS},
        }
        for o in doc.get("organizations", ())
    ]
    out["ties"] = [
        {**t, "from": min(t["from"], t["to"]), "to": max(t["from"], t["to"])}
        if t["kind"] == "partners"
        else dict(t)
        for t in doc.get("ties", ())
    ]
    out["competitors"] = [sorted(p) for p in doc.get("competitors", ())]
    out["tie_proposals"] = [dict(p) for p in doc.get("tie_proposals", ())]
    out["circles"] = [dict(c) for c in doc.get("circles", ())]
    out["agreements"] = [{**a, "between": sorted(a["between"])} for a in doc.get("agreements", ())]
    # The list travels only when one was set; without it the built-in list applies and
    # the export leaves it out too.
    if "competition_sensitive_topics" in doc:
        out["competition_sensitive_topics"] = list(doc["competition_sensitive_topics"])
    items = {i["key"]: i for i in doc.get("items", ())}
    network = DocumentModel.of({"items": list(items.values())}).network()
    out["items"] = []
    for item in doc.get("items", ()):
        shown = dict(item)
        shown.setdefault("exclude", [])
        if item.get("reshare_of") is not None and item.get("title") is None:
            shown["title"], shown["body"] = shown_text(items, item["key"])
        if not item.get("topics"):
            shown["topics"] = sorted(policy.effective_topics(network, item["key"]))
        out["items"].append(shown)
    out["instruments"] = [
        {**ins, "items": [{"reverse": False, **q} for q in ins["items"]]}
        for ins in doc.get("instruments", ())
    ]
    # The round's minimum is exported only when it is not the default 3; a response's
    # "I can't say" marks sorted, and only when it has some.
    out["assessments"] = [
        {
            **{k: v for k, v in a.items() if not (k == "min_respondents" and v == 3)},
            **(
                {"responses": [_response_as_exported(r) for r in a["responses"]]}
                if "responses" in a
                else {}
            ),
        }
        for a in doc.get("assessments", ())
    ]
    out["actions"] = [_action_as_exported(a) for a in doc.get("actions", ())]
    out["initiatives"] = [_initiative_as_exported(i) for i in doc.get("initiatives", ())]
    out["tie_sharing"] = sorted(
        (dict(e) for e in doc.get("tie_sharing", ())),
        key=lambda e: (e["org"], e.get("with") or "", e["level"]),
    )
    return out


def _response_as_exported(response: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in response.items() if k != "cant_say"}
    if response.get("cant_say"):
        shown["cant_say"] = sorted(response["cant_say"])
    return shown


def _without_none(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v is not None}


def _action_as_exported(action: dict[str, Any]) -> dict[str, Any]:
    """An action: its pair sorted, no description is an empty one, a new action is
    ``planned``, and what it leaves out (a reason, a due date) stays out."""
    return {
        "description": "",
        "status": "planned",
        **_without_none(action),
        "between": sorted(action["between"]),
    }


def _initiative_as_exported(initiative: dict[str, Any]) -> dict[str, Any]:
    """An initiative: no goal is an empty one, the first version is 1, missing lists are
    empty, what it leaves out (an expected value, a model, an agreed version) stays out,
    and amounts, shares and expected values are numbers with a fraction (stored as
    doubles); the game and the frozen agreements travel as they were written."""
    out = {
        "kind": "joint",
        "goal": "",
        "goals": [],
        "version": 1,
        "contributions": [],
        "agreements": [],
        "results": [],
        "history": [],
        **_without_none(initiative),
    }
    if "expected_value" in out:
        out["expected_value"] = float(out["expected_value"])
    if "shares" in out:
        out["shares"] = {k: float(v) for k, v in out["shares"].items()}
    out["parties"] = [_without_none(p) for p in initiative["parties"]]
    out["contributions"] = [{**c, "amount": float(c["amount"])} for c in out["contributions"]]
    out["results"] = [{**r, "amount": float(r["amount"])} for r in out["results"]]
    return out


def comparable_export(exported: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """``exported`` without the ``created`` stamps the import chose (``doc`` gave none)."""
    out = dict(exported)
    for section in ("items", "actions", "initiatives"):
        if section not in exported:
            continue
        given = {i["key"] for i in doc.get(section, ()) if "created" in i}
        out[section] = [
            {k: v for k, v in i.items() if k != "created" or i["key"] in given}
            for i in exported[section]
        ]
    return out


def canonical(document: dict[str, Any]) -> str:
    """One string per document, whatever the order of its lists and keys."""

    def sort(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sort(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [sort(v) for v in value]
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return value

    return json.dumps(sort(document), sort_keys=True, indent=1)
