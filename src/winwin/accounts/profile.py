"""An organisation's profile: what it is called, does, offers and needs, where it is, and
its business ID; every problem names its field, and nothing changes while any remains."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.access import Actor, require_manage
from winwin.accounts.credentials import nul_problems
from winwin.accounts.repository import AccountsRepository
from winwin.kernel.errors import InvalidInput, NotFound, Problem, RuleBroken
from winwin.kernel.keys import is_key
from winwin.network.business_ids import BadBusinessId, normalise_business_id
from winwin.network.countries import country_problem
from winwin.network.models import Organization
from winwin.network.refusals import BUSINESS_ID_TAKEN
from winwin.network.repository import NetworkRepository

PROFILE_ROLES = ("supplier", "customer", "partner", "research", "network")
COUNTRY = re.compile(r"^[A-Z]{2}$")
LIST_FIELDS = ("capabilities", "needs", "values")


@dataclass(frozen=True)
class ProfileChange:
    """The fields to change; None leaves a field as it is."""

    name: str | None = None
    roles: list[str] | None = None
    industry: str | None = None
    country: str | None = None
    cluster: str | None = None
    capabilities: list[str] | None = None
    needs: list[str] | None = None
    values: list[str] | None = None
    #: A Y-tunnus or an EU VAT number; an empty string clears it.
    business_id: str | None = None


def _clean_text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _profile_problems(change: ProfileChange) -> list[Problem]:
    texts: dict[str, str | None] = {
        "name": change.name,
        "industry": change.industry,
        "country": change.country,
        "cluster": change.cluster,
        "business_id": change.business_id,
    }
    for field in ("roles", *LIST_FIELDS):
        for index, entry in enumerate(getattr(change, field) or []):
            texts[f"{field}[{index}]"] = entry
    problems = nul_problems(texts)
    if change.name is not None and not (1 <= len(change.name.strip()) <= 300):
        problems.append(refusals.ORG_NAME_LENGTH("name"))
    country = (change.country or "").strip()
    if country and not COUNTRY.match(country):
        problems.append(refusals.NOT_A_COUNTRY_CODE("country"))
    elif country and (problem := country_problem(country)):
        problems.append(problem)
    if change.cluster is not None and len(change.cluster.strip()) > 100:
        problems.append(refusals.AT_MOST_100("cluster"))
    if change.industry is not None and len(change.industry.strip()) > 100:
        problems.append(refusals.AT_MOST_100("industry"))
    for index, role in enumerate(change.roles or []):
        if not is_key(role):
            problems.append(refusals.NOT_A_ROLE_KEY(f"roles[{index}]"))
    for name in LIST_FIELDS:
        entries: list[str] = getattr(change, name) or []
        if len(entries) > 100:
            problems.append(refusals.TOO_MANY_ENTRIES(name))
        for index, entry in enumerate(entries):
            if not entry.strip():
                problems.append(refusals.EMPTY_ENTRY(f"{name}[{index}]"))
            elif len(entry) > 300:
                problems.append(refusals.AT_MOST_300(f"{name}[{index}]"))
    return problems


def update_profile(
    session: Session, actor: Actor, *, org_id: int, change: ProfileChange
) -> Organization:
    """Change an organisation's profile; every problem names its field, nothing changes."""
    require_manage(actor, org_id)
    org = AccountsRepository(session).get_org(org_id)
    if org is None:
        raise NotFound(refusals.NO_SUCH_ORG())
    problems = _profile_problems(change)
    business_id = _business_id(session, change, org) if not problems else None
    if problems:
        raise InvalidInput(problems)
    # Exclusions are sticky: the country and cluster being replaced stay on record, so
    # an edit never lifts a country:/cluster: exclusion (docs/security.md).
    places = NetworkRepository(session)
    places.remember_places([org_id])
    if change.name is not None:
        org.name = change.name.strip()
    if change.industry is not None:
        org.industry = _clean_text(change.industry)
    if change.country is not None:
        org.country = _clean_text(change.country)
    if change.cluster is not None:
        org.cluster = _clean_text(change.cluster)
    if change.business_id is not None:
        org.business_id = business_id
    if change.roles is not None:
        org.roles = sorted(set(change.roles))
    for name in LIST_FIELDS:
        entries = getattr(change, name)
        if entries is not None:
            setattr(org, name, _dedupe(e.strip() for e in entries))
    session.flush()
    places.remember_places([org_id])
    return org


def _business_id(session: Session, change: ProfileChange, org: Organization) -> str | None:
    """The normal form of the business ID being set (None when cleared or unchanged).

    Checked against the country the organisation will have; ``InvalidInput`` when it is
    not a business ID, ``RuleBroken`` when another organisation holds it.
    """
    if change.business_id is None or not change.business_id.strip():
        return None
    country = org.country if change.country is None else _clean_text(change.country)
    value = check_business_id(change.business_id, country)
    holder = NetworkRepository(session).holder_of_business_id(value)
    if holder is not None and holder.id != org.id:
        raise RuleBroken(BUSINESS_ID_TAKEN("business_id", value=value))
    return value


def check_business_id(text: str, country: str | None, *, path: str = "business_id") -> str:
    """The normal form of a business ID, or ``InvalidInput`` naming ``path``."""
    try:
        return normalise_business_id(text, country)
    except BadBusinessId as exc:
        raise InvalidInput(exc.problem(path)) from None


def _dedupe(entries: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for entry in entries:
        seen.setdefault(entry, None)
    return list(seen)
