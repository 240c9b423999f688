"""Use cases of joint action plans; the page, the REST route and the command call these.

Who may do what (the relationship's own rules, ``winwin.assessments.service``):

- **see** a plan: whoever may see the relationship (``can_see_relationship``): the
  people of either side, facilitators granted either side, platform admins. Anyone
  else is told the relationship does not exist (``NotFound``);
- **add** an action, and edit or move any action: whoever may run the relationship
  (``can_run_relationship``: an org admin of either side, a facilitator granted either
  side, a platform admin). The action is added *by* one side (``by``), which the actor
  must manage;
- an action's **owners** may also edit it and move its status.

The command line acts as ``accounts.access.operator()``, who may do everything. Every
change is written to the action's history: who, when, and each field's value before and
after.

The use cases live by concern and are named here, so that the doors have one module to
call: ``actions.reading`` (the plan, one action and its history, who may read and edit)
and ``actions.changing`` (adding, changing and moving actions, each change recorded).
"""

from __future__ import annotations

from winwin.actions.changing import add_action, parse_due, set_status, update_action
from winwin.actions.reading import (
    MAX_ID,
    ActionRead,
    EventRead,
    Owner,
    can_edit,
    can_read,
    editable_of_pair,
    get_action,
    history,
    list_actions,
    orgs_by_id,
    overdue_of_org,
    readable_actions,
    stored_action,
    today,
)

__all__ = [
    "MAX_ID",
    "ActionRead",
    "EventRead",
    "Owner",
    "add_action",
    "can_edit",
    "can_read",
    "editable_of_pair",
    "get_action",
    "history",
    "list_actions",
    "orgs_by_id",
    "overdue_of_org",
    "parse_due",
    "readable_actions",
    "set_status",
    "stored_action",
    "today",
    "update_action",
]
