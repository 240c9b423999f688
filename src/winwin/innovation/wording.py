"""How the pages of open innovation word a refusal: beside the field it names, in the
page's language, by its code and values.

Challenges and ideas refuse with codes (``innovation.refusals``), and so do the sharing
rules they are published under (``sharing.refusals``); the pages say both by code through
``http.i18n.say``, except where a wording of their own reads better (``PAGE_WORDING``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import Request

from winwin.http import i18n
from winwin.http.errors import status_for
from winwin.http.i18n import gettext as _
from winwin.http.templating import request_locale
from winwin.innovation import refusals as refuse
from winwin.kernel.errors import InvalidInput, Problem, WinwinError
from winwin.sharing import refusals as item_refusals

# The form field (its id without the prefix) for each path a service names.
FIELDS = {
    "kind": "kind",
    "title": "title",
    "body": "body",
    "topics": "topics",
    "audience.level": "level",
    "audience.orgs": "orgs",
    "audience.circle": "circle",
    "exclude": "exclude",
    "challenge": "challenge",
    "email": "email",
    "person": "email",
    "stage": "stage",
}

STAGE_WORDS = {
    "proposed": "Proposed",
    "discussed": "Discussed",
    "developing": "Developing",
    "piloting": "Piloting",
    "adopted": "Adopted",
    "archived": "Archived",
    "open": "Open",
    "reviewing": "Reviewing",
    "closed": "Closed",
}


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; translated when shown."""
    return msgid


def _stages(text: str) -> str:
    return ", ".join(_(STAGE_WORDS.get(s.strip(), s.strip())).lower() for s in text.split(","))


def _kind(text: str) -> str:
    return {"idea": _("idea"), "challenge": _("challenge")}.get(text, text)


Shown = dict[str, Callable[[str], str]]


# How the values of a refusal are shown on a page.
SHOWN: Shown = {
    "stage": _stages,
    "current": _stages,
    "target": _stages,
    "allowed": _stages,
    "kind": _kind,
}


# Where the page words a refusal its own way: the entry is the page (so it needs no key),
# a challenge or an idea is never a reshare, and rivals are named as competing with the
# owner. Each wording may take a value under another name (``names`` is ``orgs``).
PAGE_WORDING: dict[str, tuple[str, dict[str, str]]] = {
    refuse.NOT_CO_AUTHOR.code: (N_("%(named)s is not a co-author of this entry"), {}),
    item_refusals.TITLE_REQUIRED.code: (N_("is required"), {}),
    item_refusals.SENSITIVE_TO_COMPETITOR.code: (
        N_(
            "topic '%(topic)s' is competition-sensitive and the audience reaches "
            "%(names)s, who compete with %(owner)s"
        ),
        {"names": "orgs"},
    ),
}


def translate_problem(problem: Problem) -> str:
    """A service's refusal in the page's language, by its code and values (one without a
    code goes through the catalog as it is)."""
    if problem.code in PAGE_WORDING:
        msgid, renamed = PAGE_WORDING[problem.code]
        values = {k: SHOWN.get(k, str)(str(v)) for k, v in problem.params.items()}
        values.update({name: values[old] for name, old in renamed.items() if old in values})
        return _(msgid) % values
    if problem.code:
        return i18n.say(problem, i18n.current_locale.get(), SHOWN)
    return _(problem.message)


def status_of(exc: WinwinError) -> int:
    """The API's status, except that a refused form (rule broken or not) is 422 on pages."""
    return 422 if isinstance(exc, InvalidInput) else status_for(exc)


def problems_by_field(
    request: Request, exc: WinwinError, default: str = ""
) -> dict[str, list[str]]:
    """The refusal's messages by form field ("" for those that name no field we show),
    in the page's language."""
    found: dict[str, list[str]] = {}
    problems = exc.problems if isinstance(exc, InvalidInput) else []
    token = i18n.current_locale.set(request_locale(request))
    try:
        if not problems:
            found.setdefault(default, []).append(translate_problem(exc.problem))
        for problem in problems:
            path = re.sub(r"\[\d+\]$", "", problem.path)
            field = FIELDS.get(path, default if not path else "")
            found.setdefault(field, []).append(translate_problem(problem))
    finally:
        i18n.current_locale.reset(token)
    return found
