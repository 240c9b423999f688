"""Queries for tie proposals, stored ties, competitor declarations and the tie log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from winwin.network.models import Competitor, Organization, Tie, TieEvent, TieProposal

TieRow = tuple[str, int, int]


def _pair(a: int, b: int) -> Any:
    return or_(
        and_(TieProposal.from_id == a, TieProposal.to_id == b),
        and_(TieProposal.from_id == b, TieProposal.to_id == a),
    )


class TieRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # proposals ---------------------------------------------------------------------------
    def pending_between(self, a: int, b: int) -> TieProposal | None:
        return self.session.scalar(
            select(TieProposal)
            .where(_pair(a, b), TieProposal.status == "proposed")
            .order_by(TieProposal.id.desc())
            .limit(1)
        )

    def last_refused(self, from_id: int, to_id: int) -> TieProposal | None:
        """The newest declined or withdrawn proposal from ``from_id`` to ``to_id``."""
        return self.session.scalar(
            select(TieProposal)
            .where(
                TieProposal.from_id == from_id,
                TieProposal.to_id == to_id,
                TieProposal.status.in_(("declined", "withdrawn")),
            )
            .order_by(TieProposal.decided_at.desc(), TieProposal.id.desc())
            .limit(1)
        )

    def add_proposal(
        self, *, from_id: int, to_id: int, kind: str, user_id: int | None, at: datetime
    ) -> TieProposal:
        proposal = TieProposal(
            from_id=from_id,
            to_id=to_id,
            kind=kind,
            status="proposed",
            proposed_by_user_id=user_id,
            created_at=at,
        )
        self.session.add(proposal)
        self.session.flush()
        return proposal

    def pending_of(self, org_id: int) -> list[TieProposal]:
        return list(
            self.session.scalars(
                select(TieProposal)
                .where(
                    or_(TieProposal.from_id == org_id, TieProposal.to_id == org_id),
                    TieProposal.status == "proposed",
                )
                .order_by(TieProposal.id)
            )
        )

    def all_pending(self) -> list[TieProposal]:
        return list(
            self.session.scalars(
                select(TieProposal).where(TieProposal.status == "proposed").order_by(TieProposal.id)
            )
        )

    def accepted_for(self, tie: TieRow) -> TieProposal | None:
        """The accepted proposal that made this stored tie, when there is one."""
        _kind, a, b = tie
        rows = self.session.scalars(
            select(TieProposal)
            .where(_pair(a, b), TieProposal.status == "accepted")
            .order_by(TieProposal.id.desc())
        )
        from winwin.network.tie_rules import stored_tie

        for proposal in rows:
            if stored_tie(proposal.kind, proposal.from_id, proposal.to_id) == tie:
                return proposal
        return None

    # ties -------------------------------------------------------------------------------
    def has_tie(self, tie: TieRow) -> bool:
        kind, a, b = tie
        return (
            self.session.scalar(
                select(Tie.id).where(Tie.kind == kind, Tie.from_id == a, Tie.to_id == b)
            )
            is not None
        )

    def add_tie(self, tie: TieRow) -> None:
        kind, a, b = tie
        self.session.add(Tie(kind=kind, from_id=a, to_id=b))
        self.session.flush()

    def delete_tie(self, tie: TieRow) -> None:
        kind, a, b = tie
        self.session.execute(delete(Tie).where(Tie.kind == kind, Tie.from_id == a, Tie.to_id == b))

    def ties_between(self, a: int, b: int) -> list[TieRow]:
        query = select(Tie.kind, Tie.from_id, Tie.to_id).where(
            or_(and_(Tie.from_id == a, Tie.to_id == b), and_(Tie.from_id == b, Tie.to_id == a))
        )
        return [(k, f, t) for k, f, t in self.session.execute(query)]

    def ties_of(self, org_id: int) -> list[TieRow]:
        query = select(Tie.kind, Tie.from_id, Tie.to_id).where(
            or_(Tie.from_id == org_id, Tie.to_id == org_id)
        )
        return [(k, f, t) for k, f, t in self.session.execute(query)]

    def keys_of_partners(self, org_id: int) -> dict[int, str]:
        """Keys of the organisation and of everyone it is tied to or in a proposal with."""
        ids = {org_id}
        for _, f, t in self.ties_of(org_id):
            ids |= {f, t}
        for p in self.pending_of(org_id):
            ids |= {p.from_id, p.to_id}
        query = select(Organization.id, Organization.key).where(Organization.id.in_(ids))
        return {i: k for i, k in self.session.execute(query)}

    # competitors -------------------------------------------------------------------------
    def _competitor(self, a: int, b: int) -> Competitor | None:
        low, high = min(a, b), max(a, b)
        return self.session.scalar(
            select(Competitor).where(Competitor.a_id == low, Competitor.b_id == high)
        )

    def declared(self, by: int, other: int) -> bool:
        row = self._competitor(by, other)
        if row is None:
            return False
        return bool(row.declared_by_a if by == row.a_id else row.declared_by_b)

    def declare(self, by: int, other: int) -> None:
        row = self._competitor(by, other)
        if row is None:
            low, high = min(by, other), max(by, other)
            row = Competitor(a_id=low, b_id=high, declared_by_a=by == low, declared_by_b=by == high)
            self.session.add(row)
        elif by == row.a_id:
            row.declared_by_a = True
        else:
            row.declared_by_b = True
        self.session.flush()

    def undeclare(self, by: int, other: int) -> None:
        row = self._competitor(by, other)
        if row is None:
            return
        if by == row.a_id:
            row.declared_by_a = False
        else:
            row.declared_by_b = False
        if not row.declared_by_a and not row.declared_by_b:
            self.session.delete(row)
        self.session.flush()

    def declared_by(self, org_id: int) -> list[str]:
        """Keys of the competitors ``org_id`` declared itself."""
        as_a = select(Competitor.b_id).where(
            Competitor.a_id == org_id, Competitor.declared_by_a.is_(True)
        )
        as_b = select(Competitor.a_id).where(
            Competitor.b_id == org_id, Competitor.declared_by_b.is_(True)
        )
        ids = set(self.session.scalars(as_a)) | set(self.session.scalars(as_b))
        query = select(Organization.key).where(Organization.id.in_(ids))
        return sorted(self.session.scalars(query))

    def declarations(self) -> list[tuple[int, int, bool, bool]]:
        """Every competitor pair with who declared it: ``(a_id, b_id, by_a, by_b)``."""
        query = select(
            Competitor.a_id, Competitor.b_id, Competitor.declared_by_a, Competitor.declared_by_b
        )
        return [(a, b, bool(x), bool(y)) for a, b, x, y in self.session.execute(query)]

    def subjects_for_org(
        self, org_id: int, proposal_ids: set[int]
    ) -> dict[int, tuple[str, str, str]]:
        """Other side's key and name, and the kind from ``org_id``'s view, of each of
        these proposals that ``org_id`` is a side of."""
        from winwin.network.tie_rules import seen_by_other

        query = select(TieProposal).where(
            TieProposal.id.in_(sorted(proposal_ids)),
            or_(TieProposal.from_id == org_id, TieProposal.to_id == org_id),
        )
        proposals = list(self.session.scalars(query))
        others = {p.to_id if p.from_id == org_id else p.from_id for p in proposals}
        names = {
            i: (k, n)
            for i, k, n in self.session.execute(
                select(Organization.id, Organization.key, Organization.name).where(
                    Organization.id.in_(others)
                )
            )
        }
        out: dict[int, tuple[str, str, str]] = {}
        for p in proposals:
            mine = p.from_id == org_id
            key, name = names[p.to_id if mine else p.from_id]
            out[p.id] = (key, name, p.kind if mine else seen_by_other(p.kind))
        return out

    # the log ------------------------------------------------------------------------------
    def add_event(
        self,
        *,
        org_id: int,
        other_id: int,
        by_id: int,
        action: str,
        kind: str | None,
        user_id: int | None,
        at: datetime,
    ) -> None:
        self.session.add(
            TieEvent(
                org_id=org_id,
                other_id=other_id,
                by_id=by_id,
                action=action,
                kind=kind,
                user_id=user_id,
                at=at,
            )
        )

    def events_of(self, org_id: int, *, limit: int) -> list[dict[str, Any]]:
        from winwin.accounts.models import User

        other = Organization.__table__.alias("other_org")
        by = Organization.__table__.alias("by_org")
        query = (
            select(
                TieEvent.action,
                TieEvent.kind,
                TieEvent.at,
                other.c.key,
                other.c.name,
                by.c.key,
                User.name,
            )
            .join(other, other.c.id == TieEvent.other_id)
            .join(by, by.c.id == TieEvent.by_id)
            .outerjoin(User, User.id == TieEvent.user_id)
            .where(TieEvent.org_id == org_id)
            .order_by(TieEvent.at.desc(), TieEvent.id.desc())
            .limit(limit)
        )
        return [
            {
                "action": action,
                "kind": kind,
                "at": at,
                "with": other_key,
                "with_name": other_name,
                "by": by_key,
                "person": person,
            }
            for action, kind, at, other_key, other_name, by_key, person in self.session.execute(
                query
            )
        ]
