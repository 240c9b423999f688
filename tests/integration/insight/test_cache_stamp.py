"""Every cache of whole-network results (natural pairs, clusters, the map) is keyed by
the one graph version stamp, so each kind of write they read must give a new stamp, and
whatever the writes, a cached answer equals a fresh computation (both databases)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, operator
from winwin.insight import service as insight
from winwin.network import graph_stamp, tie_sharing, ties
from winwin.network.document import parse_document
from winwin.network.io import import_network

KEYS = ("a", "b", "c", "d")
WORDS = ("board", "pulp", "logistics", "design")
DOC = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A", "roles": ["supplier"], "capabilities": ["board"],
         "needs": ["pulp"], "values": ["circular"]},
        {"key": "b", "name": "B", "roles": ["customer"], "capabilities": ["pulp"],
         "needs": ["board"], "values": ["circular"]},
        {"key": "c", "name": "C", "roles": ["supplier", "customer"],
         "capabilities": ["logistics"], "needs": ["design"]},
        {"key": "d", "name": "D", "roles": ["customer"], "capabilities": ["design"],
         "needs": ["logistics", "board"]},
    ],
    "ties": [{"kind": "partners", "from": "a", "to": "c"}],
}  # fmt: skip
ADMIN = Actor(user_id=0, email="admin@example.com", name="Admin", org_id=None,
              role="platform_admin")  # fmt: skip

Write = Callable[[Session], object]


def _org_id(session: Session, key: str) -> int:
    found = insight.InsightRepository(session).org_id(key)
    assert found is not None
    return found


def _profile(field: str, words: list[str], key: str = "a") -> Write:
    def write(session: Session) -> object:
        change = accounts.ProfileChange(**{field: words})
        return accounts.update_profile(session, ADMIN, org_id=_org_id(session, key), change=change)

    return write


def _tie(by: str, other: str, kind: str = "supplies") -> Write:
    def write(session: Session) -> object:
        ties.propose_tie(session, operator(), by=by, other=other, kind=kind)
        return ties.answer_tie(session, operator(), by=other, other=by, accept=True)

    return write


WRITES: dict[str, Write] = {
    "capabilities": _profile("capabilities", ["design", "pulp"]),
    "needs": _profile("needs", ["logistics"]),
    "roles": _profile("roles", ["customer"]),
    "values": _profile("values", ["local"]),
    "cluster": lambda s: accounts.update_profile(
        s, ADMIN, org_id=_org_id(s, "b"), change=accounts.ProfileChange(cluster="forest")
    ),
    "tie accepted": _tie("b", "d"),
    "tie ended": lambda s: ties.end_tie(s, operator(), by="a", other="c"),
    "competitor declared": lambda s: ties.declare_competitor(s, operator(), by="a", other="b"),
    "competitor withdrawn": lambda s: ties.withdraw_competitor(s, operator(), by="a", other="b"),
    "sharing default": lambda s: tie_sharing.set_sharing(
        s, org="a", level="hidden", actor=operator()
    ),
    "sharing for a partner": lambda s: tie_sharing.set_sharing(
        s, org="a", partner="c", level="all", actor=operator()
    ),
    "organisation added": lambda s: import_network(
        s, parse_document({"format": "winwin/1", "organizations": [{"key": "e", "name": "E"}]})
    ),
}


def test_each_kind_of_write_the_caches_read_gives_a_new_stamp(session: Session) -> None:
    import_network(session, parse_document(DOC))
    session.flush()
    seen = {graph_stamp.current(session)}
    for name, write in WRITES.items():
        write(session)
        session.flush()
        now = graph_stamp.current(session)
        assert now not in seen, f"{name} left the stamp as it was"
        seen.add(now)
    # A proposal alone changes nothing the caches read.
    ties.propose_tie(session, operator(), by="c", other="d", kind="supplies")
    session.flush()
    assert graph_stamp.current(session) in seen


def _answers(session: Session) -> tuple[object, object, object]:
    pairing = insight.solve_pairing(session, explain=True)
    clusters = insight.find_clusters(session, seed=1, brokers=2)
    recommended = [insight.recommend_partners(session, org=key, actor=operator()) for key in KEYS]
    return pairing, clusters, recommended


def _fresh(session: Session) -> tuple[object, object, object]:
    insight._SOLVED.items.clear()
    insight._CLUSTERS.items.clear()
    insight._RECOMMENDERS.items.clear()
    insight._RECOMMENDED.items.clear()
    return _answers(session)


def _random_write(kind: str, x: str, y: str, words: list[str]) -> Write:
    def write(session: Session) -> object:
        if kind == "profile":
            field = words[0]
            return _profile(field, words[1:], key=x)(session)
        if x == y:
            return None
        if kind == "tie":
            proposal = ties.propose_tie(session, operator(), by=x, other=y, kind="supplies")
            if proposal.get("state") == "accepted":
                return proposal
            return ties.answer_tie(session, operator(), by=y, other=x, accept=True)
        if kind == "end":
            return ties.end_tie(session, operator(), by=x, other=y)
        if kind == "competitor":
            return ties.declare_competitor(session, operator(), by=x, other=y)
        return ties.withdraw_competitor(session, operator(), by=x, other=y)

    return write


FIELDS = st.sampled_from(["capabilities", "needs", "values", "roles"])
A_WRITE = st.builds(
    _random_write,
    st.sampled_from(["profile", "tie", "end", "competitor", "withdraw"]),
    st.sampled_from(KEYS),
    st.sampled_from(KEYS),
    st.tuples(FIELDS, st.lists(st.sampled_from(WORDS), max_size=3)).map(
        lambda t: [t[0], *(["supplier", "customer"][: len(t[1]) % 3] if t[0] == "roles" else t[1])]
    ),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(A_WRITE, min_size=1, max_size=6))
def test_after_any_writes_the_cached_answers_are_fresh(
    session: Session, writes: list[Write]
) -> None:
    nested = session.begin_nested()
    try:
        import_network(session, parse_document(DOC))
        session.flush()
        _answers(session)  # warm the caches
        for write in writes:
            nested_write = session.begin_nested()
            try:
                write(session)
                session.flush()
            except Exception as exc:  # a refused write (no such tie, not declared) is no write
                if type(exc).__module__.startswith("winwin"):
                    nested_write.rollback()
                    continue
                raise
            nested_write.commit()
            cached = _answers(session)
            assert cached == _fresh(session)
    finally:
        nested.rollback()
