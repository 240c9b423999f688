"""Migration 0026 seals the kept tokens of answer links, and its downgrade opens them
again; the links keep working and can be copied again throughout."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import text

from winwin.accounts.access import operator
from winwin.assessments import service as rounds
from winwin.db import schema
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document

DOCUMENT = {
    "format": "winwin/1",
    "organizations": [{"key": "kuusi", "name": "Kuusi Oy"}, {"key": "pakkaus", "name": "P Oy"}],
    "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
}


def _kept(engine) -> list[str | None]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT link_token FROM assessment_invitations ORDER BY id")))


def test_the_tokens_are_sealed_on_upgrade_and_opened_on_downgrade(db_url: str) -> None:
    engine = build_engine(db_url)
    schema.upgrade(engine)
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(DOCUMENT).encode()))
        opened = rounds.open_round(
            session,
            actor=operator(),
            between=["kuusi", "pakkaus"],
            round="r1",
            instrument="customer-relationship",
        )
        issued = rounds.invite_respondents(
            session,
            actor=operator(),
            round_id=opened.id,
            invitees=[{"side": "kuusi", "name": "A"}, {"side": "pakkaus", "name": "B"}],
        )
        round_id = opened.id
    tokens = [i.token for i in issued]
    sealed = _kept(engine)
    assert not any(token in " ".join(sealed) for token in tokens)  # type: ignore[arg-type]

    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0025")
    assert _kept(engine) == tokens  # as 0020 kept them

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    resealed = _kept(engine)
    assert all(stored and stored not in tokens for stored in resealed)
    assert not any(token in " ".join(resealed) for token in tokens)  # type: ignore[arg-type]
    with unit_of_work(session_factory(engine)) as session:
        shown = rounds.get_round(session, actor=operator(), round_id=round_id).invitations
        assert [i.token for i in shown] == tokens
        assert rounds.link_is_current(session, token=tokens[0])
    engine.dispose()
