"""Every query of joint actions. Callers decide access first (``winwin.actions.service``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.actions.models import Action, ActionEvent
from winwin.actions.rules import OPEN
from winwin.assessments.models import Assessment
from winwin.network.models import Organization, Tie


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, action_id: int) -> Action | None:
        return self.session.get(Action, action_id)

    def add(self, action: Action) -> Action:
        self.session.add(action)
        self.session.flush()
        return action

    def add_event(self, event: ActionEvent) -> None:
        self.session.add(event)
        self.session.flush()

    def all(self) -> list[Action]:
        """Every action, oldest first (the network document's ``actions`` section)."""
        return list(self.session.scalars(select(Action).order_by(Action.id)))

    def of_pair(self, a_id: int, b_id: int) -> list[Action]:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return list(
            self.session.scalars(
                select(Action).where(Action.a_id == a_id, Action.b_id == b_id).order_by(Action.id)
            )
        )

    def of_orgs(self, org_ids: Iterable[int] | None) -> list[Action]:
        """Actions of relationships that one of these organisations is in (all with None).

        The SQL side of the access rule: someone who may see an organisation may see
        the plans of its relationships.
        """
        query = select(Action).order_by(Action.id)
        if org_ids is not None:
            ids = sorted(set(org_ids))
            if not ids:
                return []
            query = query.where(or_(Action.a_id.in_(ids), Action.b_id.in_(ids)))
        return list(self.session.scalars(query))

    def overdue_of_orgs(self, org_ids: Sequence[int], today: date) -> list[Action]:
        """Open actions due before ``today`` of these organisations' relationships."""
        if not org_ids:
            return []
        return list(
            self.session.scalars(
                select(Action)
                .where(
                    or_(Action.a_id.in_(org_ids), Action.b_id.in_(org_ids)),
                    Action.status.in_(sorted(OPEN)),
                    Action.due.is_not(None),
                    Action.due < today,
                )
                .order_by(Action.due, Action.id)
            )
        )

    def overdue(self, today: date) -> list[Action]:
        return list(
            self.session.scalars(
                select(Action)
                .where(
                    Action.status.in_(sorted(OPEN)),
                    Action.due.is_not(None),
                    Action.due < today,
                )
                .order_by(Action.id)
            )
        )

    def events(self, action_id: int) -> list[ActionEvent]:
        return list(
            self.session.scalars(
                select(ActionEvent)
                .where(ActionEvent.action_id == action_id)
                .order_by(ActionEvent.at, ActionEvent.id)
            )
        )

    def is_relationship(self, a_id: int, b_id: int) -> bool:
        """Whether the two organisations are tied, or have been assessed together."""
        low, high = min(a_id, b_id), max(a_id, b_id)
        tie = exists().where(
            or_(
                (Tie.from_id == a_id) & (Tie.to_id == b_id),
                (Tie.from_id == b_id) & (Tie.to_id == a_id),
            )
        )
        round_ = exists().where(Assessment.a_id == low, Assessment.b_id == high)
        return bool(self.session.scalar(select(tie | round_)))

    def users(self, ids: Iterable[int | None]) -> dict[int, User]:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        return {u.id: u for u in self.session.scalars(select(User).where(User.id.in_(wanted)))}

    def orgs(self, ids: Iterable[int]) -> dict[int, Organization]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        found = self.session.scalars(select(Organization).where(Organization.id.in_(wanted)))
        return {o.id: o for o in found}

    def subjects_for_org(
        self, org_id: int, action_ids: Iterable[int]
    ) -> dict[int, tuple[str, tuple[str, str]]]:
        """Title and sorted pair of keys of those actions whose relationship ``org_id`` is in."""
        ids = sorted(set(action_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            select(Action.id, Action.title, Action.a_id, Action.b_id).where(
                Action.id.in_(ids), or_(Action.a_id == org_id, Action.b_id == org_id)
            )
        ).all()
        keys = self.orgs({r.a_id for r in rows} | {r.b_id for r in rows})
        out: dict[int, tuple[str, tuple[str, str]]] = {}
        for r in rows:
            first, second = sorted((keys[r.a_id].key, keys[r.b_id].key))
            out[r.id] = (r.title, (first, second))
        return out
