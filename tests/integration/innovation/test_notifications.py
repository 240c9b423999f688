"""Notifications tell the followers of an entry what happened, and pass the checkpoint twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.identity import acting
from winwin.accounts.access import Actor
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.innovation import service as inn
from winwin.kernel.errors import InvalidInput
from winwin.network.demo import load_demo
from winwin.notifications import service as note
from winwin.notifications.models import Notification
from winwin.sharing.items import ItemRepository
from winwin.sharing.service import ItemDraft, publish_item


@pytest.fixture
def demo(session: Session) -> Session:
    load_demo(session)
    gran = ItemRepository(session).viewer("gran")
    assert gran is not None
    session.add(User(email="member@gran.example", name="Gustav", org_id=gran.id, role="member"))
    session.flush()
    return session


def person(session: Session, email: str) -> Actor:
    user = AccountsRepository(session).get_by_email(email)
    assert user is not None and user.org_id is not None
    by = acting(session, None, user.id)
    assert by.acting is not None and by.acting.id == user.org_id
    return by


def kinds(session: Session, email: str) -> list[tuple[str, str, str | None]]:
    who = person(session, email)
    box = note.inbox(session, user_id=who.user_id or 0, org_id=who.acting.id)
    return [(n.kind, n.item, n.actor_org) for n in box.notifications]


def test_a_comment_tells_the_followers_but_not_the_commenter(demo: Session) -> None:
    before = {e: kinds(demo, e) for e in ("admin@kuusi.example", "member@meijeri.example")}
    inn.add_comment(
        demo, by=person(demo, "admin@pakkaus.example"), key="kuusi-open-challenge", body="Hi"
    )
    # The creator (Kuusi's admin) and an earlier commenter (the dairy) are told ...
    for email in ("admin@kuusi.example", "member@meijeri.example"):
        new = kinds(demo, email)[: len(kinds(demo, email)) - len(before[email])]
        assert new == [("comment", "kuusi-open-challenge", "pakkaus")]
    # ... and the commenter is not told about their own comment.
    assert ("comment", "kuusi-open-challenge", "pakkaus") not in kinds(
        demo, "admin@pakkaus.example"
    )


def test_an_idea_for_a_challenge_a_stage_move_and_a_coauthor_are_told(demo: Session) -> None:
    pakkaus = person(demo, "admin@pakkaus.example")
    idea = inn.create_entry(
        demo,
        by=pakkaus,
        kind="idea",
        draft=ItemDraft(title="Fibre wrap with a bio-wax barrier", level="network"),
        challenge="kuusi-open-challenge",
    )
    assert ("idea", idea.key, "pakkaus") in kinds(demo, "admin@kuusi.example")
    inn.add_coauthor(demo, by=pakkaus, key=idea.key, email="member@kuusi.example")
    assert kinds(demo, "member@kuusi.example")[0] == ("coauthor", idea.key, "pakkaus")
    inn.set_vote(demo, by=person(demo, "member@meijeri.example"), key=idea.key, vote=True)
    inn.move_stage(demo, by=pakkaus, key=idea.key, stage="discussed")
    for email in ("member@kuusi.example", "member@meijeri.example"):  # co-author, voter
        assert kinds(demo, email)[0] == ("stage", idea.key, "pakkaus")
    assert not any(
        k == ("stage", idea.key, "pakkaus") for k in kinds(demo, "admin@pakkaus.example")
    )


def test_a_direct_item_tells_the_people_of_the_named_partners(demo: Session) -> None:
    kuusi = person(demo, "admin@kuusi.example")
    done = publish_item(
        demo,
        owner=kuusi.acting,
        draft=ItemDraft(title="Trial reel for you", level="direct", orgs=["pakkaus"]),
    )
    assert kinds(demo, "admin@pakkaus.example")[0] == ("shared", done.key, "kuusi")
    assert all(k[1] != done.key for k in kinds(demo, "member@meijeri.example"))


def test_nobody_is_told_about_an_item_they_may_not_see(demo: Session) -> None:
    kuusi = person(demo, "admin@kuusi.example")
    secretish = inn.create_entry(
        demo, by=kuusi, kind="idea", draft=ItemDraft(title="Partners only", level="partners")
    )
    item_id = ItemRepository(demo).item_ids()[secretish.key]
    gran = person(demo, "member@gran.example")  # a competitor of Kuusi: not a partner
    made = note.notify(
        demo,
        kind="comment",
        item_id=item_id,
        recipients=[gran.user_id or 0, person(demo, "admin@pakkaus.example").user_id or 0],
        actor_user_id=kuusi.user_id,
        actor_org_id=kuusi.acting.id,
    )
    assert made == 1  # only Pakkaus, a partner of Kuusi
    assert kinds(demo, "member@gran.example") == []

    # A notification about an item that is now out of sight leaves the inbox and the count.
    demo.add(
        Notification(
            user_id=gran.user_id,
            kind="comment",
            item_id=item_id,
            created_at=datetime.now(UTC),
        )
    )
    demo.flush()
    box = note.inbox(demo, user_id=gran.user_id or 0, org_id=gran.acting.id)
    assert box.notifications == [] and box.unread == 0
    stored = demo.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == gran.user_id)
    )
    assert stored == 1


def test_reading_marks_notifications_read_and_bad_input_is_refused(demo: Session) -> None:
    inn.add_comment(
        demo, by=person(demo, "admin@pakkaus.example"), key="kuusi-open-challenge", body="Hi"
    )
    kuusi = person(demo, "admin@kuusi.example")
    user_id = kuusi.user_id or 0
    box = note.inbox(demo, user_id=user_id, org_id=kuusi.acting.id)
    assert box.unread >= 1 and not box.notifications[0].read
    first = box.notifications[0].id
    assert note.mark_read(demo, user_id=user_id, ids=[first]) == 1
    assert note.mark_read(demo, user_id=user_id, ids=[first]) == 0  # already read
    after = note.inbox(demo, user_id=user_id, org_id=kuusi.acting.id)
    assert after.unread == box.unread - 1 and after.notifications[0].read
    # Someone else's notification ids are never touched.
    other = person(demo, "member@meijeri.example").user_id or 0
    assert note.mark_read(demo, user_id=other, ids=[first]) == 0
    note.mark_read(demo, user_id=user_id)
    assert note.inbox(demo, user_id=user_id, org_id=kuusi.acting.id).unread == 0
    with pytest.raises(InvalidInput) as many:
        note.mark_read(demo, user_id=user_id, ids=list(range(1001)))
    assert many.value.problems[0].path == "ids"
    with pytest.raises(InvalidInput) as limit:
        note.inbox(demo, user_id=user_id, org_id=kuusi.acting.id, limit=0)
    assert limit.value.problems[0].path == "limit"
