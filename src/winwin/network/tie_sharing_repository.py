"""Queries of who may see which ties: the SQL twin of ``network.tie_audience``.

:meth:`TieSharingRepository.visible_ties` applies :func:`tie_audience.can_see_tie` in SQL
and :meth:`TieSharingRepository.level` applies :func:`tie_audience.level`; the tie
visibility consistency suite proves each equals its rule on both databases.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, delete, exists, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from winwin.network.models import Competitor, Organization, Tie
from winwin.network.tie_audience import DEFAULT_LEVEL, Level, parse_level
from winwin.network.tie_sharing_models import GraphRead, TieSharing, TieSharingDefault


def _level_sql(
    owner: ColumnElement[int] | InstrumentedAttribute[int], viewer_id: int
) -> ColumnElement[str]:
    """``level(owner → viewer)`` as a SQL expression of the owner column."""
    rival = exists().where(
        or_(
            and_(Competitor.a_id == owner, Competitor.b_id == viewer_id),
            and_(Competitor.a_id == viewer_id, Competitor.b_id == owner),
        )
    )
    tie = aliased(Tie)
    partner = exists().where(
        or_(
            and_(tie.from_id == owner, tie.to_id == viewer_id),
            and_(tie.from_id == viewer_id, tie.to_id == owner),
        )
    )
    override = (
        select(TieSharing.level)
        .where(TieSharing.org_id == owner, TieSharing.partner_id == viewer_id)
        .scalar_subquery()
    )
    default = (
        select(TieSharingDefault.level).where(TieSharingDefault.org_id == owner).scalar_subquery()
    )
    return case(
        (owner == viewer_id, literal("all")),
        (rival, literal("hidden")),
        (~partner, literal("hidden")),
        else_=func.coalesce(override, default, literal(DEFAULT_LEVEL)),
    )


class TieSharingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the checkpoint's SQL twin --------------------------------------------------------

    def level(self, *, owner_id: int, viewer_id: int) -> Level:
        """What ``owner`` tells ``viewer`` of its customers."""
        value = self.session.scalar(
            select(_level_sql(Organization.id, viewer_id)).where(Organization.id == owner_id)
        )
        return parse_level(value) if value is not None else "hidden"

    def visible_ties(self, viewer_id: int) -> set[tuple[str, int, int]]:
        """``(kind, from_id, to_id)`` of every tie the viewer may learn of."""
        mine = aliased(Tie)
        near = aliased(Tie)
        partners = (
            select(near.to_id)
            .where(near.from_id == viewer_id)
            .union(select(near.from_id).where(near.to_id == viewer_id))
        )
        from_level = _level_sql(Tie.from_id, viewer_id)
        to_level = _level_sql(Tie.to_id, viewer_id)
        also_ours = exists().where(
            mine.kind == "supplies", mine.from_id == viewer_id, mine.to_id == Tie.to_id
        )
        query = select(Tie.kind, Tie.from_id, Tie.to_id).where(
            or_(
                Tie.from_id == viewer_id,
                Tie.to_id == viewer_id,
                and_(
                    # Only a partner shares anything: the index narrows to their ties.
                    or_(Tie.from_id.in_(partners), Tie.to_id.in_(partners)),
                    or_(
                        and_(
                            Tie.kind == "supplies",
                            or_(
                                from_level == "all",
                                and_(from_level == "overlap", also_ours),
                            ),
                        ),
                        and_(Tie.kind != "supplies", or_(from_level == "all", to_level == "all")),
                    ),
                ),
            )
        )
        return {(kind, a, b) for kind, a, b in self.session.execute(query)}

    def customers_of(self, org_id: int) -> set[int]:
        query = select(Tie.to_id).where(Tie.kind == "supplies", Tie.from_id == org_id)
        return set(self.session.scalars(query))

    def customer_keys(self, org_id: int) -> set[str]:
        """The keys of ``org``'s customers, in one join (the overlap reads 10,000s)."""
        query = (
            select(Organization.key)
            .join(Tie, Tie.to_id == Organization.id)
            .where(Tie.kind == "supplies", Tie.from_id == org_id)
        )
        return set(self.session.scalars(query))

    def tied(self, a_id: int, b_id: int) -> bool:
        """Whether the two have an accepted tie of any kind (each sees it as its end)."""
        query = select(Tie.id).where(
            or_(
                and_(Tie.from_id == a_id, Tie.to_id == b_id),
                and_(Tie.from_id == b_id, Tie.to_id == a_id),
            )
        )
        return self.session.scalar(query.limit(1)) is not None

    # --- settings -------------------------------------------------------------------------

    def default_of(self, org_id: int) -> Level | None:
        value = self.session.get(TieSharingDefault, org_id)
        return parse_level(value.level) if value is not None else None

    def overrides_of(self, org_id: int) -> dict[int, Level]:
        query = select(TieSharing.partner_id, TieSharing.level).where(TieSharing.org_id == org_id)
        return {p: parse_level(level) for p, level in self.session.execute(query)}

    def set_default(self, org_id: int, level: Level | None) -> None:
        row = self.session.get(TieSharingDefault, org_id)
        if level is None:
            if row is not None:
                self.session.delete(row)
        elif row is None:
            self.session.add(TieSharingDefault(org_id=org_id, level=level))
        else:
            row.level = level
        self.session.flush()

    def set_override(self, org_id: int, partner_id: int, level: Level | None) -> None:
        row = self.session.get(TieSharing, (org_id, partner_id))
        if level is None:
            if row is not None:
                self.session.delete(row)
        elif row is None:
            self.session.add(TieSharing(org_id=org_id, partner_id=partner_id, level=level))
        else:
            row.level = level
        self.session.flush()

    def all_settings(self) -> tuple[dict[int, Level], dict[tuple[int, int], Level]]:
        """Every default and every override (for the network document)."""
        defaults = {
            o: parse_level(level)
            for o, level in self.session.execute(
                select(TieSharingDefault.org_id, TieSharingDefault.level)
            )
        }
        overrides = {
            (o, p): parse_level(level)
            for o, p, level in self.session.execute(
                select(TieSharing.org_id, TieSharing.partner_id, TieSharing.level)
            )
        }
        return defaults, overrides

    def clear_settings(self) -> None:
        self.session.execute(delete(TieSharing))
        self.session.execute(delete(TieSharingDefault))

    # --- organisations and the audit ------------------------------------------------------

    def org_by_key(self, key: str) -> Organization | None:
        return self.session.scalar(select(Organization).where(Organization.key == key))

    def keys_of(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        query = select(Organization.id, Organization.key).where(Organization.id.in_(ids))
        return {i: k for i, k in self.session.execute(query)}

    def partner_ids(self, org_id: int) -> set[int]:
        query = (
            select(Tie.to_id)
            .where(Tie.from_id == org_id)
            .union(select(Tie.from_id).where(Tie.to_id == org_id))
        )
        return set(self.session.scalars(query))

    def record_read(self, *, user_id: int | None, role: str, what: str) -> None:
        self.session.add(GraphRead(user_id=user_id, role=role, what=what[:64]))
        self.session.flush()

    def reads(self, limit: int = 200) -> list[GraphRead]:
        query = select(GraphRead).order_by(GraphRead.read_at.desc(), GraphRead.id.desc())
        return list(self.session.scalars(query.limit(limit)))
