"""How the sharing pages say an audience, a refusal and a warning: in the reader's
language, with organisations by name, never by key.

Called while a template renders (the request's locale is then current). The one
sentence of an audience is built here for the composer, the item page, the reshare
form and the feed, so that they say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from babel.lists import format_list

from winwin.http import i18n
from winwin.kernel.errors import Problem
from winwin.sharing import refusals
from winwin.sharing import service as sharing

#: More names than this are counted, not listed.
MAX_NAMED = 30


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; translated when shown."""
    return msgid


def _(msgid: str, **values: Any) -> str:
    text = i18n.gettext(msgid)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    return i18n.ngettext(singular, plural, n) % {"num": n, **values}


def and_list(items: Sequence[str]) -> str:
    """``A, B ja C`` in the reader's language."""
    if not items:
        return ""
    return format_list(list(items), locale=i18n.current_locale.get())


class Names:
    """Names of organisations by key; a key without a name stays itself."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = dict(names)

    def __call__(self, key: str) -> str:
        return self.names.get(key, key)

    def all(self, keys: Iterable[str]) -> list[str]:
        return sorted((self(k) for k in keys), key=str.casefold)


def country_name(code: str) -> str:
    from babel import Locale

    try:
        return str(Locale.parse(i18n.current_locale.get()).territories.get(code, code))
    except (ValueError, TypeError):
        return code


# --- the audience in one sentence ----------------------------------------------------------


def reach(
    preview: sharing.ReachPreview,
    level: str,
    names: Names,
    *,
    competitors: Sequence[str] = (),
) -> str:
    """The composer's sentence: who a post reaches, by name where the owner knows them,
    and the promise (not their partners; these competitors excluded).

    ``competitors``: keys of the owner's declared competitors it keeps out (by the
    "not to competitors" exclusion or by the competition guard).
    """
    counts = preview.counts
    quiet = {
        **counts,
        "excluded_competitors": 0,
        "excluded_orgs": 0,
        "excluded_by_country": {},
        "excluded_by_cluster": {},
        "held_by_agreement": 0,
        "limited_by_original": 0,
    }
    full = sharing.reach_sentence(
        counts, level=level, ngettext=i18n.ngettext, country_name=country_name
    )
    head = sharing.reach_sentence(
        quiet, level=level, ngettext=i18n.ngettext, country_name=country_name
    )
    tail = full[len(head) :] if full.startswith(head) else ""
    reached = names.all(preview.reached)
    if reached and len(reached) <= MAX_NAMED and level != "secret":
        head = f"{head} ({and_list(reached)})"
    parts = [head + tail]
    if level in ("partners", "direct", "circle"):
        parts.append(_("not their partners"))
    excluded = names.all(competitors)
    if excluded and level != "secret":
        parts.append(
            ngettext(
                "competitor %(names)s excluded",
                "competitors %(names)s excluded",
                len(excluded),
                names=and_list(excluded),
            )
        )
    return "; ".join(parts) + "."


LEVEL_WORDS = {
    "secret": N_("Only the publisher"),
    "direct": N_("Named partners of the publisher"),
    "partners": N_("The publisher's partners, not their partners"),
    "circle": N_("The members of a circle"),
    "network": N_("The whole network"),
    "public": N_("Everyone, anonymous readers included"),
}


def declared(level: str, exclusions: Sequence[str]) -> str:
    """An audience as declared, for readers other than the owner (no names, no counts of
    the owner's partners): "The publisher's partners, not their partners, except
    competitors and organisations in Sweden"."""
    head = _(LEVEL_WORDS.get(level, LEVEL_WORDS["network"]))
    parts: list[str] = []
    orgs = 0
    for text in exclusions:
        kind, _sep, value = text.partition(":")
        if kind == "competitors":
            parts.append(_("competitors"))
        elif kind == "org":
            orgs += 1
        elif kind == "country":
            parts.append(_("organisations in %(place)s", place=country_name(value)))
        elif kind == "cluster":
            parts.append(_("cluster %(place)s", place=value))
    if orgs:
        parts.append(ngettext("%(num)d named organisation", "%(num)d named organisations", orgs))
    if not parts:
        return head + "."
    return _("%(audience)s, except %(rest)s.", audience=head, rest=and_list(parts))


# --- refusals and warnings -----------------------------------------------------------------

PAGE_WORDING = {
    refusals.NOT_A_PARTNER.code: N_(
        "%(org)s is not your partner, so a named-partner audience cannot include it: "
        "remove %(org)s or choose another audience."
    ),
    refusals.DIRECT_WITHOUT_ORGS.code: N_(
        "Choose at least one partner, or choose another audience."
    ),
    refusals.PUBLIC_EXCLUSIONS.code: N_(
        "A public item cannot leave anyone out: remove the exclusions or choose another audience."
    ),
    refusals.NO_SUCH_ORG.code: N_("There is no organisation %(org)s: choose one from the list."),
    refusals.AGREEMENT_SECRET.code: N_(
        "The topic “%(topic)s” is secret under the agreement between %(a)s and %(b)s, "
        "and %(example)s would see it: narrow the audience or change the topic."
    ),
    refusals.SENSITIVE_TO_COMPETITOR.code: N_(
        "The topic “%(topic)s” is competition-sensitive and your competitors %(orgs)s "
        "would see it: remove %(orgs)s or change the topic."
    ),
}

EXAMPLES = {
    "anonymous readers": N_("anonymous readers"),
    "any organisation that joins the network": N_("any organisation that joins the network"),
}


def refusal(problem: Problem, names: Names) -> str:
    """One short sentence in the reader's language, with names and a fix."""
    wording = PAGE_WORDING.get(problem.code or "")
    if wording is None:
        return i18n.say(problem, i18n.current_locale.get()) if problem.code else _(problem.message)
    values: dict[str, str] = {}
    for key, value in problem.params.items():
        text = str(value)
        if key in ("org", "a", "b"):
            values[key] = names(text)
        elif key == "orgs":
            values[key] = and_list(names.all(t.strip() for t in text.split(",") if t.strip()))
        elif key == "example":
            values[key] = _(EXAMPLES[text]) if text in EXAMPLES else names(text)
        else:
            values[key] = text
    return _(wording, **values)


def exposure(found: sharing.Exposure, names: Names) -> list[str]:
    """The competition-law warnings of a draft or item, with names."""
    said: list[str] = []
    if found.words and found.rivals:
        said.append(
            ngettext(
                "The title or text has the competition-sensitive word “%(word)s”, and your "
                "competitor %(names)s would see it: tick “not to competitors”, narrow the "
                "audience or reword it.",
                "The title or text has the competition-sensitive word “%(word)s”, and your "
                "competitors %(names)s would see it: tick “not to competitors”, narrow the "
                "audience or reword it.",
                len(found.rivals),
                word=found.words[0],
                names=and_list(names.all(found.rivals)),
            )
        )
    subject = found.topic or (found.words[0] if found.words else None)
    if subject is not None:
        for a, b in found.pairs:
            said.append(
                _(
                    "“%(word)s”: the item would reach both %(a)s and %(b)s, who compete with "
                    "each other, and you would pass information between competitors: "
                    "leave one of them out or reword it.",
                    word=subject,
                    a=names(a),
                    b=names(b),
                )
            )
    return said


def keys_of(preview: sharing.ReachPreview | None) -> set[str]:
    """Every organisation key a preview names (to look the names up at once)."""
    if preview is None:
        return set()
    found = set(preview.reached) | set(preview.exposure.rivals)
    for a, b in preview.exposure.pairs:
        found |= {a, b}
    for problem in preview.problems:
        found |= problem_keys(problem)
    return found


def problem_keys(problem: Problem) -> set[str]:
    found: set[str] = set()
    for key in ("org", "a", "b", "example", "orgs", "owner"):
        value = problem.params.get(key)
        if value is not None:
            found |= {t.strip() for t in str(value).split(",") if t.strip()}
    return found


Say = Callable[..., str]
