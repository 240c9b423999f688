"""The proposal names only organisations each reader may already see, through every
door on both databases. Kuusi (tied to Pakkaus) proposes to Pakkaus and Lab, which know
neither each other nor of each other: Lab's people see Pakkaus as "another organisation"
over REST, on the initiative and list pages, in the airport form and in the agreement,
and ``show --by lab`` masks it too; the proposer's side, platform admins and the
command line without ``--by`` see every name, and the ``show`` document keeps its keys."""

from __future__ import annotations

import json
from typing import Any

from e2e.actions.test_actions_doors import _get, _post

ORGS = ("kuusi", "pakkaus", "lab", "consult")


def _hides_pakkaus(text: str) -> bool:
    return "pakkaus" not in text.lower()


def test_every_door_masks_a_party_the_reader_may_not_see(world: Any) -> None:
    made = world.call(
        "kadmin", "POST", "/api/v1/initiatives",
        json={"by": "kuusi", "with": ["pakkaus", "lab"], "title": "Yhteinen kiitotie"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert set(made.json()["parties"]) == {"kuusi", "lab", "pakkaus"}  # the proposer's side
    n = made.json()["id"]
    api, path = f"/api/v1/initiatives/{n}", f"/initiatives/{n}"

    seen = world.call("labadmin", "GET", api)
    assert seen.status_code == 200 and _hides_pakkaus(seen.text), seen.text
    assert seen.json()["parties"] == {"another:1": "invited", "kuusi": "accepted", "lab": "invited"}
    assert set(seen.json()) == set(world.call("root", "GET", api).json())  # the same keys
    answered = world.call("labadmin", "POST", f"{api}/accept", json={"by": "lab"})
    assert answered.status_code == 200 and _hides_pakkaus(answered.text)
    listed = world.call("labadmin", "GET", "/api/v1/initiatives")
    assert _hides_pakkaus(listed.text) and "another:1" in listed.text
    assert world.call("fac", "POST", f"{api}/accept", json={"by": "pakkaus"}).is_success

    for lang, label in (("fi", "Toinen organisaatio (1)"), ("en", "Another organisation (1)")):
        page = _get(world, "labadmin", path, lang)
        assert page.status_code == 200 and label in page.text, page.text[page.text.find("<main") :]
        assert _hides_pakkaus(page.text)
        assert label in _get(world, "labadmin", "/initiatives", lang).text
    assert "Pakkaus Oy" in _get(world, "kmember", path).text
    assert "Pakkaus Oy" in _get(world, "root", path).text

    # A refused model names the parties as the reader knows them.
    wrong = {"cost-kuusi": "3", "cost-lab": "1", "cost-another:1": "-2"}
    bad = _post(world, "labadmin", f"{path}/step", {"step": "airport", **wrong})
    assert bad.status_code == 422 and "another:1" in bad.text and _hides_pakkaus(bad.text)
    two = {"type": "airport", "costs": {"kuusi": 1, "lab": 2}}
    short = world.call("labadmin", "PUT", f"{api}/model", json={"game": two, "method": "airport"})
    assert short.status_code == 400 and "another:1" in short.text, short.text
    assert _hides_pakkaus(short.text)
    # Lab shares the cost through the page's airport form, naming Pakkaus by its mask.
    costs = {"cost-kuusi": "300", "cost-lab": "60", "cost-another:1": "120"}
    assert _post(world, "labadmin", f"{path}/step", {"step": "airport", **costs}).status_code == 303
    stored = world.call("root", "GET", api).json()
    assert stored["shares"] == {"kuusi": 230.0, "lab": 20.0, "pakkaus": 50.0}
    for who, by in (("kadmin", "kuusi"), ("fac", "pakkaus"), ("labadmin", "lab")):
        assert world.call(who, "POST", f"{api}/agree", json={"by": by}).is_success
    agreed = world.call("labadmin", "GET", api)
    assert agreed.json()["agreement"]["shares"] == {"another:1": 50.0, "kuusi": 230.0, "lab": 20.0}
    assert _hides_pakkaus(agreed.text)
    page = _get(world, "labadmin", path, "fi")
    assert 'data-testid="agreement"' in page.text and _hides_pakkaus(page.text)
    pdf = world.call("labadmin", "GET", f"{api}/agreement.pdf?lang=fi")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def test_show_by_an_organisation_masks_what_it_may_not_see(cli: Any) -> None:
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": f"{k.title()} Oy"} for k in ORGS],
        "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
    }
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    made = cli("initiative", "propose", "--by", "kuusi", "--with", "pakkaus,lab",
               "--title", "Kiitotie", "--json")  # fmt: skip
    n = str(made.json()["id"])
    everyone = cli("initiative", "show", n, "--json").json()
    assert set(everyone["parties"]) == {"kuusi", "lab", "pakkaus"}
    as_lab = cli("initiative", "show", n, "--by", "lab", "--json")
    assert as_lab.code == 0, as_lab.err
    assert _hides_pakkaus(as_lab.out) and set(as_lab.json()) == set(everyone)
    assert set(as_lab.json()["parties"]) == {"another:1", "kuusi", "lab"}
    as_pakkaus = cli("initiative", "show", n, "--by", "pakkaus", "--json").json()
    assert set(as_pakkaus["parties"]) == {"another:1", "kuusi", "pakkaus"}
    assert cli("initiative", "show", n, "--by", "kuusi", "--json").json() == everyone
    outsider = cli("initiative", "show", n, "--by", "consult", "--json")
    assert outsider.code == 2 and outsider.out == ""
