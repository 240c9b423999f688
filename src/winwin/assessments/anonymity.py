"""Who may see a side's results: the anonymity rule of assessment rounds (pure).

A round has a minimum number of respondents per side (``min_respondents``): 3 unless
set otherwise when the round is opened; a *named round*, in which respondents agree to
be seen, may set 1. The rule:

- a side's factors (its A, E, I, T, S, lever, gain, alpha, interval and item analysis,
  and ``R``, which with the other side's ``S`` would give it away) are shown to a
  reader when the side has at least ``minimum`` respondents;
- below it, only the *trusted* readers of that side see them: the facilitators granted
  that side, platform admins and the command line (the operator, who holds the
  database). Everyone else, the side's own people included, sees "too few respondents
  to show without identifying them";
- the outside view (third parties' answers, which belong to no side) follows the same
  minimum: below it, only platform admins, the command line and the facilitators
  granted either side of the relationship see it (``may_show_outside``);
- who was invited and who answered (names, e-mails, answered or not) is shown only to
  the respondent's own organisation's admins, the facilitators granted that side,
  platform admins and the command line. A third party belongs to no side: they are
  shown to whoever may run the round, since those invited them.

Every read of a side (pages, REST, exports, reports) asks ``may_show_side``, or its
vectorised twin ``shown_sides`` for whole networks; the consistency tests prove that
the two agree and that every door follows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from winwin.assessments import refusals as refuse
from winwin.kernel.errors import InvalidInput

DEFAULT_MINIMUM = 3
NAMED_MINIMUM = 1
MAXIMUM = 1000
FIELD = "min_respondents"


@dataclass(frozen=True)
class Reader:
    """Who reads a round's results, as the anonymity rule sees them.

    ``facilitated``: the organisations a facilitator is granted; ``administered``: the
    organisation an organisation admin manages; ``operator``: the command line.
    """

    operator: bool = False
    platform_admin: bool = False
    facilitated: frozenset[int] = field(default_factory=frozenset)
    administered: frozenset[int] = field(default_factory=frozenset)


OPERATOR = Reader(operator=True)
NOBODY = Reader()


def is_trusted(reader: Reader, side_org_id: int) -> bool:
    """Whether the reader sees this side whatever its number of respondents."""
    return reader.operator or reader.platform_admin or side_org_id in reader.facilitated


def may_show_side(*, respondents: int, minimum: int, side_org_id: int, reader: Reader) -> bool:
    """Whether ``reader`` may see the factors of a side with ``respondents`` answers in a
    round whose minimum per side is ``minimum`` (``respondents >= minimum``, or a
    trusted reader of the side)."""
    return respondents >= minimum or is_trusted(reader, side_org_id)


def shown_sides(
    respondents: npt.NDArray[np.int64],
    minimums: npt.NDArray[np.int64],
    side_ids: npt.NDArray[np.int64],
    reader: Reader,
) -> npt.NDArray[np.bool_]:
    """``may_show_side`` for many rounds at once.

    ``respondents`` and ``side_ids`` are ``(n, 2)`` (the pair's two sides), ``minimums``
    is ``(n,)``; the result is an ``(n, 2)`` boolean mask.
    """
    enough = respondents >= minimums[:, None]
    if reader.operator or reader.platform_admin:
        return np.ones_like(enough, dtype=bool)
    if reader.facilitated:
        trusted = np.isin(side_ids, np.fromiter(reader.facilitated, dtype=np.int64))
        return np.asarray(enough | trusted, dtype=bool)
    return np.asarray(enough, dtype=bool)


def may_show_outside(
    *, respondents: int, minimum: int, pair: Iterable[int], reader: Reader
) -> bool:
    """Whether ``reader`` may see the outside view (third parties' answers) of a round
    with ``respondents`` third-party answers and ``minimum`` per side: enough of them, or
    a reader trusted with either side of ``pair``."""
    if respondents >= minimum or reader.operator or reader.platform_admin:
        return True
    return any(org in reader.facilitated for org in pair)


def shown_outside(
    respondents: npt.NDArray[np.int64],
    minimums: npt.NDArray[np.int64],
    side_ids: npt.NDArray[np.int64],
    reader: Reader,
) -> npt.NDArray[np.bool_]:
    """``may_show_outside`` for many rounds at once: ``respondents`` and ``minimums`` are
    ``(n,)``, ``side_ids`` ``(n, 2)``; the result is an ``(n,)`` boolean mask."""
    enough = respondents >= minimums
    if reader.operator or reader.platform_admin:
        return np.ones_like(enough, dtype=bool)
    if reader.facilitated:
        trusted = np.isin(side_ids, np.fromiter(reader.facilitated, dtype=np.int64)).any(axis=1)
        return np.asarray(enough | trusted, dtype=bool)
    return np.asarray(enough, dtype=bool)


def may_see_who_answered(
    *, side_org_id: int | None, reader: Reader, pair: Iterable[int], runs_round: bool
) -> bool:
    """Whether the reader may see who was invited for a side and who answered.

    A side's respondents: its organisation's admins, the facilitators granted it,
    platform admins, the command line. A third party (``side_org_id`` ``None``): whoever
    runs the round (``runs_round``) and the trusted readers of either side of ``pair``.
    """
    if reader.operator or reader.platform_admin:
        return True
    if side_org_id is None:
        return runs_round or any(org in reader.facilitated for org in pair)
    return side_org_id in reader.facilitated or side_org_id in reader.administered


def check_minimum(value: object, path: str = FIELD) -> int:
    """The minimum of respondents per side from a form, a document or an option.

    ``None`` or an empty text gives the default (3). A whole number from 1 to 1000
    (as a number or as digits) is accepted; anything else raises ``InvalidInput``
    naming ``path``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_MINIMUM
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip()
        number = int(digits) if len(digits) <= 7 else None
    if number is None:
        raise InvalidInput(refuse.MINIMUM_NUMBER(path, a=NAMED_MINIMUM, b=MAXIMUM))
    if not NAMED_MINIMUM <= number <= MAXIMUM:
        raise InvalidInput(refuse.MINIMUM_RANGE(path, a=NAMED_MINIMUM, b=MAXIMUM, n=number))
    return number


__all__ = [
    "DEFAULT_MINIMUM",
    "FIELD",
    "MAXIMUM",
    "NAMED_MINIMUM",
    "NOBODY",
    "OPERATOR",
    "Reader",
    "check_minimum",
    "is_trusted",
    "may_see_who_answered",
    "may_show_side",
    "shown_sides",
]
