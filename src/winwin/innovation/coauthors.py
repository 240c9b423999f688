"""Co-authors of an entry: naming them, the picker's suggestions, and taking them off.

Only an organisation's people co-author (an outsider never does), and only people whose
organisation the checkpoint lets see the entry; the picker suggests among the
organisations the acting one knows by name (the pure rule: ``innovation.coauthoring``).
The owner organisation and an idea's co-authors manage its co-authors
(``innovation.entries.may_manage``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.innovation import coauthoring
from winwin.innovation import refusals as refuse
from winwin.innovation.entries import (
    PersonView,
    coauthors_of,
    may_manage,
    now,
    visible_entry,
)
from winwin.innovation.repository import EntryRow, InnovationRepository, PersonRow
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied
from winwin.notifications import service as notifications
from winwin.sharing import picking
from winwin.sharing.items import ItemRepository, Viewer


def _member(by: Actor) -> Viewer:
    """The acting organisation, for what only an organisation's people may do."""
    if by.acting is None:
        raise PermissionDenied(refuse.OUTSIDER_CO_AUTHORS())
    return by.acting


def _managed_entry(session: Session, by: Actor, key: str) -> tuple[Viewer, int, EntryRow]:
    """The organisation acting, and the entry ``key`` if it may add co-authors to it:
    404 for an entry it cannot see, 403 for one it may not manage."""
    acting = _member(by)
    item_id, row = visible_entry(session, acting, key)
    if not may_manage(session, by.acting, by.user_id, row, item_id):
        raise PermissionDenied(refuse.CO_AUTHOR_ADDER())
    return acting, item_id, row


def _reader_seeing(session: Session, person: PersonRow | None, item_id: int) -> Viewer | None:
    """The person's organisation as a reader, when it may see the entry: who may co-author
    (``add_coauthor``) and whom the picker suggests (``coauthor_suggestions``) ask this."""
    if person is None or person.org_id is None or person.org_key is None:
        return None
    reader = ItemRepository(session).viewer_by_id(person.org_id)
    if reader is None or not ItemRepository(session).is_visible(reader, item_id):
        return None
    return reader


def add_coauthor(
    session: Session,
    *,
    by: Actor,
    key: str,
    email: str | None = None,
    person_id: int | None = None,
) -> list[PersonView]:
    """Name a person as co-author, by ``email`` or by ``person_id`` (a suggestion of
    ``coauthor_suggestions``); their organisation must be able to see the entry.

    The owner organisation and existing co-authors may add co-authors. Adding someone
    twice changes nothing.
    """
    acting, item_id, row = _managed_entry(session, by, key)
    repo = InnovationRepository(session)
    if person_id is not None:
        person = repo.person_by_id(person_id)
        reader = _reader_seeing(session, person, item_id)
        if person is None or reader is None:
            raise InvalidInput(refuse.NO_ONE_CHOSEN("person", kind=row.kind))
    else:
        address = (email or "").strip().lower()
        person = repo.person_by_email(address) if address and "\x00" not in address else None
        reader = _reader_seeing(session, person, item_id)
        if person is None or reader is None:
            # One answer for an unknown address, an account without an organisation and
            # one whose organisation cannot see the entry: naming a co-author never tells
            # whether an account exists or where it works.
            raise InvalidInput(refuse.NO_ONE_SIGNS_IN("email", kind=row.kind, email=address))
    if not repo.is_coauthor(item_id, person.user_id):
        repo.add_coauthor(
            item_id=item_id,
            user_id=person.user_id,
            org_id=reader.id,
            by=by.user_id,
            at=now(),
        )
        notifications.notify(
            session,
            kind="coauthor",
            item_id=item_id,
            recipients=[person.user_id],
            actor_user_id=by.user_id,
            actor_org_id=acting.id,
        )
    return coauthors_of(session, item_id)


@dataclass(frozen=True)
class CoauthorChoice:
    """A person the co-author picker suggests: id (what the form posts), name and
    organisation (key and name)."""

    id: int
    name: str
    org: str
    org_name: str


# People read per suggestion: the organisations one knows are few, their people are not.
_PEOPLE_READ = 5_000


def coauthor_suggestions(
    session: Session,
    *,
    by: Actor,
    key: str,
    text: str = "",
    limit: int = coauthoring.SUGGESTIONS,
) -> list[CoauthorChoice]:
    """Up to ``limit`` people whose name contains ``text`` and whom
    ``add_coauthor`` would accept, among the organisations ``by`` knows by name
    (``innovation.coauthoring``). Refused as ``add_coauthor`` refuses: 404 for an entry
    ``by`` cannot see, 403 for one it may not add co-authors to.
    """
    acting, item_id, _ = _managed_entry(session, by, key)
    known = picking.known_orgs(session, viewer=acting)
    candidates = known.keys("visible") | {acting.key}
    items = ItemRepository(session)
    seeing: dict[int, str] = {}
    for org_key in sorted(candidates):
        reader = items.viewer(org_key)
        if reader is not None and items.is_visible(reader, item_id):
            seeing[reader.id] = org_key
    repo = InnovationRepository(session)
    people = [
        coauthoring.Person(uid, name, org_key)
        for uid, name, org_key in repo.people_of(seeing, limit=_PEOPLE_READ)
    ]
    chosen = coauthoring.suggest(
        people,
        text,
        acting=acting.key,
        known=known.keys("visible"),
        seeing=seeing.values(),
        coauthors=[p.user_id for p in repo.coauthors(item_id)],
        limit=limit,
    )
    return [CoauthorChoice(p.id, p.name, p.org, known.names.get(p.org, p.org)) for p in chosen]


def remove_coauthor(
    session: Session,
    *,
    by: Actor,
    key: str,
    email: str | None = None,
    person_id: int | None = None,
) -> list[PersonView]:
    """Take a co-author off, named by ``email`` or by ``person_id`` (``PersonView.id``).

    The owner organisation may, and so may the co-author.
    """
    acting = _member(by)
    item_id, row = visible_entry(session, acting, key)
    repo = InnovationRepository(session)
    if person_id is not None:
        user_id: int | None = person_id
        named = f"person {person_id}"
    else:
        person = repo.person_by_email((email or "").strip().lower())
        user_id, named = (person.user_id if person else None), f"'{email}'"
    if user_id is None or not repo.is_coauthor(item_id, user_id):
        raise NotFound(refuse.NOT_CO_AUTHOR(named=named, key=key))
    if acting.id != row.owner_id and by.user_id != user_id:
        raise PermissionDenied(refuse.CO_AUTHOR_REMOVER())
    repo.remove_coauthor(item_id, user_id)
    return coauthors_of(session, item_id)
