"""The micro-network's promises hold after every change, not only when an item is published.

A hypothesis state machine applies random sequences of network changes through the real
services (imports, circle invitations and acceptances, profile edits, agreements,
competitors, publishing and resharing) to a database on SQLite and on PostgreSQL. The
test keeps its own model of the network (never read back from the database under test)
and, after every step, checks for every organisation and for anonymous readers:

- no competition-sensitive item reaches a competitor of its owner (each item of a
  reshare chain against its own owner), nor an anonymous reader while the owner has
  competitors;
- no item carrying an agreement topic reaches beyond the agreement's parties;
- no ``country:``/``cluster:`` exclusion is escaped by an organisation that ever had the
  value, and no other exclusion is escaped;
- the SQL feed is exactly what ``can_see`` admits on the model's network.

The three promises are checked from the model with plain set logic, not through
``can_see``, so a mistake in the policy cannot hide itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor
from winwin.db.engine import session_factory, unit_of_work
from winwin.db.models import Base
from winwin.kernel.errors import WinwinError
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.models import Item
from winwin.network.repository import NetworkRepository
from winwin.sharing import audience as policy
from winwin.sharing import feed, service
from winwin.sharing.items import ItemRepository

ORGS = ["a", "b", "c", "d", "e", "f"]
COUNTRIES = ["FI", "SE", None]
CLUSTERS = ["forest", "food", None]
# Raw spellings; the guard and the agreements must meet them whatever their case.
TOPICS = ["pricing", "Bids", "recipe", " Recipe", "news", "energy"]
SENSITIVE = ["Pricing", "bids"]
EXCLUSIONS = ["competitors", "country:FI", "country:SE", "cluster:forest", "cluster:food"]
LEVELS = ["direct", "partners", "circle", "network", "public"]
CIRCLE = "c1"
ADMIN = Actor(user_id=0, email="admin@test", name="Admin", org_id=None, role="platform_admin")


def norm(topic: str) -> str:
    return " ".join(topic.split()).casefold()


@dataclass
class ModelItem:
    key: str
    owner: str
    level: str
    orgs: tuple[str, ...] = ()
    topics: tuple[str, ...] | None = None  # None: a reshare inheriting its original's
    exclude: tuple[str, ...] = ()
    reshare_of: str | None = None


@dataclass
class Model:
    """The network as the test believes it to be."""

    place: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    ever_country: dict[str, set[str]] = field(default_factory=dict)
    ever_cluster: dict[str, set[str]] = field(default_factory=dict)
    partners: set[frozenset[str]] = field(default_factory=set)
    competitors: set[frozenset[str]] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    invited: set[str] = field(default_factory=set)
    agreements: dict[frozenset[str], set[str]] = field(default_factory=dict)
    items: dict[str, ModelItem] = field(default_factory=dict)

    def move(self, org: str, country: str | None, cluster: str | None) -> None:
        self.place[org] = (country, cluster)
        if country:
            self.ever_country.setdefault(org, set()).add(country)
        if cluster:
            self.ever_cluster.setdefault(org, set()).add(cluster)

    def partners_of(self, org: str) -> set[str]:
        return {x for pair in self.partners if org in pair for x in pair if x != org}

    def rivals(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.competitors

    def has_rivals(self, org: str) -> bool:
        return any(org in pair for pair in self.competitors)

    def chain(self, key: str) -> list[ModelItem]:
        found = [self.items[key]]
        while found[-1].reshare_of is not None:
            found.append(self.items[found[-1].reshare_of])
        return found

    def effective(self, key: str) -> set[str]:
        for item in self.chain(key):
            if item.topics:
                return {norm(t) for t in item.topics}
        return set()

    def network(self) -> policy.Network:
        return policy.Network.build(
            orgs=[
                policy.Org(
                    k,
                    c,
                    cl,
                    frozenset(self.ever_country.get(k, ())),
                    frozenset(self.ever_cluster.get(k, ())),
                )
                for k, (c, cl) in self.place.items()
            ],
            ties=[("partners", *sorted(pair)) for pair in self.partners],  # type: ignore[misc]
            competitors=[tuple(sorted(p)) for p in self.competitors],  # type: ignore[misc]
            circles={CIRCLE: frozenset(self.members)},
            agreements=[(tuple(sorted(p)), t) for p, t in self.agreements.items()],  # type: ignore[misc]
            sensitive_topics=SENSITIVE,
            items=[
                policy.ItemPolicy(
                    key=i.key,
                    owner=i.owner,
                    audience=policy.Audience(
                        level=i.level,  # type: ignore[arg-type]
                        orgs=frozenset(i.orgs),
                        circle=CIRCLE if i.level == "circle" else None,
                    ),
                    topics=frozenset(i.topics or ()),
                    exclude=tuple(policy.Exclusion.parse(e) for e in i.exclude),
                    reshare_of=i.reshare_of,
                )
                for i in self.items.values()
            ],
        )

    # The three promises, from the model alone -------------------------------------------
    def broken_promise(self, viewer: str | None, key: str) -> str | None:
        """Why ``viewer`` must not see ``key`` by one of the promises, or None."""
        sensitive = {norm(t) for t in SENSITIVE}
        for item in self.chain(key):
            topics = self.effective(item.key)
            owner = item.owner
            if viewer == owner:
                continue
            if viewer is None:
                if topics & sensitive and self.has_rivals(owner):
                    return f"anonymous reads sensitive {item.key} of {owner}, who has rivals"
            elif self.rivals(owner, viewer) and topics & sensitive:
                return f"{viewer} reads sensitive {item.key} of its competitor {owner}"
            for pair, secret in self.agreements.items():
                if owner in pair and topics & {norm(t) for t in secret} and viewer not in pair:
                    return f"{viewer} reads {item.key} held by the agreement {sorted(pair)}"
            if viewer is None:
                continue
            for text in item.exclude:
                kind, _, value = text.partition(":")
                if kind == "country" and value in self.ever_country.get(viewer, ()):
                    return f"{viewer}, once in {value}, escapes {text} of {item.key}"
                if kind == "cluster" and value in self.ever_cluster.get(viewer, ()):
                    return f"{viewer}, once in {value}, escapes {text} of {item.key}"
                if kind == "competitors" and self.rivals(owner, viewer):
                    return f"{viewer} escapes the competitors exclusion of {item.key}"
        return None


def _wipe(engine: Engine) -> None:
    with unit_of_work(session_factory(engine)) as session:
        # Reshares point at their originals (ON DELETE RESTRICT): unlink them first.
        session.execute(update(Item).values(reshare_of_id=None))
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


class VisibilityMachine(RuleBasedStateMachine):
    engine: Engine  # set by the test for its database

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.count = 0
        _wipe(self.engine)

    # doors --------------------------------------------------------------------------------
    def _unit(self) -> Iterator[Session]:
        return unit_of_work(session_factory(self.engine))  # type: ignore[return-value]

    def _import(self, doc: dict[str, Any]) -> bool:
        try:
            with self._unit() as session:  # type: ignore[attr-defined]
                import_network(session, parse_document({"format": "winwin/1", **doc}))
        except WinwinError:
            return False
        return True

    def _viewer(self, session: Session, key: str) -> Any:
        viewer = ItemRepository(session).viewer(key)
        assert viewer is not None
        return viewer

    def _stored_keys(self) -> set[str]:
        with session_factory(self.engine)() as session:
            return set(ItemRepository(session).item_ids())

    def _new_key(self) -> str:
        self.count += 1
        return f"i{self.count}"

    # setup --------------------------------------------------------------------------------
    @initialize(
        places=st.lists(
            st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(CLUSTERS)),
            min_size=len(ORGS),
            max_size=len(ORGS),
        )
    )
    def start(self, places: list[tuple[str | None, str | None]]) -> None:
        orgs = []
        for key, (country, cluster) in zip(ORGS, places, strict=True):
            org: dict[str, Any] = {"key": key, "name": key.upper()}
            if country:
                org["country"] = country
            if cluster:
                org["cluster"] = cluster
            orgs.append(org)
            self.model.move(key, country, cluster)
        ties = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "e"), ("d", "f"), ("e", "f")]
        self.model.partners = {frozenset(t) for t in ties}
        self.model.members = {"a", "b", "c"}
        doc = {
            "organizations": orgs,
            "ties": [{"kind": "partners", "from": x, "to": y} for x, y in ties],
            "circles": [{"key": CIRCLE, "name": "Circle", "members": ["a", "b", "c"]}],
            "competition_sensitive_topics": SENSITIVE,
        }
        assert self._import(doc)

    # network changes ----------------------------------------------------------------------
    @rule(a=st.sampled_from(ORGS), b=st.sampled_from(ORGS))
    def declare_competitors(self, a: str, b: str) -> None:
        accepted = self._import({"competitors": [[a, b]]})
        assert accepted == (a != b)
        if accepted:
            self.model.competitors.add(frozenset((a, b)))

    @rule(by=st.sampled_from(ORGS), org=st.sampled_from(ORGS))
    def invite_and_accept(self, by: str, org: str) -> None:
        try:
            with self._unit() as session:  # type: ignore[attr-defined]
                service.invite_to_circle(
                    session, circle=CIRCLE, by=self._viewer(session, by), org=org
                )
        except WinwinError:
            assert by not in self.model.members or org in self.model.members
            return
        assert by in self.model.members and org not in self.model.members
        with self._unit() as session:  # type: ignore[attr-defined]
            service.answer_invitation(
                session, circle=CIRCLE, org=self._viewer(session, org), accept=True
            )
        self.model.members.add(org)

    @rule(
        org=st.sampled_from(ORGS),
        country=st.sampled_from(COUNTRIES),
        cluster=st.sampled_from(CLUSTERS),
        by_import=st.booleans(),
    )
    def move(self, org: str, country: str | None, cluster: str | None, by_import: bool) -> None:
        if by_import:
            record: dict[str, Any] = {"key": org, "name": org.upper()}
            if country:
                record["country"] = country
            if cluster:
                record["cluster"] = cluster
            assert self._import({"organizations": [record]})
        else:
            change = accounts.ProfileChange(country=country or "", cluster=cluster or "")
            with self._unit() as session:  # type: ignore[attr-defined]
                org_id = NetworkRepository(session).get_or_raise(org).id
                accounts.update_profile(session, ADMIN, org_id=org_id, change=change)
        self.model.move(org, country, cluster)

    @rule(
        pair=st.lists(st.sampled_from(ORGS), min_size=2, max_size=2, unique=True),
        topics=st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2),
    )
    def make_agreement(self, pair: list[str], topics: list[str]) -> None:
        assert self._import({"agreements": [{"between": pair, "secret_topics": topics}]})
        self.model.agreements[frozenset(pair)] = {norm(t) for t in topics}

    # items --------------------------------------------------------------------------------
    @rule(
        owner=st.sampled_from(ORGS),
        level=st.sampled_from(LEVELS),
        topics=st.lists(st.sampled_from(TOPICS), max_size=2),
        exclude=st.lists(st.sampled_from(EXCLUSIONS), max_size=2, unique=True),
        by_import=st.booleans(),
        pick=st.integers(0, 10),
    )
    def publish(
        self,
        owner: str,
        level: str,
        topics: list[str],
        exclude: list[str],
        by_import: bool,
        pick: int,
    ) -> None:
        partners = sorted(self.model.partners_of(owner))
        orgs = (partners[pick % len(partners)],) if level == "direct" and partners else ()
        if level == "public":
            exclude = []
        item = ModelItem(self._new_key(), owner, level, orgs, tuple(topics), tuple(exclude), None)
        self._store(item, by_import)

    @rule(
        resharer=st.sampled_from(ORGS),
        pick=st.integers(0, 1000),
        level=st.sampled_from(LEVELS),
        topics=st.none() | st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2),
        by_import=st.booleans(),
    )
    @precondition(lambda self: bool(self.model.items))
    def reshare(
        self,
        resharer: str,
        pick: int,
        level: str,
        topics: list[str] | None,
        by_import: bool,
    ) -> None:
        keys = sorted(self.model.items)
        original = keys[pick % len(keys)]
        partners = sorted(self.model.partners_of(resharer))
        orgs = (partners[pick % len(partners)],) if level == "direct" and partners else ()
        item = ModelItem(
            self._new_key(),
            resharer,
            level,
            orgs,
            None if topics is None else tuple(topics),
            (),
            original,
        )
        self._store(item, by_import)

    def _store(self, item: ModelItem, by_import: bool) -> None:
        before = self._stored_keys()
        audience: dict[str, Any] = {"level": item.level}
        if item.orgs:
            audience["orgs"] = list(item.orgs)
        if item.level == "circle":
            audience["circle"] = CIRCLE
        try:
            if by_import:
                record: dict[str, Any] = {
                    "key": item.key,
                    "owner": item.owner,
                    "audience": audience,
                    "exclude": list(item.exclude),
                }
                if item.reshare_of is None:
                    record["title"] = item.key
                else:
                    record["reshare_of"] = item.reshare_of
                if item.topics is not None:
                    record["topics"] = list(item.topics)
                if not self._import({"items": [record]}):
                    raise WinwinError("refused")
            else:
                draft = service.ItemDraft(
                    key=item.key,
                    title=item.key if item.reshare_of is None else None,
                    topics=None if item.topics is None else list(item.topics),
                    level=item.level,
                    orgs=list(item.orgs),
                    circle=CIRCLE if item.level == "circle" else None,
                    exclude=list(item.exclude),
                    reshare_of=item.reshare_of,
                )
                with self._unit() as session:  # type: ignore[attr-defined]
                    owner = self._viewer(session, item.owner)
                    service.publish_item(session, owner=owner, draft=draft)
        except WinwinError:
            # A refusal leaves the stored items exactly as they were.
            assert self._stored_keys() == before
            return
        assert self._stored_keys() == before | {item.key}
        self.model.items[item.key] = item

    # after every step -----------------------------------------------------------------------
    @invariant()
    def promises_hold_and_feed_equals_can_see(self) -> None:
        if not self.model.place:
            return
        network = self.model.network()
        with session_factory(self.engine)() as session:
            for viewer in [*ORGS, None]:
                shown = set(feed.feed_keys(session, org=viewer))
                for key in shown:
                    broken = self.model.broken_promise(viewer, key)
                    assert broken is None, broken
                expected = {k for k in self.model.items if policy.can_see(network, viewer, k)}
                assert shown == expected, (viewer, sorted(shown ^ expected))


@pytest.fixture
def machine_engine(engine: Engine) -> Iterator[Engine]:
    yield engine


def test_promises_hold_after_any_sequence_of_network_changes(machine_engine: Engine) -> None:
    class Machine(VisibilityMachine):
        engine = machine_engine

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
