"""Writing a checked ``initiatives`` section (``initiatives.document``): each initiative
created or updated by key; its parties, contributions and goals replaced by the
document's; frozen agreements, results and history entries only ever added.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from winwin.actions.repository import ActionRepository
from winwin.initiatives.document_schema import Checked, ContributionDoc, InitiativeDoc, ResultDoc
from winwin.initiatives.models import (
    Initiative,
    InitiativeAgreement,
    InitiativeContribution,
    InitiativeParty,
    InitiativeResult,
    InitiativeVersion,
)
from winwin.initiatives.repository import InitiativeRepository
from winwin.network.document import (
    parse_time,
    same_stored,
    stored_by_key,
)

Row = TypeVar("Row")


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


def _added(add: Callable[[Row], object], rows: list[Row]) -> bool:
    """Add each new row; whether there was any."""
    for row in rows:
        add(row)
    return bool(rows)


def _when(text: str | None) -> datetime | None:
    return parse_time(text) if text else None


def _write_agreements(
    repo: InitiativeRepository, found: Initiative, entry: InitiativeDoc, now: datetime
) -> bool:
    have = {a.version for a in repo.agreements(found.id)}
    new = [
        InitiativeAgreement(
            initiative_id=found.id,
            version=frozen.version,
            document=frozen.document,
            agreed_at=_when(frozen.agreed) or now,
        )
        for frozen in entry.agreements
        if frozen.version not in have
    ]
    return _added(repo.add_agreement, new)


def _write_results(
    repo: InitiativeRepository,
    found: Initiative,
    entry: InitiativeDoc,
    ids: dict[str, int],
    now: datetime,
) -> bool:
    have = repo.results(found.id)

    def known(result: ResultDoc, at: datetime | None) -> bool:
        return any(
            r.org_id == ids[result.by]
            and r.amount == float(result.amount)
            and r.currency == result.currency
            and (at is None or same_stored(r.recorded_at, at))
            for r in have
        )

    new = [
        InitiativeResult(
            initiative_id=found.id,
            org_id=ids[result.by],
            amount=float(result.amount),
            currency=result.currency,
            recorded_at=_when(result.recorded) or now,
        )
        for result in entry.results
        if not known(result, _when(result.recorded))
    ]
    return _added(repo.add_result, new)


def _write_history(
    repo: InitiativeRepository,
    found: Initiative,
    entry: InitiativeDoc,
    ids: dict[str, int],
    now: datetime,
) -> bool:
    have = repo.version_numbers(found.id)
    new = [
        InitiativeVersion(
            initiative_id=found.id,
            version=h.version,
            change=h.change,
            org_id=ids[h.by] if h.by is not None else None,
            user_id=None,
            details=h.details.model_dump(exclude_unset=True),
            created_at=_when(h.at) or now,
        )
        for h in entry.history
        if h.version not in have
    ]
    return _added(repo.add_version, new)


def _write_goals(session: Session, found: Initiative, entry: InitiativeDoc) -> bool:
    repo = InitiativeRepository(session)
    actions = stored_by_key(ActionRepository(session).all(), "action")
    wanted = sorted({actions[k].id for k in entry.goals})
    if wanted == repo.goal_ids(found.id):
        return False
    repo.replace_goals(found.id, wanted)
    return True
