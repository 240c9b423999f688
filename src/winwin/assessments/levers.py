"""The lever sentence's message ids, one table for the pages and the workshop report, so
that both say the same two numbers in the same words: who should act, the gain in its
own ``S`` and, where ``R`` exists, the rise of ``R`` (``scoring.Lever``)."""

from __future__ import annotations

from winwin.assessments.scoring import Lever


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; translated when shown."""
    return msgid


S_ONLY = {
    "accessibility": N_(
        "If %(org)s raised accessibility to the top, its own S would rise by %(s)s points"
    ),
    "energy": N_("If %(org)s raised energy to the top, its own S would rise by %(s)s points"),
    "impact": N_("If %(org)s raised impact to the top, its own S would rise by %(s)s points"),
    "attraction": N_(
        "If %(org)s raised attraction to the top, its own S would rise by %(s)s points"
    ),
}
S_AND_R = {
    "accessibility": N_(
        "If %(org)s raised accessibility to the top, its own S would rise by %(s)s points"
        " and R by %(r)s points"
    ),
    "energy": N_(
        "If %(org)s raised energy to the top, its own S would rise by %(s)s points"
        " and R by %(r)s points"
    ),
    "impact": N_(
        "If %(org)s raised impact to the top, its own S would rise by %(s)s points"
        " and R by %(r)s points"
    ),
    "attraction": N_(
        "If %(org)s raised attraction to the top, its own S would rise by %(s)s points"
        " and R by %(r)s points"
    ),
}


def lever_msgid(lever: Lever) -> str:
    """The message id of the lever's sentence: with the rise of R when R exists."""
    return (S_ONLY if lever.r_gain is None else S_AND_R)[lever.factor]
