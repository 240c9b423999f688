"""Choosing what we share of our customers: REST, the command line and the ties page, on
SQLite and PostgreSQL.

The demo network: kuusi (org_admin, member) is tied to lab, pakkaus, kotelo and its
suppliers; meijeri is not tied to kuusi. Each refusal leaves the settings as they were.
"""

from __future__ import annotations

from e2e.network.test_ties_doors import _sign_in
from winwin.accounts.access import operator
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import tie_sharing, ties

SHARING = "/api/v1/organizations/{org}/tie-sharing"


def _settings(world) -> dict:  # type: ignore[no-untyped-def,type-arg]
    with session_factory(world.engine)() as session:
        return tie_sharing.sharing_settings(session, org="kuusi", actor=operator())


def _row(settings: dict, partner: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in settings["partners"] if r["with"] == partner)


def test_rest_an_admin_chooses_a_default_and_one_partners_level(world) -> None:  # type: ignore[no-untyped-def]
    path = SHARING.format(org="kuusi")
    first = world.call("org_admin", "GET", path)
    assert first.status_code == 200, first.text
    assert first.json()["default"] == "counts"
    assert _row(first.json(), "lab") == {"with": "lab", "level": "counts", "override": None}
    changed = world.call("org_admin", "PUT", path, json={"level": "all"})
    assert changed.status_code == 200 and changed.json()["default"] == "all"
    assert _row(changed.json(), "pakkaus")["level"] == "all"
    one = world.call("org_admin", "PUT", f"{path}/lab", json={"level": "overlap"})
    assert _row(one.json(), "lab") == {"with": "lab", "level": "overlap", "override": "overlap"}
    # What lab sees of kuusi follows kuusi's choice for lab.
    seen = world.call("lab_member", "GET", "/api/v1/organizations/lab/overlap/kuusi").json()
    assert seen["level"] == "overlap"
    dropped = world.call("org_admin", "PUT", f"{path}/lab", json={"level": None})
    assert _row(dropped.json(), "lab") == {"with": "lab", "level": "all", "override": None}
    assert _settings(world) == dropped.json()


def test_rest_refusals_name_the_field_and_change_nothing(world) -> None:  # type: ignore[no-untyped-def]
    path = SHARING.format(org="kuusi")
    before = _settings(world)
    assert world.call("member", "PUT", path, json={"level": "all"}).status_code == 403
    bad = world.call("org_admin", "PUT", path, json={"level": "everything"})
    assert bad.status_code == 422 and "level" in bad.text
    extra = world.call("org_admin", "PUT", path, json={"level": "all", "also": 1})
    assert extra.status_code == 422
    stranger = world.call("org_admin", "PUT", f"{path}/meijeri", json={"level": "all"})
    assert stranger.status_code == 422 and "not a partner" in stranger.text
    unknown = world.call("org_admin", "PUT", f"{path}/nobody", json={"level": "all"})
    assert unknown.status_code == 404
    itself = world.call("org_admin", "PUT", f"{path}/kuusi", json={"level": "all"})
    assert itself.status_code == 422
    other_org = world.call("org_admin", "PUT", SHARING.format(org="lab"), json={"level": "all"})
    assert other_org.status_code == 403
    assert _settings(world) == before


def test_our_settings_never_tell_that_a_partner_declared_us_a_competitor(world) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(session_factory(world.engine)) as session:
        ties.declare_competitor(session, operator(), by="lab", other="kuusi")
    got = world.call("org_admin", "GET", SHARING.format(org="kuusi")).json()
    assert _row(got, "lab") == {"with": "lab", "level": "counts", "override": None}
    # The checkpoint itself does hide kuusi's customers from lab.
    seen = world.call("lab_member", "GET", "/api/v1/organizations/lab/overlap/kuusi").json()
    assert seen["level"] == "hidden"


def test_the_command_line_shows_and_sets_the_levels(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo").code == 0
    done = cli("ties", "share", "kuusi", "overlap", "--with", "lab", "--json")
    assert done.code == 0, done.err
    shown = cli("ties", "sharing", "kuusi", "--json")
    assert shown.code == 0
    assert _row(shown.json(), "lab") == {"with": "lab", "level": "overlap", "override": "overlap"}
    assert done.json() == shown.json()
    text = cli("ties", "sharing", "kuusi").out.splitlines()
    assert text[0] == "default\tcounts" and "lab\toverlap\toverlap" in text
    assert cli("ties", "share", "kuusi", "default", "--with", "lab").code == 0
    assert _row(cli("ties", "sharing", "kuusi", "--json").json(), "lab")["override"] is None
    before = cli("export").out
    bad = cli("ties", "share", "kuusi", "everything")
    assert bad.code == 2 and "level" in bad.err
    unknown = cli("ties", "share", "kuusi", "all", "--with", "nobody")
    assert unknown.code != 0 and unknown.out == ""
    assert cli("export").out == before


def test_the_ties_page_sets_what_we_share_in_finnish(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "org_admin", "fi")
    page = world.client.get("/org/ties?org=kuusi").text
    assert "Mitä kerromme asiakkaistamme" in page and 'name="level-lab"' in page
    saved = world.client.post(
        "/org/tie-sharing?org=kuusi",
        data={
            "csrf_token": token,
            "default": "overlap",
            "level-lab": "hidden",
            "level-pakkaus": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    after = world.client.get(saved.headers["location"]).text
    assert "Tallennettu." in after
    settings = _settings(world)
    assert settings["default"] == "overlap"
    assert _row(settings, "lab") == {"with": "lab", "level": "hidden", "override": "hidden"}
    assert _row(settings, "pakkaus") == {"with": "pakkaus", "level": "overlap", "override": None}
    refused = world.client.post(
        "/org/tie-sharing?org=kuusi",
        data={"csrf_token": token, "default": "all", "level-meijeri": "all"},
    )
    assert refused.status_code == 422
    assert _settings(world) == settings  # the default was not saved either


def test_a_member_sees_no_sharing_form_and_cannot_post_it(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "member", "en")
    page = world.client.get("/org/ties").text
    assert 'data-testid="tie-sharing"' not in page
    before = _settings(world)
    refused = world.client.post(
        "/org/tie-sharing?org=kuusi", data={"csrf_token": token, "default": "all"}
    )
    assert refused.status_code == 403
    assert _settings(world) == before
