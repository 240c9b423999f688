"""Whom a co-author picker may suggest for an entry: the rule behind ``/pick/people``.

A person ``P`` may be suggested to organisation ``A`` acting on entry ``E`` when

- ``P`` is an active account of an organisation (outsiders and accounts of no
  organisation never co-author);
- ``P``'s organisation may see ``E`` (the caller asks the one visibility checkpoint and
  hands in the organisations it admitted, ``seeing``);
- ``A`` knows ``P``'s organisation by name: ``A`` itself, or one that
  ``sharing.directory`` lets ``A`` find (partners, fellow circle members, the competitors
  ``A`` declared);
- ``P`` is not a co-author of ``E`` already.

The first two are exactly what naming a co-author by e-mail accepts, so every suggestion
would be accepted. The third keeps the picker from listing the people of organisations
``A`` does not know: an address typed in the e-mail field still reaches anyone who may see
the entry. Pure: the store hands the people in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Suggestions one keystroke brings at most.
SUGGESTIONS = 10


@dataclass(frozen=True)
class Person:
    """An active account of an organisation (``org`` is its key)."""

    id: int
    name: str
    org: str


def may_suggest(
    person: Person,
    *,
    acting: str,
    known: Iterable[str],
    seeing: Iterable[str],
    coauthors: Iterable[int] = (),
) -> bool:
    """Whether ``person`` may be suggested to ``acting`` (see the module)."""
    return (
        person.org in set(seeing)
        and (person.org == acting or person.org in set(known))
        and person.id not in set(coauthors)
    )


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def suggest(
    people: Iterable[Person],
    text: str,
    *,
    acting: str,
    known: Iterable[str],
    seeing: Iterable[str],
    coauthors: Iterable[int] = (),
    limit: int = SUGGESTIONS,
) -> list[Person]:
    """Up to ``limit`` people ``may_suggest`` admits whose name contains ``text``
    (case-folded, spaces collapsed); names that begin with it first, then by name."""
    wanted = _fold(text)
    known_set, seeing_set, taken = frozenset(known), frozenset(seeing), frozenset(coauthors)
    found: list[tuple[bool, str, int, Person]] = []
    for person in people:
        if not may_suggest(
            person, acting=acting, known=known_set, seeing=seeing_set, coauthors=taken
        ):
            continue
        folded = _fold(person.name)
        if wanted in folded:
            found.append((not folded.startswith(wanted), folded, person.id, person))
    found.sort(key=lambda row: row[:3])
    return [row[3] for row in found[: max(limit, 0)]]


__all__ = ["SUGGESTIONS", "Person", "may_suggest", "suggest"]
