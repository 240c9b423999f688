"""The refusals and warnings of joint initiatives that carry a stable code (see
``kernel.errors``); pages say them in their language by code and values."""

from __future__ import annotations

from winwin.kernel.errors import Refusal

COMPETITORS_ON_SENSITIVE = Refusal(
    "initiatives.competitors_on_sensitive",
    "%(first)s and %(second)s compete with each other, and the initiative speaks of "
    "'%(topic)s': leave one of them out or take '%(topic)s' out of the title and goal",
)
COMPETITORS_TOGETHER = Refusal(
    "initiatives.competitors_together",
    "%(first)s and %(second)s compete with each other: keep prices, capacity, bids, "
    "customers and future plans out of this initiative",
)
HELD = Refusal(
    "initiatives.held",
    "This initiative is hidden from %(parties)s: its title or goal speaks of '%(topic)s' "
    "and they compete with another party",
)
