"""The demo network shipped with the package."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, actor_for, operator, resolve_actor
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.accounts.service import hash_password
from winwin.assessments.instruments import ensure_builtin_instruments
from winwin.innovation import service as innovation
from winwin.innovation import stages as rules
from winwin.innovation.repository import InnovationRepository
from winwin.kernel.errors import NotFound
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.repository import NetworkRepository
from winwin.sharing.items import ItemRepository
from winwin.sharing.repository import SharingRepository

DEMO_PASSWORD = "winwin-demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    org: str | None  # the organisation's key
    clients: tuple[str, ...] = ()  # a facilitator's client organisations


DEMO_ACCOUNTS = (
    DemoAccount("platform@winwin.example", "Pia Platform", "platform_admin", None),
    DemoAccount(
        "facilitator@winwin.example",
        "Fredrik Fasilitaattori",
        "facilitator",
        None,
        ("kuusi", "pakkaus", "meijeri"),
    ),
    DemoAccount("admin@kuusi.example", "Aino Aalto", "org_admin", "kuusi"),
    DemoAccount("member@kuusi.example", "Mikko Mänty", "member", "kuusi"),
    DemoAccount("admin@pakkaus.example", "Paula Pahvi", "org_admin", "pakkaus"),
    DemoAccount("member@meijeri.example", "Maija Maito", "member", "meijeri"),
)


def demo_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("winwin.data").joinpath("demo.json").read_text("utf-8"))
    return data


def load_demo(session: Session) -> dict[str, int]:
    """Import the demo network; loading it again changes nothing."""
    ensure_builtin_instruments(session)
    document = demo_document()
    import_network(session, parse_document(document))
    accounts = ensure_demo_accounts(session)
    entries = ensure_demo_innovation(session)
    return {
        "organizations": len(document.get("organizations", [])),
        "accounts": accounts,
        "innovation": entries,
    }


def ensure_demo_innovation(session: Session) -> int:
    """Make some demo items challenges and ideas, with comments, votes and co-authors.

    Only entries that do not exist yet are made (with their comments, votes and
    co-authors), so loading the demo again changes nothing. Comments, votes and
    co-authors go through the innovation use cases, so the demo obeys the audience
    rules like everyone else.
    """
    data = json.loads(files("winwin.data").joinpath("demo_innovation.json").read_text("utf-8"))
    items, repo = ItemRepository(session), InnovationRepository(session)
    users = AccountsRepository(session)
    ids = items.item_ids()
    made: set[str] = set()
    now = datetime.now(UTC)

    def person(email: str | None) -> Actor:
        user = users.get_by_email(email) if email else None
        actor = resolve_actor(session, actor_for(session, user)) if user else None
        if actor is None or actor.acting is None:
            raise NotFound(f"demo person '{email}' has no organisation")
        return actor

    for entry in data["entries"]:
        item_id = ids[entry["item"]]
        if repo.entry(item_id) is not None:
            continue
        kind = entry["kind"]
        by = person(entry["by"]).user_id if entry.get("by") else None
        challenge = ids[entry["challenge"]] if entry.get("challenge") else None
        first = rules.first_stage(kind)
        stored = repo.add_entry(
            item_id=item_id, kind=kind, stage=first, challenge_id=challenge, user_id=by, at=now
        )
        stages = rules.STAGES[kind]
        for stage in stages[stages.index(first) + 1 : stages.index(entry["stage"]) + 1]:
            repo.move(stored, stage, user_id=by, at=now)
        made.add(entry["item"])
    for row in data["coauthors"]:
        if row["item"] in made:
            stored_item = SharingRepository(session).items_by_ids([ids[row["item"]]])
            owner = items.viewer_by_id(stored_item[ids[row["item"]]].owner_id)
            assert owner is not None
            innovation.add_coauthor(
                session,
                by=resolve_actor(session, operator(), named=owner.key),
                key=row["item"],
                email=row["email"],
            )
    for row in data["comments"]:
        if row["item"] in made:
            innovation.add_comment(session, by=person(row["by"]), key=row["item"], body=row["body"])
    for row in data["votes"]:
        if row["item"] in made:
            innovation.set_vote(session, by=person(row["by"]), key=row["item"], vote=True)
    return len(made)


def ensure_demo_accounts(session: Session) -> int:
    """Create the demo accounts (password ``DEMO_PASSWORD``) that do not exist yet."""
    users = AccountsRepository(session)
    orgs = NetworkRepository(session)
    password_hash: str | None = None
    for account in DEMO_ACCOUNTS:
        user = users.get_by_email(account.email)
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            org = orgs.get_by_key(account.org) if account.org else None
            user = users.add(
                User(
                    email=account.email,
                    name=account.name,
                    role=account.role,
                    org_id=org.id if org else None,
                    password_hash=password_hash,
                )
            )
        for client in account.clients:
            client_org = orgs.get_by_key(client)
            if client_org is not None:
                users.grant(user.id, client_org.id)
    return len(DEMO_ACCOUNTS)


def demo_accounts_present(session: Session) -> list[DemoAccount]:
    """The demo accounts that exist in this database (printed by ``winwin serve``)."""
    users = AccountsRepository(session)
    return [a for a in DEMO_ACCOUNTS if users.get_by_email(a.email) is not None]
