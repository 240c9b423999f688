"""Queries over organisations, ties, competitors, circles, agreements and settings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, exists, insert, literal, select, tuple_, update
from sqlalchemy.orm import Session, selectinload

from winwin.db.models import (
    Agreement,
    AgreementTopic,
    Circle,
    CircleMember,
    Competitor,
    NetworkSetting,
    Organization,
    Tie,
)
from winwin.kernel.errors import NotFound
from winwin.network.models import OrganizationPlace
from winwin.sharing.topics import DEFAULT_SENSITIVE_TOPICS, normalize_topics

ORG_FIELDS = (
    "name",
    "country",
    "cluster",
    "industry",
    "roles",
    "capabilities",
    "needs",
    "values",
    "business_id",
)
SENSITIVE_TOPICS = "competition_sensitive_topics"


def sensitive_topics_of(stored: list[str] | None) -> list[str]:
    """The sensitive topics a stored setting (None: none stored) stands for, normalised."""
    return normalize_topics(DEFAULT_SENSITIVE_TOPICS if stored is None else stored)


CHUNK = 20_000


def chunks(rows: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class NetworkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # organisations -------------------------------------------------------------------
    def org_ids(self) -> dict[str, int]:
        query = select(Organization.key, Organization.id)
        return {key: org_id for key, org_id in self.session.execute(query)}

    def org_keys_by_id(self) -> dict[int, str]:
        query = select(Organization.id, Organization.key)
        return {org_id: key for org_id, key in self.session.execute(query)}

    def get_by_key(self, key: str) -> Organization | None:
        return self.session.scalar(select(Organization).where(Organization.key == key))

    def get_or_raise(self, key: str) -> Organization:
        org = self.get_by_key(key)
        if org is None:
            raise NotFound(f"no organisation with key '{key}'")
        return org

    def add_org(self, org: Organization) -> None:
        self.session.add(org)
        self.session.flush()
        self.remember_places([org.id])

    def names_of(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        query = select(Organization.key, Organization.name).where(Organization.key.in_(wanted))
        return {k: n for k, n in self.session.execute(query)}

    def holder_of_business_id(self, business_id: str) -> Organization | None:
        return self.session.scalar(
            select(Organization).where(Organization.business_id == business_id)
        )

    def org_rows(self) -> list[dict[str, Any]]:
        columns = [
            Organization.id,
            Organization.key,
            *(getattr(Organization, f) for f in ORG_FIELDS),
        ]
        return [
            dict(r._mapping)
            for r in self.session.execute(select(*columns).order_by(Organization.key))
        ]

    def insert_orgs(self, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self.session.execute(insert(Organization), list(part))
        if rows:
            self.remember_places()

    def update_orgs(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        # The values being replaced are remembered first: exclusions stay sticky.
        self.remember_places()
        for part in chunks(rows):
            self.session.execute(update(Organization), list(part))
        self.remember_places()

    def remember_places(self, org_ids: Iterable[int] | None = None) -> None:
        """Record the current country and cluster of organisations (all when None) in
        their history, which is never pruned. Call before and after any change to an
        organisation's country or cluster; it is idempotent and set-based.
        """
        ids = None if org_ids is None else list(org_ids)
        for kind, column in (("country", Organization.country), ("cluster", Organization.cluster)):
            place = OrganizationPlace
            query = select(Organization.id, literal(kind), column).where(
                column.is_not(None),
                column != "",
                ~exists(
                    select(literal(1)).where(
                        place.org_id == Organization.id,
                        place.kind == kind,
                        place.value == column,
                    )
                ),
            )
            if ids is not None:
                query = query.where(Organization.id.in_(ids))
            self.session.execute(
                insert(place).from_select([place.org_id, place.kind, place.value], query)
            )

    def places(self, org_ids: Iterable[int] | None = None) -> dict[int, dict[str, set[str]]]:
        """Every country and cluster each organisation has ever had, by organisation id."""
        query = select(OrganizationPlace.org_id, OrganizationPlace.kind, OrganizationPlace.value)
        found: dict[int, dict[str, set[str]]] = {}
        batches = (
            [None]
            if org_ids is None
            else [list(part) for part in chunks(sorted(set(org_ids)), 500)]
        )
        for part in batches:
            q = query if part is None else query.where(OrganizationPlace.org_id.in_(part))
            for org_id, kind, value in self.session.execute(q):
                found.setdefault(org_id, {"country": set(), "cluster": set()})[kind].add(value)
        return found

    # ties and competitors -------------------------------------------------------------
    def tie_set(self) -> set[tuple[str, int, int]]:
        return set(self.ties())

    def insert_ties(self, rows: Sequence[tuple[str, int, int]]) -> None:
        for part in chunks(rows):
            self.session.execute(
                insert(Tie), [{"kind": k, "from_id": f, "to_id": t} for k, f, t in part]
            )

    def ties(self) -> list[tuple[str, int, int]]:
        query = select(Tie.kind, Tie.from_id, Tie.to_id)
        return [(kind, from_id, to_id) for kind, from_id, to_id in self.session.execute(query)]

    def competitor_set(self) -> set[tuple[int, int]]:
        query = select(Competitor.a_id, Competitor.b_id)
        return {(a, b) for a, b in self.session.execute(query)}

    def insert_competitors(self, rows: Sequence[tuple[int, int]]) -> None:
        for part in chunks(rows):
            self.session.execute(insert(Competitor), [{"a_id": a, "b_id": b} for a, b in part])

    def competitor_sides(self) -> dict[tuple[int, int], tuple[bool, bool]]:
        """Every competitor pair ``(a_id, b_id)`` → whether a and whether b declared it."""
        query = select(
            Competitor.a_id, Competitor.b_id, Competitor.declared_by_a, Competitor.declared_by_b
        )
        return {(a, b): (bool(x), bool(y)) for a, b, x, y in self.session.execute(query)}

    def write_competitor_sides(
        self, rows: dict[tuple[int, int], tuple[bool, bool]], existing: set[tuple[int, int]]
    ) -> None:
        """Insert new pairs and update the sides of existing ones (a_id < b_id)."""
        new = [
            {"a_id": a, "b_id": b, "declared_by_a": x, "declared_by_b": y}
            for (a, b), (x, y) in rows.items()
            if (a, b) not in existing
        ]
        for part in chunks(new):
            self.session.execute(insert(Competitor), list(part))
        for (a, b), (x, y) in rows.items():
            if (a, b) in existing:
                self.session.execute(
                    update(Competitor)
                    .where(Competitor.a_id == a, Competitor.b_id == b)
                    .values(declared_by_a=x, declared_by_b=y)
                )

    # circles --------------------------------------------------------------------------
    def circles(self) -> dict[str, tuple[int, str, list[int]]]:
        """key → (id, name, member org ids with status ``member``)."""
        out: dict[str, tuple[int, str, list[int]]] = {}
        for cid, key, name in self.session.execute(select(Circle.id, Circle.key, Circle.name)):
            out[key] = (cid, name, [])
        by_id = {v[0]: v for v in out.values()}
        rows = self.session.execute(
            select(CircleMember.circle_id, CircleMember.org_id).where(
                CircleMember.status == "member"
            )
        )
        for circle_id, org_id in rows:
            by_id[circle_id][2].append(org_id)
        return out

    def upsert_circle(self, *, key: str, name: str, member_ids: Iterable[int]) -> int:
        circle = self.session.scalar(select(Circle).where(Circle.key == key))
        if circle is None:
            circle = Circle(key=key, name=name, members=[])
            self.session.add(circle)
            self.session.flush()
        circle.name = name
        wanted = set(member_ids)
        rows = self.session.scalars(
            select(CircleMember).where(CircleMember.circle_id == circle.id)
        ).all()
        for row in rows:
            if row.org_id in wanted:
                row.status = "member"
                wanted.discard(row.org_id)
            elif row.status == "member":
                self.session.delete(row)
        for org_id in sorted(wanted):
            self.session.add(CircleMember(circle_id=circle.id, org_id=org_id, status="member"))
        self.session.flush()
        return circle.id

    # agreements -----------------------------------------------------------------------
    def agreements(self, *, active_only: bool = True) -> dict[tuple[int, int], list[str]]:
        query = select(Agreement.a_id, Agreement.b_id, AgreementTopic.topic).outerjoin(
            AgreementTopic
        )
        if active_only:
            query = query.where(Agreement.status == "active")
        out: dict[tuple[int, int], list[str]] = {}
        for a, b, topic in self.session.execute(query):
            topics = out.setdefault((a, b), [])
            if topic is not None:
                topics.append(topic)
        return out

    def upsert_agreement(self, *, a_id: int, b_id: int, topics: Iterable[str]) -> None:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        agreement = self.session.scalar(
            select(Agreement)
            .where(Agreement.a_id == a_id, Agreement.b_id == b_id)
            .options(selectinload(Agreement.topics))
        )
        if agreement is None:
            agreement = Agreement(a_id=a_id, b_id=b_id, status="active", topics=[])
            self.session.add(agreement)
            self.session.flush()
        agreement.status = "active"
        agreement.accepted_by_a = agreement.accepted_by_b = True
        wanted = list(dict.fromkeys(topics))
        current = {t.topic: t for t in agreement.topics}
        for topic, row in current.items():
            if topic not in wanted:
                agreement.topics.remove(row)
        for topic in wanted:
            if topic not in current:
                agreement.topics.append(AgreementTopic(topic=topic))
        self.session.flush()

    # settings -------------------------------------------------------------------------
    def sensitive_topics(self) -> list[str]:
        """The competition-sensitive topics in their normal form (the default list when
        none are configured)."""
        return sensitive_topics_of(self.get_setting(SENSITIVE_TOPICS))

    def get_setting(self, key: str) -> list[str] | None:
        row = self.session.get(NetworkSetting, key)
        return None if row is None else list(row.value)

    def set_setting(self, key: str, value: list[str]) -> None:
        row = self.session.get(NetworkSetting, key)
        if row is None:
            self.session.add(NetworkSetting(key=key, value=value))
        elif row.value != value:
            row.value = value
        self.session.flush()

    def delete_ties(self, rows: Sequence[tuple[str, int, int]]) -> None:
        for part in chunks(rows, 500):
            self.session.execute(
                delete(Tie).where(tuple_(Tie.kind, Tie.from_id, Tie.to_id).in_(list(part)))
            )
