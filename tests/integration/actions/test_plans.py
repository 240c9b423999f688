"""Joint action plans on SQLite and PostgreSQL: adding, changing, history, who may do what,
refusals that leave the stored plan exactly as it was, overdue actions and their
notifications."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from winwin.accounts.access import operator
from winwin.actions import reminders
from winwin.actions import service as actions
from winwin.actions.models import Action, ActionEvent
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, RuleBroken
from winwin.notifications import service as notifications

from .world import actor, build

PEOPLE = [
    ("kadmin", "kuusi", "org_admin"),
    ("kmember", "kuusi", "member"),
    ("padmin", "pakkaus", "org_admin"),
    ("pmember", "pakkaus", "member"),
    ("ladmin", "lab", "org_admin"),
    ("fac", "consult", "facilitator"),
    ("outsider", "consult", "facilitator"),
    ("root", "consult", "platform_admin"),
]


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    return build(
        session,
        ["kuusi", "pakkaus", "lab", "consult"],
        [("pakkaus", "kuusi"), ("lab", "kuusi")],
        PEOPLE,
        grants=[("fac", "pakkaus"), ("outsider", "lab")],
    )


def _as(session: Session, world: dict[str, Any], name: str) -> Any:
    return actor(session, world["users"][name])


def _stored(session: Session) -> list[tuple[Any, ...]]:
    """Every stored action and history row, to compare before and after a refusal."""
    session.expire_all()
    rows = [
        (
            a.id,
            a.a_id,
            a.b_id,
            a.factor,
            a.title,
            a.description,
            a.status,
            a.reason,
            a.due,
            a.owner_a_user_id,
            a.owner_b_user_id,
        )
        for a in session.scalars(select(Action).order_by(Action.id))
    ]
    events = [
        (e.id, e.kind, e.changes)
        for e in session.scalars(select(ActionEvent).order_by(ActionEvent.id))
    ]
    return [*rows, *events]


def test_either_side_adds_and_both_sides_see_and_the_history_is_kept(
    session: Session, world: dict[str, Any]
) -> None:
    kadmin = _as(session, world, "kadmin")
    made = actions.add_action(
        session,
        actor=kadmin,
        between=["pakkaus", "kuusi"],
        by="kuusi",
        factor="energy",
        title="  Joint roadmap day ",
        description="Meet **twice** <script>alert(1)</script>",
        due="2027-01-31",
        owners=["kmember@example.com", "PMEMBER@example.com"],
    )
    assert made.relationship == ("kuusi", "pakkaus")
    assert (made.title, made.status, made.due) == (
        "Joint roadmap day",
        "planned",
        date(2027, 1, 31),
    )
    assert made.owners["kuusi"] and made.owners["kuusi"].email == "kmember@example.com"
    assert made.owners["pakkaus"] and made.owners["pakkaus"].email == "pmember@example.com"
    assert "<strong>twice</strong>" in made.description_html
    assert "<script>" not in made.description_html

    for name in ("kmember", "padmin", "pmember", "fac", "root"):
        listed = actions.list_actions(
            session, actor=_as(session, world, name), between=["kuusi", "pakkaus"]
        )
        assert [a.id for a in listed] == [made.id], name

    # The other side's owner moves it; the owners' side admins change its due date.
    actions.set_status(
        session, actor=_as(session, world, "pmember"), action_id=made.id, status="doing"
    )
    actions.update_action(session, actor=_as(session, world, "padmin"), action_id=made.id, due=None)
    actions.set_status(
        session,
        actor=_as(session, world, "fac"),
        action_id=made.id,
        status="dropped",
        reason="merged",
    )
    events = actions.history(session, actor=kadmin, action_id=made.id)
    assert [e.kind for e in events] == ["created", "changed", "changed", "changed"]
    assert events[1].changes == {"status": ["planned", "doing"]}
    assert events[1].who == "Pmember" and events[1].org == "pakkaus"
    assert events[2].changes == {"due": ["2027-01-31", None]}
    assert events[3].changes == {"status": ["doing", "dropped"], "reason": [None, "merged"]}
    assert actions.get_action(session, actor=operator(), action_id=made.id).reason == "merged"


@pytest.mark.parametrize("name", ["ladmin", "outsider"])
def test_nobody_else_sees_the_plan(session: Session, world: dict[str, Any], name: str) -> None:
    made = actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        by="kuusi",
        factor="impact",
        title="t",
    )
    who = _as(session, world, name)
    with pytest.raises(NotFound):
        actions.list_actions(session, actor=who, between=["kuusi", "pakkaus"])
    with pytest.raises(NotFound):
        actions.get_action(session, actor=who, action_id=made.id)
    with pytest.raises(NotFound):
        actions.set_status(session, actor=who, action_id=made.id, status="doing")
    assert made.id not in {a.id for a in actions.readable_actions(session, actor=who)}


def test_members_who_do_not_own_it_only_read(session: Session, world: dict[str, Any]) -> None:
    made = actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        by="pakkaus",
        factor="impact",
        title="t",
    )
    before = _stored(session)
    member = _as(session, world, "kmember")
    with pytest.raises(PermissionDenied):
        actions.set_status(session, actor=member, action_id=made.id, status="doing")
    with pytest.raises(PermissionDenied):
        actions.add_action(
            session,
            actor=member,
            between=["kuusi", "pakkaus"],
            by="kuusi",
            factor="energy",
            title="x",
        )
    # A facilitator granted pakkaus acts for pakkaus, not for kuusi.
    with pytest.raises(PermissionDenied):
        actions.add_action(
            session,
            actor=_as(session, world, "fac"),
            between=["kuusi", "pakkaus"],
            by="kuusi",
            factor="energy",
            title="x",
        )
    assert _stored(session) == before


REFUSED_ADDS = [
    ({"factor": "speed"}, "factor"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"due": "31.1.2027"}, "due"),
    ({"by": "lab"}, "by"),
    ({"owners": ["ladmin@example.com"]}, "owner"),
    ({"owners": ["kadmin@example.com", "kmember@example.com"]}, "owner"),
    ({"owners": ["nobody@example.com"]}, "owner"),
    ({"between": ["kuusi", "kuusi"]}, "relationship"),
    ({"between": ["kuusi", "ghost"]}, "relationship"),
    ({"between": ["pakkaus", "lab"], "by": "lab"}, "relationship"),  # neither tied nor assessed
]


@pytest.mark.parametrize(("change", "field"), REFUSED_ADDS)
def test_refused_additions_name_the_field_and_store_nothing(
    session: Session, world: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        by="kuusi",
        factor="energy",
        title="kept",
    )
    before = _stored(session)
    arguments: dict[str, Any] = {
        "between": ["kuusi", "pakkaus"],
        "by": "kuusi",
        "factor": "energy",
        "title": "new",
        **change,
    }
    with pytest.raises(InvalidInput) as refused:
        actions.add_action(session, actor=operator(), **arguments)
    assert [p.path for p in refused.value.problems] == [field]
    assert _stored(session) == before


REFUSED_CHANGES = [
    ({"status": "dropped"}, "reason", RuleBroken),
    ({"status": "planned"}, "status", RuleBroken),
    ({"status": "finished"}, "status", RuleBroken),
    ({"status": "done", "reason": "why"}, "reason", RuleBroken),
    ({"reason": "alone"}, "reason", RuleBroken),
    ({"title": "fine", "factor": "speed"}, "factor", InvalidInput),
    ({"title": "fine", "owners": ["ladmin@example.com"]}, "owner", RuleBroken),
]


@pytest.mark.parametrize(("change", "field", "error"), REFUSED_CHANGES)
def test_refused_changes_leave_the_action_as_it_was(
    session: Session, world: dict[str, Any], change: dict[str, Any], field: str, error: type
) -> None:
    made = actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        by="kuusi",
        factor="energy",
        title="kept",
    )
    before = _stored(session)
    with pytest.raises(error) as refused:
        actions.update_action(
            session, actor=_as(session, world, "kadmin"), action_id=made.id, **change
        )
    assert [p.path for p in refused.value.problems] == [field]
    assert _stored(session) == before


def test_overdue_actions_show_on_both_dashboards_and_tell_their_owners_once(
    session: Session, world: dict[str, Any]
) -> None:
    today = date(2026, 12, 5)
    late = actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        by="kuusi",
        factor="energy",
        title="late",
        due=today - timedelta(days=1),
        owners=["kmember@example.com", "padmin@example.com"],
    )
    actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        by="kuusi",
        factor="energy",
        title="on time",
        due=today,
        owners=["kmember@example.com"],
    )
    done = actions.add_action(
        session,
        actor=operator(),
        between=["kuusi", "lab"],
        by="lab",
        factor="impact",
        title="done late",
        due=today - timedelta(days=9),
        owners=["kmember@example.com"],
    )
    actions.set_status(session, actor=operator(), action_id=done.id, status="done")
    ids = world["ids"]
    for org in ("kuusi", "pakkaus"):
        assert [a.id for a in actions.overdue_of_org(session, org_id=ids[org], on=today)] == [
            late.id
        ]
    assert actions.overdue_of_org(session, org_id=ids["lab"], on=today) == []

    assert reminders.notify_overdue(session, on=today) == 2
    assert reminders.notify_overdue(session, on=today) == 0  # once per due date
    users = world["users"]
    box = notifications.inbox(session, user_id=users["kmember"].id, org_id=ids["kuusi"])
    assert [(n.kind, n.action, n.title, n.detail, n.relationship) for n in box.notifications] == [
        ("overdue", late.id, "late", "2026-12-04", ("kuusi", "pakkaus"))
    ]
    assert box.unread == 1
    assert (
        notifications.inbox(
            session, user_id=users["pmember"].id, org_id=ids["pakkaus"]
        ).notifications
        == []
    )
    # Tomorrow the one due today is late too; a new due date that passes tells again.
    actions.update_action(session, actor=operator(), action_id=late.id, due=today)
    assert reminders.notify_overdue(session, on=today + timedelta(days=1)) == 1 + 2
