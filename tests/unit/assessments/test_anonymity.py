"""The anonymity rule of assessment rounds, pure: who may see a side's factors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.assessments.anonymity import (
    DEFAULT_MINIMUM,
    NOBODY,
    OPERATOR,
    Reader,
    check_minimum,
    may_see_who_answered,
    may_show_outside,
    may_show_side,
    shown_outside,
    shown_sides,
)
from winwin.kernel.errors import InvalidInput

A, B, C = 1, 2, 3
READERS = {
    "member": NOBODY,
    "org admin of a": Reader(administered=frozenset({A})),
    "facilitator of a": Reader(facilitated=frozenset({A})),
    "facilitator of c": Reader(facilitated=frozenset({C})),
    "platform admin": Reader(platform_admin=True),
    "operator": OPERATOR,
}


@pytest.mark.parametrize(
    ("respondents", "minimum", "reader", "shown"),
    [
        (2, 3, "member", False),
        (3, 3, "member", True),
        (2, 3, "org admin of a", False),  # a side's own admins wait for the minimum too
        (1, 3, "facilitator of a", True),
        (1, 3, "facilitator of c", False),
        (1, 3, "platform admin", True),
        (1, 3, "operator", True),
        (1, 1, "member", True),  # a named round
        (999, 1000, "member", False),
    ],
)
def test_a_side_is_shown_from_its_minimum_or_to_its_trusted_readers(
    respondents: int, minimum: int, reader: str, shown: bool
) -> None:
    assert (
        may_show_side(
            respondents=respondents, minimum=minimum, side_org_id=A, reader=READERS[reader]
        )
        is shown
    )


readers = st.builds(
    Reader,
    operator=st.booleans(),
    platform_admin=st.booleans(),
    facilitated=st.frozensets(st.integers(1, 6), max_size=3),
    administered=st.frozensets(st.integers(1, 6), max_size=2),
)


@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 8),
            st.integers(0, 8),
            st.integers(1, 6),
            st.integers(1, 6),
            st.integers(1, 6),
        ),
        max_size=12,
    ),
    reader=readers,
)
def test_the_vectorised_rule_agrees_with_the_single_check(
    rows: list[tuple[int, int, int, int, int]], reader: Reader
) -> None:
    respondents = np.array([[r[0], r[1]] for r in rows], dtype=np.int64).reshape(-1, 2)
    minimums = np.array([r[2] for r in rows], dtype=np.int64)
    sides = np.array([[r[3], r[4]] for r in rows], dtype=np.int64).reshape(-1, 2)
    mask = shown_sides(respondents, minimums, sides, reader)
    expected = [
        [
            may_show_side(respondents=r[0], minimum=r[2], side_org_id=r[3], reader=reader),
            may_show_side(respondents=r[1], minimum=r[2], side_org_id=r[4], reader=reader),
        ]
        for r in rows
    ]
    assert mask.reshape(-1, 2).tolist() == expected


@pytest.mark.parametrize(
    ("respondents", "minimum", "reader", "shown"),
    [
        (1, 3, "member", False),  # one outside rater would be identified
        (3, 3, "member", True),
        (2, 3, "org admin of a", False),  # no side's admins own the outside view
        (1, 3, "facilitator of a", True),  # granted either side of the pair
        (1, 3, "facilitator of c", False),
        (1, 3, "platform admin", True),
        (1, 3, "operator", True),
        (1, 1, "member", True),  # a named round
    ],
)
def test_the_outside_view_is_shown_from_the_minimum_or_to_a_side_s_trusted_readers(
    respondents: int, minimum: int, reader: str, shown: bool
) -> None:
    assert (
        may_show_outside(
            respondents=respondents, minimum=minimum, pair=(A, B), reader=READERS[reader]
        )
        is shown
    )


@given(
    rows=st.lists(
        st.tuples(st.integers(0, 8), st.integers(1, 6), st.integers(1, 6), st.integers(1, 6)),
        max_size=12,
    ),
    reader=readers,
)
def test_the_vectorised_outside_rule_agrees_with_the_single_check(
    rows: list[tuple[int, int, int, int]], reader: Reader
) -> None:
    respondents = np.array([r[0] for r in rows], dtype=np.int64)
    minimums = np.array([r[1] for r in rows], dtype=np.int64)
    sides = np.array([[r[2], r[3]] for r in rows], dtype=np.int64).reshape(-1, 2)
    mask = shown_outside(respondents, minimums, sides, reader)
    expected = [
        may_show_outside(respondents=r[0], minimum=r[1], pair=(r[2], r[3]), reader=reader)
        for r in rows
    ]
    assert mask.tolist() == expected


@given(count=st.integers(0, 50), minimum=st.integers(1, 1000), reader=readers)
def test_below_the_minimum_only_trusted_readers_see_a_side(
    count: int, minimum: int, reader: Reader
) -> None:
    shown = may_show_side(respondents=count, minimum=minimum, side_org_id=A, reader=reader)
    trusted = reader.operator or reader.platform_admin or A in reader.facilitated
    assert shown == (count >= minimum or trusted)


def test_who_answered_is_seen_by_the_side_s_admins_and_facilitators() -> None:
    def sees(reader: str, side: int | None, runs: bool = False) -> bool:
        return may_see_who_answered(
            side_org_id=side, reader=READERS[reader], pair=(A, B), runs_round=runs
        )

    assert sees("org admin of a", A) and not sees("org admin of a", B)
    assert sees("facilitator of a", A) and not sees("facilitator of a", B)
    assert not sees("member", A) and not sees("facilitator of c", A)
    assert sees("platform admin", B) and sees("operator", B)
    # A third party belongs to no side: whoever runs the round invited them.
    assert sees("org admin of a", None, runs=True) and not sees("member", None)
    assert sees("facilitator of a", None)


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [(None, DEFAULT_MINIMUM), ("", DEFAULT_MINIMUM), (" 2 ", 2), (1, 1), ("1000", 1000)],
)
def test_the_minimum_defaults_to_three_and_takes_whole_numbers(
    given_value: object, expected: int
) -> None:
    assert check_minimum(given_value) == expected


@pytest.mark.parametrize(
    "hostile", [0, -1, "0", "-3", 1001, 10**30, "9" * 40, "abc", "1.5", "３", True, 2.0, [3]]
)
def test_a_hostile_minimum_is_refused_naming_the_field(hostile: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_minimum(hostile)
    assert [p.path for p in refused.value.problems] == ["min_respondents"]
