"""The ``initiatives`` section of the network document: joint initiatives with their
parties, contributions, sharing model, frozen agreements and realised results.

An initiative is identified across documents by its ``key``. One stored before it ever
travelled has no key; it is exported as ``initiative-ID`` and an import that names that
key updates it (see docs/network.md). Who answered or agreed (people) and the audit
trail stay out of the document; what was agreed (each frozen version's inputs and
shares, and when) and the realised results travel, so that an export imported into an
empty database exports again unchanged.

A learning initiative (``"kind": "learning"``) names its goals by the keys of the
actions that are its goals (``goals``): actions of the document's ``actions`` section or
stored ones, each between the proposer and another party that has accepted.

Each version's history entry (``history``: who, which change, when and what changed,
without the person) travels too. On re-import the initiative's fields, parties,
contributions and goals are replaced by the document's; frozen agreements and history
entries are only ever added (one that differs from the stored one of its version is
refused), and results are added when not already recorded.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError
from sqlalchemy.orm import Session

from winwin.actions.repository import ActionRepository
from winwin.initiatives import rules
from winwin.initiatives.models import (
    Initiative,
    InitiativeAgreement,
    InitiativeContribution,
    InitiativeParty,
    InitiativeResult,
    InitiativeVersion,
)
from winwin.initiatives.repository import InitiativeRepository, VersionRow
from winwin.insight.game_document import parse_game
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network.document import (
    CheckedSection,
    Key,
    SectionContext,
    Strict,
    format_time,
    parse_time,
    same_stored,
    section_problems,
    stored_by_key,
)
from winwin.network.repository import NetworkRepository
from winwin.network.sections import list_section

NAME = "initiatives"
MAX_AMOUNT = 1e15
MAX_VERSION = 2**31 - 1
FALLBACK = re.compile(r"^initiative-([0-9]{1,10})$")

Amount = Annotated[float, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Value = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION)]


class PartyDoc(Strict):
    org: Key
    status: Literal["invited", "accepted", "declined"]
    agreed_version: Version | None = None


class ContributionDoc(Strict):
    by: Key
    amount: Amount
    currency: Currency
    created: str | None = None


class FrozenDoc(Strict):
    """A frozen agreement: the version every party agreed to, when, and its copy."""

    version: Version
    agreed: str | None = None
    document: dict[str, Any]


class ResultDoc(Strict):
    by: Key
    amount: Value
    currency: Currency
    recorded: str | None = None


Text = Annotated[str, StringConstraints(max_length=20_000)]
Keys = Annotated[list[Key], Field(max_length=1000)]


class TextChange(Strict):
    old: Text
    new: Text


class ValueChange(Strict):
    old: Value | None
    new: Value | None


class DetailsDoc(Strict):
    """What a version changed (``service.history_entry``): a proposal's title, goal,
    expected value and parties; an edit's changed fields (old and new), added and
    removed parties, and the model it cleared; a contribution's amount and currency; a
    model's method."""

    title: Text | TextChange | None = None
    goal: Text | TextChange | None = None
    expected_value: Value | ValueChange | None = None
    parties: Keys | None = None
    added: Keys | None = None
    removed: Keys | None = None
    model_cleared: Annotated[str, StringConstraints(max_length=16)] | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    method: Annotated[str, StringConstraints(max_length=16)] | None = None


class HistoryDoc(Strict):
    version: Version
    change: Literal["proposed", "edited", "contributed", "modelled"]
    by: Key | None = None
    at: str | None = None
    details: DetailsDoc


class InitiativeDoc(Strict):
    key: Key
    title: Annotated[str, StringConstraints(min_length=1, max_length=rules.MAX_TITLE)]
    kind: Literal["joint", "learning"] = "joint"
    goal: Annotated[str, StringConstraints(max_length=20_000)] = ""
    expected_value: Value | None = None
    proposed_by: Key
    parties: Annotated[list[PartyDoc], Field(min_length=2, max_length=1000)]
    contributions: list[ContributionDoc] = []
    method: Literal["shapley", "nucleolus", "proportional", "airport"] | None = None
    game: dict[str, Any] | None = None
    shares: dict[str, Share] | None = None
    in_core: bool | None = None
    version: Version = 1
    agreed_version: Version | None = None
    agreements: list[FrozenDoc] = []
    results: list[ResultDoc] = []
    goals: Annotated[list[Key], Field(max_length=10_000)] = []
    history: Annotated[list[HistoryDoc], Field(max_length=100_000)] = []
    created: str | None = None


class _Section(Strict):
    initiatives: list[InitiativeDoc]


Checked = CheckedSection[InitiativeDoc]


def _wild_numbers(value: Any, path: str) -> list[Problem]:
    """Numbers a JSON column cannot hold or that no amount reaches, by path."""
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) <= MAX_AMOUNT):
        return [Problem(path, f"must be a finite number of at most {MAX_AMOUNT:g}")]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_AMOUNT:
        return [Problem(path, f"must be a number of at most {MAX_AMOUNT:g}")]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _wild_numbers(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _wild_numbers(v, f"{path}[{i}]")]
    return []


def _canonical(document: Any) -> str:
    return json.dumps(document, sort_keys=True)


def check(session: Session, raw: list[Any], context: SectionContext) -> Checked:
    """Every problem of the section, each with its JSON path (``initiatives[0].parties``)."""
    try:
        entries = _Section.model_validate({NAME: raw}).initiatives
    except ValidationError as exc:
        return Checked(problems=section_problems(exc))
    problems: list[Problem] = []
    stored = stored_by_key(InitiativeRepository(session).all(), "initiative") if entries else {}
    repo = InitiativeRepository(session)
    goals = _Goals(session, stored, context) if any(e.goals for e in entries) else None
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        path = f"{NAME}[{i}]"
        if entry.key in seen:
            also = f"{NAME}[{seen[entry.key]}]"
            problems.append(Problem(f"{path}.key", f"duplicate key '{entry.key}' (also {also})"))
        seen.setdefault(entry.key, i)
        problems += _check_one(entry, path, context)
        problems += _check_history(entry, path, context)
        current = stored.get(entry.key)
        if current is not None:
            problems += _check_frozen(entry, path, repo.agreements(current.id))
            problems += _check_kept_history(entry, path, repo.versions(current.id))
        if goals is not None and entry.goals:
            problems += goals.check(entry, path)
    return Checked(entries=entries, problems=problems)


class _Goals:
    """Checks each initiative's goals: a known action, between the proposer and another
    party that has accepted, the goal of one initiative only."""

    def __init__(
        self, session: Session, stored: dict[str, Initiative], context: SectionContext
    ) -> None:
        keys = NetworkRepository(session).org_keys_by_id()
        actions = stored_by_key(ActionRepository(session).all(), "action")
        self.pairs: dict[str, tuple[str, ...]] = {
            k: tuple(sorted((keys[a.a_id], keys[a.b_id]))) for k, a in actions.items()
        }
        self.pairs.update(context.actions)
        owners = InitiativeRepository(session).goal_owners()
        by_id = {i.id: k for k, i in stored.items()}
        self.owner = {k: by_id.get(owners[a.id]) for k, a in actions.items() if a.id in owners}
        self.taken: dict[str, str] = {}

    def check(self, entry: InitiativeDoc, path: str) -> list[Problem]:
        if entry.kind != "learning":
            return [Problem(f"{path}.goals", "only a learning initiative has goals")]
        p: list[Problem] = []
        accepted = {x.org for x in entry.parties if x.status == "accepted"} - {entry.proposed_by}
        wanted = {tuple(sorted((entry.proposed_by, o))) for o in accepted}
        for j, key in enumerate(entry.goals):
            at = f"{path}.goals[{j}]"
            pair = self.pairs.get(key)
            if pair is None:
                p.append(Problem(at, f"no action '{key}' in the document or stored"))
                continue
            if pair not in wanted:
                p.append(
                    Problem(at, "a goal is an action between the proposer and an accepted party")
                )
            if key in entry.goals[:j]:
                p.append(Problem(at, f"'{key}' is named twice"))
                continue
            first = self.taken.setdefault(key, entry.key)
            owner = self.owner.get(key)
            if first != entry.key or (owner is not None and owner != entry.key):
                p.append(Problem(at, f"'{key}' is already a goal of another initiative"))
        return p


def _check_one(entry: InitiativeDoc, path: str, context: SectionContext) -> list[Problem]:
    p: list[Problem] = []
    if not entry.title.strip():
        p.append(Problem(f"{path}.title", "must not be empty"))
    statuses: dict[str, str] = {}
    for j, party in enumerate(entry.parties):
        if party.org not in context.org_keys:
            p.append(Problem(f"{path}.parties[{j}].org", f"unknown organisation '{party.org}'"))
        if party.org in statuses:
            p.append(Problem(f"{path}.parties[{j}].org", f"'{party.org}' is a party twice"))
        statuses.setdefault(party.org, party.status)
        if party.agreed_version is not None and party.agreed_version > entry.version:
            p.append(Problem(f"{path}.parties[{j}].agreed_version", "is later than the version"))
        if party.agreed_version is not None and party.status != "accepted":
            p.append(
                Problem(f"{path}.parties[{j}].agreed_version", "only an accepted party agrees")
            )
    if statuses.get(entry.proposed_by) != "accepted":
        p.append(Problem(f"{path}.proposed_by", "must be a party that has accepted"))
    for j, c in enumerate(entry.contributions):
        if statuses.get(c.by) != "accepted":
            p.append(Problem(f"{path}.contributions[{j}].by", f"'{c.by}' is not an accepted party"))
        if c.created is not None and parse_time(c.created) is None:
            p.append(Problem(f"{path}.contributions[{j}].created", "must be an ISO 8601 date-time"))
    p += _check_model(entry, path, statuses)
    if entry.agreed_version is not None and entry.agreed_version > entry.version:
        p.append(Problem(f"{path}.agreed_version", "is later than the version"))
    versions: dict[int, int] = {}
    for j, frozen in enumerate(entry.agreements):
        at = f"{path}.agreements[{j}]"
        if frozen.version in versions:
            p.append(Problem(f"{at}.version", f"version {frozen.version} is frozen twice"))
        versions.setdefault(frozen.version, j)
        if frozen.version > entry.version:
            p.append(Problem(f"{at}.version", "is later than the version"))
        if frozen.agreed is not None and parse_time(frozen.agreed) is None:
            p.append(Problem(f"{at}.agreed", "must be an ISO 8601 date-time"))
        if frozen.document.get("version", frozen.version) != frozen.version:
            p.append(Problem(f"{at}.document.version", "must be the agreement's version"))
        shares = frozen.document.get("shares")
        if shares is not None and not isinstance(shares, dict):
            p.append(Problem(f"{at}.document.shares", "must be an object"))
        elif shares:
            p += [
                Problem(f"{at}.document.shares.{k}", f"'{k}' is not a party")
                for k in shares
                if k not in statuses
            ]
        p += _wild_numbers(frozen.document, f"{at}.document")
    if entry.agreed_version is not None and entry.agreed_version not in versions:
        p.append(Problem(f"{path}.agreed_version", "has no frozen agreement in agreements"))
    if entry.agreed_version is not None:
        # Every party agreed to the agreed version; some may since have agreed to a later one.
        for j, party in enumerate(entry.parties):
            if (party.agreed_version or 0) < entry.agreed_version:
                p.append(
                    Problem(
                        f"{path}.parties[{j}].agreed_version",
                        f"every party agreed to version {entry.agreed_version}",
                    )
                )
    for j, result in enumerate(entry.results):
        at = f"{path}.results[{j}]"
        if result.by not in statuses:
            p.append(Problem(f"{at}.by", f"'{result.by}' is not a party"))
        if not entry.agreements:
            p.append(Problem(at, "results are recorded only once an agreement is frozen"))
        if result.recorded is not None and parse_time(result.recorded) is None:
            p.append(Problem(f"{at}.recorded", "must be an ISO 8601 date-time"))
    if entry.created is not None and parse_time(entry.created) is None:
        p.append(Problem(f"{path}.created", "must be an ISO 8601 date-time"))
    return p


def _check_model(entry: InitiativeDoc, path: str, statuses: dict[str, str]) -> list[Problem]:
    p: list[Problem] = []
    if entry.method is None:
        for name in ("game", "shares", "in_core"):
            if getattr(entry, name) is not None:
                p.append(Problem(f"{path}.{name}", "needs a method"))
        return p
    waiting = sorted(k for k, s in statuses.items() if s != "accepted")
    if waiting:
        p.append(Problem(f"{path}.method", f"every party must accept first ({', '.join(waiting)})"))
    if entry.game is None:
        p.append(Problem(f"{path}.game", "is required with a method"))
    else:
        wild = _wild_numbers(entry.game, f"{path}.game")
        p += wild
        if not wild:
            try:
                players = parse_game(entry.game).players
            except InvalidInput as exc:
                p += [
                    replace(q, path=f"{path}.game" + (f".{q.path}" if q.path else ""))
                    for q in exc.problems
                ]
            else:
                if sorted(players) != sorted(statuses):
                    p.append(Problem(f"{path}.game", "the game's players must be the parties"))
                if entry.method == "airport":
                    try:
                        rules.check_airport(entry.game["type"])
                    except rules.Refused as exc:
                        p.append(Problem(f"{path}.{exc.field}", exc.message))
    if entry.shares is None:
        p.append(Problem(f"{path}.shares", "is required with a method"))
    else:
        for k in entry.shares:
            if k not in statuses:
                p.append(Problem(f"{path}.shares.{k}", f"'{k}' is not a party"))
        missing = sorted(set(statuses) - set(entry.shares))
        if missing:
            p.append(Problem(f"{path}.shares", f"no share for {', '.join(missing)}"))
    return p


# What each kind of change may say (the others' details are left out).
SAID = {
    "proposed": {"title", "goal", "expected_value", "parties"},
    "edited": {"title", "goal", "expected_value", "added", "removed", "model_cleared"},
    "contributed": {"amount", "currency"},
    "modelled": {"method"},
}


def _check_history(entry: InitiativeDoc, path: str, context: SectionContext) -> list[Problem]:
    p: list[Problem] = []
    last = 0
    for j, h in enumerate(entry.history):
        at = f"{path}.history[{j}]"
        if h.version <= last:
            p.append(Problem(f"{at}.version", "versions must increase, each once"))
        last = max(last, h.version)
        if h.version > entry.version:
            p.append(Problem(f"{at}.version", "is later than the version"))
        if h.by is not None and h.by not in context.org_keys:
            p.append(Problem(f"{at}.by", f"unknown organisation '{h.by}'"))
        if h.at is not None and parse_time(h.at) is None:
            p.append(Problem(f"{at}.at", "must be an ISO 8601 date-time"))
        given = h.details.model_dump(exclude_unset=True)
        for name in sorted(set(given) - SAID[h.change]):
            p.append(Problem(f"{at}.details.{name}", f"a change '{h.change}' does not say it"))
        changes = h.change == "edited"
        for name in ("title", "goal", "expected_value"):
            value = getattr(h.details, name)
            if value is not None and isinstance(value, TextChange | ValueChange) != changes:
                form = "an old and a new value" if changes else "a value"
                p.append(Problem(f"{at}.details.{name}", f"must be {form}"))
        for name in ("parties", "added", "removed"):
            for k, key in enumerate(getattr(h.details, name) or []):
                if key not in context.org_keys:
                    p.append(Problem(f"{at}.details.{name}[{k}]", f"unknown organisation '{key}'"))
        for name in ("model_cleared", "method"):
            method = getattr(h.details, name)
            if method is not None and method not in rules.METHODS:
                p.append(
                    Problem(f"{at}.details.{name}", f"must be one of {', '.join(rules.METHODS)}")
                )
    return p


def _history_doc(row: VersionRow) -> dict[str, Any]:
    return {
        "version": row.version,
        "change": row.change,
        "by": row.org_key,
        "at": format_time(row.created_at),
        "details": row.details,
    }


def _check_kept_history(entry: InitiativeDoc, path: str, stored: list[VersionRow]) -> list[Problem]:
    """A stored history entry never changes: the document must repeat it or leave it out."""
    kept = {row.version: row for row in stored}
    p = []
    for j, h in enumerate(entry.history):
        row = kept.get(h.version)
        if row is None:
            continue
        same = (
            (h.change, h.by) == (row.change, row.org_key)
            and _canonical(h.details.model_dump(exclude_unset=True)) == _canonical(row.details)
            and (h.at is None or same_stored(row.created_at, parse_time(h.at)))
        )
        if not same:
            p.append(
                Problem(
                    f"{path}.history[{j}]",
                    f"version {h.version} of the history is kept and never changes",
                )
            )
    return p


def _check_frozen(
    entry: InitiativeDoc, path: str, stored: list[InitiativeAgreement]
) -> list[Problem]:
    """A stored frozen agreement never changes: the document must repeat it or leave it out."""
    frozen = {a.version: a for a in stored}
    p = []
    for j, doc in enumerate(entry.agreements):
        current = frozen.get(doc.version)
        if current is not None and _canonical(current.document) != _canonical(doc.document):
            p.append(
                Problem(
                    f"{path}.agreements[{j}].document",
                    f"version {doc.version} is a frozen agreement and never changes",
                )
            )
    return p


def write(session: Session, checked: Checked, ids: dict[str, int]) -> tuple[int, int]:
    """Create or update each initiative by key; returns (created, updated)."""
    repo = InitiativeRepository(session)
    stored = stored_by_key(repo.all(), "initiative")
    now = datetime.now(UTC)
    created = updated = 0
    for entry in checked.entries:
        values: dict[str, Any] = {
            "title": entry.title,
            "kind": entry.kind,
            "goal": entry.goal,
            "expected_value": entry.expected_value,
            "proposed_by_org_id": ids[entry.proposed_by],
            "method": entry.method,
            "game": entry.game,
            "shares": dict(sorted(entry.shares.items())) if entry.shares is not None else None,
            "in_core": entry.in_core,
            "version": entry.version,
            "agreed_version": entry.agreed_version,
        }
        at = parse_time(entry.created) if entry.created else None
        current = stored.get(entry.key)
        fresh = current is None
        if current is None:
            current = Initiative(key=entry.key, created_at=at or now, **values)
            repo.add(current, [])
            changed = True
        else:
            if at is not None:
                values["created_at"] = at
            diff = {k: v for k, v in values.items() if not same_stored(getattr(current, k), v)}
            for k, v in diff.items():
                setattr(current, k, v)
            changed = bool(diff)
        changed |= _write_parties(repo, current, entry, ids)
        changed |= _write_contributions(repo, current, entry, ids, now)
        changed |= _write_agreements(repo, current, entry, now)
        changed |= _write_results(repo, current, entry, ids, now)
        changed |= _write_goals(session, current, entry)
        changed |= _write_history(repo, current, entry, ids, now)
        created += int(fresh)
        updated += int(changed and not fresh)
    session.flush()
    return created, updated


def _write_parties(
    repo: InitiativeRepository, found: Initiative, entry: InitiativeDoc, ids: dict[str, int]
) -> bool:
    wanted = sorted((ids[p.org], p.status, p.agreed_version) for p in entry.parties)
    have = sorted((p.org_id, p.status, p.agreed_version) for p in repo.parties(found.id))
    if wanted == have:
        return False
    repo.replace_parties(
        found.id,
        [
            InitiativeParty(initiative_id=found.id, org_id=o, status=s, agreed_version=v)
            for o, s, v in wanted
        ],
    )
    return True


def _write_contributions(
    repo: InitiativeRepository,
    found: Initiative,
    entry: InitiativeDoc,
    ids: dict[str, int],
    now: datetime,
) -> bool:
    def row(c: ContributionDoc) -> tuple[int, float, str, datetime | None]:
        return (
            ids[c.by],
            float(c.amount),
            c.currency,
            parse_time(c.created) if c.created else None,
        )

    have = [(c.org_id, c.amount, c.currency, c.created_at) for c in repo.contributions(found.id)]
    wanted = [row(c) for c in entry.contributions]
    if len(have) == len(wanted) and all(
        h[:3] == w[:3] and (w[3] is None or same_stored(h[3], w[3]))
        for h, w in zip(have, wanted, strict=True)
    ):
        return False
    repo.replace_contributions(
        found.id,
        [
            InitiativeContribution(
                initiative_id=found.id, org_id=o, amount=a, currency=c, created_at=t or now
            )
            for o, a, c, t in wanted
        ],
    )
    return True


def _write_agreements(
    repo: InitiativeRepository, found: Initiative, entry: InitiativeDoc, now: datetime
) -> bool:
    have = {a.version for a in repo.agreements(found.id)}
    added = False
    for frozen in entry.agreements:
        if frozen.version in have:
            continue
        at = parse_time(frozen.agreed) if frozen.agreed else None
        repo.add_agreement(
            InitiativeAgreement(
                initiative_id=found.id,
                version=frozen.version,
                document=frozen.document,
                agreed_at=at or now,
            )
        )
        added = True
    return added


def _write_results(
    repo: InitiativeRepository,
    found: Initiative,
    entry: InitiativeDoc,
    ids: dict[str, int],
    now: datetime,
) -> bool:
    have = repo.results(found.id)
    added = False
    for result in entry.results:
        at = parse_time(result.recorded) if result.recorded else None
        known = any(
            r.org_id == ids[result.by]
            and r.amount == float(result.amount)
            and r.currency == result.currency
            and (at is None or same_stored(r.recorded_at, at))
            for r in have
        )
        if known:
            continue
        repo.add_result(
            InitiativeResult(
                initiative_id=found.id,
                org_id=ids[result.by],
                amount=float(result.amount),
                currency=result.currency,
                recorded_at=at or now,
            )
        )
        added = True
    return added


def _write_history(
    repo: InitiativeRepository,
    found: Initiative,
    entry: InitiativeDoc,
    ids: dict[str, int],
    now: datetime,
) -> bool:
    have = repo.version_numbers(found.id)
    added = False
    for h in entry.history:
        if h.version in have:
            continue
        repo.add_version(
            InitiativeVersion(
                initiative_id=found.id,
                version=h.version,
                change=h.change,
                org_id=ids[h.by] if h.by is not None else None,
                user_id=None,
                details=h.details.model_dump(exclude_unset=True),
                created_at=(parse_time(h.at) if h.at else None) or now,
            )
        )
        added = True
    return added


def _write_goals(session: Session, found: Initiative, entry: InitiativeDoc) -> bool:
    repo = InitiativeRepository(session)
    actions = stored_by_key(ActionRepository(session).all(), "action")
    wanted = sorted({actions[k].id for k in entry.goals})
    if wanted == repo.goal_ids(found.id):
        return False
    repo.replace_goals(found.id, wanted)
    return True


def export(session: Session, keys: dict[int, str]) -> list[dict[str, Any]]:
    """Every initiative as a section entry, sorted by key."""
    repo = InitiativeRepository(session)
    actions = stored_by_key(ActionRepository(session).all(), "action")
    action_keys = {a.id: k for k, a in actions.items()}
    out = []
    for found in repo.all():
        entry: dict[str, Any] = {
            "key": found.key or f"initiative-{found.id}",
            "title": found.title,
            "kind": found.kind,
            "goal": found.goal,
        }
        if found.expected_value is not None:
            entry["expected_value"] = found.expected_value
        entry["proposed_by"] = keys[found.proposed_by_org_id]
        entry["parties"] = sorted(
            (
                {
                    "org": keys[p.org_id],
                    "status": p.status,
                    **({"agreed_version": p.agreed_version} if p.agreed_version else {}),
                }
                for p in repo.parties(found.id)
            ),
            key=lambda p: str(p["org"]),
        )
        entry["contributions"] = [
            {
                "by": keys[c.org_id],
                "amount": c.amount,
                "currency": c.currency,
                "created": format_time(c.created_at),
            }
            for c in repo.contributions(found.id)
        ]
        for name in ("method", "game", "shares", "in_core"):
            if getattr(found, name) is not None:
                entry[name] = getattr(found, name)
        entry["version"] = found.version
        if found.agreed_version is not None:
            entry["agreed_version"] = found.agreed_version
        entry["agreements"] = [
            {"version": a.version, "agreed": format_time(a.agreed_at), "document": a.document}
            for a in repo.agreements(found.id)
        ]
        entry["results"] = [
            {
                "by": keys[r.org_id],
                "amount": r.amount,
                "currency": r.currency,
                "recorded": format_time(r.recorded_at),
            }
            for r in repo.results(found.id)
        ]
        entry["goals"] = sorted(action_keys[a] for a in repo.goal_ids(found.id))
        entry["history"] = [_history_doc(row) for row in repo.versions(found.id)]
        entry["created"] = format_time(found.created_at)
        out.append(entry)
    return sorted(out, key=lambda e: str(e["key"]))


list_section(60, NAME, check, write, export)
