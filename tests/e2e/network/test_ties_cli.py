"""Ties by consent and competitors from the command line, on SQLite and PostgreSQL.

Every refusal is checked against the stored state read again (``winwin export``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.network.models import TieProposal

NETWORK = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A Oy", "country": "FI"},
        {"key": "b", "name": "B Oy", "country": "FI"},
        {"key": "c", "name": "C AB", "country": "SE"},
    ],
    "ties": [{"kind": "partners", "from": "a", "to": "c"}],
    "items": [
        {"key": "a-partners", "owner": "a", "title": "For partners",
         "audience": {"level": "partners"}},
        {"key": "a-public", "owner": "a", "title": "For all", "audience": {"level": "network"}},
    ],
}  # fmt: skip


def _setup(cli):  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0


def _feed(cli, org: str) -> list[str]:  # type: ignore[no-untyped-def]
    return cli("feed", org, "--json").json()["items"]


def _decided_long_ago(db_url: str, days: int) -> None:
    engine = build_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        session.execute(
            update(TieProposal)
            .where(TieProposal.decided_at.is_not(None))
            .values(decided_at=datetime.now(UTC) - timedelta(days=days))
        )
    engine.dispose()


def test_a_proposal_changes_nothing_until_accepted_and_ending_hides_at_once(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert "a-partners" not in _feed(cli, "b")
    proposed = cli("ties", "propose", "--by", "a", "b", "--kind", "partners", "--json")
    assert proposed.code == 0, proposed.err
    assert proposed.json() == {"by": "a", "with": "b", "kind": "partners", "state": "proposed"}
    assert "a-partners" not in _feed(cli, "b")
    assert cli("export").json()["ties"] == NETWORK["ties"]
    assert cli("ties", "accept", "--by", "b", "a").code == 0
    assert "a-partners" in _feed(cli, "b")
    assert {"kind": "partners", "from": "a", "to": "b"} in cli("export").json()["ties"]
    assert cli("ties", "end", "--by", "b", "a").code == 0
    assert "a-partners" not in _feed(cli, "b")
    assert "a-public" in _feed(cli, "b")
    assert cli("export").json()["ties"] == NETWORK["ties"]


def test_ties_list_shows_each_kind_from_the_orgs_point_of_view(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "supplies").code == 0
    assert cli("ties", "list", "a", "--json").json() == {
        "org": "a",
        "ties": [
            {"with": "b", "kind": "supplies", "state": "proposed", "proposed_by": "a"},
            {"with": "c", "kind": "partners", "state": "accepted", "proposed_by": None},
        ],
    }
    assert cli("ties", "list", "b", "--json").json()["ties"] == [
        {"with": "a", "kind": "buys", "state": "proposed", "proposed_by": "a"}
    ]
    assert cli("ties", "accept", "--by", "b", "a", "--json").json() == {
        "by": "b", "with": "a", "kind": "buys", "state": "accepted",
    }  # fmt: skip
    assert {"kind": "supplies", "from": "a", "to": "b"} in cli("export").json()["ties"]
    assert cli("ties", "list", "b", "--json").json()["ties"] == [
        {"with": "a", "kind": "buys", "state": "accepted", "proposed_by": "a"}
    ]
    assert cli("ties", "list", "c", "--json").json()["ties"] == [
        {"with": "a", "kind": "partners", "state": "accepted", "proposed_by": None}
    ]


def test_buys_means_the_other_side_supplies_us(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "buys").code == 0
    assert cli("ties", "accept", "--by", "b", "a").code == 0
    assert {"kind": "supplies", "from": "b", "to": "a"} in cli("export").json()["ties"]


def test_refusals_exit_2_and_change_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "supplies").code == 0
    before = cli("export").out
    refused = [
        ("ties", "propose", "--by", "a", "b", "--kind", "partners"),  # one is waiting
        ("ties", "propose", "--by", "b", "a", "--kind", "buys"),  # in either direction
        ("ties", "propose", "--by", "a", "c", "--kind", "partners"),  # already tied
        ("ties", "propose", "--by", "a", "a", "--kind", "partners"),
        ("ties", "propose", "--by", "a", "nobody", "--kind", "partners"),
        ("ties", "propose", "--by", "nobody", "a", "--kind", "partners"),
        ("ties", "propose", "--by", "a", "c", "--kind", "friends"),
        ("ties", "accept", "--by", "a", "b"),  # the proposer cannot accept
        ("ties", "decline", "--by", "c", "a"),  # nothing proposed to c
        ("ties", "withdraw", "--by", "b", "a"),  # b proposed nothing
        ("ties", "end", "--by", "a", "b"),  # not tied yet
        ("competitors", "withdraw", "--by", "a", "b"),  # never declared
    ]
    for args in refused:
        result = cli(*args)
        assert result.code == 2, (args, result.out, result.err)
        assert result.err.startswith("error:"), args
        assert cli("export").out == before, args


def test_a_declined_or_withdrawn_proposal_waits_30_days(cli, db_url) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "supplies").code == 0
    assert cli("ties", "decline", "--by", "b", "a", "--json").json()["state"] == "declined"
    again = cli("ties", "propose", "--by", "a", "b", "--kind", "partners")
    assert again.code == 2 and "propose again" in again.err
    # The other side is not held back by a's declined proposal.
    assert cli("ties", "propose", "--by", "b", "a", "--kind", "partners").code == 0
    assert cli("ties", "withdraw", "--by", "b", "a").code == 0
    assert cli("ties", "propose", "--by", "b", "a", "--kind", "partners").code == 2
    _decided_long_ago(db_url, 29)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "partners").code == 2
    _decided_long_ago(db_url, 31)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "partners").code == 0


def test_ending_an_imported_tie_by_either_side(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert "a-partners" in _feed(cli, "c")
    ended = cli("ties", "end", "--by", "c", "a", "--json")
    assert ended.json() == {"by": "c", "with": "a", "kind": "partners", "state": "ended"}
    assert cli("export").json()["ties"] == []
    assert "a-partners" not in _feed(cli, "c")


def test_a_competitor_declared_by_one_side_only_that_side_lists_or_withdraws(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert cli("competitors", "declare", "--by", "a", "c").code == 0
    assert cli("competitors", "list", "a", "--json").json() == {"org": "a", "competitors": ["c"]}
    assert cli("competitors", "list", "c", "--json").json() == {"org": "c", "competitors": []}
    assert cli("export").json()["competitors"] == [{"by": "a", "competitor": "c"}]
    before = cli("export").out
    refused = cli("competitors", "withdraw", "--by", "c", "a")
    assert refused.code == 2 and cli("export").out == before
    # Both declare: a pair; a withdraws: c's declaration stays.
    assert cli("competitors", "declare", "--by", "c", "a").code == 0
    assert cli("export").json()["competitors"] == [["a", "c"]]
    assert cli("competitors", "withdraw", "--by", "a", "c").code == 0
    assert cli("export").json()["competitors"] == [{"by": "c", "competitor": "a"}]
    assert cli("competitors", "withdraw", "--by", "c", "a").code == 0
    assert cli("export").json()["competitors"] == []


def test_a_declared_competitor_narrows_what_both_see(cli) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(json.dumps(NETWORK))
    doc["items"].append(
        {"key": "c-net", "owner": "c", "title": "No rivals", "audience": {"level": "network"},
         "exclude": ["competitors"]}
    )  # fmt: skip
    doc["items"][1]["exclude"] = ["competitors"]
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    assert "a-public" in _feed(cli, "b") and "c-net" in _feed(cli, "b")
    assert cli("competitors", "declare", "--by", "b", "c").code == 0
    assert "c-net" not in _feed(cli, "b")  # c excludes its competitors: b declared c
    assert "a-public" in _feed(cli, "b")
    assert cli("competitors", "withdraw", "--by", "b", "c").code == 0
    assert "c-net" in _feed(cli, "b")


def test_the_document_round_trips_proposals_and_declarations(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    assert cli("ties", "propose", "--by", "a", "b", "--kind", "buys").code == 0
    assert cli("competitors", "declare", "--by", "b", "c").code == 0
    first = cli("export").json()
    assert [{k: v for k, v in p.items() if k != "created"} for p in first["tie_proposals"]] == [
        {"by": "a", "with": "b", "kind": "buys"}
    ]
    assert first["competitors"] == [{"by": "b", "competitor": "c"}]
    # Re-importing the export changes nothing.
    again = cli("import", "-", "--json", stdin=json.dumps(first))
    assert again.code == 0, again.err
    assert cli("export").json() == first
    assert cli("ties", "list", "b", "--json").json()["ties"] == [
        {"with": "a", "kind": "supplies", "state": "proposed", "proposed_by": "a"}
    ]


def test_import_refuses_broken_proposals_and_declarations_with_their_paths(cli) -> None:  # type: ignore[no-untyped-def]
    _setup(cli)
    before = cli("export").out
    doc = {
        "format": "winwin/1",
        "competitors": [{"by": "a", "competitor": "zz"}, {"by": "b", "competitor": "b"}],
        "tie_proposals": [
            {"by": "a", "with": "b", "kind": "supplies"},
            {"by": "b", "with": "a", "kind": "partners"},
            {"by": "a", "with": "nobody", "kind": "partners"},
            {"by": "a", "with": "c", "kind": "friends"},
        ],
    }
    result = cli("import", "-", stdin=json.dumps(doc))
    assert result.code == 2
    assert "tie_proposals[3].kind" in result.err
    del doc["tie_proposals"][3]
    result = cli("import", "-", stdin=json.dumps(doc))
    assert result.code == 2
    for path in (
        "competitors[0].competitor",
        "competitors[1]",
        "tie_proposals[1]",
        "tie_proposals[2].with",
    ):
        assert f"error: {path}" in result.err, (path, result.err)
    assert cli("export").out == before
