"""The partner overlap through REST, the command line and the page, on SQLite and PostgreSQL.

The demo network: kuusi supplies kotelo and pakkaus and is lab's partner. Each test
makes lab supply pakkaus and meijeri, so the two have pakkaus in common, kotelo is a
customer of kuusi's that lab lacks, and meijeri one of lab's that kuusi lacks.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine

from support.api_world import EMAILS
from support.web import CSRF
from winwin.accounts.access import operator
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.network import tie_sharing, ties
from winwin.network.demo import DEMO_PASSWORD
from winwin.network.io import export_network

OVERLAP = "/api/v1/organizations/{org}/overlap/{other}"


def _lab_supplies(engine: Engine) -> None:
    with unit_of_work(session_factory(engine)) as session:
        for customer in ("pakkaus", "meijeri"):
            ties.propose_tie(session, operator(), by="lab", other=customer, kind="supplies")
            ties.answer_tie(session, operator(), by=customer, other="lab", accept=True)


def _share(engine: Engine, org: str, level: str | None, partner: str | None = None) -> None:
    with unit_of_work(session_factory(engine)) as session:
        tie_sharing.set_sharing(session, org=org, level=level, partner=partner, actor=operator())


def _export(engine: Engine) -> dict:  # type: ignore[type-arg]
    with session_factory(engine)() as session:
        return export_network(session)


def _expected(level: str, count: int | None, common: list[str] | None, other: list[str] | None):  # type: ignore[no-untyped-def]
    return {
        "org": "kuusi",
        "with": "lab",
        "level": level,
        "common_count": count,
        "common": common,
        "their_other_customers": other,
    }


def test_rest_each_level_of_lab_shows_kuusi_exactly_its_part(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    path = OVERLAP.format(org="kuusi", other="lab")
    # Nothing set: a partner gets counts.
    for who in ("org_admin", "member"):
        got = world.call(who, "GET", path)
        assert got.status_code == 200, got.text
        assert got.json() == _expected("counts", 1, None, None)
    _share(world.engine, "lab", "overlap", partner="kuusi")
    assert world.call("member", "GET", path).json() == _expected("overlap", 1, ["pakkaus"], None)
    _share(world.engine, "lab", "all")
    # The override still wins over the new default.
    assert world.call("member", "GET", path).json()["level"] == "overlap"
    _share(world.engine, "lab", None, partner="kuusi")
    assert world.call("member", "GET", path).json() == _expected("all", 1, ["pakkaus"], ["meijeri"])
    _share(world.engine, "lab", "hidden", partner="kuusi")
    assert world.call("member", "GET", path).json() == _expected("hidden", None, None, None)


def test_rest_what_kuusi_shares_decides_what_lab_sees_not_the_other_way(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    _share(world.engine, "lab", "all")
    _share(world.engine, "kuusi", "hidden")
    seen_by_lab = world.call("lab_member", "GET", OVERLAP.format(org="lab", other="kuusi"))
    assert seen_by_lab.json() == {
        "org": "lab",
        "with": "kuusi",
        "level": "hidden",
        "common_count": None,
        "common": None,
        "their_other_customers": None,
    }
    seen_by_kuusi = world.call("member", "GET", OVERLAP.format(org="kuusi", other="lab"))
    assert seen_by_kuusi.json()["their_other_customers"] == ["meijeri"]


def test_rest_a_competitor_gets_hidden_whatever_it_shares(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    _share(world.engine, "lab", "all", partner="kuusi")
    assert world.call("org_admin", "PUT", "/api/v1/organizations/kuusi/competitors/lab").is_success
    got = world.call("member", "GET", OVERLAP.format(org="kuusi", other="lab"))
    assert got.json() == _expected("hidden", None, None, None)
    # lab is not told that kuusi declared it; it simply sees nothing of kuusi either.
    assert (
        world.call("lab_member", "GET", OVERLAP.format(org="lab", other="kuusi")).json()["level"]
        == "hidden"
    )


def test_rest_hostile_keys_answer_clearly_and_change_nothing(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    before = _export(world.engine)
    unknown = world.call("member", "GET", OVERLAP.format(org="kuusi", other="nobody"))
    assert unknown.status_code == 404
    assert unknown.json()["problems"][0]["path"] == "with"
    # handel has no tie kuusi may see: the answer is the unknown key's, word for word.
    hidden = world.call("member", "GET", OVERLAP.format(org="kuusi", other="handel"))
    assert hidden.status_code == 404
    assert hidden.text.replace("handel", "nobody") == unknown.text
    # The platform admin reads what kuusi would see: handel shares nothing with it.
    admin = world.call("platform_admin", "GET", OVERLAP.format(org="kuusi", other="handel"))
    assert admin.status_code == 200 and admin.json()["level"] == "hidden"
    itself = world.call("member", "GET", OVERLAP.format(org="kuusi", other="kuusi"))
    assert itself.status_code == 400 and itself.json()["problems"][0]["path"] == "with"
    no_org = world.call("member", "GET", OVERLAP.format(org="nobody", other="lab"))
    assert no_org.status_code == 404
    # A member of lab may not look as kuusi; nor may anyone signed out.
    as_kuusi = OVERLAP.format(org="kuusi", other="lab")
    assert world.call("lab_member", "GET", as_kuusi).status_code == 403
    assert world.call(None, "GET", as_kuusi).status_code == 401
    too_long = world.call("member", "GET", OVERLAP.format(org="kuusi", other="x" * 300))
    assert too_long.status_code == 404
    assert _export(world.engine) == before


def test_rest_a_customer_of_a_partner_shown_at_all_is_in_sight_without_a_tie(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    path = OVERLAP.format(org="kuusi", other="meijeri")
    assert world.call("member", "GET", path).status_code == 404
    _share(world.engine, "lab", "all", partner="kuusi")
    # kuusi now sees lab → meijeri, so meijeri may be named: not a partner, so hidden.
    got = world.call("member", "GET", path)
    assert got.status_code == 200 and got.json()["level"] == "hidden"


# --- the command line ----------------------------------------------------------------------


def test_cli_overlap_prints_exactly_the_contract_document(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo").code == 0
    engine = build_engine(db_url)
    try:
        _lab_supplies(engine)
        counts = cli("overlap", "kuusi", "lab", "--json")
        assert counts.code == 0, counts.err
        assert json.loads(counts.out) == _expected("counts", 1, None, None)
        assert list(json.loads(counts.out)) == [
            "org",
            "with",
            "level",
            "common_count",
            "common",
            "their_other_customers",
        ]
        _share(engine, "lab", "all", partner="kuusi")
        shared = cli("overlap", "kuusi", "lab", "--json").json()
        assert shared == _expected("all", 1, ["pakkaus"], ["meijeri"])
        text = cli("overlap", "kuusi", "lab")
        assert text.out.splitlines() == [
            "level\tall",
            "common_count\t1",
            "common\tpakkaus",
            "their_other_customers\tmeijeri",
        ]
    finally:
        engine.dispose()


def test_cli_refusals_exit_2_name_the_argument_and_change_nothing(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo").code == 0
    before = cli("export").json()
    unknown = cli("overlap", "kuusi", "nobody", "--json")
    assert unknown.code == 2 and unknown.out == ""
    assert "with" in unknown.err and "nobody" in unknown.err
    no_org = cli("overlap", "nobody", "lab", "--json")
    assert no_org.code == 2 and "org" in no_org.err and "nobody" in no_org.err
    itself = cli("overlap", "kuusi", "kuusi", "--json")
    assert itself.code == 2 and "with" in itself.err
    # The operator knows handel exists: it is told that handel shares nothing with kuusi.
    assert cli("overlap", "kuusi", "handel", "--json").json()["level"] == "hidden"
    # A competitor: kuusi and gran are declared competitors in the demo.
    assert cli("overlap", "kuusi", "gran", "--json").json() == {
        "org": "kuusi",
        "with": "gran",
        "level": "hidden",
        "common_count": None,
        "common": None,
        "their_other_customers": None,
    }
    assert cli("export").json() == before


# --- the page ------------------------------------------------------------------------------


def _sign_in(world, who: str, locale: str) -> None:  # type: ignore[no-untyped-def]
    client = world.client
    client.cookies.clear()
    client.headers["Accept-Language"] = locale
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"email": EMAILS[who], "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_the_page_in_finnish_shows_only_the_count_when_only_counts_are_shared(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    _sign_in(world, "member", "fi")
    ties_page = world.client.get("/org/ties").text
    assert 'href="/org/overlap/lab?org=kuusi"' in ties_page and "Yhteiset asiakkaat" in ties_page
    page = world.client.get("/org/overlap/lab?org=kuusi")
    assert page.status_code == 200
    assert '<html lang="fi"' in page.text
    assert "jakaa meille vain yhteisten asiakkaidemme määrän" in page.text
    assert "Meillä on 1 yhteinen asiakas." in page.text
    # Neither the common customer nor lab's other one is named, and nothing to introduce.
    for name in ("Pakkaus", "Meijeri", "(pakkaus)", "(meijeri)", "(kotelo)"):
        assert name not in page.text.split("<main")[-1], name
    assert "Näytetään vain, jos" in page.text
    assert "Jaamme organisaatiolle Kuitulaboratorio Oy vain yhteisten" in page.text


def test_the_page_in_english_lists_all_three_when_the_partner_shares_all(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    _share(world.engine, "lab", "all", partner="kuusi")
    _share(world.engine, "kuusi", "overlap")
    _sign_in(world, "member", "en")
    page = world.client.get("/org/overlap/lab?org=kuusi")
    assert page.status_code == 200 and '<html lang="en"' in page.text
    text = page.text
    assert "shares its whole customer list with us" in text
    assert "We share with Kuitulaboratorio Oy which customers we have in common." in text
    common = text.split('id="common-title"')[1].split("</section>")[0]
    theirs = text.split('id="theirs-title"')[1].split("</section>")[0]
    introduce = text.split('id="introduce-title"')[1].split("</section>")[0]
    assert "(pakkaus)" in common and "(meijeri)" not in common
    assert "(meijeri)" in theirs and "(pakkaus)" not in theirs
    assert "(kotelo)" in introduce and "(pakkaus)" not in introduce


def test_the_page_answers_hostile_keys_like_the_api_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    before = _export(world.engine)
    _sign_in(world, "member", "en")
    unknown = world.client.get("/org/overlap/nobody?org=kuusi")
    hidden = world.client.get("/org/overlap/handel?org=kuusi")
    assert unknown.status_code == hidden.status_code == 404
    assert "there is no organisation" in unknown.text
    assert hidden.text.replace("handel", "nobody") == unknown.text
    itself = world.client.get("/org/overlap/kuusi?org=kuusi")
    assert itself.status_code == 400 and "name another one" in itself.text
    _sign_in(world, "member", "fi")
    assert "valitkaa toinen organisaatio" in world.client.get("/org/overlap/kuusi").text
    assert _export(world.engine) == before


def test_the_page_never_tells_kuusi_that_lab_declared_it_a_competitor(world) -> None:  # type: ignore[no-untyped-def]
    _lab_supplies(world.engine)
    _share(world.engine, "kuusi", "all", partner="lab")
    _share(world.engine, "lab", "hidden", partner="kuusi")
    _sign_in(world, "member", "en")
    set_hidden = world.client.get("/org/overlap/lab?org=kuusi").text
    assert world.call("lab_admin", "PUT", "/api/v1/organizations/lab/competitors/kuusi").is_success
    _share(world.engine, "lab", None, partner="kuusi")
    declared = world.client.get("/org/overlap/lab?org=kuusi").text
    # A declaration and a hidden setting read the same, and our own sentence still says
    # what we chose, not the level the declaration forces.
    assert declared == set_hidden
    assert "We share our whole customer list with Kuitulaboratorio Oy." in declared
    assert "shares nothing about its customers with us" in declared


def test_rest_a_facilitator_sees_a_clients_overlap_as_the_client_does_and_no_other(world) -> None:  # type: ignore[no-untyped-def]
    # The demo facilitator is granted kuusi, pakkaus and meijeri, not lab.
    _lab_supplies(world.engine)
    path = OVERLAP.format(org="kuusi", other="lab")
    for level in (None, "overlap", "all", "hidden"):
        _share(world.engine, "lab", level, partner="kuusi")
        as_client = world.call("member", "GET", path)
        as_facilitator = world.call("facilitator", "GET", path)
        assert as_facilitator.status_code == 200, as_facilitator.text
        assert as_facilitator.json() == as_client.json()
    before = _export(world.engine)
    refused = world.call("facilitator", "GET", OVERLAP.format(org="lab", other="kuusi"))
    assert refused.status_code in (403, 404)
    assert "pakkaus" not in refused.text and "meijeri" not in refused.text
    assert _export(world.engine) == before
