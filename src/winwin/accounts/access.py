"""The one checkpoint that decides what a person may see and do.

Every door asks here; no route filters by organisation on its own. The rules:

- a **member** sees and works for their own organisation;
- an **organisation admin** also manages it (profile, people, roles);
- a **facilitator** works for their own organisation and for every client organisation
  granted to them, and manages those clients' profiles and people;
- a **platform admin** sees and manages every organisation;
- an **outsider** (a designer, a student, a consumer who signed up on their own) belongs
  to no organisation: they read public challenges and their ideas, and comment, vote and
  propose ideas there. Every other page and API route answers them 404
  (:func:`outsider_may_use`, asked for every request by ``http.deps.outsider_gate``).

``Actor`` is the one identity type: the acting person, the organisation they act for and
their grants. :func:`resolve_actor` builds it once per request or command, and every door
calls it: the web (``http.page_deps``), the REST API (``http.deps.act_for``) and the
command line (``cli.context.acting``). A platform admin acts for an organisation other
than their own only when they name one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.kernel.errors import NotFound, PermissionDenied
from winwin.kernel.identity import Viewer
from winwin.kernel.keys import is_key
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository
from winwin.sharing.refusals import NO_ORG_NAMED

Role = Literal["member", "org_admin", "facilitator", "platform_admin", "outsider"]
# The roles an admin may hand out; an outsider's role comes only from signing up.
ROLES: tuple[Role, ...] = ("member", "org_admin", "facilitator", "platform_admin")
OUTSIDER: Role = "outsider"


@dataclass(frozen=True)
class Actor:
    """Who is acting: the person, the organisation they belong to, their grants, and the
    organisation they act for in this request or command (``acting``).

    ``user_id`` None is the command line's operator (:func:`operator`), who is no person.
    ``acting`` None reads as anyone may (an outsider, an anonymous reader).
    """

    user_id: int | None
    email: str
    name: str
    org_id: int | None
    role: Role
    locale: str | None = None
    client_org_ids: frozenset[int] = field(default_factory=frozenset)
    acting: Viewer | None = None

    @property
    def person_id(self) -> int:
        """The signed-in person's id; the operator, who is no person, has none."""
        if self.user_id is None:
            raise PermissionDenied(refusals.SIGNED_IN_ONLY())
        return self.user_id

    @property
    def is_operator(self) -> bool:
        """Whether this is the command line's operator (:func:`operator`): the database's
        owner, who is no person and may do anything a platform admin may."""
        return self.user_id is None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == "platform_admin"

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"

    @property
    def is_outsider(self) -> bool:
        return self.role == OUTSIDER


def actor_for(session: Session, user: User) -> Actor:
    """Build the actor for a stored user, with a facilitator's granted client orgs."""
    role: Role = (
        user.role if user.role in ROLES else OUTSIDER if user.role == OUTSIDER else "member"
    )
    grants: frozenset[int] = frozenset()
    if role == "facilitator":
        grants = frozenset(AccountsRepository(session).granted_org_ids(user.id))
    return Actor(
        user_id=user.id,
        email=user.email,
        name=user.name,
        org_id=user.org_id,
        role=role,
        locale=user.locale,
        client_org_ids=grants,
    )


def operator() -> Actor:
    """The command line's operator: the database's owner, who is no person.

    Like a platform admin, they may act for any organisation, and for one only when they
    name it; naming none, they read as anyone may.
    """
    return Actor(user_id=None, email="", name="", org_id=None, role="platform_admin")


def _viewer(org: Organization) -> Viewer:
    return Viewer(org.id, org.key, org.country, org.cluster)


def resolve_actor(
    session: Session,
    person: Actor,
    *,
    named: str | None = None,
    remembered: str | None = None,
    field: str | None = None,
) -> Actor:
    """The actor with the organisation they act for, access-checked: the one way every
    door works out who is acting.

    - ``named`` (``?org=KEY``, ``--org KEY``, a command's ``ORG``): that organisation;
      ``NotFound`` when there is none (named by ``field`` when given), ``PermissionDenied``
      when the person may not act for it;
    - else ``remembered`` (the web's last choice), when the person may still act for it;
    - else their own organisation, else (a facilitator of none) their first client by name;
    - else nobody: ``acting`` is None. A platform admin or the operator thus acts for
      another organisation only when they name one.
    """
    if named is not None:
        org = NetworkRepository(session).get_by_key(named) if is_key(named) else None
        if org is None:
            raise NotFound(
                NO_ORG_NAMED(field=field, org=named)
                if field
                else refusals.NO_ORG_WITH_KEY(key=named)
            )
        require_access(person, org.id)
        return replace(person, acting=_viewer(org))
    if remembered and is_key(remembered):
        org = NetworkRepository(session).get_by_key(remembered)
        if org is not None and can_access_org(person, org.id):
            return replace(person, acting=_viewer(org))
    own = session.get(Organization, person.org_id) if person.org_id is not None else None
    if own is None and person.is_facilitator and person.client_org_ids:
        clients = AccountsRepository(session).orgs_by_ids(set(person.client_org_ids), limit=1)
        own = clients[0] if clients else None
    return replace(person, acting=None if own is None else _viewer(own))


def require_acting(actor: Actor) -> Viewer:
    """The organisation the actor acts for; ``NotFound`` when they act for none."""
    if actor.acting is None:
        raise NotFound(refusals.NO_ORG_YET())
    return actor.acting


def accessible_org_ids(session: Session, actor: Actor) -> set[int]:
    """The organisations the actor may see and work for."""
    if actor.is_platform_admin:
        return AccountsRepository(session).all_org_ids()
    return own_org_ids(actor)


def accessible_orgs(
    session: Session, actor: Actor, *, limit: int | None = None, offset: int = 0
) -> list[Organization]:
    """The organisations the actor may see, by name (for lists and switchers)."""
    repo = AccountsRepository(session)
    if actor.is_platform_admin:
        return repo.all_orgs(limit=limit, offset=offset)
    return repo.orgs_by_ids(own_org_ids(actor), limit=limit, offset=offset)


def own_org_ids(actor: Actor) -> set[int]:
    """Own organisation plus granted clients (platform admins: only their own here)."""
    ids = set(actor.client_org_ids) if actor.is_facilitator else set()
    if actor.org_id is not None:
        ids.add(actor.org_id)
    return ids


def can_access_org(actor: Actor, org_id: int) -> bool:
    """Whether the actor may see and work for the organisation."""
    return actor.is_platform_admin or org_id in own_org_ids(actor)


def can_manage_org(actor: Actor, org_id: int) -> bool:
    """Whether the actor may edit the organisation's profile and its people."""
    if actor.is_platform_admin:
        return True
    if actor.is_facilitator:
        return org_id in actor.client_org_ids or org_id == actor.org_id
    return actor.role == "org_admin" and actor.org_id == org_id


def can_assign_role(actor: Actor, role: str) -> bool:
    """Org admins hand out member and org admin; only platform admins make the others."""
    if actor.is_platform_admin:
        return role in ROLES
    return role in ("member", "org_admin")


def require_access(actor: Actor, org_id: int) -> None:
    """Raise PermissionDenied unless the actor may see the organisation."""
    if not can_access_org(actor, org_id):
        raise PermissionDenied(refusals.NO_ACCESS())


def require_manage(actor: Actor, org_id: int) -> None:
    """Raise PermissionDenied unless the actor may manage the organisation."""
    if not can_manage_org(actor, org_id):
        raise PermissionDenied(refusals.ADMINS_ONLY())


def require_role(actor: Actor, *roles: Role) -> None:
    """Raise PermissionDenied unless the actor has one of the roles."""
    if actor.role not in roles:
        raise PermissionDenied(refusals.ROLE_FORBIDS())


def require_platform_admin(actor: Actor) -> None:
    require_role(actor, "platform_admin")


# Who keeps the competition-law guard's topic list: platform admins, and facilitators,
# who run the workshops where the partners' rules are agreed.
TOPIC_EDITORS: tuple[Role, ...] = ("platform_admin", "facilitator")


def require_topic_editor(actor: Actor) -> None:
    require_role(actor, *TOPIC_EDITORS)


# The routes an outsider may use, by method and path template; every other one answers
# them 404, as if it did not exist. Their reads go through the item checkpoint as an
# anonymous reader's do, so they see public challenges and ideas and nothing else.
OUTSIDER_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/"),
        ("POST", "/lang"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/forgot"),
        ("POST", "/forgot"),
        ("GET", "/reset/{token}"),
        ("POST", "/reset/{token}"),
        ("GET", "/join"),
        ("POST", "/join"),
        ("GET", "/join/sent"),
        ("GET", "/join/{token}"),
        ("POST", "/join/{token}"),
        ("GET", "/account"),
        ("POST", "/account/password"),
        ("POST", "/account/tokens"),
        ("POST", "/account/tokens/{token_id}/revoke"),
        ("GET", "/notifications"),
        ("GET", "/notifications/badge"),
        ("POST", "/notifications/read"),
        ("GET", "/public/innovation"),
        ("GET", "/innovation/{key}"),
        ("POST", "/public/innovation/{key}/ideas"),
        ("POST", "/public/innovation/{key}/comments"),
        ("POST", "/public/innovation/{key}/comments/{comment_id}/delete"),
        ("POST", "/public/innovation/{key}/vote"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/{token_id}"),
        ("POST", "/api/v1/outsiders"),
        ("POST", "/api/v1/outsiders/verify"),
        ("GET", "/api/v1/notifications"),
        ("POST", "/api/v1/notifications/read"),
        ("GET", "/api/v1/public/innovation"),
        ("GET", "/api/v1/innovation"),
        ("GET", "/api/v1/innovation/{key}"),
        ("POST", "/api/v1/innovation"),
        ("POST", "/api/v1/innovation/{key}/comments"),
        ("DELETE", "/api/v1/innovation/{key}/comments/{comment_id}"),
        ("PUT", "/api/v1/innovation/{key}/vote"),
        ("DELETE", "/api/v1/innovation/{key}/vote"),
    }
)


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)) + "$")


_OUTSIDER_PATTERNS = [(verb, path, _template(path)) for verb, path in sorted(OUTSIDER_ROUTES)]


def outsider_may_use(method: str, path: str, route_path: str) -> bool:
    """Whether an outsider may use the route that answers ``path``.

    ``route_path`` is the matched route's own template, without the prefixes of the
    routers it sits in (``/innovation/{key}`` for ``/api/v1/innovation/{key}``), so both
    must agree: the request's path fits a listed template that ends with the route's.
    ``HEAD`` counts as ``GET``.
    """
    verb = "GET" if method.upper() == "HEAD" else method.upper()
    return any(
        verb == allowed and template.endswith(route_path) and pattern.match(path)
        for allowed, template, pattern in _OUTSIDER_PATTERNS
    )
