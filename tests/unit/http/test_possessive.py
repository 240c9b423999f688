"""Company names as owners: the Finnish genitive and the English possessive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.http.i18n import possessive


@pytest.mark.parametrize(
    ("name", "finnish", "english"),
    [
        ("Kuusi Paper Oy", "Kuusi Paper Oy:n", "Kuusi Paper Oy's"),
        ("Koivu Sellu", "Koivu Sellun", "Koivu Sellu's"),
        ("Metsä Board", "Metsä Boardin", "Metsä Board's"),
        ("Gran Kartong AB", "Gran Kartong AB:n", "Gran Kartong AB's"),
        ("Weber Maschinenbau GmbH", "Weber Maschinenbau GmbH:n", "Weber Maschinenbau GmbH's"),
        ("Studio 54", "Studio 54:n", "Studio 54's"),
        ("Pakkaus-Aalto Oy", "Pakkaus-Aalto Oy:n", "Pakkaus-Aalto Oy's"),
        ("Tall Bruk AB", "Tall Bruk AB:n", "Tall Bruk AB's"),
        ("Siemens", "Siemensin", "Siemens'"),
    ],
)
def test_company_names_as_owners(name: str, finnish: str, english: str) -> None:
    assert possessive(name, "fi") == finnish
    assert possessive(name, "en") == english


names = st.text(st.characters(categories=("L", "N", "Zs", "Pd")), min_size=1, max_size=40)


@given(names, st.sampled_from(["fi", "en"]))
def test_the_name_is_kept_whole_and_only_an_ending_is_added(name: str, locale: str) -> None:
    shown = possessive(name, locale)
    stripped = name.strip()
    assert shown.startswith(stripped)
    ending = shown[len(stripped) :]
    allowed = {"fi": {"", ":n", "n", "in"}, "en": {"", "'s", "'"}}[locale]
    assert ending in allowed
    assert (ending == "") == (stripped == "")
