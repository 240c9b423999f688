"""How the assessment pages word factors, levers and the fields of a refusal.

The translation tables of the answer form, the relationship pages and the instrument
form, in the page's language (``http.i18n``): the four factors, a lever as a sentence and
as labelled numbers, and the form label of each field a service names in a problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from babel.numbers import format_decimal

from winwin.assessments import levers, scoring
from winwin.http.i18n import babel_locale, pgettext
from winwin.http.i18n import gettext as _
from winwin.kernel.errors import WinwinError


def factor_label(factor: str) -> str:
    return {
        "accessibility": _("Accessibility"),
        "energy": _("Energy"),
        "impact": _("Impact"),
        "attraction": _("Attraction"),
    }[factor]


def lever_sentence(lever: scoring.Lever, names: Mapping[str, str]) -> str:
    """Who should act and what it would bring, with both numbers labelled: the side's
    gain in its own S and the rise of R (when R exists), in the page's language."""
    org = names.get(lever.side, lever.side)
    s_gain = format_decimal(lever.s_gain, format="0.0", locale=babel_locale())
    r_gain = (
        None
        if lever.r_gain is None
        else format_decimal(lever.r_gain, format="0.0", locale=babel_locale())
    )
    return _(levers.lever_msgid(lever)) % {"org": org, "s": s_gain, "r": r_gain}


def lever_gains(lever: scoring.Lever) -> str:
    """A lever's two numbers, labelled, for tables: ``S +24.4 · R +9.0`` (R when it exists)."""
    s_gain = format_decimal(lever.s_gain, format="0.0", locale=babel_locale())
    if lever.r_gain is None:
        return f"S +{s_gain}"
    r_gain = format_decimal(lever.r_gain, format="0.0", locale=babel_locale())
    return f"S +{s_gain} · R +{r_gain}"


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; translated when shown."""
    return msgid


class FieldLabels(Mapping[str, str]):
    """Form labels for the fields the services name, looked up in the page's language."""

    LABELS = {
        "between[0]": N_("Partner organisation (key)"),
        "between[1]": N_("Partner organisation (key)"),
        "between": N_("Partner organisation (key)"),
        "round": N_("Round"),
        "instrument": N_("Instrument"),
        "min_respondents": N_("Fewest respondents per side"),
        "invitees[0].side": N_("Answers for"),
        "invitees[0].email": N_("Email (optional)"),
        "invitees[0].name": N_("Name"),
        "invitees[0].respondent": N_("Name"),
        "name.fi": N_("Name in Finnish"),
        "name.en": N_("Name in English"),
        "scale": N_("Scale (highest answer)"),
        "items": N_("Statements"),
    }

    def __getitem__(self, path: str) -> str:
        if path in self.LABELS:
            return _(self.LABELS[path])
        if path == "key":
            # An instrument's key is a *tunnus* in Finnish; a circle's is an *avain*.
            return pgettext("instrument", "Key")
        match = re.match(r"^items\[(\d+)\](.*)$", path)
        if match:
            label = _("Statement %(n)s") % {"n": int(match.group(1)) + 1}
            part = {".text.fi": _("In Finnish"), ".text.en": _("In English")}.get(
                match.group(2), ""
            )
            return f"{label}, {part.lower()}" if part else label
        raise KeyError(path)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (
            path in self.LABELS or path == "key" or re.match(r"^items\[\d+\]", path) is not None
        )

    def __iter__(self) -> Iterator[str]:
        return iter([*self.LABELS, "key"])

    def __len__(self) -> int:
        return len(self.LABELS) + 1


# Refusals are said by their code (``say`` in problems.html); the fields by these labels.
PROBLEM_CONTEXT = {"field_labels": FieldLabels()}


def form_context(error: WinwinError | None, values: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a page with a form shows after a refusal: the refusal, the values as typed
    (to fill the form again) and the labels of the fields it names."""
    return {"error": error, "values": values or {}, **PROBLEM_CONTEXT}
