"""Publishing, circles, agreements, the audit log and the composer sentence (both databases)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from winwin.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleBroken
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import feed
from winwin.sharing import service as sharing
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.service import ItemDraft

DOC: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi", "country": "FI", "cluster": "forest"},
        {"key": "lab", "name": "Lab", "country": "FI"},
        {"key": "pakkaus", "name": "Pakkaus", "country": "FI", "cluster": "forest"},
        {"key": "gran", "name": "Gran", "country": "SE", "cluster": "forest"},
        {"key": "sven", "name": "Sven", "country": "SE"},
        {"key": "far", "name": "Far", "country": "DE"},
    ],
    "ties": [
        {"kind": "partners", "from": "kuusi", "to": "lab"},
        {"kind": "partners", "from": "kuusi", "to": "pakkaus"},
        {"kind": "supplies", "from": "kuusi", "to": "gran"},
        {"kind": "supplies", "from": "kuusi", "to": "sven"},
        {"kind": "partners", "from": "lab", "to": "far"},
    ],
    "competitors": [["gran", "kuusi"], ["gran", "sven"]],
    "circles": [{"key": "board-lab", "name": "Board lab", "members": ["kuusi", "lab"]}],
    "competition_sensitive_topics": ["pricing"],
}


@pytest.fixture
def net(session: Session) -> Session:
    import_network(session, parse_document(DOC))
    return session


def org(session: Session, key: str) -> Viewer:
    viewer = ItemRepository(session).viewer(key)
    assert viewer is not None
    return viewer


def readers(session: Session, key: str) -> set[str]:
    items = ItemRepository(session)
    item_id = items.item_ids()[key]
    return {
        o["key"] for o in DOC["organizations"] if items.is_visible(org(session, o["key"]), item_id)
    }


def test_a_published_partners_item_reaches_the_partners_and_no_further(net: Session) -> None:
    done = sharing.publish_item(
        net,
        owner=org(net, "kuusi"),
        draft=ItemDraft(title="Barrier idea", body="*new*", topics=["barrier"], level="partners"),
    )
    assert done.warnings == []
    assert readers(net, done.key) == {"kuusi", "lab", "pakkaus", "gran", "sven"}


def test_a_refused_item_names_the_rule_and_stores_nothing(net: Session) -> None:
    with pytest.raises(RuleBroken) as refused:
        sharing.publish_item(
            net,
            owner=org(net, "kuusi"),
            draft=ItemDraft(title="Prices", topics=["pricing"], level="partners"),
        )
    assert refused.value.problems[0].path == "topics"
    assert "competition-sensitive" in str(refused.value)
    assert "gran" in str(refused.value)
    assert ItemRepository(net).item_ids() == {}


def test_excluding_the_competitors_lets_a_sensitive_item_through_with_a_hub_warning(
    net: Session,
) -> None:
    done = sharing.publish_item(
        net,
        owner=org(net, "lab"),
        draft=ItemDraft(title="Prices", topics=["pricing"], level="network"),
    )
    # lab competes with nobody, but gran and sven compete with each other.
    assert any("gran and sven" in w for w in done.warnings)


def test_a_malformed_draft_is_refused_with_the_field_named(net: Session) -> None:
    with pytest.raises(InvalidInput) as bad:
        sharing.publish_item(
            net,
            owner=org(net, "kuusi"),
            draft=ItemDraft(title="", level="everyone", exclude=["country:Sweden"]),
        )
    paths = {p.path for p in bad.value.problems}
    assert paths == {"title", "audience.level", "exclude[0]"}


def test_a_reshare_cannot_widen_and_inherits_title_and_topics(net: Session) -> None:
    first = sharing.publish_item(
        net,
        owner=org(net, "kuusi"),
        draft=ItemDraft(
            title="Board news", topics=["board"], level="partners", exclude=["country:SE"]
        ),
    )
    again = sharing.publish_item(
        net, owner=org(net, "lab"), draft=ItemDraft(reshare_of=first.key, level="network")
    )
    assert readers(net, again.key) == readers(net, first.key) == {"kuusi", "lab", "pakkaus"}
    view = sharing.open_item(net, viewer=org(net, "pakkaus"), key=again.key)
    assert view.title == "Board news"
    assert view.topics == ["board"]
    assert view.reshare_of == first.key
    with pytest.raises(RuleBroken, match="far cannot see the original"):
        sharing.publish_item(
            net, owner=org(net, "far"), draft=ItemDraft(reshare_of=first.key, level="network")
        )


def test_script_in_a_body_renders_inert() -> None:
    html = sharing.render_markdown(
        "<script>alert(1)</script> **bold** [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;" in html  # shown as text
    assert "<strong>bold</strong>" in html


def test_opening_another_organisations_item_is_audited_for_the_owner(net: Session) -> None:
    kuusi = org(net, "kuusi")
    private = sharing.publish_item(net, owner=kuusi, draft=ItemDraft(title="P", level="partners"))
    public = sharing.publish_item(net, owner=kuusi, draft=ItemDraft(title="Q", level="public"))
    sharing.open_item(net, viewer=org(net, "lab"), key=private.key)
    sharing.open_item(net, viewer=kuusi, key=private.key)
    sharing.open_item(net, viewer=org(net, "lab"), key=public.key)
    sharing.open_item(net, viewer=None, key=public.key)
    log = sharing.audit_log(net, owner=kuusi)
    assert [(e["item"], e["opened_by"]) for e in log] == [(private.key, "lab")]
    assert sharing.audit_log(net, owner=org(net, "lab")) == []


def test_an_item_the_reader_may_not_see_is_not_found(net: Session) -> None:
    done = sharing.publish_item(
        net, owner=org(net, "kuusi"), draft=ItemDraft(title="Only us", level="secret")
    )
    with pytest.raises(NotFound):
        sharing.open_item(net, viewer=org(net, "lab"), key=done.key)
    with pytest.raises(NotFound):
        sharing.open_item(net, viewer=None, key=done.key)


def test_a_circle_is_joined_by_invitation_and_its_members_are_shown_to_members_only(
    net: Session,
) -> None:
    kuusi, far, sven = org(net, "kuusi"), org(net, "far"), org(net, "sven")
    sharing.create_circle(net, creator=kuusi, key="kuusi-barrier", name="Barrier club")
    circle_item = sharing.publish_item(
        net, owner=kuusi, draft=ItemDraft(title="C", level="circle", circle="kuusi-barrier")
    )
    # A non-member is told what an unknown circle would tell it: there is none.
    with pytest.raises(NotFound, match="there is no circle"):
        sharing.invite_to_circle(net, circle="kuusi-barrier", by=far, org="sven")
    sharing.invite_to_circle(net, circle="kuusi-barrier", by=kuusi, org="far")
    sharing.invite_to_circle(net, circle="kuusi-barrier", by=kuusi, org="sven")
    invited = sharing.circle_view(net, circle="kuusi-barrier", viewer=far)
    assert invited.status == "invited" and invited.members is None
    assert readers(net, circle_item.key) == {"kuusi"}
    sharing.answer_invitation(net, circle="kuusi-barrier", org=far, accept=True)
    sharing.answer_invitation(net, circle="kuusi-barrier", org=sven, accept=False)
    assert readers(net, circle_item.key) == {"kuusi", "far"}
    members = sharing.circle_view(net, circle="kuusi-barrier", viewer=far).members
    assert members is not None
    assert [m["org"] for m in members] == ["far", "kuusi"]
    with pytest.raises(NotFound):
        sharing.circle_view(net, circle="kuusi-barrier", viewer=sven)
    with pytest.raises(Conflict):
        sharing.answer_invitation(net, circle="kuusi-barrier", org=sven, accept=True)
    sharing.leave_circle(net, circle="kuusi-barrier", org=far)
    assert readers(net, circle_item.key) == {"kuusi"}


def test_an_agreement_holds_only_after_both_partners_accept(net: Session) -> None:
    kuusi, pakkaus = org(net, "kuusi"), org(net, "pakkaus")
    with pytest.raises(RuleBroken, match="not a partner"):
        sharing.propose_agreement(net, by=kuusi, partner="far", topics=["recipe"])
    proposal = sharing.propose_agreement(net, by=kuusi, partner="pakkaus", topics=["recipe"])
    draft = ItemDraft(title="Recipe", topics=["recipe"], level="partners")
    before = sharing.preview_reach(net, owner=kuusi, draft=draft)
    assert before.problems == []
    with pytest.raises(PermissionDenied):
        sharing.answer_proposal(net, proposal_id=proposal, org=kuusi, accept=True)
    sharing.answer_proposal(net, proposal_id=proposal, org=pakkaus, accept=True)
    with pytest.raises(RuleBroken, match="secret between kuusi and pakkaus"):
        sharing.publish_item(net, owner=kuusi, draft=draft)
    mine = sharing.agreements_of(net, org=kuusi)
    assert mine["agreements"] == [
        {"with": "pakkaus", "name": "Pakkaus", "secret_topics": ["recipe"]}
    ]
    assert mine["proposals"][0]["status"] == "accepted"
    with pytest.raises(Conflict):
        sharing.answer_proposal(net, proposal_id=proposal, org=pakkaus, accept=False)


def test_a_declined_proposal_holds_nothing(net: Session) -> None:
    kuusi, pakkaus = org(net, "kuusi"), org(net, "pakkaus")
    proposal = sharing.propose_agreement(net, by=pakkaus, partner="kuusi", topics=["recipe"])
    sharing.answer_proposal(net, proposal_id=proposal, org=kuusi, accept=False)
    done = sharing.publish_item(
        net, owner=kuusi, draft=ItemDraft(title="R", topics=["recipe"], level="partners")
    )
    assert "lab" in readers(net, done.key)


def test_the_sensitive_topics_are_configurable(net: Session) -> None:
    sharing.set_sensitive_topics(net, topics=["tenders"])
    kuusi = org(net, "kuusi")
    sharing.publish_item(net, owner=kuusi, draft=ItemDraft(title="P", topics=["pricing"]))
    with pytest.raises(RuleBroken, match="'tenders' is competition-sensitive"):
        sharing.publish_item(net, owner=kuusi, draft=ItemDraft(title="T", topics=["tenders"]))


def test_the_composer_sentence_says_who_will_see_the_item(net: Session) -> None:
    preview = sharing.preview_reach(
        net,
        owner=org(net, "kuusi"),
        draft=ItemDraft(title="x", level="partners", exclude=["competitors", "country:SE"]),
    )
    sentence = sharing.reach_sentence(
        preview.counts,
        level="partners",
        country_name={"SE": "Sweden"}.get,  # type: ignore[arg-type]
    )
    assert sentence == "2 partners, except 1 competitor and 1 in Sweden"
    secret = sharing.preview_reach(
        net, owner=org(net, "kuusi"), draft=ItemDraft(title="x", level="secret")
    )
    assert sharing.reach_sentence(secret.counts, level="secret") == "Only your organisation"


def test_openness_is_reported_by_month(net: Session) -> None:
    kuusi = org(net, "kuusi")
    sharing.publish_item(net, owner=kuusi, draft=ItemDraft(title="a", level="secret"))
    sharing.publish_item(net, owner=kuusi, draft=ItemDraft(title="b", level="network"))
    months = feed.openness_by_month(net, org="kuusi")
    assert len(months) == 1
    assert months[0]["total"] == 2
    assert months[0]["secret_share"] == 0.5
    assert months[0]["by_level"]["network"] == 1
    assert feed.openness_report(net, org="kuusi")["within_rule"] is False


def test_published_reshare_chains_agree_with_can_see(net: Session) -> None:
    from winwin.sharing import audience as policy

    kuusi, lab = org(net, "kuusi"), org(net, "lab")
    sharing.propose_agreement(net, by=kuusi, partner="lab", topics=["enzyme"])
    first = sharing.publish_item(
        net,
        owner=kuusi,
        draft=ItemDraft(title="A", topics=["enzyme"], level="direct", orgs=["lab"]),
    )
    second = sharing.publish_item(
        net, owner=lab, draft=ItemDraft(reshare_of=first.key, topics=[], level="partners")
    )
    third = sharing.publish_item(
        net, owner=kuusi, draft=ItemDraft(reshare_of=second.key, level="partners")
    )
    proposal = sharing.agreements_of(net, org=lab)["proposals"][0]["id"]
    sharing.answer_proposal(net, proposal_id=proposal, org=lab, accept=True)
    network = feed.whole_network(net)
    items = ItemRepository(net)
    for reader in [None, *sorted(network.orgs)]:
        viewer = None if reader is None else org(net, reader)
        keys = {k for k, i in items.item_ids().items() if items.is_visible(viewer, i)}
        assert keys == set(policy.visible_items(network, reader)), reader
    assert readers(net, third.key) == {"kuusi", "lab"}
    assert "pakkaus" not in readers(net, second.key)
