"""The namespaces of chosen keys (``sharing.keys``): no key may be chosen by two
organisations, so a collision with a chosen key is always with one's own."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from winwin.http import i18n
from winwin.sharing import keys, refusals

KEY = re.compile(r"[a-z0-9_-]{1,64}")
part = st.from_regex(r"[a-z0-9_]{1,6}", fullmatch=True)
org_key = st.lists(part, min_size=1, max_size=3).map("-".join)
item_key = st.lists(part, min_size=1, max_size=5).map("-".join)


def test_a_key_belongs_to_the_longest_organisation_prefix() -> None:
    orgs = {"kuusi", "kuusi-oy", "lab"}
    assert keys.prefixes("kuusi-oy-plan") == ["kuusi", "kuusi-oy"]
    assert keys.namespace_owner("kuusi-oy-plan", orgs) == "kuusi-oy"
    assert keys.namespace_owner("kuusi-oyster", orgs) == "kuusi"
    assert keys.namespace_owner("kuusi-oy", orgs) == "kuusi"
    assert keys.namespace_owner("kuusi-", orgs) is None
    assert keys.namespace_owner("board-lab", orgs) is None


def test_a_chosen_key_names_the_field_and_the_prefix_to_use() -> None:
    orgs = {"kuusi", "kuusi-oy"}
    assert keys.chosen_key_problem("kuusi-plan", owner="kuusi", org_keys=orgs) is None
    for key in ("plan", "kuusi", "kuusi-", "lab-plan"):
        problem = keys.chosen_key_problem(key, owner="kuusi", org_keys=orgs)
        assert problem is not None and problem.path == "key"
        assert problem.code == refusals.KEY_NOT_OURS.code
        assert f"'{key}'" in problem.message and "'kuusi-'" in problem.message
    other = keys.chosen_key_problem("kuusi-oy-plan", owner="kuusi", org_keys=orgs)
    assert other is not None and other.code == refusals.KEY_OF_OTHER.code
    assert "'kuusi-oy'" in other.message
    assert keys.chosen_key_problem("kuusi-oy-plan", owner="kuusi-oy", org_keys=orgs) is None


@given(orgs=st.sets(org_key, min_size=1, max_size=6), key=item_key)
def test_no_key_may_be_chosen_by_two_organisations(orgs: set[str], key: str) -> None:
    allowed = [o for o in orgs if keys.chosen_key_problem(key, owner=o, org_keys=orgs) is None]
    assert len(allowed) <= 1
    if allowed:
        assert key.startswith(f"{allowed[0]}-") and keys.namespace_owner(key, orgs) == allowed[0]


@given(owner=st.from_regex(r"[a-z0-9_-]{1,64}", fullmatch=True), orgs=st.sets(org_key))
def test_a_key_the_server_makes_is_a_key_and_never_in_another_namespace(
    owner: str, orgs: set[str]
) -> None:
    made = keys.generated_key(owner, "0123456789abcdef")
    assert KEY.fullmatch(made)
    if len(owner) <= 55:
        assert made == f"{owner}-01234567"
        # Only a longer organisation key could own it, and none ends in 8 hex digits' '-'.
        assert keys.namespace_owner(made, orgs | {owner}) == owner
    else:
        assert "-" not in made and made.endswith("_0123456789abcdef")
        assert keys.namespace_owner(made, orgs | {owner}) is None


def test_the_key_refusals_are_said_in_finnish() -> None:
    for refusal in (refusals.KEY_NOT_OURS, refusals.KEY_OF_OTHER):
        problem = refusal("key", key="plan", prefix="kuusi-", other="kuusi-oy")
        finnish = i18n.say(problem, "fi")
        assert finnish != i18n.say(problem, "en") == problem.message
        assert "plan" in finnish and "kuusi-" in finnish
