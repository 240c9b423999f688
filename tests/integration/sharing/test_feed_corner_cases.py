"""The named corner cases of the sharing rules, through the SQL feed on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from support.document_model import DocumentModel
from winwin.kernel.errors import RuleBroken
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.repository import NetworkRepository
from winwin.sharing import audience as policy
from winwin.sharing.items import ItemRepository

BASE: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi", "country": "FI", "cluster": "forest"},
        {"key": "lab", "name": "Lab", "country": "FI", "cluster": "research"},
        {"key": "pakkaus", "name": "Pakkaus", "country": "FI", "cluster": "forest"},
        {"key": "gran", "name": "Gran", "country": "SE", "cluster": "forest"},
        {"key": "sven", "name": "Sven", "country": "SE", "cluster": "food"},
        {"key": "far", "name": "Far", "country": "DE"},
    ],
    "ties": [
        {"kind": "partners", "from": "kuusi", "to": "lab"},
        {"kind": "partners", "from": "kuusi", "to": "pakkaus"},
        {"kind": "supplies", "from": "kuusi", "to": "gran"},
        {"kind": "partners", "from": "sven", "to": "kuusi"},
        {"kind": "partners", "from": "lab", "to": "far"},
    ],
    "competitors": [["gran", "kuusi"]],
    "circles": [{"key": "board-lab", "name": "Board lab", "members": ["kuusi", "lab", "pakkaus"]}],
    "agreements": [{"between": ["kuusi", "pakkaus"], "secret_topics": ["recipe"]}],
    "competition_sensitive_topics": ["pricing"],
}
ORGS = ["far", "gran", "kuusi", "lab", "pakkaus", "sven"]


def load(session: Session, *items: dict[str, Any]) -> None:
    import_network(session, parse_document({**BASE, "items": list(items)}))


def readers_of(session: Session, key: str) -> set[str | None]:
    repo = ItemRepository(session)
    item_id = repo.item_ids()[key]
    found: set[str | None] = set()
    for reader in [None, *ORGS]:
        viewer = None if reader is None else repo.viewer(reader)
        if item_id in repo.visible_to(viewer, limit=None):
            found.add(reader)
    return found


def later(session: Session, doc: dict[str, Any]) -> None:
    """A second import that changes the network under the stored items."""
    import_network(session, parse_document({"format": "winwin/1", **doc}))


def model_readers(*docs: dict[str, Any], key: str) -> set[str | None]:
    """The readers the documents' model admits (``can_see``), for both sides to agree."""
    network = DocumentModel.of(*docs).network()
    return {r for r in [None, *ORGS] if policy.can_see(network, r, key).visible}


def item(key: str, owner: str = "kuusi", level: str = "partners", **extra: Any) -> dict[str, Any]:
    return {"key": key, "owner": owner, "title": key, "audience": {"level": level}, **extra}


def test_a_partners_partner_does_not_see_a_partners_item(session: Session) -> None:
    load(session, item("i1"))
    assert readers_of(session, "i1") == {"kuusi", "lab", "pakkaus", "gran", "sven"}


def test_a_reshare_to_the_network_never_widens_the_originals_audience(session: Session) -> None:
    load(
        session,
        item("i1", exclude=["country:SE"]),
        {"key": "i2", "owner": "lab", "reshare_of": "i1", "audience": {"level": "network"}},
    )
    assert readers_of(session, "i2") == readers_of(session, "i1") == {"kuusi", "lab", "pakkaus"}


def test_a_reshare_of_a_reshare_is_bound_by_the_whole_chain(session: Session) -> None:
    load(
        session,
        item("i1", level="network", exclude=["org:far"]),
        {"key": "i2", "owner": "lab", "reshare_of": "i1", "audience": {"level": "network"}},
        {"key": "i3", "owner": "sven", "reshare_of": "i2", "audience": {"level": "public"}},
    )
    assert readers_of(session, "i3") == set(ORGS) - {"far"}


def test_a_partner_who_is_also_a_competitor_is_excluded_by_competitors(session: Session) -> None:
    load(session, item("i1", exclude=["competitors"]))
    assert "gran" not in readers_of(session, "i1")
    assert "sven" in readers_of(session, "i1")


def test_a_partner_in_an_excluded_country_does_not_see_the_item(session: Session) -> None:
    load(session, item("i1", exclude=["country:SE"]))
    assert readers_of(session, "i1") == {"kuusi", "lab", "pakkaus"}


def test_a_partner_in_an_excluded_cluster_does_not_see_the_item(session: Session) -> None:
    load(session, item("i1", exclude=["cluster:forest"]))
    assert readers_of(session, "i1") == {"kuusi", "lab", "sven"}


@pytest.mark.parametrize(
    ("exclusion", "moved"),
    [
        ("country:SE", {"country": "FI", "cluster": "forest"}),
        ("cluster:forest", {"country": "SE", "cluster": "food"}),
    ],
)
def test_an_organisation_that_moves_stays_excluded_where_it_was(
    session: Session, exclusion: str, moved: dict[str, str]
) -> None:
    # Exclusions are sticky: gran leaving Sweden or the forest cluster lifts nothing.
    items = [item("i1", level="network", exclude=[exclusion])]
    load(session, *items)
    assert "gran" not in readers_of(session, "i1")
    move = {"organizations": [{"key": "gran", "name": "Gran", **moved}]}
    later(session, move)
    assert "gran" not in readers_of(session, "i1")
    assert readers_of(session, "i1") == model_readers({**BASE, "items": items}, move, key="i1")


def test_a_circle_non_member_does_not_see_a_circle_item(session: Session) -> None:
    load(session, item("i1", level="circle", audience={"level": "circle", "circle": "board-lab"}))
    assert readers_of(session, "i1") == {"kuusi", "lab", "pakkaus"}


def test_an_owner_who_excludes_itself_still_sees_its_item(session: Session) -> None:
    load(session, item("i1", level="network", exclude=["org:kuusi", "country:FI"]))
    assert readers_of(session, "i1") == {"kuusi", "gran", "sven", "far"}


def test_a_public_item_reaches_anonymous_readers_and_a_network_item_does_not(
    session: Session,
) -> None:
    load(session, item("i1", level="public"), item("i2", level="network"))
    assert readers_of(session, "i1") == {None, *ORGS}
    assert readers_of(session, "i2") == set(ORGS)


def test_an_agreement_topic_stays_inside_the_pair(session: Session) -> None:
    load(
        session,
        item(
            "i1",
            level="direct",
            topics=["recipe"],
            audience={"level": "direct", "orgs": ["pakkaus"]},
        ),
    )
    assert readers_of(session, "i1") == {"kuusi", "pakkaus"}


def test_a_reshare_without_topics_inherits_the_agreement_hold(session: Session) -> None:
    load(
        session,
        item(
            "i1",
            level="direct",
            topics=["recipe"],
            audience={"level": "direct", "orgs": ["pakkaus"]},
        ),
        {
            "key": "i2",
            "owner": "pakkaus",
            "reshare_of": "i1",
            "topics": [],
            "audience": {"level": "direct", "orgs": ["kuusi"]},
        },
    )
    assert readers_of(session, "i2") == {"kuusi", "pakkaus"}


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        (item("i1", level="public", exclude=["competitors"]), "public item may have no exclusions"),
        (item("i1", topics=["recipe"]), "secret between kuusi and pakkaus"),
        (item("i1", topics=["pricing"]), "competition-sensitive"),
        (
            item(
                "i1",
                level="circle",
                owner="gran",
                audience={"level": "circle", "circle": "board-lab"},
            ),
            "not a member of circle",
        ),
        (item("i1", audience={"level": "direct", "orgs": ["far"]}), "far is not a partner"),
    ],
)
def test_an_item_that_breaks_a_rule_is_refused_and_nothing_is_stored(
    session: Session, bad: dict[str, Any], rule: str
) -> None:
    with pytest.raises(RuleBroken) as refused:
        load(session, bad)
    assert rule in str(refused.value)
    assert ItemRepository(session).item_ids() == {}


# --- changes that arrive after the items (each answer written out, then the model) ------


def test_an_agreement_arriving_after_wider_items_holds_them_inside_the_pair(
    session: Session,
) -> None:
    items = [
        item("i1", level="network", topics=["formula"]),
        item("i2", topics=["Formula"]),
        item("i3", level="public", topics=["formula"]),
        item(
            "i4",
            level="circle",
            topics=["formula"],
            audience={"level": "circle", "circle": "board-lab"},
        ),
        item("i5", level="network", topics=["energy"]),
    ]
    load(session, *items)
    assert readers_of(session, "i3") == {None, *ORGS}
    pact = {"agreements": [{"between": ["lab", "kuusi"], "secret_topics": ["formula"]}]}
    later(session, pact)
    for key in ("i1", "i2", "i3", "i4"):
        assert readers_of(session, key) == {"kuusi", "lab"}, key
    assert readers_of(session, "i5") == set(ORGS)
    first = {**BASE, "items": items}
    for key in ("i1", "i2", "i3", "i4", "i5"):
        assert readers_of(session, key) == model_readers(first, pact, key=key), key


def test_a_hold_reads_the_topics_a_reshare_inherits_down_the_chain(session: Session) -> None:
    # lab's item carries the topic; sven and kuusi reshare it without topics. When kuusi's
    # agreement with pakkaus comes to cover the topic, kuusi's reshare (and only it) is held.
    items = [
        item("i1", owner="lab", level="network", topics=["formula"]),
        {"key": "i2", "owner": "sven", "reshare_of": "i1", "audience": {"level": "network"}},
        {
            "key": "i3",
            "owner": "kuusi",
            "reshare_of": "i2",
            "topics": [],
            "audience": {"level": "network"},
        },
    ]
    load(session, *items)
    assert readers_of(session, "i3") == set(ORGS)
    pact = {
        "agreements": [{"between": ["kuusi", "pakkaus"], "secret_topics": ["recipe", "formula"]}]
    }
    later(session, pact)
    assert readers_of(session, "i1") == set(ORGS)
    assert readers_of(session, "i2") == set(ORGS)
    assert readers_of(session, "i3") == {"kuusi", "pakkaus"}
    for key in ("i1", "i2", "i3"):
        assert readers_of(session, key) == model_readers({**BASE, "items": items}, pact, key=key)


def test_a_topicless_reshare_by_an_outsider_stays_inside_the_originals_agreement(
    session: Session,
) -> None:
    # lab is outside the kuusi-pakkaus agreement; its reshare (no topics of its own) of
    # kuusi's item must not carry the item past the pair once the agreement covers it,
    # not even to lab, its own owner.
    items = [
        item("i1", level="network", topics=["formula"]),
        {
            "key": "i2",
            "owner": "lab",
            "reshare_of": "i1",
            "topics": [],
            "audience": {"level": "network"},
        },
        {"key": "i3", "owner": "far", "reshare_of": "i2", "audience": {"level": "public"}},
    ]
    load(session, *items)
    assert readers_of(session, "i3") == set(ORGS)  # a public reshare of a network item
    pact = {
        "agreements": [{"between": ["kuusi", "pakkaus"], "secret_topics": ["recipe", "formula"]}]
    }
    later(session, pact)
    for key in ("i1", "i2", "i3"):
        assert readers_of(session, key) == {"kuusi", "pakkaus"}, key
        assert readers_of(session, key) == model_readers({**BASE, "items": items}, pact, key=key)


def test_an_outsiders_own_agreement_holds_its_topicless_reshare(session: Session) -> None:
    items = [
        item("i1", level="network", topics=["formula"]),
        {"key": "i2", "owner": "lab", "reshare_of": "i1", "audience": {"level": "network"}},
    ]
    load(session, *items)
    pact = {"agreements": [{"between": ["far", "lab"], "secret_topics": ["formula"]}]}
    later(session, pact)
    assert readers_of(session, "i1") == set(ORGS)
    assert readers_of(session, "i2") == {"lab", "far"}
    assert readers_of(session, "i2") == model_readers({**BASE, "items": items}, pact, key="i2")


def test_a_direct_item_leaves_a_named_organisation_that_stops_being_a_partner(
    session: Session,
) -> None:
    items = [
        item("i1", level="direct", audience={"level": "direct", "orgs": ["lab", "pakkaus"]}),
        item("i2", owner="lab", level="direct", audience={"level": "direct", "orgs": ["kuusi"]}),
    ]
    load(session, *items)
    assert readers_of(session, "i1") == {"kuusi", "lab", "pakkaus"}
    assert readers_of(session, "i2") == {"kuusi", "lab"}
    repo = NetworkRepository(session)
    ids = repo.org_ids()
    repo.delete_ties([("partners", ids["kuusi"], ids["lab"])])
    assert readers_of(session, "i1") == {"kuusi", "pakkaus"}
    assert readers_of(session, "i2") == {"lab"}
    model = DocumentModel.of({**BASE, "items": items})
    model.remove_ties([("partners", "kuusi", "lab")])
    network = model.network()
    for key in ("i1", "i2"):
        expected = {r for r in [None, *ORGS] if policy.can_see(network, r, key).visible}
        assert readers_of(session, key) == expected


def test_competitors_declared_after_publishing_lose_a_sensitive_item(session: Session) -> None:
    items = [item("i1", owner="lab", level="public", topics=["Pricing"])]
    load(session, *items)
    assert readers_of(session, "i1") == {None, *ORGS}
    rivals = {"competitors": [["far", "lab"]]}
    later(session, rivals)
    assert readers_of(session, "i1") == set(ORGS) - {"far"}
    assert readers_of(session, "i1") == model_readers({**BASE, "items": items}, rivals, key="i1")


def test_an_organisation_invited_to_a_circle_sees_nothing_until_it_accepts(
    session: Session,
) -> None:
    from winwin.sharing import service

    items = [item("i1", level="circle", audience={"level": "circle", "circle": "board-lab"})]
    load(session, *items)
    repo = ItemRepository(session)
    by, guest = repo.viewer("kuusi"), repo.viewer("sven")
    assert by is not None and guest is not None
    service.invite_to_circle(session, circle="board-lab", by=by, org="sven")
    assert readers_of(session, "i1") == {"kuusi", "lab", "pakkaus"}
    service.answer_invitation(session, circle="board-lab", org=guest, accept=True)
    assert readers_of(session, "i1") == {"kuusi", "lab", "pakkaus", "sven"}


def test_the_guard_reads_the_topics_a_reshare_inherits(session: Session) -> None:
    # lab's sensitive item reaches everyone; sven reshares it giving no topics (an empty
    # list: the store keeps none for it and reads the original's). Once sven and
    # far compete, far loses sven's reshare (and anonymous readers too) but not lab's item.
    items = [
        item("i1", owner="lab", level="public", topics=["pricing"]),
        {
            "key": "i2",
            "owner": "sven",
            "reshare_of": "i1",
            "topics": [],
            "audience": {"level": "public"},
        },
        {"key": "i3", "owner": "pakkaus", "reshare_of": "i2", "audience": {"level": "network"}},
    ]
    load(session, *items)
    assert readers_of(session, "i2") == {None, *ORGS}
    rivals = {"competitors": [["far", "sven"]]}
    later(session, rivals)
    assert readers_of(session, "i1") == {None, *ORGS}
    assert readers_of(session, "i2") == set(ORGS) - {"far"}
    assert readers_of(session, "i3") == set(ORGS) - {"far"}
    for key in ("i1", "i2", "i3"):
        assert readers_of(session, key) == model_readers({**BASE, "items": items}, rivals, key=key)
