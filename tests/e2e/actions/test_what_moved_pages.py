"""What moved, on the pages (both databases): the relationship page once the later round
closes, the dashboard ranked by the change in R, and the facilitator's view of clients."""

from __future__ import annotations

import json

from e2e.actions.test_actions_doors import _get
from e2e.actions.test_score_compare import DOC
from e2e.assessments.conftest import World
from winwin.accounts.access import operator
from winwin.actions import service as actions
from winwin.assessments import service as rounds
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document


def _assessed(world: World) -> None:
    doc = {
        **DOC,
        "organizations": [
            {"key": k, "name": f"{k.title()} Oy"} for k in ("kuusi", "pakkaus", "lab", "kemi")
        ],
    }
    with unit_of_work(session_factory(world.engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        actions.add_action(
            session,
            actor=operator(),
            between=["kuusi", "pakkaus"],
            by="pakkaus",
            factor="accessibility",
            title="Named contact person",
        )


def _close(world: World, round_: str) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        for r in rounds.list_rounds(session, actor=operator()):
            if r.round == round_ and set(r.between) == {"kuusi", "pakkaus"}:
                rounds.close_round(session, actor=operator(), round_id=r.id)


def test_the_relationship_page_shows_what_moved_once_the_later_round_closes(world: World) -> None:
    _assessed(world)
    page = _get(world, "kmember", "/relationships/kuusi/pakkaus?round=2026-Q2")
    assert 'data-testid="what-moved-pending"' in page.text
    assert 'data-testid="what-moved"' not in page.text
    _close(world, "2026-Q2")
    for lang, noise in (("en", "beyond noise"), ("fi", "yli satunnaisvaihtelun")):
        page = _get(world, "kmember", "/relationships/kuusi/pakkaus?round=2026-Q2", lang)
        moved = page.text.split('data-testid="what-moved"')[1].split("</section>")[0]
        row = moved.split('data-factor="accessibility"')[1].split("</tr>")[0]
        assert 'data-side="kuusi" data-beyond="True"' in row
        assert 'data-side="pakkaus" data-beyond="False"' in row
        assert noise in row and "Named contact person" in row


def test_dashboards_rank_relationships_by_the_change_in_r(world: World) -> None:
    _assessed(world)
    home = _get(world, "kmember", "/")
    moves = home.text.split('data-testid="moves"')[1].split("</table>")[0]
    assert 'data-between="kuusi:pakkaus"' in moves
    clients = _get(world, "fac", "/relationships/clients")
    assert "What moved across clients" in clients.text
    assert 'data-between="kuusi:pakkaus"' in clients.text.split('data-testid="moves"')[1]


def test_the_api_compares_only_the_relationships_a_person_may_see(world: World) -> None:
    _assessed(world)
    path = "/api/v1/scores/compare?before=2026-Q1&after=2026-Q2"
    seen = {
        who: [r["between"] for r in world.call(who, "GET", path).json()["relationships"]]
        for who in ("kmember", "labadmin", "root")
    }
    assert seen == {
        "kmember": [["kuusi", "pakkaus"]],
        "labadmin": [["kemi", "lab"]],
        "root": [["kemi", "lab"], ["kuusi", "pakkaus"]],
    }
    refused = world.call("root", "GET", "/api/v1/scores/compare?before=2026-Q1&after=2026-Q1")
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["path"] == "after"
