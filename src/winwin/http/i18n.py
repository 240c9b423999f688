"""Finnish and English through Babel catalogs read straight from ``.po`` files.

Every ``http/translations/<locale>/LC_MESSAGES/*.po`` file is read at startup with
``babel.messages.pofile.read_po`` and merged into one catalog per locale, so each
capability ships its own ``.po`` file and nothing needs compiling. The message ids are
the English texts; an untranslated message falls back to its id. Catalogs are merged
by (context, id), so one English word that needs two Finnish words (an action "done" is
*tehty*, a job "done" is *valmis*) takes a ``msgctxt`` and is shown with ``pgettext``;
one id never has two translations (``tests/unit/http/test_translations.py``).

The locale of the request being rendered lives in a context variable, so that the
template functions (``_``, ``gettext``, ``ngettext``) and the formatting filters need no
argument for it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from winwin.kernel.errors import Problem, Refusal

LOCALES = ("fi", "en")
DEFAULT_LOCALE = "fi"
LANGUAGE_NAMES = {"fi": "Suomi", "en": "English"}

current_locale: ContextVar[str] = ContextVar("winwin_locale", default=DEFAULT_LOCALE)


def translations_dir() -> Path:
    return Path(str(files("winwin.http").joinpath("translations")))


@cache
def catalog(locale: str) -> Translations:
    """All ``.po`` files of the locale merged into one set of translations."""
    # Plural rules come from the locale itself (Babel's CLDR data), whatever a file says.
    merged = Catalog(locale=locale)
    directory = translations_dir() / locale / "LC_MESSAGES"
    for path in sorted(directory.glob("*.po")) if directory.is_dir() else []:
        with path.open("rb") as handle:
            part = read_po(handle, locale=locale)
        for message in part:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(fp=buffer)


def reload() -> None:
    """Forget the loaded catalogs (tests and development)."""
    catalog.cache_clear()


def translate(locale: str, msgid: str, **values: Any) -> str:
    """The message in the locale, with ``%(name)s`` placeholders filled from ``values``."""
    text = catalog(_known(locale)).gettext(msgid)
    return text % values if values else text


def say(
    problem: Problem, locale: str, shown: Mapping[str, Callable[[str], str]] | None = None
) -> str:
    """A refusal in the locale: by its code and values when it has a code (``shown`` says
    how to show a value, such as a stage's name), else its message through the catalog."""
    refusal = Refusal.known(problem.code)
    if refusal is None:
        return catalog(_known(locale)).gettext(problem.message)
    how = shown or {}
    values = {k: how.get(k, str)(str(v)) for k, v in problem.params.items()}
    text = catalog(_known(locale)).gettext(refusal.msgid)
    return text % values if values else text


def _known(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def negotiate(accept_language: str | None) -> str | None:
    """The best of our locales for an ``Accept-Language`` header, or None."""
    if not accept_language:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag))
    for _q, _pos, tag in sorted(weighted):
        base = tag.split("-")[0]
        if base in LOCALES:
            return base
    return None


def choose_locale(
    *, user_locale: str | None, cookie_locale: str | None, accept_language: str | None
) -> str:
    """The user's choice, else the browser's ``Accept-Language``, else Finnish."""
    for candidate in (user_locale, cookie_locale):
        if candidate in LOCALES:
            return candidate
    return negotiate(accept_language) or DEFAULT_LOCALE


# the functions templates see -----------------------------------------------------------
# Jinja's "newstyle" gettext fills the placeholders itself, so these return raw text.
def gettext(msgid: str) -> str:
    return catalog(_known(current_locale.get())).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_known(current_locale.get())).ngettext(singular, plural, n)


def pgettext(context: str, msgid: str) -> str:
    return str(catalog(_known(current_locale.get())).pgettext(context, msgid))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return str(catalog(_known(current_locale.get())).npgettext(context, singular, plural, n))


def babel_locale() -> Locale:
    return Locale.parse(current_locale.get())


def date_filter(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format=format, locale=babel_locale())
    return format_date(value, format=format, locale=babel_locale())


def number_filter(value: float | int | None, format: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, format=format, locale=babel_locale())


def percent_filter(value: float | None, format: str | None = None) -> str:
    if value is None:
        return ""
    return format_percent(value, format=format, locale=babel_locale())


# The last words of company names that Finnish writes as abbreviations, which take the
# genitive ending after a colon (``Kuusi Paper Oy:n``).
_ABBREVIATED = {
    "oy",
    "oyj",
    "ab",
    "abp",
    "ky",
    "ay",
    "tmi",
    "ry",
    "ltd",
    "inc",
    "gmbh",
    "as",
    "asa",
    "sa",
    "plc",
    "llc",
    "bv",
    "nv",
    "spa",
    "srl",
    "ag",
    "oü",
    "uab",
    "sia",
}
_FINNISH_VOWELS = set("aeiouyäöå")


def possessive(name: str, locale: str | None = None) -> str:
    """``name`` as the owner of what follows: Finnish genitive (``Kuusi Paper Oy:n``,
    ``Koivu Sellun``, ``Metsä Boardin``) or English possessive (``Kuusi Paper Oy's``).

    Babel has no grammatical cases, and company names need only these three Finnish
    patterns: an abbreviation, a digit or an all-capital word takes ``:n``; a vowel ``n``;
    another consonant ``in``.
    """
    text = name.strip()
    if not text:
        return text
    if _known(locale or current_locale.get()) == "en":
        return text + ("'" if text.endswith(("s", "S")) else "'s")
    last = text.split()[-1].rstrip(".")
    if (
        last.lower() in _ABBREVIATED
        or not last[-1:].isalpha()
        or (len(last) > 1 and last.isupper())
    ):
        return text + ":n"
    return text + ("n" if last[-1].lower() in _FINNISH_VOWELS else "in")


def possessive_filter(name: str) -> str:
    return possessive(name)
