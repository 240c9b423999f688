"""The co-author picker's rule (``innovation.coauthoring``): whom it may suggest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.innovation.coauthoring import Person, may_suggest, suggest

ORGS = ["a", "b", "c", "d"]
people_st = st.lists(
    st.builds(
        Person,
        id=st.integers(1, 50),
        name=st.text(alphabet="abcÄä ", max_size=8),
        org=st.sampled_from(ORGS),
    ),
    max_size=30,
)
orgs_st = st.sets(st.sampled_from(ORGS))


@given(
    people_st, st.text(alphabet="abÄ ", max_size=3), orgs_st, orgs_st, st.sets(st.integers(1, 50))
)
def test_every_suggestion_is_admitted_and_matches(people, text, known, seeing, coauthors) -> None:  # type: ignore[no-untyped-def]
    found = suggest(
        people, text, acting="a", known=known, seeing=seeing, coauthors=coauthors, limit=100
    )
    for person in found:
        assert may_suggest(person, acting="a", known=known, seeing=seeing, coauthors=coauthors)
        assert " ".join(text.split()).casefold() in " ".join(person.name.split()).casefold()
    admitted = [
        p
        for p in people
        if may_suggest(p, acting="a", known=known, seeing=seeing, coauthors=coauthors)
        and " ".join(text.split()).casefold() in " ".join(p.name.split()).casefold()
    ]
    assert len(found) == len(admitted)
    assert len(suggest(people, text, acting="a", known=known, seeing=seeing, limit=3)) <= 3


def test_one_s_own_people_and_known_organisations_only_and_only_if_they_see() -> None:
    people = [
        Person(1, "Aino Ahola", "a"),
        Person(2, "Matti Aho", "b"),
        Person(3, "Ahti Virta", "c"),
        Person(4, "Aholan Kalle", "b"),
    ]
    found = suggest(people, "aho", acting="a", known={"b"}, seeing={"a", "b", "c"})
    # Names that begin with the text first; c is unknown to a; a sees its own people.
    assert [p.id for p in found] == [4, 1, 2]
    assert suggest(people, "aho", acting="a", known={"b"}, seeing={"a"}) == [people[0]]
    assert suggest(people, "", acting="a", known={"b"}, seeing={"b"}, coauthors={2}) == [people[3]]
    assert suggest(people, "ÄIJÄ", acting="a", known=set(), seeing={"a"}) == []
