"""What every sharing REST route takes: the organisation the caller acts for.

Shared by the routes of items, circles and agreements (``sharing.api``,
``sharing.circle_api``, ``sharing.agreement_api``) and by the capabilities whose routes
hang on items (attachments, search, innovation).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from winwin.accounts.access import Actor, require_acting
from winwin.http.deps import SessionDep, act_for
from winwin.kernel.identity import Viewer

OrgQuery = Annotated[
    str | None, Query(description="Act for this organisation (facilitators, admins).")
]


def acting_org(session: SessionDep, actor: Actor, org: str | None) -> Viewer:
    """The organisation the caller reads and writes for (``?org=KEY``, else their own),
    as ``http.deps.act_for`` resolves it; ``NotFound`` when they act for none."""
    return require_acting(act_for(session, actor, org))
