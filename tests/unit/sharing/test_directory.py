"""The pickers' rule (``sharing.directory``): suggestions never leave what the
organisation may see, and the sensitive-word scan of titles and bodies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.sharing import audience as policy
from winwin.sharing import directory
from winwin.sharing.directory import Acquaintances
from winwin.sharing.topics import DEFAULT_SENSITIVE_TOPICS, meeting_in_text, stems_of

KEYS = [f"o{i}" for i in range(8)]
KEY_SETS = st.frozensets(st.sampled_from(KEYS), max_size=8)
NAMES = st.dictionaries(
    st.sampled_from(KEYS), st.text("abcÄöå Oy", min_size=1, max_size=12), max_size=8
)


@settings(max_examples=300, deadline=None)
@given(
    viewer=st.sampled_from(KEYS),
    partners=KEY_SETS,
    members=KEY_SETS,
    declared=KEY_SETS,
    names=NAMES,
    text=st.text("abcÄöå Oyo0123", max_size=4),
    scope=st.sampled_from(directory.SCOPES),
    skip=KEY_SETS,
)
def test_suggestions_are_always_among_what_the_organisation_may_see(  # type: ignore[no-untyped-def]
    viewer, partners, members, declared, names, text, scope, skip
) -> None:
    known = Acquaintances(viewer, partners, members, declared)
    visible = directory.visible_orgs(known, scope)
    allowed = partners if scope == "partners" else partners | members | declared
    assert visible == allowed - {viewer}
    found = directory.suggest(names, visible, text, skip=skip)
    assert {k for k, _ in found} <= visible - skip
    assert len(found) <= directory.SUGGESTIONS
    assert all(names[k] == n for k, n in found)
    chosen = directory.resolve(names, visible, text)
    assert chosen is None or chosen in visible


def test_names_that_begin_with_the_text_come_first_and_case_does_not_matter() -> None:
    names = {"kotelo": "Kotelo Oy", "pakkaus": "Pakkaus-Aalto Oy", "kuusi": "Kuusi Paper Oy"}
    found = directory.suggest(names, names, "ko")
    assert found == [("kotelo", "Kotelo Oy")]
    assert [k for k, _ in directory.suggest(names, names, "OY")] == ["kotelo", "kuusi", "pakkaus"]
    assert [k for k, _ in directory.suggest(names, names, "pa")] == ["pakkaus", "kuusi"]


def test_a_name_or_a_key_resolves_only_within_the_visible_set() -> None:
    names = {"gran": "Gran Kartong AB", "tall": "Tall Bruk AB"}
    assert directory.resolve(names, {"gran"}, " gran kartong ab ") == "gran"
    assert directory.resolve(names, {"gran"}, "gran") == "gran"
    assert directory.resolve(names, {"gran"}, "Tall Bruk AB") is None


def test_an_unknown_scope_is_refused() -> None:
    assert directory.parse_scope("partners") == "partners"
    try:
        directory.parse_scope("everyone")
    except ValueError as exc:
        assert "visible, partners" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("everyone is not a scope")


STEMS = stems_of(DEFAULT_SENSITIVE_TOPICS)


def test_a_finnish_title_meets_the_sensitive_list_after_stemming() -> None:
    assert meeting_in_text("Hinnoittelun periaatteet 2027", STEMS) == ["hinnoittelun"]
    assert meeting_in_text("Uudet hinnat ja kapasiteetin kasvu", STEMS) == [
        "hinnat",
        "kapasiteetin",
    ]
    assert meeting_in_text("Våra priser", STEMS) == ["priser"]
    assert meeting_in_text("Our future plans", STEMS) == ["future plans"]
    assert meeting_in_text("Kartonkikokeilu onnistui", STEMS) == []
    assert meeting_in_text("anything", frozenset()) == []


def _network() -> policy.Network:
    orgs = [policy.Org(k) for k in ("kuusi", "kotelo", "pakkaus", "gran", "lab")]
    return policy.Network.build(
        orgs=orgs,
        ties=[
            ("supplies", "kuusi", "kotelo"),
            ("supplies", "kuusi", "pakkaus"),
            ("partners", "lab", "kuusi"),
        ],
        competitors=[("kotelo", "pakkaus"), ("kuusi", "gran")],
        sensitive_topics=DEFAULT_SENSITIVE_TOPICS,
    )


def test_the_pairs_and_competitors_an_item_reaches() -> None:
    network = _network()
    partners = policy.ItemPolicy("i", "kuusi", policy.Audience("partners"))
    assert policy.competing_pairs(network, partners) == [("kotelo", "pakkaus")]
    assert policy.competitors_reached(network, partners) == []
    wide = policy.ItemPolicy("w", "kuusi", policy.Audience("network"))
    assert policy.competitors_reached(network, wide) == ["gran"]
    kept = policy.ItemPolicy(
        "k", "kuusi", policy.Audience("network"), exclude=(policy.Exclusion("competitors"),)
    )
    assert policy.competitors_reached(network, kept) == []
    assert network.sensitive_words("Hinnoittelun periaatteet") == ["hinnoittelun"]
