"""What proves who a person is: password hashes, random tokens and their digests, and
the shape of an email address and a password.

Pure of the database; every other accounts module that checks or makes a secret comes
here, so that there is one hasher, one limit on hashing at once and one kind of token.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import threading

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from winwin.accounts import refusals
from winwin.kernel.errors import InvalidInput, Problem
from winwin.kernel.keys import is_email

MIN_PASSWORD = 10

# The test suite's own argon2 profile: argon2-cffi's CHEAPEST, meant for tests. It
# hashes in microseconds instead of about 0.1 s, which the suite's thousands of sign-ins
# would otherwise spend; stored hashes name their parameters, so either verifies both.
PASSWORD_HASHING_ENV = "WINWIN_PASSWORD_HASHING"
TEST_PASSWORD_HASHING = "cheapest-for-tests"


def _password_hasher() -> PasswordHasher:
    """argon2id with the RFC 9106 low-memory profile (the library's defaults).

    ``WINWIN_PASSWORD_HASHING=cheapest-for-tests`` chooses argon2's test profile, except
    where ``WINWIN_ENVIRONMENT`` says production (in any spelling): there it is ignored,
    so that no deployment stores weak hashes by mistake. Any other value is refused.
    """
    chosen = os.environ.get(PASSWORD_HASHING_ENV, "").strip()
    if chosen and chosen != TEST_PASSWORD_HASHING:
        raise RuntimeError(f"{PASSWORD_HASHING_ENV} must be empty or {TEST_PASSWORD_HASHING!r}")
    production = os.environ.get("WINWIN_ENVIRONMENT", "").strip().lower() == "production"
    if chosen and not production:
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


_hasher = _password_hasher()
# Password hashes computed at once in this process. Each takes a core and 64 MiB for its
# whole length, so more at once than there are cores only makes every one of them slower
# (a burst of 64 sign-ins on two cores all finished after about 50 s instead of one by
# one) and multiplies the memory.
_hashing = threading.BoundedSemaphore(os.cpu_count() or 1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so that timing does not reveal accounts.

    Made on first use, not at import: every ``winwin`` command would pay for it.
    """
    return _hasher.hash("not a real password")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str = "") -> str:
    """A random URL-safe token (32 bytes) that never starts with ``-``.

    A token that began with ``-`` would be read as an option where a person pastes it
    on the command line (``winwin round answer TOKEN``).
    """
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return prefix + token


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    expected = password_hash or _dummy_hash()
    try:
        with _hashing:
            return _hasher.verify(expected, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than the hasher's own."""
    return _hasher.check_needs_rehash(password_hash)


def nul_problems(values: dict[str, str | None]) -> list[Problem]:
    """PostgreSQL stores no NUL characters; name each field that has one."""
    return [
        refusals.NUL(path)
        for path, value in values.items()
        if value is not None and "\x00" in value
    ]


def normalise_email(email: str, *, path: str = "email") -> str:
    email = email.strip().lower()
    if not is_email(email):
        raise InvalidInput(refusals.NOT_AN_EMAIL(path))
    return email


def check_password_strength(password: str, *, path: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(refusals.PASSWORD_TOO_SHORT(path, n=MIN_PASSWORD))
