"""Keys an organisation chooses are scoped to it: ``OWNER-anything``.

Item and circle keys are unique across the network. If an organisation could choose any
key, "already exists" would tell it that another organisation's hidden item or circle
took that key. So a key chosen through a door (REST, a web form) must lie in the chooser's
own *namespace*: it starts with the organisation's key and ``-``, with something after.
An organisation key may itself contain ``-`` (``kuusi`` and ``kuusi-oy``); a key belongs
to the organisation with the *longest* such prefix, so ``kuusi-oy-plan`` is ``kuusi-oy``'s
and not ``kuusi``'s. Then a chosen key can only collide with a key of the chooser's own
namespace.

Keys the server makes (no key given) are ``OWNER-`` and 8 random hex digits when that
fits in 64 characters, otherwise a key without any ``-`` (so in no organisation's
namespace) with 16 random hex digits.

The network document's import is not held to this: the operator acts with full
authority, and documents name items and circles freely.
"""

from __future__ import annotations

from collections.abc import Iterable

from winwin.kernel.errors import Problem
from winwin.sharing.refusals import KEY_NOT_OURS, KEY_OF_OTHER

MAX_KEY = 64
_SHORT_RANDOM = 8  # hex digits after OWNER-
_LONG_RANDOM = 16  # hex digits when OWNER- does not fit


def prefixes(key: str) -> list[str]:
    """Every organisation key that could own ``key``: each part before a ``-`` that has
    something after it, shortest first (``a-b-c`` → ``a``, ``a-b``)."""
    return [key[:i] for i, c in enumerate(key) if c == "-" and 0 < i < len(key) - 1]


def namespace_owner(key: str, org_keys: Iterable[str]) -> str | None:
    """The organisation whose namespace ``key`` lies in: the longest of ``org_keys`` that,
    followed by ``-``, begins ``key`` with at least one character after it; None if none."""
    known = set(org_keys)
    for candidate in reversed(prefixes(key)):
        if candidate in known:
            return candidate
    return None


def chosen_key_problem(
    key: str, *, owner: str, org_keys: Iterable[str], path: str = "key"
) -> Problem | None:
    """Why ``owner`` may not choose ``key`` (a problem naming ``path``), or None.

    ``org_keys`` must hold every organisation key that is a prefix of ``key`` (at least
    those of :func:`prefixes`); ``owner`` counts as one.
    """
    mine = f"{owner}-"
    if not key.startswith(mine) or len(key) == len(mine):
        return KEY_NOT_OURS(path, key=key, prefix=mine)
    holder = namespace_owner(key, {*org_keys, owner})
    if holder != owner:
        return KEY_OF_OTHER(path, key=key, other=holder, prefix=mine)
    return None


def generated_key(owner: str, random_hex: str) -> str:
    """A key the server makes for ``owner`` from random hex digits (at least 16 given).

    ``OWNER-`` and 8 of them when it fits in 64 characters: in the owner's namespace, and
    never an organisation's prefix, since it has no ``-`` after ``OWNER-``. Otherwise the
    owner's key shortened, its ``-`` made ``_``, then ``_`` and 16 of them: a key with no
    ``-`` lies in no namespace, so no chosen key can ever meet it.
    """
    if len(owner) + 1 + _SHORT_RANDOM <= MAX_KEY:
        return f"{owner}-{random_hex[:_SHORT_RANDOM]}"
    head = owner[: MAX_KEY - 1 - _LONG_RANDOM].replace("-", "_")
    return f"{head}_{random_hex[:_LONG_RANDOM]}"
