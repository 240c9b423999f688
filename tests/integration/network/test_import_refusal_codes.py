"""An imported item that the sharing rules refuse keeps the refusal's code under its
document path, on SQLite and PostgreSQL, so that a door can say it by code."""

from __future__ import annotations

import pytest

from winwin.kernel.errors import InvalidInput
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.repository import NetworkRepository

DOC = {
    "format": "winwin/1",
    "organizations": [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}],
    "items": [
        {"key": "a-note", "owner": "a", "title": "Note",
         "audience": {"level": "direct", "orgs": ["b"]}},
    ],
}  # fmt: skip


def test_a_refused_item_keeps_its_code_under_its_path(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        import_network(session, parse_document(DOC))
    (problem,) = refused.value.problems
    assert (problem.path, problem.code) == ("items[0].audience.orgs", "sharing.not_a_partner")
    assert problem.message == "b is not a partner of a"
    assert dict(problem.params) == {"org": "b", "owner": "a"}
    session.rollback()
    assert NetworkRepository(session).org_ids() == {}
