"""Whom an organisation may find by name: the rule behind every organisation picker.

An organisation ``V`` knows, by name:

- its **partners** (any accepted tie, in either direction);
- the other **members of its circles** (the circle page lists them to members);
- the **competitors it declared itself** (never those that declared ``V``: they are
  not told to ``V``).

A picker suggests only organisations of that set (``scope="visible"``) or only the
partners (``scope="partners"``: named audiences, rounds, agreements), never ``V``
itself. Pure: the store hands the sets in, by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Scope = Literal["visible", "partners"]
SCOPES: tuple[Scope, ...] = ("visible", "partners")

#: Suggestions one keystroke brings at most.
SUGGESTIONS = 10


@dataclass(frozen=True)
class Acquaintances:
    """What ``viewer`` knows of the network, by organisation key."""

    viewer: str
    partners: frozenset[str] = frozenset()
    circle_members: frozenset[str] = frozenset()
    declared_competitors: frozenset[str] = frozenset()


def parse_scope(value: str) -> Scope:
    """The scope named ``value``; ``ValueError`` when it names none."""
    for scope in SCOPES:
        if value == scope:
            return scope
    raise ValueError(f"must be one of {', '.join(SCOPES)}, not {value!r}")


def visible_orgs(known: Acquaintances, scope: Scope = "visible") -> frozenset[str]:
    """The keys a picker of ``scope`` may offer ``known.viewer`` (see the module)."""
    found = set(known.partners)
    if scope == "visible":
        found |= known.circle_members | known.declared_competitors
    found.discard(known.viewer)
    return frozenset(found)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def suggest(
    names: Mapping[str, str],
    visible: Iterable[str],
    text: str,
    *,
    limit: int = SUGGESTIONS,
    skip: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Up to ``limit`` ``(key, name)`` of ``visible`` whose name (or key) contains ``text``,
    case-folded; names that begin with it first, then by name. ``skip`` (already chosen)
    is left out; an organisation missing from ``names`` is never suggested.
    """
    wanted = _fold(text)
    left_out = set(skip)
    found: list[tuple[bool, str, str, str]] = []
    for key in visible:
        name = names.get(key)
        if name is None or key in left_out:
            continue
        folded = _fold(name)
        if wanted in folded or wanted in key:
            found.append((not folded.startswith(wanted), folded, key, name))
    found.sort()
    return [(key, name) for _, _, key, name in found[: max(limit, 0)]]


def resolve(names: Mapping[str, str], visible: Iterable[str], text: str) -> str | None:
    """The key that ``text`` names among ``visible``: a key, or a name (case-folded) that
    one organisation alone has; None otherwise."""
    keys = set(visible)
    value = text.strip()
    if value in keys:
        return value
    wanted = _fold(value)
    hits = [k for k in keys if _fold(names.get(k, "")) == wanted]
    return hits[0] if len(hits) == 1 else None


__all__ = [
    "SCOPES",
    "SUGGESTIONS",
    "Acquaintances",
    "Scope",
    "parse_scope",
    "resolve",
    "suggest",
    "visible_orgs",
]
