"""Queries over instruments, assessment rounds, invitations and responses (the stored sums
behind the score are ``assessments.score_repository``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    and_,
    case,
    or_,
    select,
)
from sqlalchemy.orm import Session, selectinload

from winwin.assessments.score_repository import ScoreRepository
from winwin.db.models import (
    Assessment,
    Instrument,
    InstrumentItem,
    Invitation,
    Organization,
    Response,
    Tie,
)


class InstrumentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_by_key(self, key: str) -> Instrument | None:
        return self.session.scalar(
            select(Instrument).where(Instrument.key == key).options(selectinload(Instrument.items))
        )

    def all(self) -> list[Instrument]:
        return list(
            self.session.scalars(
                select(Instrument).options(selectinload(Instrument.items)).order_by(Instrument.key)
            )
        )

    def usable_by(self, org_ids: Sequence[int]) -> list[Instrument]:
        """Built-in and shared instruments, plus the custom ones of these organisations."""
        return list(
            self.session.scalars(
                select(Instrument)
                .where(or_(Instrument.owner_org_id.is_(None), Instrument.owner_org_id.in_(org_ids)))
                .options(selectinload(Instrument.items))
                .order_by(Instrument.key)
            )
        )

    def add(self, instrument: Instrument) -> Instrument:
        self.session.add(instrument)
        self.session.flush()
        return instrument

    def upsert(
        self,
        *,
        key: str,
        scale: int,
        name: dict[str, str],
        items: list[dict[str, Any]],
        builtin: bool = False,
    ) -> Instrument:
        """Create or update an instrument; items are matched by their ``item_key``."""
        instrument = self.get_by_key(key)
        if instrument is None:
            instrument = Instrument(key=key, scale=scale, name=name, builtin=builtin, items=[])
            self.session.add(instrument)
        # A new scale, factor or reverse flag, or a removed item, changes how stored
        # answers count: the factor sums of every round that holds them are recomputed.
        rescored = instrument.id is not None and instrument.scale != scale
        if instrument.scale != scale:
            instrument.scale = scale
        if instrument.name != name:
            instrument.name = name
        instrument.builtin = builtin
        current = {i.item_key: i for i in instrument.items}
        wanted = {i["item_key"] for i in items}
        for item_key, row in current.items():
            if item_key not in wanted:
                instrument.items.remove(row)
                rescored = True
        for position, spec in enumerate(items):
            found = current.get(spec["item_key"])
            if found is None:
                found = InstrumentItem(item_key=spec["item_key"])
                instrument.items.append(found)
            row = found
            for field in ("factor", "reverse", "text_en", "text_fi"):
                if getattr(row, field) != spec[field]:
                    rescored |= row.id is not None and field in ("factor", "reverse")
                    setattr(row, field, spec[field])
            if row.position != position:
                row.position = position
        if rescored:
            scores = ScoreRepository(self.session)
            with self.session.no_autoflush:  # before removed items take their answers along
                touched = scores.rounds_of_instrument(instrument.id)
            self.session.flush()
            scores.refresh_sums([*touched, *scores.rounds_of_instrument(instrument.id)])
        self.session.flush()
        return instrument


# A whole round: what scoring, the documents and the round pages walk. Relationships are
# lazy="raise" (docs/architecture.md, "Loading"), so a query loads what its callers read.
_WHOLE_ROUND = (
    selectinload(Assessment.instrument).selectinload(Instrument.items),
    selectinload(Assessment.responses).selectinload(Response.answers),
    selectinload(Assessment.responses).selectinload(Response.cant_say),
    selectinload(Assessment.invitations),
)


class AssessmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, *, round: str, a_id: int, b_id: int) -> Assessment | None:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return self.session.scalar(
            select(Assessment)
            .where(Assessment.round == round, Assessment.a_id == a_id, Assessment.b_id == b_id)
            .options(*_WHOLE_ROUND)
        )

    def all(self) -> list[Assessment]:
        return list(
            self.session.scalars(
                select(Assessment)
                .options(*_WHOLE_ROUND)
                .order_by(Assessment.round, Assessment.a_id, Assessment.b_id)
            )
        )

    def add(self, assessment: Assessment) -> None:
        self.session.add(assessment)
        self.session.flush()

    # rounds ---------------------------------------------------------------------------
    def get_by_id(self, assessment_id: int) -> Assessment | None:
        return self.session.scalar(
            select(Assessment).where(Assessment.id == assessment_id).options(*_WHOLE_ROUND)
        )

    def rounds_of_pair(self, a_id: int, b_id: int) -> list[Assessment]:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return list(
            self.session.scalars(
                select(Assessment)
                .where(Assessment.a_id == a_id, Assessment.b_id == b_id)
                .options(selectinload(Assessment.instrument))
                .order_by(Assessment.opened_at, Assessment.id)
            )
        )

    def rounds_of_orgs(self, org_ids: Sequence[int]) -> list[Assessment]:
        """Every round of every relationship that one of these organisations is in."""
        return list(
            self.session.scalars(
                select(Assessment)
                .where(or_(Assessment.a_id.in_(org_ids), Assessment.b_id.in_(org_ids)))
                .options(
                    selectinload(Assessment.instrument),
                    selectinload(Assessment.responses),
                    selectinload(Assessment.invitations),
                )
                .order_by(Assessment.a_id, Assessment.b_id, Assessment.round)
            )
        )

    def pair_orgs(self, a_id: int, b_id: int) -> tuple[Organization, Organization]:
        a = self.session.get(Organization, a_id)
        b = self.session.get(Organization, b_id)
        assert a is not None and b is not None  # foreign keys keep the pair whole
        return a, b

    def org_names(self, keys: Sequence[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.session.execute(
            select(Organization.key, Organization.name).where(Organization.key.in_(keys))
        )
        return {key: name for key, name in rows}

    def tied(self, a_id: int, b_id: int) -> bool:
        """Whether any tie joins the two organisations, of any kind, in either direction."""
        return (
            self.session.scalar(
                select(Tie.from_id)
                .where(
                    or_(
                        and_(Tie.from_id == a_id, Tie.to_id == b_id),
                        and_(Tie.from_id == b_id, Tie.to_id == a_id),
                    )
                )
                .limit(1)
            )
            is not None
        )

    def partner_keys(self, org_id: int, limit: int = 500) -> list[str]:
        """Keys of the organisations tied to this one, either way (for choosing a pair)."""
        other = case((Tie.from_id == org_id, Tie.to_id), else_=Tie.from_id)
        ids = select(other).where(or_(Tie.from_id == org_id, Tie.to_id == org_id))
        return list(
            self.session.scalars(
                select(Organization.key)
                .where(Organization.id.in_(ids))
                .order_by(Organization.key)
                .limit(limit)
            )
        )

    def sealed_invitation_ids(self) -> list[int]:
        """Ids of the invitations that keep a sealed answer-link token, in order."""
        query = (
            select(Invitation.id).where(Invitation.link_token.is_not(None)).order_by(Invitation.id)
        )
        return list(self.session.scalars(query))

    def invitations_by_ids(self, ids: Sequence[int]) -> list[Invitation]:
        query = select(Invitation).where(Invitation.id.in_(list(ids))).order_by(Invitation.id)
        return list(self.session.scalars(query))

    def invitation_by_token_hash(self, token_hash: str) -> Invitation | None:
        return self.session.scalar(
            select(Invitation)
            .where(Invitation.token_hash == token_hash)
            .options(
                selectinload(Invitation.assessment)
                .selectinload(Assessment.instrument)
                .selectinload(Instrument.items)
            )
        )

    def response_of(self, assessment_id: int, respondent: str) -> Response | None:
        return self.session.scalar(
            select(Response)
            .where(Response.assessment_id == assessment_id, Response.respondent == respondent)
            .options(selectinload(Response.answers), selectinload(Response.cant_say))
        )

    def respondents_taken(self, assessment_id: int) -> set[str]:
        invited = select(Invitation.respondent).where(Invitation.assessment_id == assessment_id)
        answered = select(Response.respondent).where(Response.assessment_id == assessment_id)
        return set(self.session.scalars(invited)) | set(self.session.scalars(answered))

    def add_invitation(self, invitation: Invitation) -> Invitation:
        self.session.add(invitation)
        self.session.flush()
        return invitation

    def add_response(self, response: Response) -> Response:
        self.session.add(response)
        self.session.flush()
        return response


__all__ = ["AssessmentRepository", "InstrumentRepository"]
