"""The proposal names only organisations each reader may already see, on SQLite and
PostgreSQL: for random networks (ties, circles, declared competitors), initiatives and
readers (a person of an organisation, a facilitator granted some, the command line's
``show --by ORG``), no door's document — ``read`` (REST, the page, ``show``), the list
(``readable``: REST, the page, the dashboard) and the agreement's printable data (the
page's section and the PDF) — holds the key or the name of a party the reader may not
see. What the reader may see is worked out here from the generated network, not by the
code under test: the reader's own organisations, the proposer, and what the directory
lets them find (partners, fellow circle members, declared competitors), or every party
when the reader's side proposed. A masked party keeps its mask on every door."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from winwin.accounts.access import Actor, operator
from winwin.accounts.models import User
from winwin.db.engine import session_factory
from winwin.initiatives import service as initiatives
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository
from winwin.reports import service as reports

# Keys and names that no other text of the documents contains.
ORGS = [f"zq{c}x" for c in "abcdef"]
NAME = {k: f"Yritys {k.upper()} Oy" for k in ORGS}


@st.composite
def worlds(draw: Any) -> dict[str, Any]:
    orgs = ORGS[: draw(st.integers(3, len(ORGS)))]
    pairs = [(a, b) for i, a in enumerate(orgs) for b in orgs[i + 1 :]]
    ties = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    rivals = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3))
    circle = draw(st.lists(st.sampled_from(orgs), unique=True, max_size=len(orgs)))
    parties = draw(st.lists(st.sampled_from(orgs), unique=True, min_size=2, max_size=len(orgs)))
    answers = draw(st.lists(st.booleans(), min_size=len(parties), max_size=len(parties)))
    grants = draw(st.lists(st.sampled_from(orgs), unique=True, min_size=1, max_size=3))
    return {
        "orgs": orgs,
        "ties": ties,
        "rivals": rivals,
        "circle": circle if len(circle) >= 2 else [],
        "parties": parties,
        "accept": answers,
        "grants": grants,
    }


def _known(world: dict[str, Any], readers: set[str], proposer: str) -> set[str]:
    if proposer in readers:
        return set(world["parties"])
    known = set(readers) | {proposer}
    for a, b in world["ties"] + world["rivals"]:  # the document declares rivals both ways
        if a in readers:
            known.add(b)
        if b in readers:
            known.add(a)
    if readers & set(world["circle"]):
        known |= set(world["circle"])
    return known


def _leaks(text: str, hidden: set[str]) -> list[str]:
    return [k for k in hidden if k in text or NAME[k] in text]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(worlds())
def test_no_door_names_a_party_to_a_reader_who_may_not_see_it(
    engine: Engine, world: dict[str, Any]
) -> None:
    session = session_factory(engine)()
    try:
        doc = {
            "format": "winwin/1",
            "organizations": [{"key": k, "name": NAME[k]} for k in world["orgs"]],
            "ties": [{"kind": "partners", "from": a, "to": b} for a, b in world["ties"]],
            "competitors": [[a, b] for a, b in world["rivals"]],
            "circles": [{"key": "ring", "name": "Ring", "members": world["circle"]}]
            if world["circle"]
            else [],
        }
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        ids = NetworkRepository(session).org_ids()
        proposer, *invited = world["parties"]
        n = initiatives.propose(
            session, by=proposer, with_=invited, title="Yhteinen hanke", actor=operator()
        ).id
        for key, yes in zip(invited, world["accept"], strict=False):
            initiatives.answer(session, initiative_id=n, by=key, accept=yes, actor=operator())
        everyone_in = all(world["accept"][: len(invited)])
        accepted = {proposer} | {k for k, yes in zip(invited, world["accept"], strict=False) if yes}
        if everyone_in:
            costs = {k: float(10 * (i + 1)) for i, k in enumerate(world["parties"])}
            game = {"type": "airport", "costs": costs}
            initiatives.set_model(
                session, initiative_id=n, game=game, method="airport", actor=operator()
            )
            for key in world["parties"]:
                initiatives.agree(session, initiative_id=n, by=key, actor=operator())
            initiatives.record_result(
                session, initiative_id=n, by=proposer, amount=50.0, actor=operator()
            )
        full = initiatives.read(session, n, actor=operator())
        assert set(full.parties) == set(world["parties"])  # the command line sees all

        serial = count(1)
        readers: list[tuple[Actor, str | None, set[str]]] = []
        for org in world["orgs"]:
            # A stored person: an edit's history names who made it.
            user = User(
                email=f"p{org}@example.com", name="P", org_id=ids[org], role="org_admin",
                password_hash="-",
            )  # fmt: skip
            session.add(user)
            session.flush()
            person = Actor(user.id, user.email, "P", ids[org], "org_admin")
            readers.append((person, None, {org}))
            if org in world["parties"]:
                readers.append((operator(), org, {org}))
        grants = set(world["grants"])
        facilitator = Actor(
            next(serial), "f@example.com", "F", ids[world["orgs"][0]], "facilitator",
            client_org_ids=frozenset(ids[k] for k in grants),
        )  # fmt: skip
        readers.append((facilitator, None, grants | {world["orgs"][0]}))

        for who, as_org, orgs_of_reader in readers:
            if as_org is None and not initiatives.can_read(session, who, n):
                continue
            hidden = set(world["parties"]) - _known(world, orgs_of_reader, proposer)
            shown = initiatives.read(session, n, actor=who, as_org=as_org)
            text = json.dumps(shown.as_dict(), ensure_ascii=False) + json.dumps(shown.game)
            assert not _leaks(text, hidden), (orgs_of_reader, hidden, text)
            masks = sorted(k for k in shown.parties if k.startswith("another:"))
            assert len(masks) == len(hidden)
            assert set(shown.parties) - set(masks) == set(world["parties"]) - hidden
            if as_org is None:
                listed = [i for i in initiatives.readable(session, actor=who) if i.id == n]
                assert [i.as_dict() for i in listed] == [shown.as_dict()]  # the same masks
            own = next(iter(orgs_of_reader)) if who.role == "org_admin" else None
            if own in accepted:
                # A change answers with the document as its author reads it (PATCH's body).
                nested = session.begin_nested()
                edited = initiatives.edit(
                    session, initiative_id=n, by=own, title="Uusi nimi", actor=who
                ).as_dict()
                assert edited == initiatives.read(session, n, actor=who).as_dict()
                text = json.dumps(edited, ensure_ascii=False)
                assert not _leaks(text, hidden), (orgs_of_reader, hidden, text)
                nested.rollback()
            if everyone_in and as_org is None:
                for locale in ("fi", "en"):
                    printed = reports.agreement_data(
                        session, actor=who, initiative_id=n, locale=locale
                    )
                    words = json.dumps(printed, ensure_ascii=False)
                    assert not _leaks(words, hidden), (orgs_of_reader, hidden, words)
                assert set(shown.agreement["parties"]) == set(shown.parties)
                assert set(shown.result["final"]) == set(shown.parties)
    finally:
        session.rollback()
        session.close()
