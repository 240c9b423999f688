"""Amounts typed into the pages' forms read the same on every page."""

from __future__ import annotations

import pytest

from winwin.http.forms import typed_amount


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12000.50", 12000.5),
        ("12000,50", 12000.5),
        ("12 000,50", 12000.5),
        ("1 000 000", 1_000_000.0),
        ("0", 0.0),
        ("-3,5", -3.5),
        ("+40", 40.0),
    ],
)
def test_a_typed_amount_reads_with_a_decimal_comma_and_spaces(typed: str, read: float) -> None:
    assert typed_amount(typed) == read


@pytest.mark.parametrize("typed", ["", "twelve", "12,000.50", "1,2,3", "12 000 €"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        typed_amount(typed)
