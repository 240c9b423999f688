"""The built-in instruments ship with the package, measure all four factors, in two languages."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from winwin.assessments.score import FACTORS, normalise
from winwin.data import builtin_instrument_keys, get_builtin_instrument, load_builtin_instruments

KEY = re.compile(r"^[a-z0-9_-]{1,64}$")
INSTRUMENTS = {instrument["key"]: instrument for instrument in load_builtin_instruments()}


def test_the_contract_built_ins_are_present_and_sorted():
    keys = builtin_instrument_keys()
    assert {"customer-relationship", "learning-partnership"} <= set(keys)
    assert keys == sorted(keys)
    assert [i["key"] for i in load_builtin_instruments()] == keys


def test_a_built_in_is_found_by_key_and_an_unknown_key_is_not():
    instrument = get_builtin_instrument("learning-partnership")
    assert instrument is not None and instrument["key"] == "learning-partnership"
    assert get_builtin_instrument("no-such-instrument") is None


@pytest.mark.parametrize("key", sorted(INSTRUMENTS))
class TestEachBuiltIn:
    def test_has_a_valid_key_scale_and_bilingual_name(self, key):
        instrument = INSTRUMENTS[key]
        assert KEY.match(instrument["key"])
        scale = instrument["scale"]
        assert isinstance(scale, int) and not isinstance(scale, bool) and scale >= 2
        normalise(scale, scale=scale)
        assert instrument["name"]["en"].strip() and instrument["name"]["fi"].strip()
        assert instrument["name"]["en"] != instrument["name"]["fi"]

    def test_measures_every_factor_with_at_least_four_items(self, key):
        counts = Counter(item["factor"] for item in INSTRUMENTS[key]["items"])
        assert set(counts) == set(FACTORS)
        assert all(counts[f] >= 4 for f in FACTORS), counts

    def test_reverse_codes_at_least_one_item_per_factor(self, key):
        items = INSTRUMENTS[key]["items"]
        assert all(isinstance(item["reverse"], bool) for item in items)
        reversed_factors = {item["factor"] for item in items if item["reverse"]}
        assert reversed_factors == set(FACTORS)

    def test_item_ids_are_unique_valid_keys(self, key):
        ids = [item["id"] for item in INSTRUMENTS[key]["items"]]
        assert len(ids) == len(set(ids))
        assert all(KEY.match(item_id) for item_id in ids)

    def test_every_item_reads_in_english_and_finnish(self, key):
        for item in INSTRUMENTS[key]["items"]:
            en, fi = item["text"]["en"].strip(), item["text"]["fi"].strip()
            assert en and fi, item["id"]
            assert en != fi, item["id"]

    def test_no_two_items_say_the_same_thing(self, key):
        items = INSTRUMENTS[key]["items"]
        for language in ("en", "fi"):
            texts = [item["text"][language] for item in items]
            assert len(texts) == len(set(texts))
