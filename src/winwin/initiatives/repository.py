"""Every query of joint initiatives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.initiatives.models import (
    Initiative,
    InitiativeAgreement,
    InitiativeContribution,
    InitiativeGoal,
    InitiativeParty,
    InitiativeResult,
    InitiativeVersion,
)
from winwin.network.models import Competitor, Organization


@dataclass(frozen=True)
class VersionRow:
    """One version of the history, with the organisation's key and the person's name."""

    version: int
    change: str
    org_key: str | None
    person: str | None
    details: dict[str, Any]
    created_at: datetime


class InitiativeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, initiative_id: int) -> Initiative | None:
        return self.session.get(Initiative, initiative_id)

    def add(self, initiative: Initiative, party_ids: Iterable[tuple[int, str]]) -> Initiative:
        self.session.add(initiative)
        self.session.flush()
        for org_id, status in party_ids:
            self.session.add(
                InitiativeParty(initiative_id=initiative.id, org_id=org_id, status=status)
            )
        self.session.flush()
        return initiative

    def all(self) -> list[Initiative]:
        """Every initiative, oldest first (the network document's ``initiatives`` section)."""
        return list(self.session.scalars(select(Initiative).order_by(Initiative.id)))

    def replace_parties(self, initiative_id: int, parties: Iterable[InitiativeParty]) -> None:
        self.session.execute(
            delete(InitiativeParty).where(InitiativeParty.initiative_id == initiative_id)
        )
        self.session.add_all(parties)
        self.session.flush()

    def replace_contributions(
        self, initiative_id: int, contributions: Iterable[InitiativeContribution]
    ) -> None:
        self.session.execute(
            delete(InitiativeContribution).where(
                InitiativeContribution.initiative_id == initiative_id
            )
        )
        self.session.add_all(contributions)
        self.session.flush()

    def of_orgs(self, org_ids: Iterable[int] | None) -> list[Initiative]:
        """Initiatives with a party among these organisations (all with None): the SQL side
        of ``service.can_read``."""
        query = select(Initiative).order_by(Initiative.id)
        if org_ids is not None:
            ids = sorted(set(org_ids))
            if not ids:
                return []
            parties = select(InitiativeParty.initiative_id).where(InitiativeParty.org_id.in_(ids))
            query = query.where(Initiative.id.in_(parties))
        return list(self.session.scalars(query))

    def party_org_ids(self, initiative_id: int) -> set[int]:
        return set(
            self.session.scalars(
                select(InitiativeParty.org_id).where(InitiativeParty.initiative_id == initiative_id)
            )
        )

    def add_party(self, initiative_id: int, org_id: int) -> None:
        """A newly invited party."""
        self.session.add(
            InitiativeParty(initiative_id=initiative_id, org_id=org_id, status="invited")
        )
        self.session.flush()

    def remove_parties(self, initiative_id: int, org_ids: Iterable[int]) -> None:
        ids = sorted(set(org_ids))
        if ids:
            self.session.execute(
                delete(InitiativeParty).where(
                    InitiativeParty.initiative_id == initiative_id,
                    InitiativeParty.org_id.in_(ids),
                )
            )
            self.session.flush()

    def add_version(self, version: InitiativeVersion) -> None:
        self.session.add(version)
        self.session.flush()

    def versions(self, initiative_id: int) -> list[VersionRow]:
        """The initiative's history, oldest version first."""
        query = (
            select(
                InitiativeVersion.version,
                InitiativeVersion.change,
                Organization.key,
                User.name,
                InitiativeVersion.details,
                InitiativeVersion.created_at,
            )
            .outerjoin(Organization, Organization.id == InitiativeVersion.org_id)
            .outerjoin(User, User.id == InitiativeVersion.user_id)
            .where(InitiativeVersion.initiative_id == initiative_id)
            .order_by(InitiativeVersion.version)
        )
        return [VersionRow(*row) for row in self.session.execute(query)]

    def version_numbers(self, initiative_id: int) -> set[int]:
        return set(
            self.session.scalars(
                select(InitiativeVersion.version).where(
                    InitiativeVersion.initiative_id == initiative_id
                )
            )
        )

    def competing_among(self, org_ids: Iterable[int]) -> list[tuple[int, int]]:
        """The competitor pairs ``(a_id, b_id)`` with both ends among these organisations."""
        ids = sorted(set(org_ids))
        if len(ids) < 2:
            return []
        query = select(Competitor.a_id, Competitor.b_id).where(
            Competitor.a_id.in_(ids), Competitor.b_id.in_(ids)
        )
        return [(a, b) for a, b in self.session.execute(query)]

    def parties(self, initiative_id: int) -> list[InitiativeParty]:
        return list(
            self.session.scalars(
                select(InitiativeParty)
                .where(InitiativeParty.initiative_id == initiative_id)
                .order_by(InitiativeParty.org_id)
            )
        )

    def contributions(self, initiative_id: int) -> list[InitiativeContribution]:
        return list(
            self.session.scalars(
                select(InitiativeContribution)
                .where(InitiativeContribution.initiative_id == initiative_id)
                .order_by(InitiativeContribution.id)
            )
        )

    def add_contribution(self, contribution: InitiativeContribution) -> None:
        self.session.add(contribution)
        self.session.flush()

    def results(self, initiative_id: int) -> list[InitiativeResult]:
        return list(
            self.session.scalars(
                select(InitiativeResult)
                .where(InitiativeResult.initiative_id == initiative_id)
                .order_by(InitiativeResult.id)
            )
        )

    def add_result(self, result: InitiativeResult) -> None:
        self.session.add(result)
        self.session.flush()

    def agreements(self, initiative_id: int) -> list[InitiativeAgreement]:
        return list(
            self.session.scalars(
                select(InitiativeAgreement)
                .where(InitiativeAgreement.initiative_id == initiative_id)
                .order_by(InitiativeAgreement.version)
            )
        )

    def add_agreement(self, agreement: InitiativeAgreement) -> None:
        self.session.add(agreement)
        self.session.flush()

    def add_goal(self, initiative_id: int, action_id: int) -> None:
        self.session.add(InitiativeGoal(initiative_id=initiative_id, action_id=action_id))
        self.session.flush()

    def goal_ids(self, initiative_id: int) -> list[int]:
        """The actions that are the initiative's learning goals, oldest first."""
        return list(
            self.session.scalars(
                select(InitiativeGoal.action_id)
                .where(InitiativeGoal.initiative_id == initiative_id)
                .order_by(InitiativeGoal.action_id)
            )
        )

    def goal_owners(self) -> dict[int, int]:
        """Every goal's initiative by action id (the network document)."""
        rows = self.session.execute(select(InitiativeGoal.action_id, InitiativeGoal.initiative_id))
        return {action_id: initiative_id for action_id, initiative_id in rows}

    def replace_goals(self, initiative_id: int, action_ids: Iterable[int]) -> None:
        self.session.execute(
            delete(InitiativeGoal).where(InitiativeGoal.initiative_id == initiative_id)
        )
        self.session.add_all(
            InitiativeGoal(initiative_id=initiative_id, action_id=a)
            for a in sorted(set(action_ids))
        )
        self.session.flush()
