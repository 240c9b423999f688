"""Refusals carry a stable code, so that a door can say them in its own language without
reading the English words."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.accounts import refusals as accounts
from winwin.actions import refusals as actions
from winwin.assessments import refusals as assessments
from winwin.http import i18n
from winwin.innovation import refusals
from winwin.kernel.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    Refusal,
    RuleBroken,
)
from winwin.sharing import refusals as sharing


def _refusals(module: object) -> list[Refusal]:
    return [r for r in vars(module).values() if isinstance(r, Refusal)]


INNOVATION = _refusals(refusals)
# Every refusal that the pages of challenges, ideas, items, assessment rounds, joint
# actions and accounts (signing in, passwords, tokens, profiles, people) say.
CODED = (
    INNOVATION
    + _refusals(sharing)
    + _refusals(assessments)
    + _refusals(actions)
    + _refusals(accounts)
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


def test_a_code_is_defined_once() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        Refusal(refusals.IDEA_MOVE.code, "something else")
    assert Refusal.known(refusals.IDEA_MOVE.code) is refusals.IDEA_MOVE
    assert Refusal.known("no.such.code") is None
    assert Refusal.known(None) is None


@given(refusal=st.sampled_from(CODED), value=text)
def test_a_problem_keeps_its_code_values_and_english_message(refusal: Refusal, value: str) -> None:
    names = PLACEHOLDER.findall(refusal.msgid)
    params = {name: f"{value}-{name}" for name in names}
    problem = refusal("field", **params)
    assert problem.code == refusal.code
    assert dict(problem.params) == params
    assert problem.path == "field"
    for name in names:
        assert f"{value}-{name}" in problem.message


def test_every_refusal_of_items_ideas_rounds_actions_and_accounts_has_a_finnish_text() -> None:
    assert len(_refusals(sharing)) > 20 and len(_refusals(assessments)) > 40
    assert len(_refusals(actions)) > 25 and len(_refusals(accounts)) > 40
    missing = [r.code for r in CODED if i18n.translate("fi", r.msgid) == r.msgid]
    assert missing == []


def test_every_code_belongs_to_its_feature() -> None:
    for feature, found in (
        ("innovation.", INNOVATION),
        ("sharing.", _refusals(sharing)),
        ("actions.", _refusals(actions)),
        ("accounts.", _refusals(accounts)),
    ):
        assert all(r.code.startswith(feature) for r in found)
    assert all(r.code.startswith(("assessments.", "rounds.")) for r in _refusals(assessments))


@given(refusal=st.sampled_from(CODED), value=st.from_regex(r"[a-z]{3,8}", fullmatch=True))
def test_every_refusal_is_said_in_finnish_with_its_values(refusal: Refusal, value: str) -> None:
    params = {name: f"{value}-{name}" for name in PLACEHOLDER.findall(refusal.msgid)}
    problem = refusal(**params)
    finnish = i18n.say(problem, "fi")
    english = i18n.say(problem, "en")
    assert english == problem.message
    assert finnish != english
    assert all(shown in finnish for shown in params.values())


def test_an_error_made_from_a_problem_keeps_it_and_its_text() -> None:
    problem = refusals.NO_ENTRY(key="k")
    assert str(NotFound(problem)) == "there is no challenge or idea 'k'"
    assert NotFound(problem).problem is problem
    assert NotFound("plain").problem == Problem("", "plain")
    broken = RuleBroken(refusals.TAKES_NO_IDEAS("challenge", stage="closed"))
    assert broken.problem.code == "innovation.takes_no_ideas"
    assert str(broken) == "challenge: the challenge is closed: it takes no new ideas"
    assert i18n.say(Problem("", "an unknown message"), "fi") == "an unknown message"


def test_an_accounts_refusal_keeps_its_english_words_for_scripts() -> None:
    assert str(InvalidInput(accounts.PASSWORD_TOO_SHORT("new_password", n=10))) == (
        "new_password: must be at least 10 characters long"
    )
    assert str(PermissionDenied(accounts.LINK_INVALID())) == "this link is invalid or has expired"
    assert i18n.say(accounts.TOKEN_DAYS("days", n=365), "fi") == "on 1–365"
