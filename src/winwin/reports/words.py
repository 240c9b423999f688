"""The words of a report: the messages marked for translation (``N_``), translated into
the report's language, and its number formats.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from winwin.http.i18n import LOCALES, translate
from winwin.kernel.errors import InvalidInput, Problem


def N_(msgid: str) -> str:
    """Marks a message for translation; it is translated into the report's language."""
    return msgid


FACTOR_LABELS = {
    "accessibility": N_("Accessibility"),
    "energy": N_("Energy"),
    "impact": N_("Impact"),
    "attraction": N_("Attraction"),
}
STATUS_LABELS = {
    "planned": N_("planned"),
    "doing": N_("doing"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}
DASH = "–"


class Words:
    """Translation and number formats of one language."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, msgid: str, **values: Any) -> str:
        # Always formatted, so that "%%" becomes "%" in messages without placeholders too.
        return translate(self.locale, msgid) % values

    def number(self, value: float | None, pattern: str = "0.0") -> str:
        return DASH if value is None else format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None) -> str:
        return DASH if value is None else f"{self.number(value * 100, '0')} %"

    def interval(self, ci: tuple[float, float] | None, *, scale: float = 1.0) -> str:
        if ci is None:
            return DASH
        pattern = "0" if scale != 1.0 else "0.0"
        low, high = self.number(ci[0] * scale, pattern), self.number(ci[1] * scale, pattern)
        return f"{low}–{high}"

    def low_n(self, count: int) -> str | None:
        if 1 <= count <= 2:
            return self(N_("indicative only"))
        if 3 <= count <= 5:
            return self(N_("few respondents"))
        return None


def check_locale(locale: object) -> str:
    if locale not in LOCALES:
        raise InvalidInput(Problem("lang", f"must be one of {', '.join(LOCALES)}"))
    return str(locale)
