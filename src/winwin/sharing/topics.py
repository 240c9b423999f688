"""Topic lists the sharing rules rely on, and the one way topics are compared."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer

from winwin.kernel.errors import InvalidInput
from winwin.sharing import refusals

# Competing suppliers may not exchange these (competition law), in Finnish, Swedish and
# English: prices and pricing, capacity, bids and tenders, customers and market shares,
# future plans. Topics meet the list after stemming (:func:`topic_stems`); where the
# stemmers leave two forms of a word apart (Finnish consonant gradation: ``hinta`` and
# ``hinnat``, ``tarjous`` and ``tarjouksen``), both are listed. A network document's
# ``competition_sensitive_topics`` replaces the list.
DEFAULT_SENSITIVE_TOPICS: tuple[str, ...] = (
    # English
    "bids",
    "capacity",
    "customers",
    "future plans",
    "market shares",
    "market-allocation",
    "prices",
    "pricing",
    "tenders",
    # Finnish
    "asiakas",
    "asiakkaat",
    "hinnat",
    "hinnoissa",
    "hinnoittelu",
    "hinta",
    "hintaa",
    "hintoja",
    "kapasiteetti",
    "markkinaosuudet",
    "markkinaosuus",
    "markkinaosuuksia",
    "markkinaosuutta",
    "tarjous",
    "tarjoukset",
    "tarjouskilpailu",
    "tarjousta",
    "tulevaisuuden suunnitelmat",
    # Swedish
    "anbud",
    "framtidsplaner",
    "framtidsplan",
    "kapacitet",
    "kunder",
    "marknadsandelar",
    "offerter",
    "pris",
    "prissättning",
    "upphandling",
)

STEM_LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}

_WORD_BREAK = re.compile(r"[\s\-_/.,;:]+")
# Snowball stemmers keep state between calls: one lock, and a cache so that the lock is
# rarely taken.
_lock = threading.Lock()
_stemmers = {code: snowballstemmer.stemmer(name) for code, name in STEM_LANGUAGES.items()}


def normalize_topic(text: str) -> str:
    """The form a topic is stored, checked and matched in: case-folded, trimmed, with
    every run of white space collapsed to one space (``" Pricing  Model"`` is
    ``"pricing model"``). Items, agreements' secret topics and the competition-sensitive
    list all go through it, so ``Pricing`` meets the ``pricing`` guard.
    """
    return " ".join(text.split()).casefold()


def normalize_topics(texts: Iterable[str]) -> list[str]:
    """:func:`normalize_topic` of each, first occurrence kept, empty results dropped."""
    seen: dict[str, None] = {}
    for text in texts:
        topic = normalize_topic(text)
        if topic:
            seen.setdefault(topic, None)
    return list(seen)


MAX_TOPIC = 200
MAX_TOPICS = 20


def clean_topics(topics: Sequence[str] | None, limit: int = MAX_TOPICS) -> list[str] | None:
    """The topics a person writes (an item's, an agreement's secret ones, the sensitive
    list) in their normal form, without repeats: at most ``limit`` of them, each of at
    most ``MAX_TOPIC`` characters; ``None`` stays ``None``. Raises ``InvalidInput``."""
    if topics is None:
        return None
    # One normal form at write: "Pricing" is stored as "pricing".
    cleaned = [normalize_topic(t) for t in topics if normalize_topic(t)]
    problems = [
        refusals.TOPIC_LENGTH(f"topics[{i}]", n=MAX_TOPIC)
        for i, t in enumerate(cleaned)
        if len(t) > MAX_TOPIC or "\x00" in t
    ]
    if len(cleaned) > limit:
        problems.append(refusals.TOO_MANY_TOPICS("topics", n=limit))
    if problems:
        raise InvalidInput(problems)
    return list(dict.fromkeys(cleaned))


@lru_cache(maxsize=65_536)
def topic_stems(topic: str) -> frozenset[str]:
    """The keys a topic is matched by: its normal form, and for each of Finnish,
    Swedish and English the Snowball stem of every word, joined by one space and
    marked with the language (``fi:hin``, ``sv:hint``, ``en:hinta`` for ``hinta``), so
    a stem meets only a stem of the same language.

    Words are split at white space and ``- _ / . , ; :``. Two topics *meet* when their
    keys share one (``Hinnoittelun`` and ``hinnoittelu`` share ``fi:hinnoittelu``;
    ``priser`` and ``pris`` share ``sv:pris``; ``Pricing`` and ``prices`` ``en:price``).
    Matching in three languages at once errs towards meeting (a guard that hides more),
    never towards missing.
    """
    normal = normalize_topic(topic)
    if not normal:
        return frozenset()
    words = [w for w in _WORD_BREAK.split(normal) if w]
    keys = {normal}
    with _lock:
        for code, stemmer in _stemmers.items():
            keys.add(f"{code}:" + " ".join(stemmer.stemWord(w) for w in words))
    return frozenset(keys)


def stems_of(topics: Iterable[str]) -> frozenset[str]:
    """Every key of every topic (:func:`topic_stems`)."""
    keys: set[str] = set()
    for topic in topics:
        keys |= topic_stems(topic)
    return frozenset(keys)


def meeting(topics: Iterable[str], stems: frozenset[str]) -> frozenset[str]:
    """The topics that meet a list whose keys are ``stems`` (see :func:`stems_of`)."""
    return frozenset(t for t in topics if topic_stems(t) & stems)


def phrases_of(text: str, longest: int = 3) -> list[str]:
    """Every run of one to ``longest`` consecutive words of a free text (a title, a
    goal), normalised, first occurrence kept: the candidates a topic list is met by, so
    that two-word topics (``market shares``) are found as well as single words."""
    stripped = (w.strip("!?()\"'«»“”") for w in _WORD_BREAK.split(normalize_topic(text)))
    words = [w for w in stripped if w]
    found: dict[str, None] = {}
    for size in range(1, longest + 1):
        for start in range(len(words) - size + 1):
            found.setdefault(" ".join(words[start : start + size]), None)
    return list(found)


def meeting_in_text(text: str, stems: frozenset[str]) -> list[str]:
    """The phrases of ``text`` (:func:`phrases_of`) that meet a list whose keys are
    ``stems``, in the order they appear: ``Hinnoittelun periaatteet`` meets ``hinnoittelu``."""
    return [p for p in phrases_of(text) if topic_stems(p) & stems]


__all__ = [
    "DEFAULT_SENSITIVE_TOPICS",
    "STEM_LANGUAGES",
    "meeting",
    "meeting_in_text",
    "normalize_topic",
    "normalize_topics",
    "phrases_of",
    "stems_of",
    "topic_stems",
]
