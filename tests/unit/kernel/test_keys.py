"""One rule for keys and addresses (``kernel.keys``): the whole text must match."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.kernel.keys import email_key, is_email, is_key

KEY_ALPHABET = string.ascii_lowercase + string.digits + "-_"


@given(st.text(alphabet=KEY_ALPHABET, min_size=1, max_size=64))
def test_every_text_of_the_key_alphabet_up_to_64_is_a_key(text: str) -> None:
    assert is_key(text)


@given(st.text(max_size=80))
def test_a_key_is_exactly_1_to_64_characters_of_its_alphabet(text: str) -> None:
    assert is_key(text) == (1 <= len(text) <= 64 and all(c in KEY_ALPHABET for c in text))


@pytest.mark.parametrize(
    "hostile", ["kuusi\n", "kuusi\r\n", "\nkuusi", "kuu si", "Kuusi", "", "k" * 65, None, 5]
)
def test_hostile_keys_are_refused(hostile: object) -> None:
    assert not is_key(hostile)


@pytest.mark.parametrize(
    "hostile",
    ["anna@example.fi\n", "anna@example", "anna @example.fi", "@example.fi", "a@b@c.fi", None],
)
def test_hostile_addresses_are_refused(hostile: object) -> None:
    assert not is_email(hostile)


def test_an_address_is_plausible_up_to_320_characters() -> None:
    assert is_email("anna@example.fi")
    assert is_email("a" * 300 + "@example.fi")
    assert not is_email("a" * 310 + "@example.fi")


@given(st.emails())
def test_an_address_is_stored_trimmed_and_in_lower_case(address: str) -> None:
    stored = email_key(f"  {address.upper()} ")
    assert stored == address.lower().strip()
    assert email_key(stored) == stored
