"""The initiative pages in Finnish and English on both databases: propose, answer,
contribute, choose a model explained in plain words with the shares and the core test,
agree, and see the frozen agreement with its PDF; only parties' people (and facilitators
granted a party) see the pages, and only who acts for a party gets its forms."""

from __future__ import annotations

import json
from typing import Any

from e2e.actions.test_actions_doors import _get, _post

GAME = {
    "type": "table",
    "players": ["kuusi", "pakkaus"],
    "values": {"": 0, "kuusi": 10, "pakkaus": 20, "kuusi,pakkaus": 50},
}


def test_the_loop_on_the_pages(world: Any) -> None:
    made = _post(
        world,
        "kadmin",
        "/initiatives",
        {
            "by": "kuusi",
            "with": "pakkaus",
            "title": "Yhteinen varasto",
            "goal": "",
            "value": "1 000,5",
        },
        "fi",
    )
    assert made.status_code == 303, made.text
    path = made.headers["location"]
    n = int(path.rsplit("/", 1)[1])
    page = _get(world, "kmember", path, "fi")
    assert "Yhteinen varasto" in page.text and "ehdotettu: odottaa vastauksia" in page.text
    assert 'data-testid="steps-' not in page.text  # a member acts for nobody
    assert _get(world, "labadmin", path).status_code == 404
    assert "Yhteinen varasto" not in _get(world, "labadmin", "/initiatives").text
    assert "Yhteinen varasto" in _get(world, "fac", "/initiatives").text

    # The facilitator granted pakkaus answers for it; kadmin may not.
    assert (
        _post(world, "kadmin", f"{path}/step", {"step": "accept", "by": "pakkaus"}).status_code
        == 403
    )
    assert (
        _post(world, "fac", f"{path}/step", {"step": "accept", "by": "pakkaus"}).status_code == 303
    )
    refused = _post(
        world, "kadmin", f"{path}/step", {"step": "contribute", "by": "kuusi", "amount": "-1"}, "fi"
    )
    assert refused.status_code == 422 and "amount" in refused.text
    assert (
        _post(
            world,
            "kadmin",
            f"{path}/step",
            {"step": "contribute", "by": "kuusi", "amount": "120,50"},
        ).status_code
        == 303
    )
    model = {"step": "model", "method": "shapley", "game": json.dumps(GAME)}
    assert _post(world, "kadmin", f"{path}/step", model).status_code == 303
    for lang, words in (("en", "Shapley value"), ("fi", "Shapleyn arvo")):
        page = _get(world, "kadmin", path, lang)
        assert words in page.text
        assert 'data-testid="share-kuusi">20' in page.text
        assert 'data-testid="share-pakkaus">30' in page.text
    assert "The allocation is in the core" in _get(world, "kadmin", path).text

    assert (
        _post(world, "kadmin", f"{path}/step", {"step": "agree", "by": "kuusi"}).status_code == 303
    )
    assert (
        _post(world, "fac", f"{path}/step", {"step": "agree", "by": "pakkaus"}).status_code == 303
    )
    page = _get(world, "kmember", path, "fi")
    assert 'data-state="agreed"' in page.text and 'data-testid="agreement"' in page.text
    assert f"/api/v1/initiatives/{n}/agreement.pdf?lang=fi" in page.text
    pdf = world.call("kmember", "GET", f"/api/v1/initiatives/{n}/agreement.pdf?lang=fi")
    assert pdf.headers["content-type"] == "application/pdf"


def _declare(world: Any, by: str, other: str) -> None:
    from winwin.accounts.access import operator
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.network import ties

    with unit_of_work(session_factory(world.engine)) as session:
        ties.declare_competitor(session, operator(), by=by, other=other)


def test_the_competition_guard_on_the_pages_and_over_rest(world: Any) -> None:
    early = _post(
        world,
        "kadmin",
        "/initiatives",
        {"by": "kuusi", "with": "pakkaus,lab", "title": "Hintojen vertailu", "goal": ""},
        "fi",
    )
    assert early.status_code == 303, early.text
    path = early.headers["location"]
    assert _get(world, "labadmin", path).status_code == 200
    _declare(world, "lab", "pakkaus")

    # Proposing to competitors about prices is refused, in the page's language, by name.
    sensitive = {"by": "kuusi", "with": "pakkaus,lab", "title": "Hinnoittelu 2027", "goal": ""}
    refused = _post(world, "kadmin", "/initiatives", sensitive, "fi")
    assert refused.status_code == 422
    assert "Pakkaus Oy ja Lab Oy kilpailevat keskenään" in refused.text
    assert "Kenen kanssa" in refused.text
    assert "hinnoittelu" in refused.text
    api = world.call(
        "kadmin", "POST", "/api/v1/initiatives", json={**sensitive, "with": ["pakkaus", "lab"]}
    )
    assert api.status_code == 400
    assert api.json()["problems"][0]["code"] == "initiatives.competitors_on_sensitive"
    assert api.json()["problems"][0]["path"] == "with"

    # The earlier initiative is held: the proposer sees why, the competing party sees nothing.
    held = _get(world, "kadmin", path, "fi")
    assert 'data-testid="held"' in held.text
    assert "Tämä aloite ei näy osapuolille Lab Oy, Pakkaus Oy" in held.text
    assert _get(world, "labadmin", path).status_code == 404
    assert "Hintojen vertailu" not in _get(world, "labadmin", "/initiatives").text

    # About something else, competitors may work together; only the proposer is warned.
    other = _post(
        world,
        "kadmin",
        "/initiatives",
        {"by": "kuusi", "with": "pakkaus,lab", "title": "Yhteinen varasto", "goal": ""},
        "fi",
    )
    assert other.status_code == 303
    warned = _get(world, "kadmin", other.headers["location"], "fi")
    assert 'data-testid="competition-warning"' in warned.text
    assert "pitäkää hinnat, kapasiteetti" in warned.text
    lab = _get(world, "labadmin", other.headers["location"], "fi")
    assert lab.status_code == 200 and 'data-testid="competition-warning"' not in lab.text
