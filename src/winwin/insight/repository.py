"""Read-only queries behind natural pairs and cluster insight."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from winwin.db.models import Competitor, Organization, Tie


def read_one_version(session: Session) -> None:
    """Make the session's transaction, which must not have begun, read one snapshot: every
    later statement sees the database as the first one did, whatever commits meanwhile.

    PostgreSQL runs it at ``REPEATABLE READ`` (its default, ``READ COMMITTED``, lets each
    statement see newer commits); SQLite's transaction (the engine always begins one)
    reads one WAL snapshot from its first read on, so nothing needs to change there. The
    isolation level ends with the transaction: the connection goes back to the pool as
    it came."""
    if session.in_transaction():
        raise RuntimeError("one version is read only from the transaction's first statement")
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


@dataclass(frozen=True)
class OrgRow:
    id: int
    key: str
    cluster: str | None
    roles: list[str]
    capabilities: list[str]
    needs: list[str]
    values: list[str]


class InsightRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def organizations(self, keys: Collection[str] | None = None) -> list[OrgRow]:
        """Every organisation (or those of ``keys``), ordered by key in code-point order
        (sorted here, not by the database, whose collation may order ``-`` and ``_``
        differently)."""
        query = select(
            Organization.id,
            Organization.key,
            Organization.cluster,
            Organization.roles,
            Organization.capabilities,
            Organization.needs,
            Organization.values,
        )
        if keys is not None:
            query = query.where(Organization.key.in_(sorted(keys)))
        rows = [
            OrgRow(
                id=row.id,
                key=row.key,
                cluster=row.cluster,
                roles=list(row.roles or []),
                capabilities=list(row.capabilities or []),
                needs=list(row.needs or []),
                values=list(row.values or []),
            )
            for row in self.session.execute(query)
        ]
        return sorted(rows, key=lambda o: o.key)

    def ties(self) -> list[tuple[str, int, int]]:
        """``(kind, from_id, to_id)`` of every tie."""
        query = select(Tie.kind, Tie.from_id, Tie.to_id).order_by(Tie.id)
        return [(kind, a, b) for kind, a, b in self.session.execute(query)]

    def customers_of(self, ids: Collection[int] | None = None) -> dict[str, frozenset[str]]:
        """Key → keys of the organisations it supplies, for the suppliers ``ids`` (None:
        every organisation; one with no customers is left out)."""
        customer = aliased(Organization)
        supplier = aliased(Organization)
        query = (
            select(supplier.key, customer.key)
            .join(Tie, Tie.from_id == supplier.id)
            .join(customer, customer.id == Tie.to_id)
            .where(Tie.kind == "supplies")
        )
        if ids is not None:
            query = query.where(supplier.id.in_(sorted(ids)))
        found: dict[str, set[str]] = {}
        for key, customer_key in self.session.execute(query):
            found.setdefault(key, set()).add(customer_key)
        return {k: frozenset(v) for k, v in found.items()}

    def competitors(self) -> list[tuple[int, int]]:
        """Competitor pairs as ``(a_id, b_id)``."""
        query = select(Competitor.a_id, Competitor.b_id).order_by(Competitor.id)
        return [(a, b) for a, b in self.session.execute(query)]

    def names(self) -> dict[str, str]:
        """Organisation key → name."""
        query = select(Organization.key, Organization.name)
        return {key: name for key, name in self.session.execute(query)}

    def org_id(self, key: str) -> int | None:
        return self.session.scalar(select(Organization.id).where(Organization.key == key))

    def keys_of(self, ids: set[int]) -> set[str]:
        if not ids:
            return set()
        return set(self.session.scalars(select(Organization.key).where(Organization.id.in_(ids))))

    def size(self) -> int:
        """Organisations plus ties: how large the graph is."""
        orgs = self.session.scalar(select(func.count()).select_from(Organization)) or 0
        ties = self.session.scalar(select(func.count()).select_from(Tie)) or 0
        return int(orgs) + int(ties)

    def cluster_of(self) -> dict[str, str]:
        """Key → declared cluster of every organisation that declares one."""
        query = select(Organization.key, Organization.cluster).where(
            Organization.cluster.is_not(None), Organization.cluster != ""
        )
        return {key: cluster for key, cluster in self.session.execute(query) if cluster}

    def keys_by_id(self) -> dict[int, str]:
        """Organisation id → key of every organisation (nothing else read)."""
        return {i: k for i, k in self.session.execute(select(Organization.id, Organization.key))}

    def map_organisations(self) -> list[tuple[int, str, str, str | None]]:
        """``(id, key, name, declared cluster or None)`` of every organisation, in one
        query (the network map's nodes)."""
        query = select(Organization.id, Organization.key, Organization.name, Organization.cluster)
        return [(i, key, name, cluster or None) for i, key, name, cluster in self._rows(query)]

    def map_ties(self) -> dict[str, npt.NDArray[np.int64]]:
        """Kind → the ``(from_id, to_id)`` rows of every tie of that kind (the network
        map's edges, unordered).

        Each kind's ties come as one text (``"from to from to …"``) parsed by numpy: a
        Python row per tie would cost more than the query, and its 20,000 objects would
        wake the cyclic garbage collector over the whole heap."""
        ties = Tie.__table__.c
        pair = cast(ties.from_id, String) + literal(" ") + cast(ties.to_id, String)
        query = select(ties.kind, func.aggregate_strings(pair, " ")).group_by(ties.kind)
        return {
            kind: np.array(text.split(), dtype=np.int64).reshape(-1, 2)
            for kind, text in self._rows(query)
            if text
        }

    def _rows(self, query: Any) -> Any:
        # Plain rows through the session's connection: the ORM's row processing costs
        # more than the query itself for the map's 20,000 ties. Flushed first, as the
        # session's own execute would.
        self.session.flush()
        return self.session.connection().execute(query)
