"""`winwin innovation list | show | stage | participation` through the real entry point.

The entries and what people did on them are made through the service layer (as the web
and the API would), then read and moved from the command line on both databases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from e2e.innovation.conftest import seed
from support.identity import acting
from winwin.accounts.access import Actor
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.innovation import service as inn
from winwin.sharing.service import ItemDraft

# key -> (owner, kind, level, challenge); created in this order, so newest last.
ENTRIES = {
    "kuusi-wrap": ("kuusi", "challenge", "public", None),
    "lab-fibre": ("lab", "idea", "partners", "kuusi-wrap"),
    "kuusi-inner": ("kuusi", "idea", "partners", None),
}


@pytest.fixture
def world(db_url: str, cli) -> Any:  # type: ignore[no-untyped-def]
    """The network, its people and three entries; people of each side took part."""
    assert cli("init").code == 0, "init"
    engine = build_engine(db_url)
    try:
        _, users = seed(engine, tokens=False)
        with unit_of_work(session_factory(engine)) as session:

            def as_person(who: str, org: str) -> Actor:
                return acting(session, org, users[who])

            for key, (owner, kind, level, challenge) in ENTRIES.items():
                inn.create_entry(
                    session,
                    by=as_person(owner, owner),
                    kind=kind,
                    draft=ItemDraft(
                        key=key,
                        title="[bold]Butter wrap[/bold]" if key == "kuusi-wrap" else f"Idea {key}",
                        body="Can *fibre* replace foil?",
                        level=level,
                    ),
                    challenge=challenge,
                )
            inn.add_comment(
                session, by=as_person("lab", "lab"), key="kuusi-inner", body="<b>yes</b>"
            )
            inn.set_vote(session, by=as_person("lab2", "lab"), key="kuusi-inner", vote=True)
            inn.set_vote(session, by=as_person("kuusi", "kuusi"), key="lab-fibre", vote=True)
    finally:
        engine.dispose()
    return cli


def keys(result: Any) -> list[str]:
    assert result.code == 0, result.err
    return [e["key"] for e in result.json()["entries"]]


def test_list_shows_what_the_organisation_may_see(world) -> None:  # type: ignore[no-untyped-def]
    lab = world("innovation", "list", "--org", "lab", "--json")
    assert lab.json()["org"] == "lab"
    assert keys(lab) == ["kuusi-inner", "lab-fibre", "kuusi-wrap"]
    assert keys(world("innovation", "list", "--org", "far", "--json")) == ["kuusi-wrap"]
    anonymous = world("innovation", "list", "--anonymous", "--json")
    assert anonymous.json()["org"] is None
    assert keys(anonymous) == ["kuusi-wrap"]
    assert keys(world("innovation", "list", "--org", "kuusi", "--kind", "idea", "--json")) == [
        "kuusi-inner",
        "lab-fibre",
    ]
    answering = world("innovation", "list", "--org", "kuusi", "--challenge", "kuusi-wrap", "--json")
    assert keys(answering) == ["lab-fibre"]

    (inner,) = [e for e in lab.json()["entries"] if e["key"] == "kuusi-inner"]
    assert inner["kind"] == "idea"
    assert inner["stage"] == "proposed"
    assert inner["owner"] == "kuusi"
    assert inner["owner_name"] == "Kuusi Paper Oy"
    assert inner["level"] == "partners"
    assert inner["challenge"] is None
    assert (inner["votes"], inner["comments"], inner["voted"]) == (1, 1, False)
    assert datetime.fromisoformat(inner["created_at"]).utcoffset() is not None
    assert datetime.fromisoformat(inner["stage_changed_at"]).utcoffset() is not None
    (fibre,) = [e for e in lab.json()["entries"] if e["key"] == "lab-fibre"]
    assert fibre["challenge"] == "kuusi-wrap"


def test_list_without_a_reader_or_with_bad_filters_exits_2(world) -> None:  # type: ignore[no-untyped-def]
    for args, named in (
        ((), "--org"),
        (("--org", "lab", "--anonymous"), "--org"),
        (("--org", "nope"), "nope"),
        (("--org", "lab", "--kind", "wish"), "kind"),
        (("--org", "lab", "--stage", "done"), "stage"),
        (("--org", "lab", "--limit", "0"), "limit"),
        (("--org", "lab", "--challenge", "missing"), "missing"),
    ):
        result = world("innovation", "list", *args, "--json")
        assert result.code == 2, args
        assert result.out == ""
        assert named in result.err, (args, result.err)


def test_the_human_list_is_a_table_that_prints_titles_as_written(world) -> None:  # type: ignore[no-untyped-def]
    result = world("innovation", "list", "--org", "kuusi")
    assert result.code == 0, result.err
    assert "[bold]Butter wrap[/bold]" in result.out
    for key in ("kuusi-wrap", "lab-fibre", "kuusi-inner"):
        assert key in result.out
    empty = world("innovation", "list", "--org", "far", "--kind", "idea")
    assert "no challenges or ideas" in empty.out


def test_show_gives_the_detail_only_to_those_who_may_see_it(world) -> None:  # type: ignore[no-untyped-def]
    shown = world("innovation", "show", "kuusi-wrap", "--org", "lab", "--json")
    assert shown.code == 0, shown.err
    detail = shown.json()
    assert detail["summary"]["key"] == "kuusi-wrap"
    assert detail["summary"]["kind"] == "challenge"
    assert detail["body_html"] == "<p>Can <em>fibre</em> replace foil?</p>\n"
    assert [i["key"] for i in detail["ideas"]] == ["lab-fibre"]
    assert [(h["from_stage"], h["to_stage"]) for h in detail["history"]] == [(None, "open")]
    assert detail["can_manage"] is False
    assert detail["can_participate"] is False
    # Far may see the public challenge, not the partners-only idea answering it.
    assert world("innovation", "show", "kuusi-wrap", "--org", "far", "--json").json()["ideas"] == []

    inner = world("innovation", "show", "kuusi-inner", "--org", "kuusi", "--json").json()
    (comment,) = inner["comments"]
    assert comment["org"] == "lab"
    assert comment["author"] == "Lab Person"
    assert "<b>" not in comment["body_html"]
    assert "&lt;b&gt;yes&lt;/b&gt;" in comment["body_html"]
    assert inner["next_stages"] == ["discussed", "archived"]
    assert inner["can_manage"] is True

    hidden = world("innovation", "show", "kuusi-inner", "--org", "far", "--json")
    assert hidden.code == 2
    assert hidden.out == ""
    assert "kuusi-inner" in hidden.err
    assert world("innovation", "show", "kuusi-inner", "--anonymous", "--json").code == 2
    assert world("innovation", "show", "kuusi-inner", "--json").code == 2
    human = world("innovation", "show", "kuusi-inner", "--org", "lab")
    assert human.code == 0, human.err
    assert "comment" in human.out and "Lab Person" in human.out


def test_stage_moves_as_the_owner_and_refusals_change_nothing(world) -> None:  # type: ignore[no-untyped-def]
    moved = world("innovation", "stage", "lab-fibre", "discussed", "--json")
    assert moved.code == 0, moved.err
    assert moved.json()["key"] == "lab-fibre"
    assert moved.json()["stage"] == "discussed"
    assert moved.json()["owner"] == "lab"

    for args, named in (
        (("lab-fibre", "adopted"), "allowed: proposed, developing, archived"),
        (("lab-fibre", "finished"), "stage"),
        (("nope", "discussed"), "KEY"),
        (("kuusi-wrap", "proposed"), "stage"),
    ):
        refused = world("innovation", "stage", *args, "--json")
        assert refused.code == 2, args
        assert refused.out == ""
        assert named in refused.err, (args, refused.err)

    history = world("innovation", "show", "lab-fibre", "--org", "lab", "--json").json()["history"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "proposed"),
        ("proposed", "discussed"),
    ]
    assert history[1]["by"] is None
    human = world("innovation", "stage", "kuusi-wrap", "closed")
    assert human.code == 0, human.err
    assert "kuusi-wrap is now closed" in human.out


def test_participation_counts_each_side(world) -> None:  # type: ignore[no-untyped-def]
    result = world("innovation", "participation", "lab", "kuusi", "--json")
    assert result.code == 0, result.err
    assert result.json() == {
        "a": "lab",
        "b": "kuusi",
        "days": 365,
        "a_on_b": {"comments": 1, "votes": 1, "coauthored": 0, "total": 2},
        "b_on_a": {"comments": 0, "votes": 1, "coauthored": 0, "total": 1},
        "mutual": "both",
    }
    one_way = world("innovation", "participation", "far", "lab", "--json").json()
    assert one_way["mutual"] == "none"
    human = world("innovation", "participation", "lab", "kuusi", "--days", "30")
    assert human.code == 0
    assert "lab on kuusi's entries: 1 comments, 1 votes" in human.out
    for args, named in ((("lab", "nope"), "B"), (("lab", "kuusi", "--days", "0"), "days")):
        refused = world("innovation", "participation", *args, "--json")
        assert refused.code == 2, args
        assert named in refused.err
