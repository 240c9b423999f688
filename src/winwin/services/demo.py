"""The demo network shipped with the package."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlalchemy.orm import Session

from winwin.schemas.document import parse_document
from winwin.services.accounts import hash_password
from winwin.services.instruments import ensure_builtin_instruments
from winwin.services.network_io import import_network
from winwin.store.models.accounts import User
from winwin.store.repositories.accounts import AccountsRepository
from winwin.store.repositories.network import NetworkRepository

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
    return {"organizations": len(document.get("organizations", [])), "accounts": accounts}


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
