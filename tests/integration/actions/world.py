"""A small network with people in every role, for the action plan tests."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, actor_for
from winwin.accounts.models import FacilitatorGrant, User
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository


def build(
    session: Session,
    orgs: list[str],
    ties: list[tuple[str, str]],
    people: list[tuple[str, str, str]],
    grants: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """Organisations, ``supplies`` ties, people ``(name, org, role)`` and facilitator grants
    ``(name, org)``; returns ``{"ids": {key: id}, "users": {name: User}}``."""
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": f"{k.title()} Oy"} for k in orgs],
        "ties": [{"kind": "supplies", "from": a, "to": b} for a, b in ties],
    }
    network_io.import_network(session, parse_document(json.dumps(doc).encode()))
    ids = NetworkRepository(session).org_ids()
    users: dict[str, User] = {}
    for name, org, role in people:
        user = User(email=f"{name}@example.com", name=name.title(), org_id=ids[org], role=role)
        session.add(user)
        users[name] = user
    session.flush()
    for name, org in grants:
        session.add(FacilitatorGrant(user_id=users[name].id, org_id=ids[org]))
    session.flush()
    return {"ids": ids, "users": users}


def actor(session: Session, user: User) -> Actor:
    return actor_for(session, user)
