"""Whom an initiative names to a reader: only organisations the reader may already see.

A reader is the set of organisations a person acts in or for (``readers``). It knows a
party of the initiative by name when

- the party is one of the reader's organisations;
- the reader's side proposed the initiative (it chose every party by name);
- the party is the proposer (it named itself by inviting the reader);
- ``sharing.directory`` lets one of the reader's organisations find the party by name
  (its partners, fellow circle members and the competitors it declared: ``known``).

Every other party is shown masked, as ``another:N``: ``N`` counts the masked parties
in the initiative's own order of parties (by when their organisations joined the
network), so a party keeps its mask on every door and every reload. Platform admins and
the command line without ``--by`` are not readers here: they see every name.

Pure: the service hands in keys; :func:`rename` carries a renaming through the ``show``
document, its frozen agreements, results and games.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

MASK = "another:"


def is_masked(key: str) -> bool:
    """Whether ``key`` is a mask (organisation keys never hold a colon)."""
    return key.startswith(MASK)


def named(
    parties: Iterable[str], *, proposer: str, readers: Collection[str], known: Collection[str]
) -> frozenset[str]:
    """The parties the reader may see by name (see the module)."""
    everyone = frozenset(parties)
    if proposer in readers:
        return everyone
    return frozenset(p for p in everyone if p == proposer or p in readers or p in known)


def masks(parties: Sequence[str], shown: Collection[str]) -> dict[str, str]:
    """``key → another:N`` for the parties not ``shown``, numbered from 1 in the order of
    ``parties`` (the initiative's stable order)."""
    hidden = [p for p in parties if p not in shown]
    return {p: f"{MASK}{n}" for n, p in enumerate(hidden, start=1)}


def rename_game(game: Mapping[str, Any], name: Callable[[str], str]) -> dict[str, Any]:
    """A ``winwin share`` game document with each player renamed by ``name``."""
    out = dict(game)
    kind = game.get("type")
    if kind == "airport" and isinstance(game.get("costs"), dict):
        out["costs"] = {name(k): v for k, v in game["costs"].items()}
    elif kind == "synergy":
        if isinstance(game.get("standalone"), dict):
            out["standalone"] = {name(k): v for k, v in game["standalone"].items()}
        if isinstance(game.get("synergy"), list):
            out["synergy"] = [
                [name(t[0]), name(t[1]), *t[2:]] if isinstance(t, list) and len(t) >= 2 else t
                for t in game["synergy"]
            ]
    elif kind == "table":
        if isinstance(game.get("players"), list):
            out["players"] = [name(p) if isinstance(p, str) else p for p in game["players"]]
        if isinstance(game.get("values"), dict):
            out["values"] = {
                ",".join(name(m) for m in k.split(",")) if k else k: v
                for k, v in game["values"].items()
            }
    return out


def rename(document: Any, mapping: Mapping[str, str]) -> Any:
    """``document`` with every party key in ``mapping`` replaced: the keys of its
    per-party objects (``parties``, ``agreed``, ``contributions``, ``shares``, ``final``),
    the lists of organisations (``held``, and a history entry's ``parties``, ``added``,
    ``removed``), the organisation fields (``by``, ``proposed_by``), and the players of
    its games, at any depth (frozen agreements, results, history). Other keys and values
    are left alone."""
    if not mapping:
        return document

    def name(key: str) -> str:
        return mapping.get(key, key)

    def walk(value: Any, field: str | None) -> Any:
        if isinstance(value, dict):
            if field == "game":
                return rename_game(value, name)
            if field in ("parties", "agreed", "contributions", "shares", "final"):
                return {name(k): walk(v, None) for k, v in value.items()}
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            if field in ("held", "parties", "added", "removed"):
                return [name(v) if isinstance(v, str) else v for v in value]
            return [walk(v, None) for v in value]
        if isinstance(value, str) and field in ("by", "proposed_by"):
            return name(value)
        return value

    return walk(document, None)
