"""Link tokens are pasted on command lines, so none may look like an option."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from winwin.accounts import credentials


def test_a_token_that_would_start_with_a_dash_is_drawn_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draws: Iterator[str] = iter(["-first", "--second", "third-"])
    monkeypatch.setattr(credentials.secrets, "token_urlsafe", lambda _n: next(draws))
    assert credentials.new_token() == "third-"
    assert next(draws, None) is None


def test_the_prefix_goes_before_the_random_part(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["-x", "y"])
    monkeypatch.setattr(credentials.secrets, "token_urlsafe", lambda _n: next(draws))
    assert credentials.new_token("ww_") == "ww_y"


def test_real_tokens_never_start_with_a_dash() -> None:
    assert not any(credentials.new_token().startswith("-") for _ in range(2000))
