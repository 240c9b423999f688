"""The realised value is split in the agreed proportions: the parts add up to it, each
party keeps its agreed proportion, and without a positive agreed total there is none."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.initiatives.rules import final_split

amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
shares = st.dictionaries(st.text(min_size=1, max_size=5), amounts, min_size=1, max_size=6)


@settings(max_examples=200)
@given(shares, amounts)
def test_the_final_split_adds_up_to_the_realised_value_in_the_agreed_proportions(
    agreed: dict[str, float], realised: float
) -> None:
    total = sum(agreed.values())
    final = final_split(agreed, realised)
    if not total > 0:
        assert final is None
        return
    assert final is not None and set(final) == set(agreed)
    assert math.isclose(sum(final.values()), realised, rel_tol=1e-9, abs_tol=1e-6)
    for key, share in agreed.items():
        assert math.isclose(final[key] * total, share * realised, rel_tol=1e-9, abs_tol=1e-3)


def test_an_example_by_hand() -> None:
    assert final_split({"a": 20.0, "b": 30.0}, 40.0) == {"a": 16.0, "b": 24.0}
