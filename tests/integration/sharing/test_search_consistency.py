"""Search is the feed with a text filter: it can never show what ``can_see`` refuses.

On seeded random networks, imported on SQLite and on PostgreSQL, for every reader and a
random search word, the results are exactly the reader's feed items whose title, body or
effective topics contain the word, in feed order.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from integration.sharing.sharing_random import random_document
from support.document_model import model_network, shown_text
from winwin.kernel.errors import InvalidInput
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import audience as policy
from winwin.sharing import feed
from winwin.sharing.items import ItemRepository, like_literal

WORDS = [
    "item",
    "ITEM 1",
    "1",
    "body of **",
    "<script>",
    "alert(",
    "recipe",
    "PRICING",
    "ener",
    "for",
    "%",
    "_",
    "/",
    "nothing-like-this",
]


def contains(text: tuple[str, str], topics: frozenset[str], word: str) -> bool:
    needle = word.strip().lower()
    haystack = [*text, *topics]
    return any(needle in text.lower() for text in haystack)


def assert_search_matches_feed(session: Session, doc: dict[str, Any], word: str) -> int:
    """The expected results come from the document (never from the stored rows)."""
    network = model_network(doc)
    texts = {
        i["key"]: shown_text({j["key"]: j for j in doc["items"]}, i["key"]) for i in doc["items"]
    }
    repo = ItemRepository(session)
    rows = {row["id"]: row for row in repo.rows()}
    found = 0
    for reader in [None, *sorted(network.orgs)]:
        viewer = None if reader is None else repo.viewer(reader)
        assert reader is None or viewer is not None, f"{reader} was not stored"
        in_feed = repo.visible_to(viewer, limit=None)
        assert {rows[i]["key"] for i in in_feed} == set(policy.visible_items(network, reader))
        expected = [
            rows[i]["key"]
            for i in in_feed
            if contains(
                texts[rows[i]["key"]], policy.effective_topics(network, rows[i]["key"]), word
            )
        ]
        results = [e.key for e in feed.search_items(session, viewer=viewer, text=word, limit=1000)]
        assert results == expected, f"reader {reader}, word {word!r}"
        for key in results:
            assert policy.can_see(network, reader, key).visible, f"{reader} sees {key}"
        found += len(results)
    return found


@pytest.mark.parametrize("seed", range(6))
def test_search_finds_exactly_the_feed_items_holding_each_word(session: Session, seed: int) -> None:
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    found = sum(assert_search_matches_feed(session, doc, word) for word in WORDS)
    assert found > 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    orgs=st.integers(3, 8),
    word=st.one_of(
        st.sampled_from(WORDS),
        st.text(alphabet="iItemBody 0123%_/*<>(pricng", min_size=1, max_size=4).filter(
            lambda w: w.strip() != ""
        ),
    ),
)
def test_search_never_leaves_the_feed_on_any_generated_network(
    session: Session, seed: int, orgs: int, word: str
) -> None:
    # Each example runs inside a savepoint that is rolled back, so examples never meet.
    nested = session.begin_nested()
    try:
        doc = random_document(seed, orgs=orgs, candidates=20)
        import_network(session, parse_document(doc))
        assert_search_matches_feed(session, doc, word)
    finally:
        nested.rollback()


BASE: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi", "country": "FI"},
        {"key": "lab", "name": "Lab", "country": "FI"},
        {"key": "gran", "name": "Gran", "country": "SE"},
    ],
    "ties": [
        {"kind": "partners", "from": "kuusi", "to": "lab"},
        {"kind": "supplies", "from": "kuusi", "to": "gran"},
    ],
    "competitors": [["gran", "kuusi"]],
    "circles": [],
    "agreements": [],
    "competition_sensitive_topics": ["pricing"],
}


def load(session: Session, *items: dict[str, Any]) -> None:
    import_network(session, parse_document({**BASE, "items": list(items)}))


def item(key: str, title: str, level: str = "network", **extra: Any) -> dict[str, Any]:
    return {"key": key, "owner": "kuusi", "title": title, "audience": {"level": level}, **extra}


def found(session: Session, reader: str | None, text: str) -> list[str]:
    viewer = None if reader is None else ItemRepository(session).viewer(reader)
    return [e.key for e in feed.search_items(session, viewer=viewer, text=text)]


def test_percent_underscore_and_the_escape_character_match_literally(session: Session) -> None:
    load(
        session,
        item("pct", "50% off"),
        item("num", "500 off"),
        item("under", "a_b"),
        item("x", "axb"),
        item("slash", "a/b"),
    )
    assert found(session, "lab", "%") == ["pct"]
    assert found(session, "lab", "50%") == ["pct"]
    assert found(session, "lab", "_") == ["under"]
    assert found(session, "lab", "a_b") == ["under"]
    assert found(session, "lab", "/") == ["slash"]
    assert found(session, "lab", "a/b") == ["slash"]
    assert found(session, "lab", "//") == []
    assert found(session, "lab", "/%") == []


def test_a_competitor_never_finds_an_item_hidden_from_it(session: Session) -> None:
    load(
        session,
        item("plan", "Pricing plan 2027", level="partners", exclude=["competitors"]),
        item("open", "Pricing of energy, openly", level="public"),
    )
    assert found(session, "lab", "pricing") == ["open", "plan"]
    assert found(session, "gran", "pricing") == ["open"]
    assert found(session, "gran", "plan 2027") == []
    assert found(session, None, "pricing") == ["open"]


def test_search_matches_topics_and_ignores_case(session: Session) -> None:
    load(
        session,
        item("t", "Wood chips", topics=["Bioenergy"]),
        item("b", "Other", body="About BIOENERGY in the body"),
        item("n", "Nothing here"),
    )
    assert found(session, "lab", "bioenergy") == ["b", "t"]
    assert found(session, "lab", "  WOOD ") == ["t"]


def test_a_reshare_is_found_by_the_topics_it_inherits(session: Session) -> None:
    load(
        session,
        item("orig", "Original", topics=["sawdust"]),
        {
            "key": "re",
            "owner": "lab",
            "title": "Look at this",
            "reshare_of": "orig",
            "audience": {"level": "network"},
        },
    )
    assert found(session, "kuusi", "sawdust") == ["re", "orig"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 201, "a\x00b"])
def test_empty_too_long_or_nul_search_text_is_refused_naming_q(session: Session, text: str) -> None:
    load(session, item("i", "Anything"))
    with pytest.raises(InvalidInput) as refused:
        found(session, "lab", text)
    assert [p.path for p in refused.value.problems] == ["q"]


def test_like_literal_escapes_wildcards_and_the_escape_character() -> None:
    assert like_literal("A%b_C/d") == "a/%b/_c//d"
