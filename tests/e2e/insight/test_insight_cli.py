"""`winwin pairs`, `winwin share` and `winwin clusters` through the real entry point."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.insight.documents import AIRPORT, CROSSED_GAME, NETWORK, SYNERGY, TABLE


def _write(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), "utf-8")
    return str(path)


@pytest.fixture
def network(cli):  # type: ignore[no-untyped-def]
    result = cli("import", "-", stdin=json.dumps(NETWORK))
    assert result.code == 0, result.err
    return cli


def test_network_pairs_skip_tied_and_competing_organisations(network) -> None:  # type: ignore[no-untyped-def]
    result = network("pairs", "--json")
    assert result.code == 0, result.err
    document = result.json()
    # kemi–kuusi share a need and values; pinta–kuusi are tied; kemi–gran compete.
    assert document["pairs"] == [["kemi", "kuusi"], ["pinta", "gran"]]
    assert document["stable"] is True
    assert document["wins"] == pytest.approx([1 + 1 + 2 / 3, 1.0])


def test_explained_pairs_name_the_words_that_meet(network) -> None:  # type: ignore[no-untyped-def]
    document = network("pairs", "--explain", "--json").json()
    first = document["why"][0]
    assert document["pairs"][0] == ["kemi", "kuusi"]
    assert first["meets_customer"] == ["barrier coatings"]
    assert first["values"] == ["circular economy"]
    assert first["new_reach"] == ["metsa", "pakkaus"]
    assert first["customer_fit"] + first["shared_values"] + first["reach"] == pytest.approx(
        document["wins"][0]
    )


def test_pairs_follow_an_edited_profile_at_once(network) -> None:  # type: ignore[no-untyped-def]
    assert network("pairs", "--json").json()["pairs"] == [["kemi", "kuusi"], ["pinta", "gran"]]
    edited = copy.deepcopy(NETWORK)
    gran = next(o for o in edited["organizations"] if o["key"] == "gran")
    gran["needs"] = ["forklifts"]
    assert network("import", "-", stdin=json.dumps(edited)).code == 0
    assert network("pairs", "--json").json()["pairs"] == [["kemi", "kuusi"]]


def test_customer_optimal_network_pairs_are_stable_too(network) -> None:  # type: ignore[no-untyped-def]
    result = network("pairs", "--optimal", "customers", "--capacity", "1", "--json")
    assert result.code == 0, result.err
    assert result.json()["stable"] is True
    assert result.json()["optimal"] == "customers"


def test_clusters_report_communities_and_reach_outside_the_cluster(network) -> None:  # type: ignore[no-untyped-def]
    result = network("clusters", "--seed", "4", "--json")
    assert result.code == 0, result.err
    document = result.json()
    listed = sorted(k for group in document["communities"] for k in group)
    assert listed == sorted(o["key"] for o in NETWORK["organizations"])
    assert all(group == sorted(group) for group in document["communities"])
    assert isinstance(document["modularity"], float)
    # pinta → kuusi → {pakkaus (packaging), metsa (chemistry)}: one of two outside chemistry.
    # kuusi → {pakkaus, metsa} → kauppa (no cluster): outside forest.
    assert document["outside_reach"] == {"pinta": 0.5, "kuusi": 1.0}
    assert network("clusters", "--seed", "4", "--json").json() == document


def test_clusters_by_an_organisation_show_only_what_it_may_see(network) -> None:  # type: ignore[no-untyped-def]
    whole = network("clusters", "--seed", "4", "--brokers", "5", "--json").json()
    assert "scope" not in whole  # the operator's report keeps its shape
    result = network("clusters", "--seed", "4", "--brokers", "5", "--by", "pinta", "--json")
    assert result.code == 0, result.err
    seen = result.json()
    assert seen["scope"] == "own" and seen["org"] == "pinta"
    named = {k for c in seen["communities"] for k in c} | set(seen["outside_reach"])
    named |= {k for m in seen["declared"].values() for k in m}
    named |= {b["org"] for b in seen["brokers"]}
    # pinta's sight: itself and its customer kuusi's end of their tie, kemi its supplier.
    assert named <= {"pinta", "kemi", "kuusi"}
    assert seen["outside_reach"] == {"pinta": 0.5}
    assert seen["sizes"] == [len(c) for c in whole["communities"]]
    text = network("clusters", "--seed", "4", "--by", "pinta")
    assert text.code == 0 and "own community" in text.out
    for hidden in ("pakkaus", "metsa", "kauppa", "gran"):
        assert hidden not in text.out and hidden not in result.out
    unknown = network("clusters", "--by", "nobody")
    assert unknown.code == 2 and "by:" in unknown.err


def test_clusters_follow_a_new_tie_at_once(network) -> None:  # type: ignore[no-untyped-def]
    before = network("clusters", "--seed", "4", "--json").json()["outside_reach"]
    assert before["pinta"] == 0.5
    extended = copy.deepcopy(NETWORK)
    extended["ties"].append({"kind": "supplies", "from": "kuusi", "to": "gran"})
    assert network("import", "-", stdin=json.dumps(extended)).code == 0
    after = network("clusters", "--seed", "4", "--json").json()["outside_reach"]
    # pinta → kuusi → {pakkaus, metsa, gran (forest)}: two of three outside chemistry.
    assert after["pinta"] == pytest.approx(2 / 3)


def test_an_empty_database_has_no_pairs_and_no_communities(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("pairs", "--json").json() == {"pairs": [], "stable": True, "optimal": "suppliers"}
    clusters = cli("clusters", "--json").json()
    assert clusters["communities"] == [] and clusters["outside_reach"] == {}
    assert clusters["modularity"] == 0.0


def test_a_game_file_is_solved_for_the_side_asked(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    game = _write(tmp_path, "game.json", CROSSED_GAME)
    suppliers = cli("pairs", "--game", game, "--json")
    customers = cli("pairs", "--game", game, "--optimal", "customers", "--json")
    assert suppliers.json()["pairs"] == [["a", "x"], ["b", "y"]]
    assert customers.json()["pairs"] == [["a", "y"], ["b", "x"]]
    assert suppliers.json()["stable"] is customers.json()["stable"] is True


@pytest.mark.parametrize(
    ("game", "where"),
    [
        ({**CROSSED_GAME, "extra": {}}, "extra"),
        (
            {"suppliers": {"a": {"capacity": -2, "prefers": []}}, "customers": {}},
            "suppliers.a.capacity",
        ),
        (
            {"suppliers": {"a": {"capacity": 1, "prefers": ["nobody"]}}, "customers": {}},
            "suppliers.a.prefers[0]",
        ),
        (
            {
                "suppliers": {"a": {"capacity": 1, "prefers": []}},
                "customers": {"x": {"capacity": 1, "prefers": ["a", "a"]}},
            },
            "customers.x.prefers[1]",
        ),
    ],
)
def test_a_bad_game_file_exits_2_naming_the_path(cli, tmp_path, game, where) -> None:  # type: ignore[no-untyped-def]
    result = cli("pairs", "--game", _write(tmp_path, "bad.json", game), "--json")
    assert result.code == 2
    assert where in result.err
    assert result.out == ""


def test_an_unknown_side_is_bad_input(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    game = _write(tmp_path, "game.json", CROSSED_GAME)
    result = cli("pairs", "--game", game, "--optimal", "both", "--json")
    assert result.code == 2 and "optimal" in result.err


# --- share: pure file input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("game", "method", "allocation", "in_core"),
    [
        (AIRPORT, "shapley", {"small": 1 / 3, "medium": 5 / 6, "large": 17 / 6}, True),
        (AIRPORT, "proportional", {"small": 4 / 7, "medium": 8 / 7, "large": 16 / 7}, True),
        (AIRPORT, "nucleolus", {"small": 0.5, "medium": 0.75, "large": 2.75}, True),
        (TABLE, "shapley", {"a": 2 / 3, "b": 1 / 6, "c": 1 / 6}, False),
        (TABLE, "nucleolus", {"a": 1.0, "b": 0.0, "c": 0.0}, True),
        (SYNERGY, "shapley", {"mill": 14.0, "lab": 5.0, "port": 5.0}, True),
    ],
)
def test_share_prints_the_allocation_and_its_core_check(
    cli, tmp_path, game, method, allocation, in_core
) -> None:  # type: ignore[no-untyped-def]
    result = cli("share", _write(tmp_path, "g.json", game), "--method", method, "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert document["method"] == method
    assert document["allocation"] == pytest.approx(allocation, abs=1e-7)
    assert document["in_core"] is in_core


def test_share_defaults_to_the_shapley_value(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = cli("share", _write(tmp_path, "g.json", SYNERGY), "--json").json()
    assert document["method"] == "shapley" and document["exact"] is True


def test_a_sampled_shapley_value_repeats_with_its_seed(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    game = _write(tmp_path, "g.json", TABLE)
    first = cli("share", game, "--samples", "500", "--seed", "9", "--json").json()
    again = cli("share", game, "--samples", "500", "--seed", "9", "--json").json()
    assert first == again and first["exact"] is False and first["samples"] == 500
    assert sum(first["allocation"].values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("{not json", "GAME"),
        (json.dumps({"type": "airport", "costs": {"a": -1}}), "costs.a"),
        (json.dumps({**TABLE, "values": {"": 0, "a": 1}}), 'values["a,b"]'),
        (json.dumps({"type": "lottery"}), "type"),
        ('{"type": "airport", "costs": {"a": NaN}}', "GAME"),
        ('{"type": "airport", "costs": {"a": 1, "a": 2}}', "appears twice"),
    ],
)
def test_a_bad_game_exits_2_naming_where(cli, tmp_path, content, where) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    result = cli("share", str(path), "--json")
    assert result.code == 2
    assert where in result.err
    assert result.out == ""


def test_a_missing_game_file_and_an_unknown_method_are_bad_input(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert cli("share", str(tmp_path / "nowhere.json"), "--json").code == 2
    game = _write(tmp_path, "g.json", AIRPORT)
    result = cli("share", game, "--method", "coin-toss", "--json")
    assert result.code == 2 and "method" in result.err


def test_samples_with_another_method_are_bad_input(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    game = _write(tmp_path, "g.json", AIRPORT)
    result = cli("share", game, "--method", "nucleolus", "--samples", "10", "--json")
    assert result.code == 2 and "samples" in result.err


def test_a_negative_seed_is_bad_input(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    game = _write(tmp_path, "g.json", AIRPORT)
    shared = cli("share", game, "--samples", "10", "--seed", "-5", "--json")
    assert shared.code == 2 and "seed" in shared.err
    clustered = cli("clusters", "--seed", "-1", "--json")
    assert clustered.code == 2 and "seed" in clustered.err


def test_the_nucleolus_of_a_large_game_is_refused(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    costs = {f"p{i:02d}": i for i in range(13)}
    game = _write(tmp_path, "g.json", {"type": "airport", "costs": costs})
    result = cli("share", game, "--method", "nucleolus", "--json")
    assert result.code == 2 and "at most 12" in result.err


def test_the_installed_command_shares_a_game_from_standard_input() -> None:
    winwin = Path(sys.executable).with_name("winwin")
    env = {**os.environ, "WINWIN_DATABASE_URL": "sqlite:///:memory:"}
    done = subprocess.run(
        [str(winwin), "share", "-", "--method", "shapley", "--json"],
        input=json.dumps(AIRPORT),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) >= {"method", "allocation", "in_core"}
    assert document["allocation"]["small"] == pytest.approx(1 / 3)


def test_demo_pairs_respect_roles_ties_and_competitors(cli) -> None:  # type: ignore[no-untyped-def]
    from winwin.network.demo import demo_document

    assert cli("demo", "--json").code == 0
    document = cli("pairs", "--json").json()
    demo = demo_document()
    roles = {o["key"]: set(o.get("roles", [])) for o in demo["organizations"]}
    tied = {frozenset((t["from"], t["to"])) for t in demo["ties"]}
    rivals = {frozenset(pair) for pair in demo["competitors"]}
    assert document["stable"] is True and document["pairs"]
    assert document["pairs"] == sorted(document["pairs"])
    as_supplier: dict[str, int] = {}
    as_customer: dict[str, int] = {}
    for supplier, customer in document["pairs"]:
        assert "supplier" in roles[supplier] and "customer" in roles[customer]
        assert frozenset((supplier, customer)) not in tied | rivals
        as_supplier[supplier] = as_supplier.get(supplier, 0) + 1
        as_customer[customer] = as_customer.get(customer, 0) + 1
    assert max(as_supplier.values()) <= 3 and max(as_customer.values()) <= 3


def test_on_a_large_network_clusters_run_as_a_job_with_the_same_answer(  # type: ignore[no-untyped-def]
    network, monkeypatch
) -> None:
    from winwin.insight import service as insight

    monkeypatch.setenv("WINWIN_CLUSTERS_JOB_ABOVE", "0")
    as_job = network("clusters", "--seed", "4", "--brokers", "3", "--json")
    assert as_job.code == 0, as_job.err
    listed = network("jobs", "list", "--json").json()["jobs"]
    assert [(j["kind"], j["status"]) for j in listed] == [("insight.clusters", "succeeded")]
    assert listed[0]["progress"]["done"] == listed[0]["progress"]["total"] == 4
    # Another process (an empty cache here) finds the job's report instead of a new job.
    insight._CLUSTERS.items.clear()
    again = network("clusters", "--seed", "4", "--brokers", "3", "--json")
    assert again.json() == as_job.json()
    assert len(network("jobs", "list", "--json").json()["jobs"]) == 1
    monkeypatch.delenv("WINWIN_CLUSTERS_JOB_ABOVE")
    insight._CLUSTERS.items.clear()
    inline = network("clusters", "--seed", "4", "--brokers", "3", "--json")
    assert inline.json() == as_job.json()
    assert set(inline.json()) >= {"communities", "modularity", "outside_reach"}
