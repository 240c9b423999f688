"""The organisation pickers' use cases: whom the acting organisation may find by name.

Every picker, its suggestions and its no-script fallback read ``known_orgs`` (the rule
is ``sharing.directory``). Takes a session, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from winwin.sharing import directory
from winwin.sharing.directory import Acquaintances, Scope
from winwin.sharing.items import Viewer
from winwin.sharing.repository import SharingRepository


@dataclass(frozen=True)
class KnownOrgs:
    """The organisations ``viewer`` may find by name, with their names and clusters."""

    acquaintances: Acquaintances
    names: dict[str, str]
    clusters: dict[str, str]

    def keys(self, scope: Scope = "visible") -> frozenset[str]:
        return directory.visible_orgs(self.acquaintances, scope)

    def choices(self, scope: Scope = "visible") -> list[tuple[str, str]]:
        """``(key, name)`` of the scope, by name."""
        return sorted(
            ((k, self.names[k]) for k in self.keys(scope) if k in self.names),
            key=lambda pair: (pair[1].casefold(), pair[0]),
        )

    def suggest(
        self, text: str, scope: Scope = "visible", *, skip: Iterable[str] = ()
    ) -> list[tuple[str, str]]:
        return directory.suggest(self.names, self.keys(scope), text, skip=skip)

    def resolve(self, text: str, scope: Scope = "visible") -> str:
        """The key ``text`` names in the scope; ``text`` itself when it names none (the
        service then refuses it as it refuses any unknown key)."""
        return directory.resolve(self.names, self.keys(scope), text) or text.strip()


def known_orgs(session: Session, *, viewer: Viewer) -> KnownOrgs:
    """What ``viewer`` knows of the network (``sharing.directory``)."""
    repo = SharingRepository(session)
    partners, members, declared = repo.acquaintances(viewer.id)
    rows = repo.org_names(partners | members | declared | {viewer.id})
    key = {oid: row[0] for oid, row in rows.items()}
    return KnownOrgs(
        acquaintances=Acquaintances(
            viewer=viewer.key,
            partners=frozenset(key[i] for i in partners if i in key),
            circle_members=frozenset(key[i] for i in members if i in key),
            declared_competitors=frozenset(key[i] for i in declared if i in key),
        ),
        names={k: rows[i][1] for i, k in key.items()},
        clusters={k: c for i, k in key.items() if (c := rows[i][2])},
    )
