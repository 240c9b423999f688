"""Naming a co-author never tells whether an account exists or where it works.

An address nobody signs in with, a platform admin's (no organisation) and a person whose
organisation cannot see the entry all get the very same answer on the REST API (the
entry page: ``test_innovation_pages``); nothing is stored for any of them.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.innovation.conftest import email_of
from e2e.innovation.test_innovation_api import API, create, entry

GHOST = "ghost@nowhere.example"


def _masked(text: str, address: str) -> str:
    return text.replace(address, "ADDRESS")


@pytest.mark.parametrize("who", ["far", "root"])
def test_the_rest_answer_is_the_same_for_every_address_that_cannot_take_part(world, who) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-quiet")
    path = f"{API}/kuusi-quiet/coauthors"

    def add(address: str) -> Any:
        return world.call("kuusi", "POST", path, json={"email": address})

    existing, unknown = add(email_of(who)), add(GHOST)
    assert existing.status_code == 422
    assert (existing.status_code, _masked(existing.text, email_of(who))) == (
        unknown.status_code,
        _masked(unknown.text, GHOST),
    )
    assert who not in _masked(existing.text, email_of(who))
    assert "organisation" not in existing.text
    assert entry(world, "kuusi", "kuusi-quiet")["coauthors"] == []
