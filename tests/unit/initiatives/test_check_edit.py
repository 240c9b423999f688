"""Who may change the parties of an initiative, as a pure rule: whatever an edit asks,
one that passes leaves the proposer and every party that accepted in place, adds only
organisations that were not parties, withdraws only open or declined invitations, and
keeps at least one party besides the proposer; only the proposer changes the parties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.initiatives.rules import PartyStatus, Refused, check_edit

ORGS = ("a", "b", "c", "d", "e")
statuses = st.sampled_from(("invited", "accepted", "declined"))


@st.composite
def initiatives(draw: st.DrawFn) -> dict[str, PartyStatus]:
    others = draw(st.dictionaries(st.sampled_from(ORGS[1:]), statuses, min_size=1))
    return {"a": "accepted", **others}


@given(
    initiatives(),
    st.sampled_from(ORGS),
    st.lists(st.sampled_from(ORGS), unique=True, max_size=3),
    st.lists(st.sampled_from(ORGS), unique=True, max_size=3),
)
def test_an_edit_that_passes_keeps_what_was_accepted(
    parties: dict[str, PartyStatus], by: str, add: list[str], remove: list[str]
) -> None:
    try:
        check_edit(parties, by=by, proposer="a", add=add, remove=remove)
    except Refused as refused:
        assert refused.field in ("by", "add", "remove")
        return
    assert parties[by] == "accepted"
    assert not (add or remove) or by == "a"
    after = set(parties) - set(remove) | set(add)
    assert {k for k, s in parties.items() if s == "accepted"} <= after
    assert not set(add) & set(parties)
    assert all(parties[k] in ("invited", "declined") for k in remove)
    assert "a" in after and len(after) >= 2


def test_only_the_proposer_changes_the_parties() -> None:
    parties: dict[str, PartyStatus] = {"a": "accepted", "b": "accepted", "c": "invited"}
    check_edit(parties, by="b", proposer="a", add=[], remove=[])
    for add, remove in ((["d"], []), ([], ["c"])):
        try:
            check_edit(parties, by="b", proposer="a", add=add, remove=remove)
        except Refused as refused:
            assert refused.field == "by"
        else:
            raise AssertionError("a party that is not the proposer changed the parties")
    check_edit(parties, by="a", proposer="a", add=["d"], remove=["c"])
