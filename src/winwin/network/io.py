"""Import and export whole networks as CONTRACT.md documents.

Importing is all or nothing: every reference and rule is checked against the database
as it will be after the import, before anything is written; the caller's unit of work
rolls back if a write still fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from winwin.actions import document as actions_document
from winwin.assessments.anonymity import DEFAULT_MINIMUM
from winwin.assessments.instruments import ensure_builtin_instruments
from winwin.assessments.repository import AssessmentRepository, InstrumentRepository
from winwin.assessments.rows import AssessmentRows
from winwin.data import builtin_instrument_keys, load_builtin_instruments
from winwin.db.models import Answer, Assessment, CantSay, Response
from winwin.initiatives import document as initiatives_document
from winwin.innovation import stages as innovation_rules
from winwin.innovation.repository import InnovationRepository
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken
from winwin.network import tie_rules, tie_sharing_document
from winwin.network.business_ids import BadBusinessId, normalise_business_id
from winwin.network.countries import country_problem
from winwin.network.document import (
    FORMAT,
    CompetitorDoc,
    NetworkDocument,
    SectionContext,
    format_time,
    parse_time,
    same_stored,
)
from winwin.network.repository import ORG_FIELDS, SENSITIVE_TOPICS, NetworkRepository
from winwin.network.tie_repository import TieRepository
from winwin.sharing import audience as policy
from winwin.sharing import feed
from winwin.sharing.items import ItemRepository
from winwin.sharing.repository import SharingRepository

ProgressFn = Callable[[str, int, int], None]
THIRD_PARTY = "third-party"
OUTSIDE_FACTORS = frozenset({"impact", "attraction"})


class _Section(Protocol):
    """A capability's own section of the document (e.g. ``winwin.actions.document``)."""

    NAME: str

    def check(self, session: Session, raw: list[Any], context: SectionContext) -> Any: ...
    def write(self, session: Session, checked: Any, ids: dict[str, int]) -> tuple[int, int]: ...
    def export(self, session: Session, keys: dict[int, str]) -> list[dict[str, Any]]: ...


# Sections that capabilities own, checked after the core sections and written after them
# in this order: each module parses, checks, writes and exports its own section, so a new
# capability adds a line here rather than code to the importer.
SECTIONS: tuple[_Section, ...] = (actions_document, initiatives_document, tie_sharing_document)


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class ImportSummary:
    """How many records an import created and updated, per section."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, section: str, *, created: int = 0, updated: int = 0) -> None:
        self.created[section] = self.created.get(section, 0) + created
        self.updated[section] = self.updated.get(section, 0) + updated

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _competitor_pair(entry: list[str] | CompetitorDoc) -> tuple[str, str]:
    if isinstance(entry, CompetitorDoc):
        return (entry.by, entry.competitor)
    return (entry[0], entry[1])


def _duplicates(keys: list[str], section: str, what: str = "key") -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, key in enumerate(keys):
        if key in seen:
            problems.append(
                Problem(
                    f"{section}[{index}].{what}",
                    f"duplicate {what} '{key}' (also {section}[{seen[key]}])",
                )
            )
        else:
            seen[key] = index
    return problems


class _Importer:
    """One import: check everything first, then write in bulk."""

    def __init__(self, session: Session, doc: NetworkDocument, progress: ProgressFn) -> None:
        self.session = session
        self.doc = doc
        self.progress = progress
        self.net = NetworkRepository(session)
        self.items = ItemRepository(session)
        self.instruments = InstrumentRepository(session)
        self.assessments = AssessmentRepository(session)
        self.problems: list[Problem] = []
        self.summary = ImportSummary()
        self._stored_items: dict[str, dict[str, Any]] | None = None
        self._resolved: dict[str, tuple[list[str], str, str]] | None = None

    @property
    def stored_items(self) -> dict[str, dict[str, Any]]:
        """The items already in the database, by key (read once per import)."""
        if self._stored_items is None:
            self._stored_items = {row["key"]: row for row in self.items.rows()}
        return self._stored_items

    # checks ---------------------------------------------------------------------------
    def check(self) -> None:
        doc = self.doc
        p = self.problems
        self.existing_orgs = {row["key"]: row for row in self.net.org_rows()}
        self.org_keys = set(self.existing_orgs) | {o.key for o in doc.organizations}
        p += _duplicates([o.key for o in doc.organizations], "organizations")
        self._check_orgs()

        def org_ref(path: str, key: str) -> None:
            if key not in self.org_keys:
                p.append(Problem(path, f"unknown organisation '{key}'"))

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
        p += _duplicates([c.key for c in doc.circles], "circles")
        for i, circle in enumerate(doc.circles):
            for j, key in enumerate(circle.members):
                org_ref(f"circles[{i}].members[{j}]", key)
        p += _duplicates(
            [",".join(sorted(a.between)) for a in doc.agreements], "agreements", "between"
        )
        for i, agreement in enumerate(doc.agreements):
            for j, key in enumerate(agreement.between):
                org_ref(f"agreements[{i}].between[{j}]", key)
            if agreement.between[0] == agreement.between[1]:
                p.append(
                    Problem(f"agreements[{i}].between", "an agreement needs two organisations")
                )
        self._check_items(org_ref)
        self._check_innovation()
        self._check_assessments(org_ref)
        if p:
            raise InvalidInput(p[:50])

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
            pair = _pair(proposal.by, proposal.with_)
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
        stored_pairs = {_pair(a, b): (a, b, k) for a, b, k in self._stored_pending}
        for i, proposal in enumerate(self.doc.tie_proposals):
            found = stored_pairs.get(_pair(proposal.by, proposal.with_))
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

    def _check_items(self, org_ref: Callable[[str, str], None]) -> None:
        doc, p = self.doc, self.problems
        self.existing_items = self.items.item_ids()
        p += _duplicates([item.key for item in doc.items], "items")
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

    def _check_innovation(self) -> None:
        """Challenges and ideas: known stages, and ideas answering a known challenge."""
        marked = [(i, item) for i, item in enumerate(self.doc.items) if item.innovation]
        if not marked:
            return
        p = self.problems
        stored = InnovationRepository(self.session)
        kinds: dict[str, str] = {
            item.key: item.innovation.kind for _, item in marked if item.innovation
        }
        for i, item in marked:
            entry = item.innovation
            assert entry is not None
            base = f"items[{i}].innovation"
            if item.reshare_of is not None:
                p.append(Problem(base, "a challenge or an idea is not a reshare"))
            if entry.stage is not None and entry.stage not in innovation_rules.STAGES[entry.kind]:
                stages = ", ".join(innovation_rules.STAGES[entry.kind])
                p.append(Problem(f"{base}.stage", f"'{entry.stage}' is not a stage ({stages})"))
            if entry.challenge is None:
                continue
            if entry.kind != "idea":
                p.append(Problem(f"{base}.challenge", "only an idea answers a challenge"))
                continue
            kind: str | None = kinds.get(entry.challenge)
            if kind is None and entry.challenge in self.existing_items:
                found = stored.entry(self.existing_items[entry.challenge])
                kind = found.kind if found is not None else None
            if kind != "challenge":
                p.append(Problem(f"{base}.challenge", f"'{entry.challenge}' is not a challenge"))

    def _check_assessments(self, org_ref: Callable[[str, str], None]) -> None:
        doc, p = self.doc, self.problems
        builtin = set(builtin_instrument_keys())
        p += _duplicates([ins.key for ins in doc.instruments], "instruments")
        specs: dict[str, tuple[int, dict[str, str]]] = {
            spec["key"]: (spec.get("scale", 5), {it["id"]: it["factor"] for it in spec["items"]})
            for spec in load_builtin_instruments()
        }
        for stored in self.instruments.all():
            specs[stored.key] = (stored.scale, {it.item_key: it.factor for it in stored.items})
        for i, ins in enumerate(doc.instruments):
            if ins.key in builtin:
                p.append(
                    Problem(
                        f"instruments[{i}].key",
                        f"'{ins.key}' is a built-in instrument; choose another key",
                    )
                )
            p += _duplicates([it.id for it in ins.items], f"instruments[{i}].items", "id")
            specs[ins.key] = (ins.scale, {it.id: it.factor for it in ins.items})
        p += _duplicates(
            [f"{a.round} {','.join(sorted(a.between))}" for a in doc.assessments],
            "assessments",
            "between",
        )
        for i, assessment in enumerate(doc.assessments):
            base = f"assessments[{i}]"
            for j, key in enumerate(assessment.between):
                org_ref(f"{base}.between[{j}]", key)
            if assessment.between[0] == assessment.between[1]:
                p.append(Problem(f"{base}.between", "a relationship needs two organisations"))
            spec = specs.get(assessment.instrument)
            if spec is None:
                p.append(
                    Problem(f"{base}.instrument", f"unknown instrument '{assessment.instrument}'")
                )
                continue
            scale, factors = spec
            p += _duplicates(
                [r.respondent for r in assessment.responses], f"{base}.responses", "respondent"
            )
            for j, response in enumerate(assessment.responses):
                rpath = f"{base}.responses[{j}]"
                if response.side != THIRD_PARTY and response.side not in assessment.between:
                    p.append(
                        Problem(
                            f"{rpath}.side",
                            f"'{response.side}' is not a side of this relationship "
                            f"(use {' or '.join(assessment.between)} or {THIRD_PARTY})",
                        )
                    )
                for item_id, value in response.answers.items():
                    apath = f"{rpath}.answers.{item_id}"
                    factor = factors.get(item_id)
                    if factor is None:
                        p.append(
                            Problem(apath, f"unknown item of instrument '{assessment.instrument}'")
                        )
                    elif response.side == THIRD_PARTY and factor not in OUTSIDE_FACTORS:
                        p.append(
                            Problem(
                                apath,
                                "a third party answers only impact and attraction items, "
                                f"not {factor}",
                            )
                        )
                    if not 1 <= value <= scale:
                        p.append(Problem(apath, f"answer {value} is outside 1..{scale}"))
                seen: set[str] = set()
                for k, item_id in enumerate(response.cant_say):
                    mpath = f"{rpath}.cant_say[{k}]"
                    factor = factors.get(item_id)
                    if factor is None:
                        p.append(
                            Problem(mpath, f"unknown item of instrument '{assessment.instrument}'")
                        )
                    elif response.side == THIRD_PARTY and factor not in OUTSIDE_FACTORS:
                        p.append(
                            Problem(
                                mpath,
                                "a third party answers only impact and attraction items, "
                                f"not {factor}",
                            )
                        )
                    if item_id in response.answers:
                        p.append(
                            Problem(
                                mpath, f"'{item_id}' is answered; it cannot also be 'I can't say'"
                            )
                        )
                    if item_id in seen:
                        p.append(Problem(mpath, f"'{item_id}' is marked twice"))
                    seen.add(item_id)
            self._check_stored_round(base, assessment)

    def _check_stored_round(self, base: str, assessment: Any) -> None:
        """An existing round that has responses keeps its instrument (its answers belong to
        it), and a closed one keeps its responses. One look-up of the stored round."""
        first, second = (self.existing_orgs.get(k) for k in assessment.between)
        if first is None or second is None:
            return
        stored = self.assessments.get(round=assessment.round, a_id=first["id"], b_id=second["id"])
        if stored is None:
            return
        if stored.instrument.key != assessment.instrument and stored.responses:
            a, b = assessment.between
            self.problems.append(
                Problem(
                    f"{base}.instrument",
                    f"round '{assessment.round}' of {a} and {b} has responses to instrument "
                    f"'{stored.instrument.key}'; its instrument cannot change",
                )
            )
        if stored.status != "closed":
            return
        keys = {first["id"]: assessment.between[0], second["id"]: assessment.between[1]}
        item_keys = {it.id: it.item_key for it in stored.instrument.items}
        current = {
            r.respondent: (
                keys.get(r.side_org_id, THIRD_PARTY) if r.side_org_id else THIRD_PARTY,
                {item_keys[ans.item_id]: ans.value for ans in r.answers},
                {item_keys[mark.item_id] for mark in r.cant_say},
            )
            for r in stored.responses
        }
        for j, response in enumerate(assessment.responses):
            given = (response.side, dict(response.answers), set(response.cant_say))
            if current.get(response.respondent) != given:
                self.problems.append(
                    Problem(
                        f"{base}.responses[{j}]",
                        f"round '{assessment.round}' is closed; responses can no longer change",
                    )
                )

    # rules ----------------------------------------------------------------------------
    def check_item_rules(self) -> None:
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
        rows = SharingRepository(self.session).snapshot(
            org_ids=None, item_ids=None, owner_ids=set()
        )
        for o in doc.organizations:
            rows.orgs[o.key] = (o.country, o.cluster)
        rows.ties += [(t.kind, t.from_, t.to) for t in doc.ties]
        rows.competitors += [_competitor_pair(entry) for entry in doc.competitors]
        rows.circles.update({c.key: list(c.members) for c in doc.circles})
        agreements: dict[tuple[str, str], list[str]] = {
            _pair(*pair): topics for pair, topics in rows.agreements
        }
        agreements.update({_pair(*a.between): a.secret_topics for a in doc.agreements})
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
    def write(self) -> ImportSummary:
        self._write_orgs()
        ids = self.net.org_ids()
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
        self._write_items(ids)
        self._write_innovation()
        self._write_instruments()
        self._write_assessments(ids)
        self.session.flush()
        return self.summary

    def _write_innovation(self) -> None:
        marked = [item for item in self.doc.items if item.innovation]
        if not marked:
            return
        repo = InnovationRepository(self.session)
        item_ids = self.items.item_ids()
        now = datetime.now(UTC)
        created = updated = 0
        # Challenges first, so that ideas can point at challenges made by this import.
        for item in sorted(marked, key=lambda it: it.innovation.kind != "challenge"):  # type: ignore[union-attr]
            entry = item.innovation
            assert entry is not None
            item_id = item_ids[item.key]
            challenge_id = item_ids[entry.challenge] if entry.challenge else None
            current = repo.entry(item_id)
            if current is None:
                stage = entry.stage or innovation_rules.first_stage(entry.kind)
                repo.add_entry(
                    item_id=item_id,
                    kind=entry.kind,
                    stage=stage,
                    challenge_id=challenge_id,
                    user_id=None,
                    at=now,
                )
                created += 1
                continue
            stage = entry.stage or current.stage
            if (current.kind, current.stage, current.challenge_id) == (
                entry.kind,
                stage,
                challenge_id,
            ):
                continue
            current.kind, current.challenge_id = entry.kind, challenge_id
            if stage != current.stage:
                repo.move(current, stage, user_id=None, at=now)
            updated += 1
        self.session.flush()
        self.summary.add("innovation", created=created, updated=updated)

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

    def _write_items(self, ids: dict[str, int]) -> None:
        if not self.doc.items:
            return
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

    def _write_instruments(self) -> None:
        for ins in self.doc.instruments:
            self.instruments.upsert(
                key=ins.key,
                scale=ins.scale,
                name=ins.name.model_dump() if ins.name else {},
                items=[
                    {
                        "item_key": it.id,
                        "factor": it.factor,
                        "reverse": it.reverse,
                        "text_en": it.text.en,
                        "text_fi": it.text.fi,
                    }
                    for it in ins.items
                ],
            )
        self.summary.add("instruments", updated=len(self.doc.instruments))

    def _write_assessments(self, ids: dict[str, int]) -> None:
        """Upsert rounds, responses (by respondent) and answers (by item) in bulk."""
        if not self.doc.assessments:
            return
        ensure_builtin_instruments(self.session)
        instruments = {ins.key: ins for ins in self.instruments.all()}
        item_ids = {
            key: {it.item_key: it.id for it in ins.items} for key, ins in instruments.items()
        }
        rows = AssessmentRows(self.session)
        total = len(self.doc.assessments)
        self.progress("assessments", 0, total)
        stored = rows.assessments()
        new_rounds, changed_rounds = [], []
        for doc_assessment in self.doc.assessments:
            a, b = sorted(ids[k] for k in doc_assessment.between)
            instrument_id = instruments[doc_assessment.instrument].id
            current = stored.get((doc_assessment.round, a, b))
            if current is None:
                new_rounds.append(
                    {
                        "round": doc_assessment.round,
                        "a_id": a,
                        "b_id": b,
                        "instrument_id": instrument_id,
                        "status": "open",
                        "min_respondents": doc_assessment.min_respondents,
                    }
                )
            elif current[1] != instrument_id or current[3] != doc_assessment.min_respondents:
                changed_rounds.append(
                    {
                        "id": current[0],
                        "instrument_id": instrument_id,
                        "min_respondents": doc_assessment.min_respondents,
                    }
                )
        rows.insert(Assessment, new_rounds)
        rows.update(Assessment, changed_rounds)
        self.summary.add("assessments", created=len(new_rounds), updated=len(changed_rounds))
        stored = rows.assessments() if new_rounds else stored
        responses = rows.responses()
        new_responses, changed_responses = [], []
        wanted: list[tuple[tuple[int, str], dict[int, int]]] = []
        marked: dict[tuple[int, str], set[int]] = {}
        touched: set[int] = set()
        for doc_assessment in self.doc.assessments:
            a, b = sorted(ids[k] for k in doc_assessment.between)
            assessment_id = stored[(doc_assessment.round, a, b)][0]
            touched.add(assessment_id)
            items = item_ids[doc_assessment.instrument]
            for doc_response in doc_assessment.responses:
                side = None if doc_response.side == THIRD_PARTY else ids[doc_response.side]
                key = (assessment_id, doc_response.respondent)
                current_response = responses.get(key)
                if current_response is None:
                    new_responses.append(
                        {"assessment_id": assessment_id, "respondent": key[1], "side_org_id": side}
                    )
                elif current_response[1] != side:
                    changed_responses.append({"id": current_response[0], "side_org_id": side})
                wanted.append((key, {items[k]: v for k, v in doc_response.answers.items()}))
                marked[key] = {items[k] for k in doc_response.cant_say}
        rows.insert(Response, new_responses)
        rows.update(Response, changed_responses)
        self.summary.add("responses", created=len(new_responses), updated=len(changed_responses))
        responses = rows.responses() if new_responses else responses
        answers = rows.answers() if len(new_responses) < len(wanted) else {}
        new_answers, changed_answers, dropped = [], [], []
        for key, values in wanted:
            response_id = responses[key][0]
            current_answers = answers.get(response_id, {})
            for item_id, value in values.items():
                found = current_answers.get(item_id)
                if found is None:
                    new_answers.append(
                        {"response_id": response_id, "item_id": item_id, "value": value}
                    )
                elif found[1] != value:
                    changed_answers.append({"id": found[0], "value": value})
            dropped += [
                aid for item_id, (aid, _) in current_answers.items() if item_id not in values
            ]
        rows.insert(Answer, new_answers)
        rows.update(Answer, changed_answers)
        rows.delete_answers(dropped)
        # "I can't say" marks: the document's response is the whole response, as for
        # its answers, so marks it no longer gives are dropped.
        current_marks = rows.cant_say()
        new_marks, dropped_marks = [], []
        for key, marked_items in marked.items():
            response_id = responses[key][0]
            stored_marks = current_marks.get(response_id, {})
            new_marks += [
                {"response_id": response_id, "item_id": item_id}
                for item_id in sorted(marked_items - stored_marks.keys())
            ]
            dropped_marks += [
                mid for item_id, mid in stored_marks.items() if item_id not in marked_items
            ]
        rows.insert(CantSay, new_marks)
        rows.delete_cant_say(dropped_marks)
        rows.refresh_sums(touched)
        self.progress("assessments", total, total)


def import_network(
    session: Session, document: NetworkDocument, *, progress: ProgressFn | None = None
) -> ImportSummary:
    """Check a parsed document against the database, then store it (all or nothing).

    Raises ``InvalidInput`` for broken references and ``RuleBroken`` for refused items;
    in both cases nothing has been written.
    """
    importer = _Importer(session, document, progress or _no_progress)
    importer.check()
    importer.check_item_rules()
    sections = _check_sections(session, document, importer.org_keys)
    summary = importer.write()
    ids = importer.net.org_ids() if sections else {}
    for section, checked in sections:
        created, updated = section.write(session, checked, ids)
        summary.add(section.NAME, created=created, updated=updated)
    return summary


def _check_sections(
    session: Session, document: NetworkDocument, org_keys: set[str]
) -> list[tuple[_Section, Any]]:
    """Check every capability's section that the document gives; raise all problems."""
    given = [(s, getattr(document, s.NAME)) for s in SECTIONS]
    given = [(s, raw) for s, raw in given if raw is not None]
    if not given:
        return []
    related = {_pair(t.from_, t.to) for t in document.ties}
    related |= {_pair(*a.between) for a in document.assessments}
    context = SectionContext(frozenset(org_keys), frozenset(related), _action_pairs(document))
    checked = [(section, section.check(session, raw, context)) for section, raw in given]
    problems = [p for _, c in checked for p in c.problems]
    if problems:
        raise InvalidInput(problems[:50])
    return checked


def _action_pairs(document: NetworkDocument) -> dict[str, tuple[str, str]]:
    """The document's actions by key with their pairs (sorted), as far as they are well
    formed (the actions section reports the rest)."""
    found: dict[str, tuple[str, str]] = {}
    for entry in document.actions or []:
        key = entry.get("key") if isinstance(entry, dict) else None
        between = entry.get("between") if isinstance(entry, dict) else None
        pair = between if isinstance(between, list) and len(between) == 2 else None
        if isinstance(key, str) and pair and all(isinstance(k, str) for k in pair):
            found.setdefault(key, _pair(pair[0], pair[1]))
    return found


def export_network(session: Session) -> dict[str, Any]:
    """The whole database as one network document (lists sorted by key)."""
    net = NetworkRepository(session)
    orgs = net.org_rows()
    keys = {row["id"]: row["key"] for row in orgs}
    doc: dict[str, Any] = {"format": FORMAT}
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
    rows = ItemRepository(session).rows()
    item_keys = {row["id"]: row["key"] for row in rows}
    entries = InnovationRepository(session).all_entries()
    items = []
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
        entry = entries.get(row["id"])
        if entry is not None:
            kind, stage, challenge_id = entry
            item["innovation"] = {"kind": kind, "stage": stage}
            if challenge_id is not None:
                item["innovation"]["challenge"] = item_keys[challenge_id]
        items.append(item)
    doc["items"] = items
    doc["instruments"] = [
        {
            "key": ins.key,
            "scale": ins.scale,
            **({"name": ins.name} if ins.name else {}),
            "items": [
                {
                    "id": it.item_key,
                    "factor": it.factor,
                    "reverse": it.reverse,
                    "text": {"en": it.text_en, "fi": it.text_fi},
                }
                for it in ins.items
            ],
        }
        for ins in InstrumentRepository(session).all()
        if not ins.builtin
    ]
    assessments = []
    for stored in AssessmentRepository(session).all():
        item_key = {it.id: it.item_key for it in stored.instrument.items}
        assessments.append(
            {
                "round": stored.round,
                "instrument": stored.instrument.key,
                "between": sorted((keys[stored.a_id], keys[stored.b_id])),
                **(
                    {"min_respondents": stored.min_respondents}
                    if stored.min_respondents != DEFAULT_MINIMUM
                    else {}
                ),
                "responses": sorted(
                    (
                        {
                            "side": keys[r.side_org_id] if r.side_org_id else THIRD_PARTY,
                            "respondent": r.respondent,
                            "answers": {item_key[a.item_id]: a.value for a in r.answers},
                            **(
                                {"cant_say": sorted(item_key[m.item_id] for m in r.cant_say)}
                                if r.cant_say
                                else {}
                            ),
                        }
                        for r in stored.responses
                    ),
                    key=lambda r: str(r["respondent"]),
                ),
            }
        )
    doc["assessments"] = sorted(assessments, key=lambda a: (a["round"], a["between"]))
    for section in SECTIONS:
        doc[section.NAME] = section.export(session, keys)
    return doc
