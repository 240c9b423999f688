"""Every text the web app shows or mails has a Finnish translation with the same placeholders.

The message ids are extracted from the templates and the web package's Python code with
Babel's extractors (Jinja2's i18n extension for the templates), as ``pybabel extract``
would, and compared with the ``.po`` files the app reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from winwin.http.i18n import translations_dir
from winwin.mail import delivery as mail

WEB = Path(mail.__file__).parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(WEB),
        [("http/templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"http/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Refusal": (2,)},
    ):
        for text in [message] if isinstance(message, str) else message:
            if text:
                found.setdefault(text, f"{filename}:{lineno}")
    for kind, text in [*mail.SUBJECTS.items(), *mail.BODIES.items()]:
        found.setdefault(text, f"mail.py ({kind})")
    return found


def _catalog(locale: str) -> dict[str, list[str]]:
    strings: dict[str, list[str]] = {}
    for path in sorted((translations_dir() / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if not message.id or message.fuzzy:
                    continue
                ids = [message.id] if isinstance(message.id, str) else list(message.id)
                texts = (
                    [message.string] if isinstance(message.string, str) else list(message.string)
                )
                for msgid in ids:
                    strings[msgid] = [t for t in texts if t]
    return strings


EXTRACTED = _extracted()


def test_the_extractor_finds_the_app_s_texts() -> None:
    # Guards the test itself: a broken extraction would make the checks below vacuous.
    assert len(EXTRACTED) > 300
    assert "Personal link" in EXTRACTED
    assert mail.SUBJECTS["answer"] in EXTRACTED


def test_every_text_has_a_finnish_translation() -> None:
    finnish = _catalog("fi")
    missing = {text: where for text, where in EXTRACTED.items() if not finnish.get(text)}
    assert missing == {}


@pytest.mark.parametrize("locale", ["fi", "en"])
def test_translations_keep_the_placeholders_of_their_message(locale: str) -> None:
    wrong = {}
    for msgid, texts in _catalog(locale).items():
        wanted = set(PLACEHOLDER.findall(msgid))
        for text in texts:
            if set(PLACEHOLDER.findall(text)) - wanted or (
                wanted - set(PLACEHOLDER.findall(text)) - {"num", "count"}
            ):
                wrong[msgid] = text
    assert wrong == {}
