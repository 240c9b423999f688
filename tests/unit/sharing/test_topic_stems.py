"""The competition guard in Finnish, Swedish and English: topics meet the default
sensitive list after Snowball stemming, in the pure policy (docs/security.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.sharing.audience import Audience, ItemPolicy, Network, Org, can_see
from winwin.sharing.topics import (
    DEFAULT_SENSITIVE_TOPICS,
    meeting,
    stems_of,
    topic_stems,
)

# Common inflected forms of every default word, as people write them as topics.
FORMS = {
    "prices": ["price", "prices", "Pricing", "priced", "PRICES"],
    "capacity": ["capacity", "capacities", "Capacity"],
    "bids": ["bid", "bids", "bidding", "tender", "tenders", "tendering"],
    "customers": ["customer", "customers", "market share", "Market Shares"],
    "future plans": ["future plans", "future plan"],
    "hinta": [
        "hinta",
        "Hinnat",
        "hinnan",
        "hintaa",
        "hintoja",
        "hintojen",
        "hinnoissa",
        "hinnoista",
        "hinnoittelu",
        "hinnoittelun",
        "hinnoittelua",
        "hinnoitteluun",
        "hinnoittelusta",
    ],
    "kapasiteetti": [
        "kapasiteetti",
        "kapasiteetin",
        "kapasiteettia",
        "kapasiteetista",
        "kapasiteetit",
    ],
    "tarjous": [
        "tarjous",
        "tarjouksen",
        "tarjoukset",
        "tarjouksia",
        "tarjousta",
        "tarjouksessa",
        "tarjouskilpailu",
        "tarjouskilpailun",
        "tarjouskilpailuja",
    ],
    "asiakas": [
        "asiakas",
        "asiakkaat",
        "asiakkaan",
        "asiakkaita",
        "asiakkaiden",
        "asiakasta",
        "markkinaosuus",
        "markkinaosuudet",
        "markkinaosuuden",
        "markkinaosuuksia",
        "markkinaosuutta",
    ],
    "suunnitelmat": [
        "tulevaisuuden suunnitelmat",
        "tulevaisuuden suunnitelma",
        "tulevaisuuden suunnitelmista",
    ],
    "pris": [
        "pris",
        "priser",
        "priset",
        "priserna",
        "prissättning",
        "prissättningen",
    ],
    "kapacitet": ["kapacitet", "kapaciteten"],
    "anbud": [
        "anbud",
        "anbudet",
        "anbuden",
        "offert",
        "offerter",
        "offerten",
        "upphandling",
        "upphandlingen",
        "upphandlingar",
    ],
    "kund": [
        "kund",
        "kunder",
        "kunden",
        "kunderna",
        "marknadsandel",
        "marknadsandelar",
        "marknadsandelen",
    ],
    "framtidsplaner": ["framtidsplan", "framtidsplaner", "framtidsplanerna"],
}
EVERY_FORM = [form for forms in FORMS.values() for form in forms]
SENSITIVE = stems_of(DEFAULT_SENSITIVE_TOPICS)


@pytest.mark.parametrize("form", EVERY_FORM)
def test_every_common_form_of_a_default_word_is_sensitive(form):
    assert meeting([form], SENSITIVE) == {form}


@pytest.mark.parametrize(
    "topic", ["barrier", "recipe", "coating", "board", "energy", "innovation", "paper"]
)
def test_ordinary_topics_are_not_sensitive(topic):
    assert not meeting([topic], SENSITIVE)


def test_stems_meet_only_in_their_own_language():
    keys = topic_stems("hinta")
    assert keys == {"hinta", "fi:hin", "sv:hint", "en:hinta"}
    # English "hint" stems to "en:hint", which no language's key of "hinta" is.
    assert "en:hint" in topic_stems("hint") and "en:hint" not in keys


@given(
    st.sampled_from(EVERY_FORM),
    st.text(alphabet=" \t\n", max_size=3),
    st.text(alphabet=" \t\n", max_size=3),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_case_and_spaces_never_change_the_stems(form, before, after, upper):
    written = before + (form.upper() if upper else form) + after
    assert topic_stems(written) == topic_stems(form)


ORGS = [Org("own", "FI", "forest"), Org("rival", "FI", "forest"), Org("friend", "SE", "food")]


@given(st.sampled_from(EVERY_FORM))
@settings(max_examples=60, deadline=None)
def test_an_item_on_an_inflected_sensitive_topic_never_reaches_a_competitor(form):
    item = ItemPolicy(key="i", owner="own", audience=Audience("network"), topics=frozenset({form}))
    network = Network.build(
        orgs=ORGS,
        competitors=[("own", "rival")],
        sensitive_topics=DEFAULT_SENSITIVE_TOPICS,
        items=[item],
    )
    decision = can_see(network, "rival", "i")
    assert not decision and "competition-sensitive" in decision.reason
    assert can_see(network, "friend", "i")
