"""Topic lists the sharing rules rely on, and the one way topics are compared."""

from __future__ import annotations

from collections.abc import Iterable

# Competing suppliers may not exchange these (competition law). A network document's
# ``competition_sensitive_topics`` replaces the list.
DEFAULT_SENSITIVE_TOPICS: tuple[str, ...] = (
    "bids",
    "capacity",
    "customers",
    "market-allocation",
    "prices",
    "pricing",
)


def normalize_topic(text: str) -> str:
    """The form a topic is stored, checked and matched in: case-folded, trimmed, with
    every run of white space collapsed to one space (``" Pricing  Model"`` is
    ``"pricing model"``). Items, agreements' secret topics and the competition-sensitive
    list all go through it, so ``Pricing`` meets the ``pricing`` guard.
    """
    return " ".join(text.split()).casefold()


def normalize_topics(texts: Iterable[str]) -> list[str]:
    """:func:`normalize_topic` of each, first occurrence kept, empty results dropped."""
    seen: dict[str, None] = {}
    for text in texts:
        topic = normalize_topic(text)
        if topic:
            seen.setdefault(topic, None)
    return list(seen)


__all__ = ["DEFAULT_SENSITIVE_TOPICS", "normalize_topic", "normalize_topics"]
