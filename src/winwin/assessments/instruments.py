"""Built-in and custom instruments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org
from winwin.assessments import refusals as refuse
from winwin.assessments.repository import InstrumentRepository
from winwin.assessments.score import DEFAULT_SCALE, FACTORS, is_factor
from winwin.data import builtin_instrument_keys, load_builtin_instruments
from winwin.db.models import Instrument, InstrumentItem
from winwin.kernel.errors import Conflict, InvalidInput, PermissionDenied, Problem
from winwin.kernel.keys import is_key
from winwin.network.repository import NetworkRepository


def ensure_builtin_instruments(session: Session) -> None:
    """Store (or refresh) the built-in instruments shipped with the package."""
    repo = InstrumentRepository(session)
    for spec in load_builtin_instruments():
        repo.upsert(
            key=spec["key"],
            scale=spec.get("scale", 5),
            name=spec.get("name", {}),
            builtin=True,
            items=[
                {
                    "item_key": item["id"],
                    "factor": item["factor"],
                    "reverse": item.get("reverse", False),
                    "text_en": item["text"]["en"],
                    "text_fi": item["text"]["fi"],
                }
                for item in spec["items"]
            ],
        )


MIN_SCALE, MAX_SCALE = 2, 11


@dataclass(frozen=True)
class InstrumentRead:
    key: str
    name: dict[str, str]
    scale: int
    builtin: bool
    owner: str | None
    items: list[dict[str, Any]]


def _read(instrument: Instrument, owner: str | None) -> InstrumentRead:
    return InstrumentRead(
        key=instrument.key,
        name=dict(instrument.name or {}),
        scale=instrument.scale,
        builtin=instrument.builtin,
        owner=owner,
        items=[statement_document(it) for it in instrument.items],
    )


def statement_document(item: InstrumentItem) -> dict[str, Any]:
    """A statement as the network document, the REST API and the research codebook write
    it: ``{"id", "factor", "reverse", "text": {"en", "fi"}}``."""
    return {
        "id": item.item_key,
        "factor": item.factor,
        "reverse": item.reverse,
        "text": {"en": item.text_en, "fi": item.text_fi},
    }


def _text(value: object, path: str, problems: list[Problem], limit: int = 1000) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        problems.append(refuse.EMPTY(path))
    elif "\x00" in text:
        problems.append(refuse.NUL(path))
    elif len(text) > limit:
        problems.append(refuse.TOO_LONG(path, n=limit))
    return text


def create_instrument(
    session: Session,
    *,
    actor: Actor,
    org: str,
    key: str,
    name: Mapping[str, object],
    scale: object = DEFAULT_SCALE,
    items: Sequence[Mapping[str, Any]],
) -> InstrumentRead:
    """Add an organisation's own instrument; only its relationships may use it.

    Items are ``{"id", "factor", "reverse", "text": {"en", "fi"}}`` as in the network
    document. Every factor needs at least one item, every text both languages. Raises
    ``InvalidInput`` naming the field (``items[2].factor``), ``PermissionDenied`` unless
    the actor manages ``org``, ``Conflict`` when the key is taken.
    """
    usable = isinstance(org, str) and "\x00" not in org
    owner = NetworkRepository(session).get_by_key(org) if usable else None
    if owner is None:
        raise InvalidInput(refuse.UNKNOWN_ORG("org", key=org))
    if not can_manage_org(actor, owner.id):
        raise PermissionDenied(refuse.INSTRUMENT_ADDER())
    problems: list[Problem] = []
    if not is_key(key):
        problems.append(refuse.BAD_KEY("key"))
    elif key in builtin_instrument_keys():
        problems.append(refuse.BUILTIN_KEY("key", key=key))
    if not isinstance(name, Mapping):
        name = {}
    names = {lang: _text(name.get(lang), f"name.{lang}", problems, 200) for lang in ("en", "fi")}
    if isinstance(scale, bool) or not isinstance(scale, int) or not MIN_SCALE <= scale <= MAX_SCALE:
        problems.append(refuse.SCALE("scale", a=MIN_SCALE, b=MAX_SCALE))
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    if not isinstance(items, Sequence) or not items:
        problems.append(refuse.NO_ITEMS("items"))
        items = []
    for i, item in enumerate(items):
        path = f"items[{i}]"
        if not isinstance(item, Mapping):
            problems.append(refuse.ITEM_SHAPE(path))
            continue
        item_id = item.get("id")
        if not is_key(item_id):
            problems.append(refuse.BAD_KEY(f"{path}.id"))
        elif item_id in seen:
            problems.append(refuse.DUPLICATE_ID(f"{path}.id", key=item_id))
        else:
            seen.add(item_id)
        factor = item.get("factor")
        if not is_factor(factor):
            problems.append(refuse.ONE_OF(f"{path}.factor", options=", ".join(FACTORS)))
        reverse = item.get("reverse", False)
        if not isinstance(reverse, bool):
            problems.append(refuse.TRUE_OR_FALSE(f"{path}.reverse"))
        text = item.get("text")
        text = text if isinstance(text, Mapping) else {}
        texts = {
            lang: _text(text.get(lang), f"{path}.text.{lang}", problems) for lang in ("en", "fi")
        }
        rows.append(
            {
                "item_key": item_id,
                "factor": factor,
                "reverse": bool(reverse),
                "text_en": texts["en"],
                "text_fi": texts["fi"],
            }
        )
    missing = [f for f in FACTORS if f not in {r["factor"] for r in rows}]
    if items and missing:
        problems.append(refuse.MISSING_FACTORS("items", factors=", ".join(missing)))
    if problems:
        raise InvalidInput(problems)
    repo = InstrumentRepository(session)
    if repo.get_by_key(key) is not None:
        raise Conflict(refuse.INSTRUMENT_EXISTS(key=key))
    scale_value = scale if isinstance(scale, int) else DEFAULT_SCALE
    instrument = repo.upsert(key=key, scale=scale_value, name=names, items=rows)
    instrument.owner_org_id = owner.id
    instrument.created_by_user_id = actor.user_id
    session.flush()
    return _read(instrument, owner.key)


def list_instruments(
    session: Session, *, org_ids: Sequence[int] | None = None
) -> list[InstrumentRead]:
    """Built-in and shared instruments, plus the custom ones of these organisations.

    ``org_ids=None`` lists every instrument.
    """
    ensure_builtin_instruments(session)
    repo = InstrumentRepository(session)
    instruments = repo.all() if org_ids is None else repo.usable_by(list(org_ids))
    keys = NetworkRepository(session).org_keys_by_id()
    return [
        _read(ins, keys.get(ins.owner_org_id) if ins.owner_org_id else None) for ins in instruments
    ]


def instruments_by_key(session: Session, keys: Iterable[str]) -> dict[str, InstrumentRead]:
    """The instruments of these keys (unknown keys are left out), for naming a round's
    instrument and its statements. The caller has already decided that the reader may
    see the rounds that use them."""
    repo = InstrumentRepository(session)
    found: dict[str, InstrumentRead] = {}
    for key in sorted(set(keys)):
        instrument = repo.get_by_key(key)
        if instrument is not None:
            found[key] = _read(instrument, None)
    return found


def instrument_name(instrument: InstrumentRead | None, key: str, locale: str) -> str:
    """An instrument's name in ``locale``, else in English or Finnish, else its key."""
    if instrument is None:
        return key
    return (
        instrument.name.get(locale) or instrument.name.get("en") or instrument.name.get("fi") or key
    )
