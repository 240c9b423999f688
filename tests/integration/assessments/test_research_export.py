"""The research export on SQLite and PostgreSQL: one row per stored answer, pseudonyms that
are stable within an export and never a name, e-mail or respondent id, a codebook, and
an audit row per export; refusals leave nothing behind."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, operator
from winwin.assessments.models import Answer, Assessment, InstrumentItem, ResearchExport, Response
from winwin.assessments.research import COLUMNS, research_export
from winwin.kernel.errors import InvalidInput, PermissionDenied
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository

SCALE = 5
ITEMS = [("a1", "accessibility", False), ("a2", "accessibility", True), ("t1", "attraction", False)]
ORGS = ("kuusi", "pakkaus", "lab")


def load(session: Session, doc: dict[str, Any]) -> None:
    network_io.import_network(session, parse_document(json.dumps({"format": "winwin/1", **doc})))


@pytest.fixture
def world(session: Session) -> Session:
    load(
        session,
        {
            "organizations": [{"key": k, "name": f"{k.title()} Oy"} for k in ORGS],
            "instruments": [
                {
                    "key": "mini",
                    "scale": SCALE,
                    "items": [
                        {
                            "id": i,
                            "factor": f,
                            "reverse": r,
                            "text": {"en": f"{i} en", "fi": f"{i} fi"},
                        }
                        for i, f, r in ITEMS
                    ],
                }
            ],
        },
    )
    return session


answers = st.dictionaries(
    st.sampled_from([i for i, _, _ in ITEMS]), st.integers(1, SCALE), min_size=1
)
response = st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3), answers)
assessment = st.tuples(
    st.sampled_from([("kuusi", "pakkaus"), ("kuusi", "lab")]),
    st.sampled_from(["2026-Q1", "2026-Q2"]),
    st.lists(response, max_size=5),
)


def admin(
    session: Session, role: str = "platform_admin", clients: frozenset[int] = frozenset()
) -> Actor:
    return Actor(
        user_id=None,
        email="x@example.com",
        name="X",
        org_id=None,
        role=role,
        client_org_ids=clients,
    )  # type: ignore[arg-type]


def unzip(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(assessment, min_size=1, max_size=4))
def test_an_export_holds_every_answer_of_the_chosen_rounds_under_stable_pseudonyms(
    world: Session, assessments: list[Any]
) -> None:
    nested = world.begin_nested()
    try:
        for pair, round_name, responses in assessments:
            listed: dict[str, tuple[str, dict[str, int]]] = {}
            for side, who, given_answers in responses:
                listed.setdefault(
                    f"person-{who}@example.com",
                    (pair[0] if side == "a" else pair[1], given_answers),
                )
            load(
                world,
                {
                    "assessments": [
                        {
                            "round": round_name,
                            "instrument": "mini",
                            "between": list(pair),
                            "responses": [
                                {"side": s, "respondent": who, "answers": a}
                                for who, (s, a) in listed.items()
                            ],
                        }
                    ]
                },
            )
        stored = world.scalar(select(func.count()).select_from(Answer))
        before = world.scalar(select(func.count()).select_from(ResearchExport))
        data = research_export(world, actor=operator(), rounds=["2026-Q1", "2026-Q2"], format="csv")
        assert len(data.rows) == stored
        assert world.scalar(select(func.count()).select_from(ResearchExport)) == before + 1
        reverse = {i: r for i, _, r in ITEMS}
        seen: dict[str, tuple[str, str, str]] = {}
        for round_name, relationship, side, pseudonym, item, raw, normalised in data.rows:
            assert "@" not in pseudonym and "person" not in pseudonym and len(pseudonym) == 16
            n = (raw - 1) / (SCALE - 1)
            assert normalised == (1 - n if reverse[item] else n)
            # One pseudonym belongs to one respondent of one round and side.
            assert seen.setdefault(pseudonym, (round_name, relationship, side)) == (
                round_name,
                relationship,
                side,
            )
        # Against the stored rows: the same answer sets per person, round and side, with
        # one pseudonym per person and round.
        keys = {v: k for k, v in NetworkRepository(world).org_ids().items()}
        stored_people: dict[tuple[str, str, str, str], dict[str, int]] = {}
        for round_name, a_id, b_id, side_id, who, item, value in world.execute(
            select(
                Assessment.round,
                Assessment.a_id,
                Assessment.b_id,
                Response.side_org_id,
                Response.respondent,
                InstrumentItem.item_key,
                Answer.value,
            )
            .join(Response, Response.assessment_id == Assessment.id)
            .join(Answer, Answer.response_id == Response.id)
            .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
        ):
            pair = "/".join(sorted((keys[a_id], keys[b_id])))
            stored_people.setdefault((round_name, pair, keys[side_id], who), {})[item] = value
        exported_people: dict[tuple[str, str, str, str], dict[str, int]] = {}
        for round_name, relationship, side, pseudonym, item, raw, _ in data.rows:
            exported_people.setdefault((round_name, relationship, side, pseudonym), {})[item] = raw

        def answer_sets(people: dict[tuple[str, str, str, str], dict[str, int]]) -> list[Any]:
            return sorted((key[:3], sorted(a.items())) for key, a in people.items())

        assert answer_sets(exported_people) == answer_sets(stored_people)
        assert len(exported_people) == len(stored_people)
        again = research_export(
            world, actor=operator(), rounds=["2026-Q1", "2026-Q2"], format="csv"
        )
        assert {r[3] for r in again.rows}.isdisjoint({r[3] for r in data.rows}) or not data.rows
        text = data.csv().decode()
        assert "@example.com" not in text
        parsed = list(csv.reader(io.StringIO(text)))
        assert tuple(parsed[0]) == COLUMNS and len(parsed) == len(data.rows) + 1
        table = pq.read_table(io.BytesIO(data.parquet()))
        assert table.column_names == list(COLUMNS)
        assert [tuple(r.values()) for r in table.to_pylist()] == data.rows
    finally:
        nested.rollback()


def test_the_bundle_carries_the_codebook_in_both_languages(world: Session) -> None:
    load(
        world,
        {
            "assessments": [
                {
                    "round": "2026-Q1",
                    "instrument": "mini",
                    "between": ["kuusi", "pakkaus"],
                    "responses": [
                        {"side": "kuusi", "respondent": "anna@kuusi.fi", "answers": {"a2": 2}}
                    ],
                }
            ]
        },
    )
    files = unzip(
        research_export(world, actor=operator(), rounds=["2026-Q1"], format="parquet").bundle(
            "parquet"
        )
    )
    assert set(files) == {"answers.parquet", "codebook.json"}
    codebook = json.loads(files["codebook.json"])
    statements = codebook["instruments"]["mini"]["statements"]
    assert statements[1] == {
        "id": "a2",
        "factor": "accessibility",
        "reverse": True,
        "text": {"en": "a2 en", "fi": "a2 fi"},
    }
    assert codebook["instruments"]["mini"]["scale"] == {"min": 1, "max": SCALE}
    rows = pq.read_table(io.BytesIO(files["answers.parquet"])).to_pylist()
    assert rows[0]["raw"] == 2 and rows[0]["normalised"] == 0.75
    assert b"anna" not in files["answers.parquet"]


def test_members_may_not_export_and_facilitators_only_their_clients_rounds(world: Session) -> None:
    load(
        world,
        {
            "assessments": [
                {
                    "round": "2026-Q1",
                    "instrument": "mini",
                    "between": list(pair),
                    "responses": [{"side": pair[0], "respondent": "r", "answers": {"a1": 3}}],
                }
                for pair in (("kuusi", "pakkaus"), ("lab", "pakkaus"))
            ]
        },
    )
    before = world.scalar(select(func.count()).select_from(ResearchExport))
    with pytest.raises(PermissionDenied):
        research_export(world, actor=admin(world, "org_admin"), rounds=["2026-Q1"])
    with pytest.raises(InvalidInput, match="format"):
        research_export(world, actor=operator(), rounds=["2026-Q1"], format="xlsx")
    ids = NetworkRepository(world).org_ids()
    with pytest.raises(InvalidInput, match="rounds"):
        research_export(world, actor=admin(world, "facilitator", frozenset()), rounds=["2026-Q1"])
    assert world.scalar(select(func.count()).select_from(ResearchExport)) == before
    mine = research_export(
        world, actor=admin(world, "facilitator", frozenset({ids["lab"]})), rounds=["2026-Q1"]
    )
    assert {r[1] for r in mine.rows} == {"lab/pakkaus"}
    everything = research_export(world, actor=admin(world), rounds=["2026-Q1"])
    assert {r[1] for r in everything.rows} == {"kuusi/pakkaus", "lab/pakkaus"}
    audit = world.scalars(select(ResearchExport).order_by(ResearchExport.id)).all()[-2:]
    assert [len(a.rounds) for a in audit] == [1, 2] and [a.rows for a in audit] == [1, 2]
