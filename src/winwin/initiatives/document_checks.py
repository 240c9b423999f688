"""Checking the ``initiatives`` section against the database (``initiatives.document``):
every problem with its JSON path; what is stored and never changes (frozen agreements,
history entries) must be repeated as it is or left out.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from winwin.actions.repository import ActionRepository
from winwin.initiatives import rules
from winwin.initiatives.document_schema import (
    MAX_AMOUNT,
    NAME,
    Checked,
    InitiativeDoc,
    Section,
    TextChange,
    ValueChange,
)
from winwin.initiatives.models import (
    Initiative,
    InitiativeAgreement,
)
from winwin.initiatives.repository import InitiativeRepository, VersionRow
from winwin.insight.game_document import parse_game
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network.document import (
    SectionContext,
    parse_time,
    same_stored,
    section_problems,
    stored_by_key,
)
from winwin.network.repository import NetworkRepository


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
        entries = Section.model_validate({NAME: raw}).initiatives
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
