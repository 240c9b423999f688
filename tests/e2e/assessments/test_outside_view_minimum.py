"""The outside view (third parties' answers) follows the round's minimum of respondents,
through every door, on both databases.

Third parties belong to no side, so one outside rater would otherwise be identified by
the outside view alone. Below the minimum only platform admins, the command line and the
facilitators granted either side see it (``anonymity.may_show_outside``); everyone else
reads the same "too few respondents" note as for a side.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from e2e.assessments.conftest import World
from e2e.assessments.test_anonymity_doors import DOC, ids, page, readers
from winwin.accounts.access import operator
from winwin.assessments import service as rounds
from winwin.assessments.anonymity import may_show_outside
from winwin.assessments.score import THIRD_PARTY
from winwin.assessments.scoring import WITHHELD_NOTE
from winwin.db.engine import session_factory, unit_of_work

OUTSIDE = {f"{f}{n}": 4 for f in "it" for n in range(1, 6)}
NAMES = itertools.count(1)


def make_round(world: World, name: str, minimum: int, outsiders: int) -> None:
    """A round of kuusi and pakkaus whose only answers are ``outsiders`` third parties'."""
    with unit_of_work(session_factory(world.engine)) as session:
        opened = rounds.open_round(
            session,
            actor=operator(),
            between=["kuusi", "pakkaus"],
            round=name,
            instrument="customer-relationship",
            min_respondents=minimum,
        )
        invitees = [rounds.Invitee(side=THIRD_PARTY, name=f"Outi {i}") for i in range(outsiders)]
        if invitees:
            issued = rounds.invite_respondents(
                session, actor=operator(), round_id=opened.id, invitees=invitees
            )
            for invitation in issued:
                rounds.submit_response(session, token=invitation.token, answers=OUTSIDE)


@settings(
    max_examples=8,
    deadline=None,
    # Each example is a round on a real database: no shrinking, the failing case is printed.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(outsiders=st.integers(1, 4), minimum=st.integers(1, 5))
def test_every_door_shows_the_outside_view_as_the_rule_says(
    world: World, ids: dict[str, int], outsiders: int, minimum: int
) -> None:
    name = f"o{next(NAMES):04d}"
    make_round(world, name, minimum, outsiders)
    pair = (ids["kuusi"], ids["pakkaus"])
    for who, reader in readers(ids).items():
        shown = may_show_outside(respondents=outsiders, minimum=minimum, pair=pair, reader=reader)
        where = f"{who} reading {outsiders} third parties with minimum {minimum}"

        (scored,) = world.call(who, "GET", f"/api/v1/scores?round={name}").json()["relationships"]
        assert (scored["outside_view"] is not None) == shown, where
        assert (THIRD_PARTY in scored["withheld"]) == (not shown), where
        assert scored["respondents"][THIRD_PARTY] == outsiders  # counts are never hidden

        text = world.call(who, "GET", f"/api/v1/scores.csv?round={name}").text
        (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["side"] == THIRD_PARTY]
        assert (row["impact"] != "") == shown, where
        assert row["withheld"] == ("" if shown else WITHHELD_NOTE), where

        html = page(world, who, f"/relationships/kuusi/pakkaus?round={name}").text
        assert ('data-testid="withheld-third-party"' in html) == (not shown), where

        workbook = load_workbook(
            io.BytesIO(page(world, who, "/relationships/kuusi/pakkaus/results.xlsx").content)
        )
        results = workbook.worksheets[0]
        (outside,) = [
            r
            for r in results.iter_rows(values_only=True)
            if r[0] == name and r[4] == "Outside view"
        ]
        assert (outside[8] is not None) == shown, where
        assert (outside[14] is not None) == (not shown), where


def test_the_command_line_prints_the_outside_view_of_a_lone_third_party(cli: Any) -> None:
    """The operator sees everything, as the contract states, whatever the minimum."""
    doc = json.loads(json.dumps(DOC))
    doc["assessments"][0]["responses"].append(
        {"side": THIRD_PARTY, "respondent": "o1", "answers": OUTSIDE}
    )
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    (printed,) = cli("score", "--json").json()["relationships"]
    # The third party gave the same answers to impact and attraction as kuusi's person.
    kuusi = printed["sides"]["kuusi"]
    assert printed["outside_view"] == {"impact": kuusi["impact"], "attraction": kuusi["attraction"]}


__all__ = ["ids"]
