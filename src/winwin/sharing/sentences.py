"""The composer's sentence: who an item would reach, in words.

Pure: the counts come from ``sharing.audience.describe_reach`` and the plural forms from
the caller (the page's ``ngettext``; English by default, for the REST API and the CLI).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Plural = Callable[[str, str, int], str]


def _english(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def reach_sentence(
    counts: dict[str, Any],
    *,
    level: str,
    ngettext: Plural = _english,
    country_name: Callable[[str], str] = str,
) -> str:
    """One sentence such as "12 partners, except 2 competitors and 1 in Sweden".

    ``ngettext(singular, plural, n)`` returns the (translated) form with ``%(num)d`` and
    other placeholders; ``country_name`` names a country code.
    """
    others = int(counts["total"]) - 1
    if level == "secret" or (others <= 0 and not counts["anonymous"]):
        head = ngettext("Only your organisation", "Only your organisation", 1) % {"num": 1}
    elif counts["anonymous"]:
        head = ngettext(
            "Everyone, including anonymous readers and %(num)d organisation",
            "Everyone, including anonymous readers and %(num)d organisations",
            others,
        ) % {"num": others}
    elif level == "partners":
        head = ngettext("%(num)d partner", "%(num)d partners", others) % {"num": others}
    elif level == "direct":
        head = ngettext("%(num)d named partner", "%(num)d named partners", others) % {"num": others}
    elif level == "circle":
        head = ngettext("%(num)d circle member", "%(num)d circle members", others) % {"num": others}
    else:
        head = ngettext("%(num)d organisation", "%(num)d organisations", others) % {"num": others}
    parts: list[str] = []

    def add(singular: str, plural: str, n: int, **values: str) -> None:
        if n:
            parts.append(ngettext(singular, plural, n) % {"num": n, **values})

    add("%(num)d competitor", "%(num)d competitors", int(counts["excluded_competitors"]))
    add("%(num)d named organisation", "%(num)d named organisations", int(counts["excluded_orgs"]))
    for code, n in sorted(counts["excluded_by_country"].items()):
        add("%(num)d in %(place)s", "%(num)d in %(place)s", int(n), place=country_name(code))
    for name, n in sorted(counts["excluded_by_cluster"].items()):
        add(
            "%(num)d in cluster %(place)s",
            "%(num)d in cluster %(place)s",
            int(n),
            place=name,
        )
    add(
        "%(num)d kept out by an agreement",
        "%(num)d kept out by an agreement",
        int(counts["held_by_agreement"]),
    )
    add(
        "%(num)d who cannot see the original",
        "%(num)d who cannot see the original",
        int(counts["limited_by_original"]),
    )
    if not parts:
        return head
    last = ngettext("%(rest)s and %(last)s", "%(rest)s and %(last)s", 1)
    joined = (
        parts[0] if len(parts) == 1 else last % {"rest": ", ".join(parts[:-1]), "last": parts[-1]}
    )
    return head + ngettext(", except %(rest)s", ", except %(rest)s", 1) % {"rest": joined}
