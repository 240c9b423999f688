"""The ``items`` section of the network document: shared items, their audiences and
reshares, checked against the sharing rules before anything is written.

Part of one import run (``winwin.network.import_run``): the references are checked with
the network's own part, then every item is held to the rules of
``winwin.sharing.audience`` on the network as it will be after the import (a refused
item raises ``RuleBroken``), and the items are written in bulk after the network.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import Problem, RuleBroken
from winwin.network.countries import country_problem
from winwin.network.document import format_time, parse_time, same_stored
from winwin.network.import_run import ExportRun, ImportRun, Section, duplicates, key_pair
from winwin.network.network_section import competitor_pair
from winwin.network.sections import document_section
from winwin.sharing import audience as policy
from winwin.sharing import feed
from winwin.sharing.items import ItemRepository
from winwin.sharing.snapshot_repository import SnapshotRepository


@document_section(20)
class ItemsSection(Section):
    """The document's items: references, the sharing rules, and the bulk write."""

    def __init__(self, run: ImportRun) -> None:
        super().__init__(run)
        self.items = ItemRepository(run.session)
        self.existing_items: dict[str, int] = {}
        self._stored_items: dict[str, dict[str, Any]] | None = None
        self._resolved: dict[str, tuple[list[str], str, str]] | None = None

    @property
    def stored_items(self) -> dict[str, dict[str, Any]]:
        """The items already in the database, by key (read once per import)."""
        if self._stored_items is None:
            self._stored_items = {row["key"]: row for row in self.items.rows()}
        return self._stored_items

    def check(self) -> None:
        """Owners, audiences, exclusions and originals that exist or come with the document."""
        doc, p, org_ref = self.doc, self.problems, self.run.org_ref
        self.existing_items = self.run.existing_items = self.items.item_ids()
        p += duplicates([item.key for item in doc.items], "items")
        circle_keys = set(self.net.circles()) | {c.key for c in doc.circles}
        item_keys = set(self.existing_items) | {item.key for item in doc.items}
        for i, item in enumerate(doc.items):
            org_ref(f"items[{i}].owner", item.owner)
            for j, key in enumerate(item.audience.orgs or []):
                org_ref(f"items[{i}].audience.orgs[{j}]", key)
            if item.audience.circle is not None and item.audience.circle not in circle_keys:
                p.append(
                    Problem(
                        f"items[{i}].audience.circle", f"unknown circle '{item.audience.circle}'"
                    )
                )
            for j, text in enumerate(item.exclude):
                if text.startswith("org:"):
                    org_ref(f"items[{i}].exclude[{j}]", text[4:])
                elif text.startswith("country:") and (
                    problem := country_problem(text[8:], f"items[{i}].exclude[{j}]")
                ):
                    p.append(problem)
            if item.reshare_of is not None and item.reshare_of not in item_keys:
                p.append(Problem(f"items[{i}].reshare_of", f"unknown item '{item.reshare_of}'"))
            if (
                item.reshare_of is None
                and item.title is None
                and item.key not in self.existing_items
            ):
                p.append(Problem(f"items[{i}].title", "is required (only a reshare may omit it)"))
            if item.created is not None and parse_time(item.created) is None:
                p.append(Problem(f"items[{i}].created", "is not an ISO 8601 date-time"))

    # rules ----------------------------------------------------------------------------
    def check_rules(self) -> None:
        """Apply the sharing rules (CONTRACT.md, refused items) to every imported item."""
        if not self.doc.items:
            return
        network = self._policy_network()
        problems: list[Problem] = []
        for i, item in enumerate(self.doc.items):
            for problem in policy.validate_item(network, network.items[item.key]):
                path = f"items[{i}].{problem.path}" if problem.path else f"items[{i}]"
                problems.append(replace(problem, path=path))
            answers = item.innovation.challenge if item.innovation else None
            if answers and not policy.can_see(network, item.owner, answers).visible:
                problems.append(
                    Problem(
                        f"items[{i}].innovation.challenge",
                        f"{item.owner} cannot see the challenge '{answers}'",
                    )
                )
        if problems:
            raise RuleBroken(problems[:50])

    def _policy_network(self) -> policy.Network:
        """The stored network (the feed's own snapshot) with the document laid over it."""
        doc = self.doc
        rows = SnapshotRepository(self.session).snapshot(
            org_ids=None, item_ids=None, owner_ids=set()
        )
        for o in doc.organizations:
            rows.orgs[o.key] = (o.country, o.cluster)
        rows.ties += [(t.kind, t.from_, t.to) for t in doc.ties]
        rows.competitors += [competitor_pair(entry) for entry in doc.competitors]
        rows.circles.update({c.key: list(c.members) for c in doc.circles})
        agreements: dict[tuple[str, str], list[str]] = {
            key_pair(*pair): topics for pair, topics in rows.agreements
        }
        agreements.update({key_pair(*a.between): a.secret_topics for a in doc.agreements})
        items = {row["key"]: feed.item_policy(row) for row in rows.items}
        resolved = self.resolved_items()
        for item in doc.items:
            items[item.key] = policy.ItemPolicy(
                key=item.key,
                owner=item.owner,
                audience=policy.Audience(
                    level=item.audience.level,
                    orgs=frozenset(item.audience.orgs or ()),
                    circle=item.audience.circle,
                ),
                topics=frozenset(resolved[item.key][0]),
                exclude=tuple(policy.Exclusion.parse(e) for e in item.exclude),
                reshare_of=item.reshare_of,
            )
        sensitive = doc.competition_sensitive_topics
        return policy.Network.build(
            orgs=[
                policy.Org(key, country, cluster) for key, (country, cluster) in rows.orgs.items()
            ],
            ties=rows.ties,
            competitors=rows.competitors,
            circles={k: frozenset(v) for k, v in rows.circles.items()},
            agreements=[(pair, frozenset(t)) for pair, t in agreements.items()],
            sensitive_topics=frozenset(
                feed.sensitive_topics(self.session) if sensitive is None else sensitive
            ),
            items=items.values(),
        )

    def resolved_items(self) -> dict[str, tuple[list[str], str, str]]:
        """Each document item's (topics, title, body), a reshare inheriting what it omits."""
        if self._resolved is not None:
            return self._resolved
        stored = self.stored_items
        in_doc = {item.key: item for item in self.doc.items}
        resolved: dict[str, tuple[list[str], str, str]] = {}

        def resolve(key: str, depth: int = 0) -> tuple[list[str], str, str]:
            if key in resolved:
                return resolved[key]
            if depth > 100:
                return ([], key, "")
            item = in_doc.get(key)
            if item is None:
                row = stored[key]
                return (list(row["topics"]), row["title"], row["body"])
            original: tuple[list[str], str, str] | None = None
            if item.reshare_of is not None and (
                item.topics is None or item.title is None or item.body is None
            ):
                if item.reshare_of in in_doc:
                    original = resolve(item.reshare_of, depth + 1)
                elif item.reshare_of in stored:
                    row = stored[item.reshare_of]
                    original = (list(row["topics"]), row["title"], row["body"])
            if original is None and item.key in stored and item.reshare_of is None:
                row = stored[item.key]
                original = (list(row["topics"]), row["title"], row["body"])
            topics = (
                list(dict.fromkeys(item.topics))
                if item.topics is not None
                else (original[0] if original else [])
            )
            title = (
                item.title if item.title is not None else (original[1] if original else item.key)
            )
            body = item.body if item.body is not None else (original[2] if original else "")
            resolved[key] = (topics, title, body)
            return resolved[key]

        for key in in_doc:
            # Originals first, deepest first, so a chain of any length inherits its root's
            # content without deep recursion (the guard above only stops a cycle).
            path, seen = [key], {key}
            while (up := in_doc[path[-1]].reshare_of) in in_doc and up not in seen:
                if up in resolved:
                    break
                path.append(up)
                seen.add(up)
            for step in reversed(path):
                resolve(step)
        self._resolved = resolved
        return resolved

    # writes ---------------------------------------------------------------------------
    def write(self) -> None:
        """Insert and update the items in bulk, then their topics, audiences and reshares."""
        if not self.doc.items:
            return
        ids = self.run.ids
        circles = {key: cid for key, (cid, _, _) in self.net.circles().items()}
        resolved = self.resolved_items()
        stored = self.stored_items
        now = datetime.now(UTC)
        new, changed = [], []
        details: dict[str, tuple[list[str], list[int], list[tuple[str, str]]]] = {}
        for index, item in enumerate(self.doc.items):
            topics, title, body = resolved[item.key]
            row: dict[str, Any] = {
                "owner_id": ids[item.owner],
                "title": title,
                "body": body,
                "level": item.audience.level,
                "circle_id": circles[item.audience.circle] if item.audience.circle else None,
                "own_content": item.title is not None,
            }
            exclusions: list[tuple[str, str]] = [
                (e.kind, e.value) for e in map(policy.Exclusion.parse, item.exclude)
            ]
            orgs = sorted(ids[k] for k in set(item.audience.orgs or ()))
            current = stored.get(item.key)
            created = parse_time(item.created) if item.created else None
            if current is None:
                row["created_at"] = created or now + timedelta(microseconds=index)
                row["key"] = item.key
                row["reshare_of_id"] = None
                new.append(row)
                details[item.key] = (topics, orgs, exclusions)
                continue
            if created is not None:
                row["created_at"] = created
            same = all(same_stored(current[k], v) for k, v in row.items())
            same_details = (
                current["topics"] == topics
                and sorted(current["orgs"]) == orgs
                and current["exclude"] == exclusions
            )
            if not same:
                changed.append({"id": current["id"], **row})
            if not same_details:
                details[item.key] = (topics, orgs, exclusions)
        self.progress("items", 0, len(new) + len(changed))
        self.items.insert(new)
        self.items.update(changed)
        item_ids = self.items.item_ids()
        reshares = []
        for item in self.doc.items:
            wanted_original = item_ids[item.reshare_of] if item.reshare_of else None
            current = stored.get(item.key)
            if (current["reshare_of_id"] if current else None) != wanted_original:
                reshares.append({"id": item_ids[item.key], "reshare_of_id": wanted_original})
        self.items.update(reshares)
        touched = [item_ids[key] for key in details]
        self.items.replace_details(
            touched,
            topics=[(item_ids[k], t) for k, (ts, _, _) in details.items() for t in ts],
            orgs=[(item_ids[k], o) for k, (_, os, _) in details.items() for o in os],
            exclusions=[
                (item_ids[k], kind, value, pos)
                for k, (_, _, ex) in details.items()
                for pos, (kind, value) in enumerate(ex)
            ],
        )
        self.items.refresh_lineage(item_ids[item.key] for item in self.doc.items)
        self.progress("items", len(new) + len(changed), len(new) + len(changed))
        new_ids = {item_ids[n["key"]] for n in new}
        relinked = sum(1 for r in reshares if r["id"] not in new_ids)
        self.summary.add("items", created=len(new), updated=len(changed) + relinked)

    @staticmethod
    def export_to(out: ExportRun) -> None:
        out.items = export(out.session, out.keys, out.circle_keys)
        out.doc["items"] = list(out.items.values())


def export(
    session: Session, keys: dict[int, str], circle_keys: dict[int, str]
) -> dict[int, dict[str, Any]]:
    """Every item in the document's shape, by its stored id (in the feed's order)."""
    rows = ItemRepository(session).rows()
    item_keys = {row["id"]: row["key"] for row in rows}
    items: dict[int, dict[str, Any]] = {}
    for row in rows:
        audience: dict[str, Any] = {"level": row["level"]}
        if row["orgs"]:
            audience["orgs"] = sorted(keys[o] for o in row["orgs"])
        if row["circle_id"] is not None:
            audience["circle"] = circle_keys[row["circle_id"]]
        item: dict[str, Any] = {
            "key": row["key"],
            "owner": keys[row["owner_id"]],
            "title": row["title"],
            "body": row["body"],
            "topics": row["topics"],
            "audience": audience,
            "exclude": [f"{k}:{v}" if k != "competitors" else k for k, v in row["exclude"]],
        }
        if row["reshare_of_id"] is not None:
            item["reshare_of"] = item_keys[row["reshare_of_id"]]
        item["created"] = format_time(row["created_at"])
        items[row["id"]] = item
    return items
