"""Regression tests for the read-time visibility rule (docs/security.md), each through the
door where the hole was found, on SQLite and PostgreSQL.

- an excluded organisation cannot lift its own ``cluster:``/``country:`` exclusion by
  editing its profile (REST PATCH, then GET and search; a later import does not either);
- a competition-sensitive item never reaches a competitor of its owner after the network
  changes (a circle invitation accepted; competitors declared by a later import);
- an agreement made after an item was published holds it inside the pair at once;
- topics match whatever their case and spacing;
- a reshare chain deeper than the limit is refused by the import, naming the item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from support.secrets import TEST_SECRET
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.network.models import Item, ItemTopic
from winwin.network.repository import NetworkRepository
from winwin.settings import Settings
from winwin.sharing.audience import MAX_CHAIN

PASSWORD = "not-used-here-123"
ADMINS = ("kemiitti", "gran", "kauppa", "kotelo", "kuusi", "lab")


@dataclass
class Doors:
    client: TestClient
    engine: Engine
    db_url: str
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, path, headers=headers, **kwargs)

    def sees(self, who: str, key: str) -> bool:
        response = self.call(who, "GET", f"/api/v1/items/{key}")
        assert response.status_code in (200, 404), response.text
        return response.status_code == 200


@pytest.fixture
def doors(db_url: str, cli: Any) -> Iterator[Doors]:
    """The demo network loaded by ``winwin demo`` (the schema through the migrations, so
    the CLI door can be used on the same database), with an org admin per org."""
    from winwin.http.app import create_app

    assert cli("demo").code == 0
    engine = build_engine(db_url)
    tokens = {}
    with unit_of_work(session_factory(engine)) as session:
        repo = AccountsRepository(session)
        for who in ADMINS:
            org = NetworkRepository(session).get_or_raise(who)
            user = User(
                email=f"admin@{who}.test",
                name=f"{who} admin",
                org_id=org.id,
                role="org_admin",
                password_hash=accounts.hash_password(PASSWORD),
            )
            repo.add(user)
            session.flush()
            tokens[who] = accounts.create_api_token(session, user_id=user.id, name="t").token
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield Doors(client, engine, db_url, tokens)
    app.state.engine.dispose()
    engine.dispose()


def _can_see(cli: Any, org: str, item: str) -> bool:
    result = cli("can-see", org, item, "--json")
    assert result.code == 0, result.err
    return bool(result.json()["visible"])


def _import(cli: Any, doc: dict[str, Any]) -> Any:
    return cli("import", "-", stdin=json.dumps({"format": "winwin/1", **doc}))


def _search_keys(doors: Doors, who: str, q: str) -> list[str]:
    response = doors.call(who, "GET", "/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [i["key"] for i in response.json()["items"]]


# --- finding 1: own profile edits never lift an exclusion -------------------------------


def test_changing_ones_cluster_does_not_lift_a_cluster_exclusion(doors, cli):
    assert not doors.sees("kemiitti", "kuusi-dairy-case")
    assert "kuusi-dairy-case" not in _search_keys(doors, "kemiitti", "dairy")
    patched = doors.call(
        "kemiitti", "PATCH", "/api/v1/organizations/kemiitti", json={"cluster": "forest"}
    )
    assert patched.status_code == 200 and patched.json()["cluster"] == "forest"
    assert not doors.sees("kemiitti", "kuusi-dairy-case")
    assert "kuusi-dairy-case" not in _search_keys(doors, "kemiitti", "dairy")
    feed = doors.call("kemiitti", "GET", "/api/v1/feed", params={"limit": 200}).json()
    assert "kuusi-dairy-case" not in [i["key"] for i in feed["items"]]
    # A later import (another cluster again) does not lift it either.
    org = {"key": "kemiitti", "name": "Kemiitti", "country": "FI", "cluster": "energy"}
    assert _import(cli, {"organizations": [org]}).code == 0
    assert not _can_see(cli, "kemiitti", "kuusi-dairy-case")
    assert not doors.sees("kemiitti", "kuusi-dairy-case")
    # A partner that never was in the cluster still reads it.
    assert doors.sees("lab", "kuusi-dairy-case") is _can_see(cli, "lab", "kuusi-dairy-case")


def test_clearing_ones_country_does_not_lift_a_country_exclusion(doors, cli):
    assert not doors.sees("gran", "honka-renewable")
    patched = doors.call("gran", "PATCH", "/api/v1/organizations/gran", json={"country": ""})
    assert patched.status_code == 200 and patched.json()["country"] is None
    assert not doors.sees("gran", "honka-renewable")
    assert "honka-renewable" not in _search_keys(doors, "gran", "renewable")
    assert not _can_see(cli, "gran", "honka-renewable")
    assert doors.sees("kuusi", "honka-renewable")


def test_the_web_profile_form_does_not_lift_a_cluster_exclusion(doors, cli):
    from support.web import sign_in

    client = doors.client
    token = sign_in(client, "admin@kemiitti.test", PASSWORD)
    assert client.get("/items/kuusi-dairy-case").status_code == 404
    saved = client.post(
        "/org/profile",
        data={"csrf_token": token, "name": "Kemiitti", "country": "FI", "cluster": "forest"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:300]
    assert doors.call("kemiitti", "GET", "/api/v1/organizations/kemiitti").json()["cluster"] == (
        "forest"
    )
    assert client.get("/items/kuusi-dairy-case").status_code == 404
    assert "kuusi-dairy-case" not in client.get("/feed", params={"q": "dairy"}).text
    assert not _can_see(cli, "kemiitti", "kuusi-dairy-case")


def test_an_import_that_moves_an_org_keeps_it_excluded(cli):
    assert cli("demo").code == 0
    assert not _can_see(cli, "gran", "honka-renewable")
    org = {"key": "gran", "name": "Gran", "country": "FI", "cluster": "forest"}
    assert _import(cli, {"organizations": [org]}).code == 0
    assert not _can_see(cli, "gran", "honka-renewable")
    feed = cli("feed", "gran", "--json").json()["items"]
    assert "honka-renewable" not in feed


# --- finding 2: the competition guard holds after the network changes ----------------


def test_a_competitor_invited_into_a_circle_never_reads_the_sensitive_item(doors, cli):
    assert doors.sees("kauppa", "pakkaus-capacity")
    invited = doors.call(
        "kauppa",
        "POST",
        "/api/v1/circles/fossil-free-packaging/invitations",
        json={"org": "kotelo"},
    )
    assert invited.status_code == 204, invited.text
    accepted = doors.call("kotelo", "POST", "/api/v1/circles/fossil-free-packaging/accept")
    assert accepted.status_code == 204, accepted.text
    circle = doors.call("kotelo", "GET", "/api/v1/circles/fossil-free-packaging").json()
    assert "kotelo" in json.dumps(circle)
    assert not doors.sees("kotelo", "pakkaus-capacity")
    assert "pakkaus-capacity" not in _search_keys(doors, "kotelo", "capacity")
    assert not _can_see(cli, "kotelo", "pakkaus-capacity")
    # The circle still works for items that are not competition-sensitive.
    assert doors.sees("kotelo", "meijeri-reshare-cup") is _can_see(
        cli, "kotelo", "meijeri-reshare-cup"
    )


def test_competitors_declared_by_a_later_import_lose_the_sensitive_item(cli):
    assert cli("demo").code == 0
    assert _can_see(cli, "pakkaus", "kuusi-bids-dairy")
    result = _import(cli, {"competitors": [["kuusi", "pakkaus"]]})
    assert result.code == 0, result.err
    decision = cli("can-see", "pakkaus", "kuusi-bids-dairy", "--json").json()
    assert decision["visible"] is False
    assert "competition-sensitive" in decision["reason"]
    assert "kuusi-bids-dairy" not in cli("feed", "pakkaus", "--json").json()["items"]


def test_a_sensitive_public_item_leaves_the_anonymous_feed_once_its_owner_has_competitors(cli):
    doc = {
        "organizations": [{"key": "solo", "name": "Solo"}, {"key": "rival", "name": "Rival"}],
        "items": [
            {
                "key": "solo-prices",
                "owner": "solo",
                "title": "Price list",
                "topics": ["prices"],
                "audience": {"level": "public"},
            }
        ],
    }
    assert _import(cli, doc).code == 0
    assert "solo-prices" in cli("feed", "--anonymous", "--json").json()["items"]
    assert _import(cli, {"competitors": [["solo", "rival"]]}).code == 0
    assert "solo-prices" not in cli("feed", "--anonymous", "--json").json()["items"]
    assert "solo-prices" not in cli("feed", "rival", "--json").json()["items"]
    assert "solo-prices" in cli("feed", "solo", "--json").json()["items"]


# --- agreements: a later agreement holds at once, through a reshare too ---------------


def test_an_agreement_made_after_publishing_holds_the_item_and_its_reshares(cli):
    assert cli("demo").code == 0
    doc = {
        "items": [
            {
                "key": "kuusi-new-coating",
                "owner": "kuusi",
                "title": "New coating",
                "topics": ["Coating  Trial"],
                "audience": {"level": "network"},
            },
            {
                "key": "lab-reshare-coating",
                "owner": "lab",
                "reshare_of": "kuusi-new-coating",
                "audience": {"level": "network"},
            },
        ]
    }
    assert _import(cli, doc).code == 0
    assert _can_see(cli, "gran", "lab-reshare-coating")
    pact = {"agreements": [{"between": ["kuusi", "pakkaus"], "secret_topics": ["coating trial"]}]}
    assert _import(cli, pact).code == 0
    for outsider in ("gran", "lab", "meijeri"):
        assert not _can_see(cli, outsider, "kuusi-new-coating")
        assert not _can_see(cli, outsider, "lab-reshare-coating")
        assert "lab-reshare-coating" not in cli("feed", outsider, "--json").json()["items"]
    assert _can_see(cli, "pakkaus", "kuusi-new-coating")


# --- finding 10: topics match whatever their case and spacing --------------------------


def test_a_capitalised_sensitive_topic_is_refused_and_stored_normalised(doors):
    draft = {
        "key": "kuusi-price-talk",
        "title": "Price talk",
        "topics": ["  Pricing "],
        "audience": {"level": "network"},
    }
    refused = doors.call("kuusi", "POST", "/api/v1/items", json=draft)
    assert refused.status_code == 400, refused.text
    assert "competition-sensitive" in refused.text
    secret = {**draft, "key": "kuusi-recipe", "topics": ["Recipe"]}
    refused = doors.call("kuusi", "POST", "/api/v1/items", json=secret)
    assert refused.status_code == 400, refused.text
    assert "recipe" in refused.text
    ok = {**draft, "key": "kuusi-board-news", "topics": ["Board  News"]}
    assert doors.call("kuusi", "POST", "/api/v1/items", json=ok).status_code == 201
    with session_factory(doors.engine)() as session:
        stored = session.scalars(
            select(ItemTopic.topic).join(Item).where(Item.key == "kuusi-board-news")
        ).all()
        assert stored == ["board news"]
        assert session.scalar(select(Item.id).where(Item.key == "kuusi-recipe")) is None


def test_an_imported_capitalised_agreement_topic_is_held(cli):
    assert cli("demo").code == 0
    doc = {
        "items": [
            {
                "key": "kuusi-recipe-note",
                "owner": "kuusi",
                "title": "Note",
                "topics": ["RECIPE"],
                "audience": {"level": "partners"},
            }
        ]
    }
    result = _import(cli, doc)
    assert result.code == 2
    assert "items[0].topics" in result.err
    assert "kuusi-recipe-note" not in cli("feed", "kuusi", "--json").json()["items"]


# --- finding 6: a reshare chain deeper than the limit is refused ----------------------


def _hostile_chain(depth: int) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {
            "key": "root",
            "owner": "owner",
            "title": "Root secret title",
            "body": "Only for the partner",
            "audience": {"level": "direct", "orgs": ["partner"]},
        }
    ]
    previous = "root"
    for n in range(1, depth + 1):
        items.append(
            {
                "key": f"r{n}",
                "owner": "partner",
                "reshare_of": previous,
                "audience": {"level": "network"},
            }
        )
        previous = f"r{n}"
    return {
        "organizations": [
            {"key": "owner", "name": "Owner"},
            {"key": "partner", "name": "Partner"},
            {"key": "stranger", "name": "Stranger"},
        ],
        "ties": [{"kind": "partners", "from": "owner", "to": "partner"}],
        "items": items,
    }


def test_a_hostile_deep_reshare_chain_is_refused_naming_the_item(cli):
    result = _import(cli, _hostile_chain(MAX_CHAIN + 2))
    assert result.code == 2, (result.code, result.err[-500:])
    assert f"items[{MAX_CHAIN + 1}].reshare_of" in result.err
    assert f"r{MAX_CHAIN + 1}" in result.err
    # Nothing was imported: the stranger's feed is empty and no chain item exists.
    assert (
        cli("feed", "stranger", "--json").code != 0
        or not cli("feed", "stranger", "--json").json()["items"]
    )
    assert cli("can-see", "partner", "root", "--json").code != 0


def test_a_chain_at_the_limit_is_accepted_and_judged_whole(cli, db_url):
    doc = _hostile_chain(MAX_CHAIN)
    doc["items"].reverse()  # the deepest reshare first: resolving must not cut the chain
    assert _import(cli, doc).code == 0
    # Every reshare takes the root's content, however deep (never a cut chain).
    engine = build_engine(db_url)
    with session_factory(engine)() as session:
        titles = set(session.scalars(select(Item.title).where(Item.key.like("r%"))))
    engine.dispose()
    assert titles == {"Root secret title"}
    # The stranger cannot see the root (direct to the partner), so no reshare of it.
    assert cli("feed", "stranger", "--json").json()["items"] == []
    assert not _can_see(cli, "stranger", f"r{MAX_CHAIN}")
    assert _can_see(cli, "partner", f"r{MAX_CHAIN}")
