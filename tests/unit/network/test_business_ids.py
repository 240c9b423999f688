"""Business IDs: the Y-tunnus check digit and the EU VAT formats."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from winwin.network.business_ids import (
    VAT_FORMATS,
    BadBusinessId,
    is_y_tunnus,
    normalise_business_id,
)
from winwin.network.countries import country_codes, country_names, country_problem

seven_digits = st.text(alphabet="0123456789", min_size=7, max_size=7)


def check_digit_by_hand(digits: str) -> int | None:
    """The published rule, written out again: weights 7 9 10 5 8 4 2, modulo 11."""
    total = 0
    for digit, weight in zip(digits, [7, 9, 10, 5, 8, 4, 2], strict=True):
        total += int(digit) * weight
    remainder = total % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


@settings(max_examples=300, deadline=None)
@given(seven_digits)
def test_every_y_tunnus_with_its_check_digit_is_accepted(digits: str) -> None:
    check = check_digit_by_hand(digits)
    if check is None:
        for c in range(10):
            with pytest.raises(BadBusinessId):
                normalise_business_id(f"{digits}-{c}")
        return
    text = f"{digits}-{check}"
    assert normalise_business_id(text) == text
    assert normalise_business_id(f" {digits[:3]} {digits[3:]}-{check} ", "FI") == text
    assert is_y_tunnus(text)


@settings(max_examples=300, deadline=None)
@given(seven_digits, st.integers(min_value=0, max_value=7), st.integers(1, 9))
def test_changing_any_one_digit_of_a_y_tunnus_is_refused(
    digits: str, position: int, shift: int
) -> None:
    check = check_digit_by_hand(digits)
    assume(check is not None)
    chars = list(f"{digits}{check}")
    chars[position] = str((int(chars[position]) + shift) % 10)
    mutated = f"{''.join(chars[:7])}-{chars[7]}"
    with pytest.raises(BadBusinessId, match="check digit"):
        normalise_business_id(mutated)
    assert not is_y_tunnus(mutated)


def test_a_finnish_vat_number_is_stored_as_its_y_tunnus() -> None:
    assert normalise_business_id("FI01120389") == "0112038-9"
    assert normalise_business_id("fi 0112 0389", "FI") == "0112038-9"
    with pytest.raises(BadBusinessId):
        normalise_business_id("FI01120388")


@pytest.mark.parametrize(
    ("text", "country", "stored"),
    [
        ("SE556677889901", "SE", "SE556677889901"),
        ("DE 123456789", "DE", "DE123456789"),
        ("EL123456789", "GR", "EL123456789"),
        ("NL123456789B01", None, "NL123456789B01"),
        ("FRXX123456789", "FR", "FRXX123456789"),
        ("ATU12345678", "AT", "ATU12345678"),
        ("IE1234567WA", "IE", "IE1234567WA"),
        ("BE0123456789", "BE", "BE0123456789"),
        ("es-x1234567-z", "ES", "ESX1234567Z"),
    ],
)
def test_eu_vat_numbers_in_their_national_format(
    text: str, country: str | None, stored: str
) -> None:
    assert normalise_business_id(text, country) == stored


@pytest.mark.parametrize(
    ("text", "country", "why"),
    [
        ("SE5566778899", "SE", "format of SE"),  # Swedish numbers end in 01
        ("DE12345678", None, "format of DE"),
        ("NL123456789X01", None, "format of NL"),
        ("ATX12345678", None, "format of AT"),
        ("SE556677889901", "FI", "country is FI"),
        ("GB123456789", None, "neither"),
        ("XX1", None, "neither"),
        ("1234567", None, "neither"),
        ("", None, "empty"),
    ],
)
def test_other_texts_are_refused_with_the_reason(text: str, country: str | None, why: str) -> None:
    with pytest.raises(BadBusinessId, match=why):
        normalise_business_id(text, country)


def test_every_eu_member_state_has_a_vat_format() -> None:
    members = {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }  # fmt: skip
    assert set(VAT_FORMATS) == members


def test_country_codes_are_the_assigned_iso_3166_codes() -> None:
    codes = country_codes()
    assert len(codes) == 249
    assert {"FI", "SE", "AX", "GR", "GB"} <= codes
    for bad in ("XX", "SU", "EU", "UN", "ZZ", "XK", "fi", "FIN", ""):
        assert country_problem(bad) is not None, bad
    assert country_problem("FI") is None


def test_country_names_follow_the_language() -> None:
    fi = dict(country_names("fi"))
    en = dict(country_names("en"))
    assert fi["SE"] == "Ruotsi" and en["SE"] == "Sweden"
    assert set(fi) == set(en) == set(country_codes())
    names = [name for _, name in country_names("en")]
    assert names == sorted(names, key=str.casefold)
