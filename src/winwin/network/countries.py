"""ISO 3166-1 alpha-2 country codes and their names in a language, from Babel's CLDR data.

Babel's territory list also holds codes that ISO 3166-1 does not assign to a country
(regions, exceptionally reserved and private-use codes); they are left out, so the 249
officially assigned codes remain.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from winwin.kernel.errors import Problem
from winwin.network import refusals

# In CLDR's territory list but not officially assigned ISO 3166-1 alpha-2 codes.
NOT_ISO = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


@cache
def country_codes() -> frozenset[str]:
    """Every officially assigned ISO 3166-1 alpha-2 code (upper case)."""
    territories = Locale("en").territories
    return frozenset(
        code
        for code in territories
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in NOT_ISO
    )


def is_country(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code, exactly (upper case)."""
    return code in country_codes()


def country_problem(code: str, path: str = "country") -> Problem | None:
    """Why ``code`` is not a country code (a problem of the field ``path``), or None."""
    if is_country(code):
        return None
    return refusals.NOT_A_COUNTRY(path, value=code[:20])


@cache
def country_names(locale: str) -> tuple[tuple[str, str], ...]:
    """``(code, name)`` for every country, named and sorted in the language ``locale``."""
    territories = Locale.parse(locale).territories
    pairs = [(code, territories.get(code, code)) for code in country_codes()]
    return tuple(sorted(pairs, key=lambda pair: (pair[1].casefold(), pair[0])))
