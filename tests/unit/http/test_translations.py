"""Every text the web app shows or mails has a Finnish translation with the same placeholders.

The message ids are extracted from the templates and the web package's Python code with
Babel's extractors (Jinja2's i18n extension for the templates), as ``pybabel extract``
would, and compared with the ``.po`` files the app reads. Messages are keyed by their
context and id, as the app merges the catalogs: a message with a ``msgctxt`` (shown with
``pgettext``) is another message than the same id without one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from winwin.http import i18n
from winwin.http.i18n import translations_dir
from winwin.mail import delivery as mail

WEB = Path(mail.__file__).parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


Message = tuple[str | None, str]  # (context, id)


def _extracted() -> dict[Message, str]:
    found: dict[Message, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(WEB),
        [("http/templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"http/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={
            "_": None,
            "gettext": None,
            "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3),
            "N_": None,
            "Refusal": (2,),
        },
    ):
        for text in [message] if isinstance(message, str) else message:
            if text:
                found.setdefault((context, text), f"{filename}:{lineno}")
    for kind, text in [*mail.SUBJECTS.items(), *mail.BODIES.items()]:
        found.setdefault((None, text), f"mail.py ({kind})")
    return found


def _catalogs(locale: str) -> dict[Message, dict[str, list[str]]]:
    """Each message's translations, by the catalog (file) that gives them."""
    strings: dict[Message, dict[str, list[str]]] = defaultdict(dict)
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
                    strings[(message.context, msgid)][path.stem] = [t for t in texts if t]
    return strings


def _catalog(locale: str) -> dict[Message, list[str]]:
    """The translations the app ends up with: the merge keeps the last file's that gives one."""
    return {
        key: next((texts for texts in reversed(by_file.values()) if texts), [])
        for key, by_file in _catalogs(locale).items()
    }


def _clashes(locale: str) -> dict[str, dict[str, list[str]]]:
    """Messages that two catalogs translate differently, with each catalog's text."""
    clashes = {}
    for (context, msgid), by_file in _catalogs(locale).items():
        given = {catalog: texts for catalog, texts in by_file.items() if texts}
        if len({tuple(texts) for texts in given.values()}) > 1:
            clashes[f"{context}|{msgid}" if context else msgid] = given
    return clashes


EXTRACTED = _extracted()


def test_the_extractor_finds_the_app_s_texts() -> None:
    # Guards the test itself: a broken extraction would make the checks below vacuous.
    assert len(EXTRACTED) > 300
    assert (None, "Personal link") in EXTRACTED
    assert (None, mail.SUBJECTS["answer"]) in EXTRACTED
    assert ("job status", "done") in EXTRACTED


def test_every_text_has_a_finnish_translation() -> None:
    finnish = _catalog("fi")
    missing = {text: where for text, where in EXTRACTED.items() if not finnish.get(text)}
    assert missing == {}


@pytest.mark.parametrize("locale", ["fi", "en"])
def test_translations_keep_the_placeholders_of_their_message(locale: str) -> None:
    wrong = {}
    for (_context, msgid), texts in _catalog(locale).items():
        wanted = set(PLACEHOLDER.findall(msgid))
        for text in texts:
            if set(PLACEHOLDER.findall(text)) - wanted or (
                wanted - set(PLACEHOLDER.findall(text)) - {"num", "count"}
            ):
                wrong[msgid] = text
    assert wrong == {}


@pytest.mark.parametrize("locale", ["fi", "en"])
def test_no_message_has_two_different_translations_across_catalogs(locale: str) -> None:
    # The app merges the catalogs into one, so a second translation of the same id (and
    # context) would silently replace the first on every page that shows it. A word that
    # needs two translations takes a msgctxt (pgettext) or its own id instead.
    assert _clashes(locale) == {}


def test_the_clash_check_sees_a_clash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the check above: two catalogs that translate one id differently are caught,
    # a context keeps the same id apart, and the same text twice is no clash.
    directory = tmp_path / "fi" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    (directory / "a.po").write_text(
        'msgid "done"\nmsgstr "tehty"\n\nmsgctxt "job status"\nmsgid "done"\nmsgstr "valmis"\n',
        encoding="utf-8",
    )
    (directory / "b.po").write_text(
        'msgid "done"\nmsgstr "valmis"\n\nmsgctxt "job status"\nmsgid "done"\nmsgstr "valmis"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.translations_dir", lambda: tmp_path)
    assert _clashes("fi") == {"done": {"a": ["tehty"], "b": ["valmis"]}}


def test_words_with_two_meanings_keep_each_its_finnish() -> None:
    # The clashes the check above found: the merged catalog gives each use its own word.
    token = i18n.current_locale.set("fi")
    try:
        assert i18n.gettext("done") == "tehty"  # an action's status
        assert i18n.pgettext("job status", "done") == "valmis"
        assert i18n.gettext("Key") == "Avain"  # a circle's or an organisation's key
        assert i18n.pgettext("instrument", "Key") == "Tunnus"
        assert i18n.gettext("No assessed relationships yet.") == "Ei vielä arvioituja suhteita."
    finally:
        i18n.current_locale.reset(token)
    token = i18n.current_locale.set("en")
    try:
        assert i18n.pgettext("job status", "done") == "done"
        assert i18n.pgettext("instrument", "Key") == "Key"
    finally:
        i18n.current_locale.reset(token)
