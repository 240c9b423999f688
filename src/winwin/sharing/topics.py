"""Topic lists the sharing rules rely on."""

from __future__ import annotations

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
