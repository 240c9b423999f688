"""``winwin attachments KEY (--org ORG | --anonymous) [--json]`` on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from winwin.attachments import service as attachments
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.sharing import feed

PARTNERS_ITEM = "kuusi-capacity-q3"
PUBLIC_ITEM = "kuusi-open-challenge"


@pytest.fixture
def loaded(cli: Any, db_url: str) -> dict[str, int]:
    """The demo network through the real command, and one file on two of Kuusi's items."""
    assert cli("demo").code == 0
    engine = build_engine(db_url)
    made = {}
    with unit_of_work(session_factory(engine)) as session:
        kuusi = feed.viewer_or_raise(session, "kuusi")
        for key, name in ((PARTNERS_ITEM, "plan.csv"), (PUBLIC_ITEM, "call.md")):
            made[key] = attachments.attach(
                session,
                owner=kuusi,
                user_id=None,
                key=key,
                filename=name,
                content_type="text/plain",
                data=b"a;b\n",
            ).id
    engine.dispose()
    return made


def test_a_partner_lists_the_files_as_json(cli: Any, loaded: dict[str, int]) -> None:
    result = cli("attachments", PARTNERS_ITEM, "--org", "lab", "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert document["item"] == PARTNERS_ITEM
    assert document["org"] == "lab"
    (only,) = document["attachments"]
    assert only["id"] == loaded[PARTNERS_ITEM]
    assert (only["filename"], only["content_type"], only["size"]) == ("plan.csv", "text/csv", 4)
    assert len(only["sha256"]) == 64
    assert only["created_at"].endswith("+00:00")


def test_plain_output_is_one_line_per_file(cli: Any, loaded: dict[str, int]) -> None:
    result = cli("attachments", PARTNERS_ITEM, "--org", "kuusi")
    assert result.code == 0
    assert result.out == f"{loaded[PARTNERS_ITEM]}\tplan.csv\ttext/csv\t4\n"


def test_anonymous_readers_list_public_items_only(cli: Any, loaded: dict[str, int]) -> None:
    public = cli("attachments", PUBLIC_ITEM, "--anonymous", "--json")
    assert public.code == 0
    assert public.json()["org"] is None
    assert [a["filename"] for a in public.json()["attachments"]] == ["call.md"]
    hidden = cli("attachments", PARTNERS_ITEM, "--anonymous", "--json")
    assert hidden.code == 2
    assert hidden.out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((PARTNERS_ITEM, "--org", "gran", "--json"), f"there is no item '{PARTNERS_ITEM}'"),
        (("no-such-item", "--org", "lab"), "there is no item 'no-such-item'"),
        ((PARTNERS_ITEM, "--org", "nobody"), "--org: there is no organisation 'nobody'"),
        ((PARTNERS_ITEM,), "--org: give --org ORG or --anonymous"),
        ((PARTNERS_ITEM, "--org", "lab", "--anonymous"), "--org: give --org ORG or --anonymous"),
    ],
)
def test_what_the_reader_may_not_see_or_a_bad_call_exits_2(
    cli: Any, loaded: dict[str, int], args: tuple[str, ...], message: str
) -> None:
    result = cli("attachments", *args)
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def test_an_item_without_files_lists_nothing(cli: Any, loaded: dict[str, int]) -> None:
    result = cli("attachments", "kuusi-safety", "--org", "gran", "--json")
    assert result.code == 0, result.err
    assert result.json()["attachments"] == []
