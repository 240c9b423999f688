"""The network's own part of the network document: organisations, ties, competitors,
pending tie proposals, circles, agreements and the competition-sensitive topics.

Checked first, since every other section refers to its organisations; written first, for
the same reason (registered first in ``winwin.network.sections``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import Problem
from winwin.network import tie_rules
from winwin.network.business_ids import BadBusinessId, normalise_business_id
from winwin.network.countries import country_problem
from winwin.network.document import CompetitorDoc, format_time, parse_time
from winwin.network.import_run import ExportRun, Section, duplicates, key_pair
from winwin.network.repository import ORG_FIELDS, SENSITIVE_TOPICS, NetworkRepository
from winwin.network.sections import document_section
from winwin.network.tie_repository import TieRepository


def competitor_pair(entry: list[str] | CompetitorDoc) -> tuple[str, str]:
    if isinstance(entry, CompetitorDoc):
        return (entry.by, entry.competitor)
    return (entry[0], entry[1])


@document_section(10)
class NetworkSection(Section):
    """Organisations and what ties them, checked and written in bulk."""

    def check(self) -> None:
        doc = self.doc
        p = self.problems
        self.run.existing_orgs = {row["key"]: row for row in self.net.org_rows()}
        self.run.org_keys = set(self.existing_orgs) | {o.key for o in doc.organizations}
        p += duplicates([o.key for o in doc.organizations], "organizations")
        self._check_orgs()
        org_ref = self.run.org_ref
        for i, tie in enumerate(doc.ties):
            org_ref(f"ties[{i}].from", tie.from_)
            org_ref(f"ties[{i}].to", tie.to)
            if tie.from_ == tie.to:
                p.append(Problem(f"ties[{i}]", "an organisation cannot be tied to itself"))
        for i, entry in enumerate(doc.competitors):
            if isinstance(entry, CompetitorDoc):
                org_ref(f"competitors[{i}].by", entry.by)
                org_ref(f"competitors[{i}].competitor", entry.competitor)
                pair = [entry.by, entry.competitor]
            else:
                pair = list(entry)
                for j, key in enumerate(pair):
                    org_ref(f"competitors[{i}][{j}]", key)
            if pair[0] == pair[1]:
                p.append(Problem(f"competitors[{i}]", "an organisation cannot compete with itself"))
        self._check_tie_proposals(org_ref)
        p += duplicates([c.key for c in doc.circles], "circles")
        for i, circle in enumerate(doc.circles):
            for j, key in enumerate(circle.members):
                org_ref(f"circles[{i}].members[{j}]", key)
        p += duplicates(
            [",".join(sorted(a.between)) for a in doc.agreements], "agreements", "between"
        )
        for i, agreement in enumerate(doc.agreements):
            for j, key in enumerate(agreement.between):
                org_ref(f"agreements[{i}].between[{j}]", key)
            if agreement.between[0] == agreement.between[1]:
                p.append(
                    Problem(f"agreements[{i}].between", "an agreement needs two organisations")
                )

    def _check_tie_proposals(self, org_ref: Callable[[str, str], None]) -> None:
        """Pending proposals: known organisations, one per pair, not for an existing tie."""
        p = self.problems
        seen: dict[tuple[str, str], int] = {}
        doc_ties = {(t.kind, t.from_, t.to) for t in self.doc.ties}
        for i, proposal in enumerate(self.doc.tie_proposals):
            base = f"tie_proposals[{i}]"
            org_ref(f"{base}.by", proposal.by)
            org_ref(f"{base}.with", proposal.with_)
            if proposal.by == proposal.with_:
                p.append(Problem(base, "an organisation cannot tie to itself"))
                continue
            pair = key_pair(proposal.by, proposal.with_)
            if pair in seen:
                p.append(
                    Problem(
                        base, f"a proposal between these two is also tie_proposals[{seen[pair]}]"
                    )
                )
            seen.setdefault(pair, i)
            kind, a, b = tie_rules.stored_tie(proposal.kind, 0, 1)
            ends = (
                (proposal.by, proposal.with_) if (a, b) == (0, 1) else (proposal.with_, proposal.by)
            )
            wanted = [(kind, *ends)] + ([(kind, ends[1], ends[0])] if kind == "partners" else [])
            if any(t in doc_ties for t in wanted):
                p.append(Problem(base, "the document already ties these two this way"))
            if proposal.created is not None and parse_time(proposal.created) is None:
                p.append(Problem(f"{base}.created", "is not an ISO 8601 date-time"))
        self._stored_pending = []
        if self.doc.tie_proposals and self.existing_orgs:
            keys = {row["id"]: key for key, row in self.existing_orgs.items()}
            for stored in TieRepository(self.session).all_pending():
                self._stored_pending.append((keys[stored.from_id], keys[stored.to_id], stored.kind))
        stored_pairs = {key_pair(a, b): (a, b, k) for a, b, k in self._stored_pending}
        for i, proposal in enumerate(self.doc.tie_proposals):
            found = stored_pairs.get(key_pair(proposal.by, proposal.with_))
            if found is not None and found != (proposal.by, proposal.with_, proposal.kind):
                p.append(
                    Problem(
                        f"tie_proposals[{i}]",
                        f"another proposal between {found[0]} and {found[1]} is waiting",
                    )
                )

    def _check_orgs(self) -> None:
        """Known country codes, and business IDs valid and unique on the platform."""
        p = self.problems
        self.business_ids: dict[str, str | None] = {}
        in_doc = {o.key for o in self.doc.organizations}
        # IDs of organisations the document restates are theirs to move or drop.
        held: dict[str, str] = {
            row["business_id"]: key
            for key, row in self.existing_orgs.items()
            if row.get("business_id") and key not in in_doc
        }
        claimed: dict[str, int] = {}
        for i, org in enumerate(self.doc.organizations):
            if org.country is not None and (
                problem := country_problem(org.country, f"organizations[{i}].country")
            ):
                p.append(problem)
            if org.business_id is None:
                self.business_ids[org.key] = None
                continue
            path = f"organizations[{i}].business_id"
            try:
                value = normalise_business_id(org.business_id, org.country)
            except BadBusinessId as exc:
                p.append(exc.problem(path))
                continue
            self.business_ids[org.key] = value
            if value in claimed:
                p.append(
                    Problem(path, f"business ID {value} is also organizations[{claimed[value]}]")
                )
            elif value in held:
                p.append(Problem(path, f"business ID {value} belongs to '{held[value]}'"))
            claimed.setdefault(value, i)

    def write(self) -> None:
        """Write the network's part; the organisations' ids by key go to the run, for the
        sections after."""
        self._write_orgs()
        ids = self.run.ids = self.net.org_ids()
        self._write_ties(ids)
        self._write_competitors(ids)
        self._write_tie_proposals(ids)
        known_circles = set(self.net.circles())
        known_pairs = set(self.net.agreements(active_only=False))
        for circle in self.doc.circles:
            self.net.upsert_circle(
                key=circle.key, name=circle.name, member_ids=(ids[m] for m in circle.members)
            )
        fresh = sum(c.key not in known_circles for c in self.doc.circles)
        self.summary.add("circles", created=fresh, updated=len(self.doc.circles) - fresh)
        for agreement in self.doc.agreements:
            a, b = sorted(ids[k] for k in agreement.between)
            created = (a, b) not in known_pairs
            self.net.upsert_agreement(a_id=a, b_id=b, topics=agreement.secret_topics)
            self.summary.add("agreements", created=int(created), updated=int(not created))
        if self.doc.competition_sensitive_topics is not None:
            self.net.set_setting(
                SENSITIVE_TOPICS, list(dict.fromkeys(self.doc.competition_sensitive_topics))
            )

    @staticmethod
    def export_to(out: ExportRun) -> None:
        out.circle_keys = export(out.session, out.doc, out.orgs, out.keys)

    def _write_orgs(self) -> None:
        new, changed, moved = [], [], []
        for o in self.doc.organizations:
            row = {f: getattr(o, f) for f in ORG_FIELDS}
            row["business_id"] = self.business_ids.get(o.key)
            for f in ("roles", "capabilities", "needs", "values"):
                row[f] = list(row[f])
            current = self.existing_orgs.get(o.key)
            if current is None:
                new.append({"key": o.key, **row})
            elif any(current[f] != row[f] for f in ORG_FIELDS):
                changed.append({"id": current["id"], **row})
                if current["business_id"] not in (None, row["business_id"]):
                    moved.append({"id": current["id"], "business_id": None})
        total = len(new) + len(changed)
        self.progress("organisations", 0, total)
        # Business IDs that pass from one organisation to another are cleared first, so
        # the unique index never sees one ID twice in the middle of the update.
        self.net.update_orgs(moved)
        self.net.insert_orgs(new)
        self.net.update_orgs(changed)
        self.progress("organisations", total, total)
        self.summary.add("organizations", created=len(new), updated=len(changed))

    def _write_ties(self, ids: dict[str, int]) -> None:
        existing = self.net.tie_set() if self.existing_orgs else set()
        wanted: dict[tuple[str, int, int], None] = {}
        for tie in self.doc.ties:
            f, t = ids[tie.from_], ids[tie.to]
            if tie.kind == "partners" and f > t:
                f, t = t, f
            key = (tie.kind, f, t)
            if key not in existing:
                wanted[key] = None
        rows = list(wanted)
        self.progress("ties", 0, len(rows))
        step = 100_000
        for start in range(0, len(rows), step):
            self.net.insert_ties(rows[start : start + step])
            self.progress("ties", min(start + step, len(rows)), len(rows))
        self.summary.add("ties", created=len(rows))

    def _write_competitors(self, ids: dict[str, int]) -> None:
        """Declarations are added (a pair: both sides; an object: its ``by`` side); a
        document never withdraws one."""
        existing = self.net.competitor_sides() if self.existing_orgs else {}
        wanted: dict[tuple[int, int], tuple[bool, bool]] = {}
        for entry in self.doc.competitors:
            if isinstance(entry, CompetitorDoc):
                by, other = ids[entry.by], ids[entry.competitor]
                sides = {by}
            else:
                by, other = ids[entry[0]], ids[entry[1]]
                sides = {by, other}
            a, b = min(by, other), max(by, other)
            x, y = wanted.get((a, b), existing.get((a, b), (False, False)))
            wanted[(a, b)] = (x or a in sides, y or b in sides)
        changed = {k: v for k, v in wanted.items() if existing.get(k) != v}
        self.net.write_competitor_sides(changed, set(existing))
        self.summary.add(
            "competitors",
            created=sum(1 for k in changed if k not in existing),
            updated=sum(1 for k in changed if k in existing),
        )

    def _write_tie_proposals(self, ids: dict[str, int]) -> None:
        if not self.doc.tie_proposals:
            return
        repo = TieRepository(self.session)
        stored = set(self._stored_pending)
        now = datetime.now(UTC)
        created = 0
        for proposal in self.doc.tie_proposals:
            if (proposal.by, proposal.with_, proposal.kind) in stored:
                continue
            at = parse_time(proposal.created) if proposal.created else None
            repo.add_proposal(
                from_id=ids[proposal.by],
                to_id=ids[proposal.with_],
                kind=proposal.kind,
                user_id=None,
                at=at or now,
            )
            created += 1
        self.summary.add("tie_proposals", created=created)


def export(
    session: Session, doc: dict[str, Any], orgs: list[dict[str, Any]], keys: dict[int, str]
) -> dict[int, str]:
    """Add the network's part to ``doc``; the circles' keys by id, for the items."""
    net = NetworkRepository(session)
    doc["organizations"] = [
        {"key": row["key"], **{f: row[f] for f in ORG_FIELDS if row[f] is not None}} for row in orgs
    ]
    ties = []
    for kind, f, t in net.ties():
        ends = [keys[f], keys[t]]
        if kind == "partners":  # undirected: written with the keys in order
            ends.sort()
        ties.append({"kind": kind, "from": ends[0], "to": ends[1]})
    doc["ties"] = sorted(
        ties,
        key=lambda t: (t["kind"], t["from"], t["to"]),
    )
    pairs: list[list[str]] = []
    declared: list[dict[str, str]] = []
    for (a, b), (by_a, by_b) in net.competitor_sides().items():
        if by_a and by_b:
            pairs.append(sorted((keys[a], keys[b])))
        elif by_a or by_b:
            by, other = (a, b) if by_a else (b, a)
            declared.append({"by": keys[by], "competitor": keys[other]})
    # Pairs (declared by both sides) first, then one-sided declarations.
    doc["competitors"] = sorted(pairs) + sorted(declared, key=lambda d: (d["by"], d["competitor"]))
    doc["tie_proposals"] = sorted(
        (
            {
                "by": keys[p.from_id],
                "with": keys[p.to_id],
                "kind": p.kind,
                "created": format_time(p.created_at),
            }
            for p in TieRepository(session).all_pending()
        ),
        key=lambda p: (p["by"], p["with"]),
    )
    circles = net.circles()
    circle_keys = {cid: key for key, (cid, _, _) in circles.items()}
    doc["circles"] = [
        {"key": key, "name": name, "members": sorted(keys[m] for m in members)}
        for key, (_, name, members) in sorted(circles.items())
    ]
    doc["agreements"] = sorted(
        (
            {"between": sorted((keys[a], keys[b])), "secret_topics": sorted(topics)}
            for (a, b), topics in net.agreements().items()
        ),
        key=lambda a: a["between"],
    )
    sensitive = net.get_setting(SENSITIVE_TOPICS)
    if sensitive is not None:
        doc["competition_sensitive_topics"] = sensitive
    return circle_keys
