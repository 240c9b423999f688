"""The stage rules of challenges and ideas, and what participation counts."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from winwin.innovation import stages as rules
from winwin.kernel.errors import InvalidInput, RuleBroken

kinds = st.sampled_from(rules.KINDS)


@st.composite
def walks(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A kind and a sequence of allowed moves from its first stage."""
    kind = draw(kinds)
    stage = rules.first_stage(kind)
    path = [stage]
    for _ in range(draw(st.integers(0, 12))):
        options = rules.next_stages(kind, stage)
        if not options:
            break
        stage = draw(st.sampled_from(options))
        path.append(stage)
    return kind, path


def test_new_entries_start_proposed_or_open() -> None:
    assert rules.first_stage("idea") == "proposed"
    assert rules.first_stage("challenge") == "open"


@given(walks())
def test_every_allowed_move_is_accepted_and_stays_within_the_kind(walk) -> None:  # type: ignore[no-untyped-def]
    kind, path = walk
    for current, target in itertools.pairwise(path):
        rules.check_move(kind, current, target)  # raises if refused
        assert target in rules.STAGES[kind]


@given(kinds, st.data())
def test_a_move_is_accepted_exactly_when_next_stages_lists_it(kind, data) -> None:  # type: ignore[no-untyped-def]
    current = data.draw(st.sampled_from(rules.STAGES[kind]))
    target = data.draw(st.sampled_from(rules.STAGES[kind]))
    if target in rules.next_stages(kind, current):
        rules.check_move(kind, current, target)
    else:
        with pytest.raises(RuleBroken) as refused:
            rules.check_move(kind, current, target)
        (problem,) = refused.value.problems
        assert problem.path == "stage"
        assert f"from {current} to {target}" in problem.message


@given(walks())
def test_an_idea_never_skips_a_step_forward(walk) -> None:  # type: ignore[no-untyped-def]
    kind, path = walk
    assume(kind == "idea")  # a walk of a challenge says nothing here; hypothesis draws again
    forward = rules.IDEA_STAGES[:5]
    for current, target in itertools.pairwise(path):
        if current in forward and target in forward:
            assert abs(forward.index(target) - forward.index(current)) == 1


# The moves written out from docs/innovation.md ("Stages"), not read from the code.
IDEA_MOVES = {
    ("proposed", "discussed"),
    ("discussed", "developing"),
    ("developing", "piloting"),
    ("piloting", "adopted"),
    ("discussed", "proposed"),
    ("developing", "discussed"),
    ("piloting", "developing"),
    ("proposed", "archived"),
    ("discussed", "archived"),
    ("developing", "archived"),
    ("piloting", "archived"),
    ("archived", "proposed"),
}
CHALLENGE_MOVES = {
    ("open", "reviewing"),
    ("open", "closed"),
    ("reviewing", "open"),
    ("reviewing", "closed"),
    ("closed", "open"),
}
IDEA_ORDER = ["proposed", "discussed", "developing", "piloting", "adopted", "archived"]


@pytest.mark.parametrize(
    ("kind", "stages", "moves"),
    [
        ("idea", IDEA_ORDER, IDEA_MOVES),
        ("challenge", ["open", "reviewing", "closed"], CHALLENGE_MOVES),
    ],
)
def test_the_allowed_moves_are_exactly_the_documented_ones(kind, stages, moves) -> None:  # type: ignore[no-untyped-def]
    assert list(rules.STAGES[kind]) == stages
    for current, target in itertools.product(stages, stages):
        if (current, target) in moves:
            rules.check_move(kind, current, target)
            assert target in rules.next_stages(kind, current)
        else:
            with pytest.raises(RuleBroken):
                rules.check_move(kind, current, target)
            assert target not in rules.next_stages(kind, current)


def test_adopted_is_final_and_archived_reopens_as_proposed() -> None:
    assert rules.next_stages("idea", "adopted") == []
    assert rules.next_stages("idea", "archived") == ["proposed"]
    with pytest.raises(RuleBroken, match="allowed: nothing: it is final"):
        rules.check_move("idea", "adopted", "archived")


def test_every_stage_is_reachable_from_the_first() -> None:
    for kind in rules.KINDS:
        seen, todo = set(), [rules.first_stage(kind)]
        while todo:
            stage = todo.pop()
            if stage not in seen:
                seen.add(stage)
                todo += rules.next_stages(kind, stage)
        assert seen == set(rules.STAGES[kind])


def test_unknown_kinds_and_stages_are_bad_input_naming_their_field() -> None:
    with pytest.raises(InvalidInput) as kind:
        rules.check_kind("poll")
    assert kind.value.problems[0].path == "kind"
    with pytest.raises(InvalidInput) as stage:
        rules.check_move("challenge", "open", "adopted")
    assert stage.value.problems[0].path == "stage"
    assert not isinstance(stage.value, RuleBroken)


def test_only_an_open_challenge_takes_ideas() -> None:
    assert [s for s in rules.CHALLENGE_STAGES if rules.takes_ideas(s)] == ["open"]


counts = st.builds(rules.CoCreation, st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))


@given(counts, counts)
def test_co_creation_adds_up_and_mutual_says_which_ways_it_runs(a, b) -> None:  # type: ignore[no-untyped-def]
    assert (a + b).total == a.total + b.total
    expected = {0: "none", 1: "one-way", 2: "both"}[(a.total > 0) + (b.total > 0)]
    assert rules.mutual(a, b) == expected == rules.mutual(b, a)
