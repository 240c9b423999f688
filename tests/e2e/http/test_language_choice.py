"""Which language a page speaks: the user's choice, else Accept-Language, else Finnish."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.http.i18n import LOCALES, choose_locale, negotiate

tags = st.sampled_from(["fi", "en", "sv", "de", "fi-FI", "en-GB", "EN-us", "*", "", "x-y"])
weights = st.one_of(st.none(), st.sampled_from(["1", "0.9", "0.5", "0.1", "0", "bad"]))
entries = st.lists(st.tuples(tags, weights), max_size=5)


def expected_locale(parts: list[tuple[str, str | None]]) -> str | None:
    """The rule, from the parts themselves: of the entries naming fi or en (any region,
    any case) with a weight above 0 (none means 1, an unreadable one 0), the heaviest;
    the earliest among equals."""
    best: tuple[float, str] | None = None
    for tag, weight in parts:
        quality = 1.0 if weight is None else (0.0 if weight == "bad" else float(weight))
        language = tag.lower().split("-")[0]
        if quality > 0 and language in ("fi", "en") and (best is None or quality > best[0]):
            best = (quality, language)
    return None if best is None else best[1]


def header_of(parts: list[tuple[str, str | None]]) -> str:
    return ", ".join(tag if weight is None else f"{tag};q={weight}" for tag, weight in parts)


@given(entries)
def test_negotiation_answers_one_of_our_languages_or_nothing(parts):
    assert negotiate(header_of(parts)) in (*LOCALES, None)
    assert negotiate(header_of(parts)) == expected_locale(parts)


@given(entries, st.sampled_from(LOCALES))
def test_a_users_choice_always_wins_over_the_browser(parts, chosen):
    header = header_of(parts)
    assert choose_locale(user_locale=chosen, cookie_locale=None, accept_language=header) == chosen
    assert choose_locale(user_locale=None, cookie_locale=chosen, accept_language=header) == chosen


@given(entries)
def test_without_any_choice_the_page_is_finnish_unless_the_browser_prefers_english(parts):
    header = header_of(parts)
    chosen = choose_locale(user_locale=None, cookie_locale=None, accept_language=header)
    assert chosen == (expected_locale(parts) or "fi")


def test_the_highest_weight_wins_and_order_breaks_ties():
    assert negotiate("fi;q=0.4, en;q=0.8") == "en"
    assert negotiate("en, fi") == "en"
    assert negotiate("sv, fi-FI;q=0.9, en;q=0.9") == "fi"
    assert negotiate("en;q=0, fi;q=0") is None
