"""The checkpoint's statements, built once per shape, as each database runs them.

``ItemRepository`` (``sharing.items``) runs these with the viewer's values. On SQLite
they are ordinary statements with bound parameters. On PostgreSQL a statement takes no
parameters at all: every value it needs (the viewer, the page, the sensitive topics) is
a setting of the transaction (``set_config(..., true)``, the way a row-level security
policy reads its user), sent in one round trip before it, and read by the statement
itself. PostgreSQL plans a statement without parameters once per connection and reuses
that plan, which is what the checkpoint needs: planning its many subqueries costs more
than running them (2.5 ms against under 1 ms at 1,000,000 items), and left to choose
between a plan per viewer and one plan for all, PostgreSQL weighs estimates that differ
by a few per cent either way (docs/benchmarks.md). Forcing the choice instead
(``plan_cache_mode``) needed two more round trips, to set it and to put it back: for
most other statements a plan made without the values is wrong (a ``LIMIT`` it cannot
see, for one), so it must not outlive the checkpoint.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import visitors

from winwin.db.models import Item, ItemTopic
from winwin.network.repository import sensitive_topics_of
from winwin.sharing.topics import stems_of
from winwin.sharing.visibility import exists_in, topic_source, visibility

# LIKE's escape character for search text; the user's own wildcards match literally.
LIKE_ESCAPE = "/"
SEARCH_PATTERN = bindparam("search_text", type_=String)
BEFORE_AT = bindparam("before_at", type_=Item.created_at.type)
BEFORE_ID = bindparam("before_id", type_=Integer)
# The ids asked about: a list on SQLite, a JSON list on PostgreSQL (one value, so the
# statement is the same for any number of ids).
ITEM_IDS: BindParameter[list[int]] = bindparam("item_ids", expanding=True)
ITEM_IDS_JSON = bindparam("item_ids", type_=Text)
# The prefix of every setting the PostgreSQL statements read.
SETTING = "winwin."


def like_literal(text: str) -> str:
    """``text`` lower-cased, with ``%``, ``_`` and the escape character escaped for LIKE."""
    lowered = text.lower().replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
    return lowered.replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def _matches(item: Any) -> ColumnElement[bool]:
    """The item's title, body or one of its effective topics contains the search text.

    Bind ``search_text`` to :func:`like_literal` of the text. ``lower`` on both sides makes
    the match case-insensitive (on SQLite for ASCII letters only).
    """
    topic = aliased(ItemTopic)

    def has(column: Any) -> ColumnElement[bool]:
        return func.lower(column).contains(SEARCH_PATTERN, escape=LIKE_ESCAPE)

    return or_(
        has(item.title),
        has(item.body),
        exists_in(topic, topic.item_id == topic_source(item), has(topic.topic)),
    )


def _replaced(statement: Select[Any], replace: Callable[..., Any]) -> Select[Any]:
    """A copy of ``statement`` with each element ``replace`` answers for replaced."""
    options: dict[str, Any] = {}
    copy = visitors.replacement_traverse(typing.cast(Any, statement), options, replace)
    assert isinstance(copy, Select)
    return copy


def _constants_inline(statement: Select[Any]) -> Select[Any]:
    """``statement`` with every constant of the rule written into its text, not bound.

    SQLAlchemy binds a literal such as ``item.level == "network"`` as a parameter; a plan
    made without the values (PostgreSQL's, see the module) would then guess what each
    level, kind and status selects. Only anonymous literals are replaced; the named
    values (the viewer, the page) stay.
    """

    def constant(element: Any, **_: Any) -> Any:
        if not isinstance(element, BindParameter) or not element.unique:
            return None
        value = element.value
        if isinstance(value, bool) or element.callable is not None:
            return None
        if isinstance(value, int):
            return literal_column(str(value), element.type)
        if isinstance(value, str):
            return literal_column("'" + value.replace("'", "''") + "'", element.type)
        return None

    return _replaced(statement, constant)


def _setting(name: str, type_: Any) -> Any:
    """The value of the transaction's setting ``winwin.NAME`` (see :func:`encode`), read
    once per execution (an uncorrelated subquery, so PostgreSQL keeps it as a value)."""
    raw = func.current_setting(literal_column(f"'{SETTING}{name}'"), literal_column("true"))
    marked = func.left(raw, literal_column("1")) == literal_column("'='")
    value = case((marked, func.substr(raw, literal_column("2"))))
    return select(cast(value, type_)).scalar_subquery()


# The settings each PostgreSQL statement reads, by the statement (they are built once).
_READS: dict[int, frozenset[str]] = {}


def _settings_read(statement: Select[Any]) -> Select[Any]:
    """``statement`` with each named parameter replaced by a read of its setting."""
    names: set[str] = set()

    def read(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and not element.unique:
            names.add(element.key)
            return _setting(element.key, element.type)
        return None

    replaced = _replaced(statement, read)
    _READS[id(replaced)] = frozenset(names)
    return replaced


def settings_read(statement: Select[Any]) -> frozenset[str]:
    """The names of the settings a PostgreSQL statement of this module reads: each must
    be set for the transaction before it runs, or it would read an earlier page's."""
    return _READS[id(statement)]


def encode(value: Any) -> str:
    """A value as its setting holds it: ``=`` and its text, or "" for None.

    The mark keeps None apart from an empty string (a setting cannot be NULL). A list
    is written as JSON; a datetime as the naive UTC time the items' column holds.
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "=" + json.dumps(list(value))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return "=" + str(value.isoformat())
    return "=" + str(value)


@cache
def setting_statement(names: tuple[str, ...]) -> Any:
    """One statement that sets every named value for this transaction only."""
    sets = ", ".join(f"set_config('{SETTING}{n}', :{n}, true)" for n in names)
    return text(f"SELECT {sets}")


def _finished(statement: Select[Any], postgresql: bool) -> Select[Any]:
    statement = _constants_inline(statement)
    return _settings_read(statement) if postgresql else statement


@cache
def feed_statement(
    anonymous: bool,
    paged: bool,
    limit: int | None,
    searched: bool = False,
    postgresql: bool = False,
) -> Select[Any]:
    """The checkpoint's page, newest first.

    The page size is written into the text (one statement per size), so that
    PostgreSQL's single plan is made for the real page size.
    """
    query = select(Item.id)
    if searched:
        # A filter on top of the checkpoint, never instead of it.
        query = query.where(_matches(Item))
    query = query.where(visibility(Item, anonymous=anonymous, postgresql=postgresql))
    if paged:
        query = query.where(
            or_(
                Item.created_at < BEFORE_AT,
                and_(Item.created_at == BEFORE_AT, Item.id < BEFORE_ID),
            )
        )
    query = query.order_by(Item.created_at.desc(), Item.id.desc())
    if limit is not None:
        query = query.limit(literal_column(str(int(limit)), Integer))
    return _finished(query, postgresql)


@cache
def among_statement(anonymous: bool, postgresql: bool = False) -> Select[Any]:
    """Which of the ids asked about the viewer may see."""
    if postgresql:
        ids = func.json_array_elements_text(cast(ITEM_IDS_JSON, JSON))
        chosen = Item.id.in_(select(cast(ids, Integer)))
    else:
        chosen = Item.id.in_(ITEM_IDS)
    query = select(Item.id).where(
        chosen, visibility(Item, anonymous=anonymous, postgresql=postgresql)
    )
    return _finished(query, postgresql)


@dataclass(frozen=True)
class Listed:
    """The sensitive topics as stored (``stored``: the setting's text, "" for none): their
    normal forms and their stems as the JSON lists the checkpoint binds, written once per
    list rather than on every page."""

    stored: str
    topics_json: str
    stems_json: str

    @classmethod
    def of(cls, stored: str) -> Listed:
        topics = sensitive_topics_of(list(json.loads(stored)) if stored else None)
        return cls(stored, json.dumps(topics), json.dumps(sorted(stems_of(topics))))

    def values(self) -> dict[str, Any]:
        return {
            "sensitive_listed": self.topics_json,
            "sensitive_stems": self.stems_json,
            "sensitive_stored": self.stored,
        }
