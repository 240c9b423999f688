"""The ``tie_sharing`` section of the network document: what each organisation shares of
its customers with its partners (``network.tie_audience``).

An entry without ``with`` is an organisation's default for every partner; one with
``with`` its level for that partner::

    "tie_sharing": [
      {"org": "kuusi", "level": "overlap"},
      {"org": "kuusi", "with": "pakkaus", "level": "all"}
    ]

The import sets each level it names and leaves every other setting as it is; a level
set for an organisation that is not (yet) a partner is stored and takes effect once they
are tied, as the checkpoint gives a non-partner ``hidden`` whatever is set. Absent, the
section leaves every setting alone. The export lists every stored setting, sorted.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError
from sqlalchemy.orm import Session

from winwin.kernel.errors import Problem
from winwin.network.document import CheckedSection, Key, SectionContext, Strict, section_problems
from winwin.network.sections import list_section
from winwin.network.tie_audience import Level
from winwin.network.tie_sharing_repository import TieSharingRepository

NAME = "tie_sharing"


class TieSharingDoc(Strict):
    org: Key
    with_: Key | None = Field(default=None, alias="with")
    level: Level


class _Section(Strict):
    tie_sharing: list[TieSharingDoc]


Checked = CheckedSection[TieSharingDoc]


def check(session: Session, raw: list[Any], context: SectionContext) -> Checked:
    """Every problem of the section, each with its JSON path (``tie_sharing[2].with``)."""
    try:
        entries = _Section.model_validate({NAME: raw}).tie_sharing
    except ValidationError as exc:
        return Checked(problems=section_problems(exc))
    problems: list[Problem] = []
    seen: dict[tuple[str, str | None], int] = {}
    for i, entry in enumerate(entries):
        path = f"{NAME}[{i}]"
        if entry.org not in context.org_keys:
            problems.append(Problem(f"{path}.org", f"unknown organisation '{entry.org}'"))
        if entry.with_ is not None:
            if entry.with_ not in context.org_keys:
                problems.append(Problem(f"{path}.with", f"unknown organisation '{entry.with_}'"))
            elif entry.with_ == entry.org:
                problems.append(Problem(f"{path}.with", "an organisation shares with others"))
        setting = (entry.org, entry.with_)
        if setting in seen:
            what = "default" if entry.with_ is None else f"level for '{entry.with_}'"
            problems.append(
                Problem(path, f"'{entry.org}' sets its {what} twice (also {NAME}[{seen[setting]}])")
            )
        seen.setdefault(setting, i)
    return Checked(entries=entries, problems=problems)


def write(session: Session, checked: Checked, ids: dict[str, int]) -> tuple[int, int]:
    """Set each level; returns (created, updated)."""
    repo = TieSharingRepository(session)
    defaults, overrides = repo.all_settings()
    created = updated = 0
    for entry in checked.entries:
        org = ids[entry.org]
        if entry.with_ is None:
            before = defaults.get(org)
            if before != entry.level:
                repo.set_default(org, entry.level)
        else:
            partner = ids[entry.with_]
            before = overrides.get((org, partner))
            if before != entry.level:
                repo.set_override(org, partner, entry.level)
        if before is None:
            created += 1
        elif before != entry.level:
            updated += 1
    return created, updated


def export(session: Session, keys: dict[int, str]) -> list[dict[str, Any]]:
    """Every stored default and per-partner level, sorted by organisation and partner."""
    defaults, overrides = TieSharingRepository(session).all_settings()
    out: list[dict[str, Any]] = [{"org": keys[o], "level": level} for o, level in defaults.items()]
    out += [
        {"org": keys[o], "with": keys[p], "level": level} for (o, p), level in overrides.items()
    ]
    return sorted(out, key=lambda e: (e["org"], e.get("with") or "", e["level"]))


list_section(70, NAME, check, write, export)
