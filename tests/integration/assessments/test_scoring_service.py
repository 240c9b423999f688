"""Scores of stored relationships match the formula of MISSION.md, computed independently."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from winwin.assessments.anonymity import OPERATOR
from winwin.assessments.score import side_score
from winwin.assessments.score_repository import ScoreRepository
from winwin.assessments.scoring import relationship_detail, score_relationships
from winwin.data import get_builtin_instrument
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository

MINI = {
    "key": "mini",
    "scale": 5,
    "items": [
        {"id": "a1", "factor": "accessibility", "text": {"en": "a1", "fi": "a1"}},
        {"id": "a2", "factor": "accessibility", "reverse": True, "text": {"en": "a2", "fi": "a2"}},
        {"id": "e1", "factor": "energy", "text": {"en": "e1", "fi": "e1"}},
        {"id": "i1", "factor": "impact", "text": {"en": "i1", "fi": "i1"}},
        {"id": "t1", "factor": "attraction", "text": {"en": "t1", "fi": "t1"}},
    ],
}
SEVEN = {
    "key": "seven",
    "scale": 7,
    "items": [
        {"id": "a", "factor": "accessibility", "text": {"en": "a", "fi": "a"}},
        {"id": "e", "factor": "energy", "reverse": True, "text": {"en": "e", "fi": "e"}},
        {"id": "i", "factor": "impact", "text": {"en": "i", "fi": "i"}},
        {"id": "t", "factor": "attraction", "text": {"en": "t", "fi": "t"}},
    ],
}
ORGS = [{"key": k, "name": k.title()} for k in ("kuusi", "pakkaus", "lab", "kemi", "gran", "zeta")]


def oracle(doc: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    """The contract's relationship object, from the formula alone, in plain Python."""
    instruments = {i["key"]: i for i in doc.get("instruments", [])}
    spec = instruments.get(assessment["instrument"]) or get_builtin_instrument(
        assessment["instrument"]
    )
    assert spec is not None
    k = spec.get("scale", 5)
    items = {it["id"]: (it["factor"], it.get("reverse", False)) for it in spec["items"]}

    def norm(item: str, x: int) -> float:
        n = (x - 1) / (k - 1)
        return 1 - n if items[item][1] else n

    def mean(side: str, factor: str) -> float | None:
        xs = [
            norm(item, x)
            for r in assessment["responses"]
            if r["side"] == side
            for item, x in r["answers"].items()
            if items[item][0] == factor
        ]
        return sum(xs) / len(xs) if xs else None

    sides: dict[str, Any] = {}
    for key in sorted(assessment["between"]):
        # A side is scored from the responses that answer something: one with no answer
        # (nothing, or only "I can't say") is not a respondent.
        if not any(r["side"] == key and r["answers"] for r in assessment["responses"]):
            sides[key] = None
            continue
        f = {name: mean(key, name) for name in ("accessibility", "energy", "impact", "attraction")}
        a, e, i, t = (f[n] or 0.0 for n in f)
        gains = [50 * e * (1 - a), 50 * a * (1 - e), 50 * t * (1 - i), 50 * i * (1 - t)]
        best = max(range(4), key=lambda j: (gains[j], -j))
        sides[key] = {
            **f,
            "score": 50 * (a * e + i * t),
            "lever": list(f)[best],
            "gain": gains[best],
        }
    first, second = (sides[k] for k in sorted(assessment["between"]))
    score = None if first is None or second is None else math.sqrt(first["score"] * second["score"])
    third = [r for r in assessment["responses"] if r["side"] == "third-party"]
    outside = None
    if any(r["answers"] for r in third):
        outside = {
            "impact": mean("third-party", "impact"),
            "attraction": mean("third-party", "attraction"),
        }
    return {
        "between": sorted(assessment["between"]),
        "round": assessment["round"],
        "score": score,
        "sides": sides,
        "outside_view": outside,
    }


def assert_same(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual["between"] == expected["between"]
    assert actual["round"] == expected["round"]
    assert (actual["score"] is None) == (expected["score"] is None)
    if expected["score"] is not None:
        assert actual["score"] == pytest.approx(expected["score"], rel=1e-12, abs=1e-12)
    assert set(actual["sides"]) == set(expected["sides"])
    for key, side in expected["sides"].items():
        got = actual["sides"][key]
        if side is None:
            assert got is None
            continue
        assert got["lever"] == side["lever"]
        for name in ("accessibility", "energy", "impact", "attraction", "score", "gain"):
            if side[name] is None:
                assert got[name] is None
            else:
                assert got[name] == pytest.approx(side[name], rel=1e-12, abs=1e-12)
    if expected["outside_view"] is None:
        assert actual["outside_view"] is None
    else:
        for name in ("impact", "attraction"):
            want = expected["outside_view"][name]
            got_value = actual["outside_view"][name]
            assert got_value == (None if want is None else pytest.approx(want, abs=1e-12))


def load(session: Session, doc: dict[str, Any]) -> None:
    import json

    network_io.import_network(session, parse_document(json.dumps(doc).encode()))
    session.flush()


def document() -> dict[str, Any]:
    return {
        "format": "winwin/1",
        "organizations": ORGS,
        "instruments": [MINI, SEVEN],
        "assessments": [
            {
                "round": "2026-Q1",
                "instrument": "mini",
                "between": ["pakkaus", "kuusi"],
                "responses": [
                    {"side": "kuusi", "respondent": "k1", "answers": {"a1": 4, "a2": 2, "e1": 3}},
                    {"side": "kuusi", "respondent": "k2", "answers": {"a1": 5, "i1": 2, "t1": 4}},
                    {"side": "pakkaus", "respondent": "p1", "answers": {"a1": 2, "e1": 5}},
                    {"side": "third-party", "respondent": "x", "answers": {"i1": 5}},
                ],
            },
            {
                "round": "2026-Q2",
                "instrument": "mini",
                "between": ["kuusi", "pakkaus"],
                "responses": [
                    {"side": "kuusi", "respondent": "k1", "answers": {"a1": 5, "e1": 5}},
                    {"side": "pakkaus", "respondent": "p1", "answers": {"a1": 1, "t1": 5}},
                ],
            },
            {
                "round": "2026-Q1",
                "instrument": "seven",
                "between": ["lab", "kemi"],
                "responses": [
                    {"side": "lab", "respondent": "l", "answers": {"a": 7, "e": 1, "i": 4, "t": 6}},
                ],
            },
            {
                "round": "2025-Q4",
                "instrument": "customer-relationship",
                "between": ["gran", "zeta"],
                "responses": [
                    {"side": "gran", "respondent": "g", "answers": {"a5": 1, "e1": 5, "i2": 3}},
                    {"side": "zeta", "respondent": "z", "answers": {"a1": 5, "e5": 2, "t3": 1}},
                    {"side": "third-party", "respondent": "q", "answers": {"t1": 2}},
                ],
            },
        ],
    }


def test_each_relationship_is_scored_in_its_latest_round_by_the_formula(session: Session):
    doc = document()
    load(session, doc)
    scores = [s.as_dict() for s in score_relationships(session, reader=OPERATOR)]
    latest = [doc["assessments"][i] for i in (3, 2, 1)]
    assert [s["between"] for s in scores] == [
        ["gran", "zeta"],
        ["kemi", "lab"],
        ["kuusi", "pakkaus"],
    ]
    for actual, assessment in zip(scores, latest, strict=True):
        assert_same(actual, oracle(doc, assessment))


def test_a_named_round_scores_only_the_relationships_assessed_in_it(session: Session):
    doc = document()
    load(session, doc)
    scores = [s.as_dict() for s in score_relationships(session, round="2026-Q1", reader=OPERATOR)]
    assert [s["between"] for s in scores] == [["kemi", "lab"], ["kuusi", "pakkaus"]]
    assert_same(scores[0], oracle(doc, doc["assessments"][2]))
    assert_same(scores[1], oracle(doc, doc["assessments"][0]))
    assert score_relationships(session, round="1999", reader=OPERATOR) == []


def test_a_side_that_has_not_answered_is_null_and_so_is_the_relationship(session: Session):
    load(session, document())
    (lab,) = [
        s for s in score_relationships(session, reader=OPERATOR) if s.between == ("kemi", "lab")
    ]
    assert lab.sides["kemi"] is None
    assert lab.sides["lab"] is not None
    assert lab.score is None
    assert lab.respondents == {"kemi": 0, "lab": 1, "third-party": 0}


def test_third_party_answers_make_the_outside_view_and_leave_the_sides_alone(session: Session):
    doc = document()
    load(session, doc)
    (first,) = score_relationships(session, round="2026-Q1", reader=OPERATOR)[1:]
    assert first.outside_view is not None
    assert first.outside_view.impact == 1.0
    assert first.outside_view.attraction is None
    without = dict(doc["assessments"][0])
    without["responses"] = [r for r in without["responses"] if r["side"] != "third-party"]
    expected = oracle(doc, without)
    assert expected["outside_view"] is None
    expected["outside_view"] = {"impact": 1.0, "attraction": None}
    assert_same(first.as_dict(), expected)


def test_a_blank_round_name_is_refused(session: Session):
    with pytest.raises(InvalidInput, match="round"):
        score_relationships(session, round="  ", reader=OPERATOR)


def test_the_detail_of_a_relationship_lists_every_round_oldest_first(session: Session):
    doc = document()
    load(session, doc)
    detail = relationship_detail(session, between=("pakkaus", "kuusi"), reader=OPERATOR)
    assert detail.between == ("kuusi", "pakkaus")
    assert [h.round for h in detail.history] == ["2026-Q1", "2026-Q2"]
    assert_same(detail.history[0].as_dict(), oracle(doc, doc["assessments"][0]))
    assert_same(detail.history[1].as_dict(), oracle(doc, doc["assessments"][1]))
    assert detail.latest is detail.history[1]
    assert detail.history[0].respondents == {"kuusi": 2, "pakkaus": 1, "third-party": 1}
    with pytest.raises(NotFound):
        relationship_detail(session, between=("kuusi", "zeta"), reader=OPERATOR)
    with pytest.raises(NotFound):
        relationship_detail(session, between=("kuusi", "nobody"), reader=OPERATOR)


def test_rounds_compare_as_strings_so_the_greatest_string_is_latest(session: Session):
    doc = {
        "format": "winwin/1",
        "organizations": ORGS[:2],
        "instruments": [MINI],
        "assessments": [
            {
                "round": name,
                "instrument": "mini",
                "between": ["kuusi", "pakkaus"],
                "responses": [
                    {"side": "kuusi", "respondent": "k", "answers": {"a1": value}},
                ],
            }
            for name, value in (("10", 1), ("9", 2), ("2026-Q1", 3), ("Z", 4), ("a", 5))
        ],
    }
    load(session, doc)
    (latest,) = score_relationships(session, reader=OPERATOR)
    assert latest.round == "a"
    assert latest.sides["kuusi"] is not None
    assert latest.sides["kuusi"].accessibility == 1.0


answers = st.dictionaries(
    st.sampled_from(["a1", "a2", "e1", "i1", "t1"]), st.integers(1, 5), min_size=0, max_size=5
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kuusi=st.lists(answers, max_size=3),
    pakkaus=st.lists(answers, max_size=3),
    third=st.lists(
        st.dictionaries(st.sampled_from(["i1", "t1"]), st.integers(1, 5), max_size=2), max_size=2
    ),
)
def test_any_set_of_answers_scores_as_the_formula_says(
    session: Session, kuusi: list[dict[str, int]], pakkaus: list[dict[str, int]], third: list
):
    responses = [
        {"side": side, "respondent": f"{side}-{n}", "answers": a}
        for side, group in (("kuusi", kuusi), ("pakkaus", pakkaus), ("third-party", third))
        for n, a in enumerate(group)
    ]
    assessment = {
        "round": "r",
        "instrument": "mini",
        "between": ["kuusi", "pakkaus"],
        "responses": responses,
    }
    if NetworkRepository(session).get_by_key("kuusi") is None:
        load(session, {"format": "winwin/1", "organizations": ORGS[:2], "instruments": [MINI]})
    doc = {"format": "winwin/1", "instruments": [MINI], "assessments": [assessment]}
    nested = session.begin_nested()
    try:
        load(session, {"format": "winwin/1", "assessments": [assessment]})
        (score,) = score_relationships(session, reader=OPERATOR)
        assert_same(score.as_dict(), oracle(doc, assessment))
        if score.score is not None:
            assert 0.0 <= score.score <= 100.0
    finally:
        nested.rollback()


def test_scores_stay_exact_when_row_ids_are_too_large_to_pack_into_one_number(session: Session):
    from sqlalchemy.orm import selectinload

    from winwin.db.models import Answer, Instrument, InstrumentItem, Response

    doc = document()
    load(session, doc)
    huge = 2_147_483_000  # near the top of a 32-bit id on both databases
    instrument = session.scalars(
        select(Instrument).where(Instrument.key == "mini").options(selectinload(Instrument.items))
    ).one()
    item = InstrumentItem(
        id=huge, instrument_id=instrument.id, item_key="a9", factor="accessibility"
    )
    session.add(item)
    session.flush()
    (latest,) = [
        s
        for s in score_relationships(session, reader=OPERATOR)
        if s.between == ("kuusi", "pakkaus")
    ]
    response = Response(
        id=huge, assessment_id=latest.assessment_id, side_org_id=None, respondent="big"
    )
    session.add(response)
    session.flush()
    session.add(Answer(response_id=huge, item_id=item.id, value=2))
    (impact,) = [i for i in instrument.items if i.item_key == "i1"]
    session.add(Answer(response_id=huge, item_id=impact.id, value=4))
    session.flush()
    # Rows written behind the services' back: bring the factor sums in step by hand.
    ScoreRepository(session).refresh_sums([latest.assessment_id])
    (again,) = [
        s
        for s in score_relationships(session, reader=OPERATOR)
        if s.between == ("kuusi", "pakkaus")
    ]
    assert again.sides == latest.sides
    assert again.outside_view is not None and again.outside_view.impact == 0.75
    assert again.respondents["third-party"] == 1


def test_refreshing_the_sums_in_many_small_chunks_gives_the_same_scores(
    session: Session, monkeypatch: pytest.MonkeyPatch
):
    from winwin.assessments import score_repository
    from winwin.db.models import Assessment

    load(session, document())
    whole = [s.as_dict() for s in score_relationships(session, reader=OPERATOR)]
    monkeypatch.setattr(score_repository, "_SUM_CHUNK", 1)
    ScoreRepository(session).refresh_sums(session.scalars(select(Assessment.id)).all())
    assert [s.as_dict() for s in score_relationships(session, reader=OPERATOR)] == whole
    detail = relationship_detail(session, between=("kuusi", "pakkaus"), reader=OPERATOR)
    assert [h.respondents for h in detail.history] == [
        {"kuusi": 2, "pakkaus": 1, "third-party": 1},
        {"kuusi": 1, "pakkaus": 1, "third-party": 0},
    ]


def test_the_best_step_for_the_relationship_is_the_lever_that_lifts_r_most(session: Session):
    load(session, document())
    (first,) = [
        s
        for s in score_relationships(session, round="2026-Q1", reader=OPERATOR)
        if s.between[0] == "kuusi"
    ]
    assert first.score is not None
    step = first.best_step()
    assert step is not None
    rises = {}
    for key in first.between:
        side = first.sides[key]
        other = first.sides[next(k for k in first.between if k != key)]
        assert side is not None and other is not None
        rises[key] = math.sqrt((side.score + side.gain) * other.score) - first.score
    key = max(rises, key=lambda k: rises[k])
    side = first.sides[key]
    assert side is not None
    assert step == (key, side.lever, pytest.approx(rises[key]))
    assert step[2] > 0
    (unscored,) = [
        s for s in score_relationships(session, reader=OPERATOR) if s.between == ("kemi", "lab")
    ]
    assert unscored.best_step() is None


def test_each_lever_carries_the_score_module_s_gain_in_s_and_the_rise_of_r(session: Session):
    load(session, document())
    for score in score_relationships(session, reader=OPERATOR):
        for key in score.between:
            side = score.sides[key]
            lever = score.lever_of(key)
            if side is None:
                assert lever is None
                continue
            assert lever is not None
            values = {f: side.value(f) for f in ("accessibility", "energy", "impact", "attraction")}
            again = side_score(values)  # the score module, from the factor values alone
            assert (lever.side, lever.factor) == (key, again.lever)
            assert lever.s_gain == pytest.approx(again.gain)
            other = score.sides[next(k for k in score.between if k != key)]
            if score.score is None or other is None:
                assert lever.r_gain is None
            else:
                expected = math.sqrt((again.score + again.gain) * other.score) - score.score
                assert lever.r_gain == pytest.approx(expected)
        main = score.main_lever()
        step = score.best_step()
        if step is not None:
            assert main is not None and (main.side, main.factor) == step[:2]
            assert main.r_gain == pytest.approx(step[2])
        elif any(score.sides.values()):
            assert main is not None and main.r_gain is None
        else:
            assert main is None
