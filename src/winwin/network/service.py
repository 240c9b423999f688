"""Use cases for the network itself: adding organisations.

``actor`` None means the operator at the command line, who acts with full authority.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_platform_admin
from winwin.kernel.errors import InvalidInput, NotFound, Problem, RuleBroken
from winwin.kernel.keys import is_key
from winwin.network import refusals
from winwin.network.business_ids import BadBusinessId, normalise_business_id
from winwin.network.countries import country_problem
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository


def add_organization(
    session: Session,
    actor: Actor,
    *,
    key: str,
    name: str,
    country: str | None = None,
    cluster: str | None = None,
    business_id: str | None = None,
) -> Organization:
    """A new organisation (platform admins only); every problem names its field.

    A taken key or business ID is a broken rule; nothing is stored on any refusal.
    """
    if not actor.is_operator:
        require_platform_admin(actor)
    country = (country or "").strip().upper() or None
    cluster = (cluster or "").strip() or None
    business_id = (business_id or "").strip() or None
    name = name.strip()
    problems: list[Problem] = []
    texts = {"key": key, "name": name, "country": country, "cluster": cluster}
    for path, value in {**texts, "business_id": business_id}.items():
        if value is not None and "\x00" in value:
            problems.append(Problem(path, "must not contain NUL characters"))
    if problems:
        raise InvalidInput(problems)
    if not is_key(key):
        problems.append(Problem("key", "use 1-64 lowercase letters, digits, '-' or '_'"))
    if not 1 <= len(name) <= 300:
        problems.append(Problem("name", "must be 1 to 300 characters"))
    if country is not None and (problem := country_problem(country)):
        problems.append(problem)
    if cluster is not None and len(cluster) > 100:
        problems.append(Problem("cluster", "must be at most 100 characters"))
    normal: str | None = None
    if business_id is not None:
        try:
            normal = normalise_business_id(business_id, country)
        except BadBusinessId as exc:
            problems.append(exc.problem("business_id"))
    if problems:
        raise InvalidInput(problems)
    repo = NetworkRepository(session)
    if repo.get_by_key(key) is not None:
        raise RuleBroken(refusals.KEY_TAKEN("key", key=key))
    if normal is not None and repo.holder_of_business_id(normal) is not None:
        raise RuleBroken(refusals.BUSINESS_ID_TAKEN("business_id", value=normal))
    org = Organization(
        key=key,
        name=name,
        country=country,
        cluster=cluster,
        business_id=normal,
        roles=[],
        capabilities=[],
        needs=[],
        values=[],
    )
    repo.add_org(org)
    return org


def org_or_raise(session: Session, key: str) -> Organization:
    """The organisation with this key; ``NotFound`` when there is none."""
    org = NetworkRepository(session).get_by_key(key)
    if org is None:
        raise NotFound(f"no organisation with key '{key}'")
    return org


def org_summary(org: Organization) -> dict[str, Any]:
    """What ``winwin org add --json`` prints and the REST API answers."""
    return {
        "key": org.key,
        "name": org.name,
        "country": org.country,
        "cluster": org.cluster,
        "business_id": org.business_id,
    }
