"""The refusals of the assessment rounds that pages say in the reader's language."""

from __future__ import annotations

from winwin.kernel.errors import Refusal

NO_TIE = Refusal(
    "rounds.no_tie",
    "'%(a)s' and '%(b)s' have no tie; a round needs a supplier or partner tie between "
    "the two organisations",
)
NOT_OWN_SIDE = Refusal(
    "rounds.not_own_side",
    "you may invite only your own organisation's people, not those of '%(side)s'",
)
