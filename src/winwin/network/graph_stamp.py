"""The graph's version stamp: one token that changes with every write to the graph.

Whatever is computed from the whole network (natural pairs, communities, brokers, the
network map's layout) is cached under this token, and under nothing else. Every web
worker, on every host, reads the token from the database on each request, so a change
made through any of them is seen by the next request everywhere; and a cache never has
to hash the whole graph to know that it is still current.

The graph is what these tables hold: organisations (keys, names, declared clusters,
and the roles, capabilities, needs and values the pair search reads), accepted ties,
competitor pairs and the sharing levels. Any flush that adds, changes or
deletes a row of them, and any bulk ``INSERT``/``UPDATE``/``DELETE`` on them through a
session, writes a new random token in the same transaction (so a rolled-back change
leaves the old token). A random token, not a counter: two databases (a restored copy, a
test's fresh one) never share a token unless they hold the same graph.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, String, event, insert, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from winwin.db.base import Base

GRAPH_TABLES = frozenset(
    {"organizations", "ties", "competitors", "tie_sharing", "tie_sharing_defaults"}
)


class GraphStamp(Base):
    """A single row: the token of the graph's current version."""

    __tablename__ = "graph_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def _new_token() -> str:
    return uuid.uuid4().hex


def bump(connection: Connection) -> None:
    """Write a new token (the row is created when missing)."""
    token = _new_token()
    done = connection.execute(update(GraphStamp).where(GraphStamp.id == 1).values(token=token))
    if done.rowcount == 0:
        connection.execute(insert(GraphStamp).values(id=1, token=token))


def current(session: Session) -> str:
    """The token of the graph as this session reads it."""
    token = session.scalar(select(GraphStamp.token).where(GraphStamp.id == 1))
    # A database created before the stamp existed (and never written since) has none:
    # one write gives it one; until then every reader agrees on this constant.
    return token or "unstamped"


def still(session: Session, stamp: str) -> bool:
    """Whether the token is still ``stamp``. Read it before a computation's reads and
    ask this after them before caching: on PostgreSQL each statement of a transaction
    (READ COMMITTED) may see a newer commit, and a result built from rows of two versions
    must not be kept under either token. Tokens are random, so an unchanged token means
    that no write to the graph committed in between."""
    return current(session) == stamp


def _touches_graph(objects: Any) -> bool:
    return any(getattr(o, "__tablename__", None) in GRAPH_TABLES for o in objects)


@event.listens_for(Session, "before_flush")
def _stamp_flush(session: Session, _context: Any, _instances: Any) -> None:
    if (
        _touches_graph(session.new)
        or _touches_graph(session.deleted)
        or any(
            getattr(o, "__tablename__", None) in GRAPH_TABLES and session.is_modified(o)
            for o in session.dirty
        )
    ):
        bump(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _stamp_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in GRAPH_TABLES:
        bump(state.session.connection())
