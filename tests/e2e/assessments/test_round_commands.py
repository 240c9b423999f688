"""``winwin round open | invite | answer | close | list`` end to end, on both databases."""

from __future__ import annotations

import json
import math

DOC = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k.title()} for k in ("kuusi", "pakkaus", "lab")],
}


def test_a_round_run_from_the_command_line_is_scored_by_winwin_score(cli):
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    opened = cli("round", "open", "pakkaus", "kuusi", "--round", "2026-Q3", "--json")
    assert opened.code == 0, opened.err
    round_id = opened.json()["id"]
    assert opened.json()["between"] == ["kuusi", "pakkaus"]
    tokens = {}
    for side in ("kuusi", "pakkaus", "third-party"):
        invited = cli("round", "invite", str(round_id), "--side", side, "--name", side, "--json")
        assert invited.code == 0, invited.err
        assert invited.json()["link"].endswith("/answer/" + invited.json()["token"])
        tokens[side] = invited.json()["token"]
    everything = {f"{f}{n}": 5 for f in "aeit" for n in range(1, 5)}  # the fifth is reversed
    assert cli("round", "answer", tokens["kuusi"], json.dumps(everything)).code == 0
    half = {key: 3 for key in everything}
    assert cli("round", "answer", tokens["pakkaus"], "-", stdin=json.dumps(half)).code == 0
    assert cli("round", "answer", tokens["third-party"], '{"i1": 5}').code == 0

    refused = cli("round", "answer", tokens["third-party"], '{"a1": 5}')
    assert refused.code == 2
    assert "answers.a1" in refused.err and "only impact and attraction" in refused.err
    assert cli("round", "answer", tokens["kuusi"], "{not json").code == 2

    (score,) = cli("score", "--json").json()["relationships"]
    assert score["sides"]["kuusi"]["score"] == 100.0
    assert score["sides"]["pakkaus"]["score"] == 25.0
    assert math.isclose(score["score"], 50.0)
    assert score["outside_view"] == {"impact": 1.0, "attraction": None}

    assert cli("round", "close", str(round_id)).code == 0
    late = cli("round", "answer", tokens["kuusi"], '{"a1": 1}')
    assert late.code == 1 and "closed" in late.err
    listed = cli("round", "list", "--json").json()["rounds"]
    assert [(r["status"], r["respondents"]) for r in listed] == [("closed", 3)]


def test_round_commands_refuse_bad_input_with_exit_status_2(cli):
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    unknown = cli("round", "open", "kuusi", "ghost", "--round", "r")
    assert unknown.code == 2 and "between[1]" in unknown.err
    no_instrument = cli("round", "open", "kuusi", "lab", "--round", "r", "--instrument", "x")
    assert no_instrument.code == 2 and "unknown instrument 'x'" in no_instrument.err
    round_id = cli("round", "open", "kuusi", "lab", "--round", "r", "--json").json()["id"]
    outsider = cli("round", "invite", str(round_id), "--side", "pakkaus")
    assert outsider.code == 2 and "invitees[0].side" in outsider.err
    assert cli("round", "list", "--json").json()["rounds"][0]["invitations"] == []
