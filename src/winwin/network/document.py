"""The network document (``"format": "winwin/1"``) exactly as CONTRACT.md fixes it.

Structure only: cross-references and business rules are checked by the import service,
which reports them with the same JSON paths.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, Protocol, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from winwin.kernel.errors import InvalidInput, Problem
from winwin.kernel.keys import KEY_CHARS, is_key
from winwin.kernel.time import as_utc
from winwin.sharing.audience import Exclusion as Exclusion_
from winwin.sharing.topics import normalize_topic

FORMAT = "winwin/1"
EXCLUSION_PATTERN = re.compile(
    rf"competitors|org:{KEY_CHARS}|country:[A-Z]{{2}}|cluster:.{{1,100}}"
)


def _key(value: str) -> str:
    if not is_key(value):
        raise PydanticCustomError(
            "key",
            "'{value}' is not a key: use 1-64 lowercase letters, digits, '-' or '_'",
            {"value": value[:80]},
        )
    return value


def _exclusion(value: str) -> str:
    try:
        Exclusion_.parse(value)  # the policy's own reading, so both refuse the same texts
    except InvalidInput:
        pass
    else:
        if EXCLUSION_PATTERN.fullmatch(value):
            return value
    raise PydanticCustomError(
        "exclusion",
        "'{value}' is not an exclusion: use 'competitors', 'org:KEY', 'country:CC' "
        "or 'cluster:NAME'",
        {"value": value[:80]},
    )


Key = Annotated[str, AfterValidator(_key)]
Text = Annotated[str, StringConstraints(max_length=300)]


def _topic(value: str) -> str:
    # The one normal form of sharing.topics, so stored topics always match their guards.
    topic = normalize_topic(value)
    if not topic:
        raise PydanticCustomError("topic", "a topic must not be blank", {})
    return topic


Topic = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_topic)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Pair = Annotated[list[Key], Field(min_length=2, max_length=2)]
Exclusion = Annotated[str, AfterValidator(_exclusion)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class OrganizationDoc(Strict):
    key: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    country: Country | None = None
    cluster: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    industry: Annotated[str, StringConstraints(max_length=100)] | None = None
    roles: list[Key] = []
    capabilities: list[Text] = []
    needs: list[Text] = []
    values: list[Text] = []
    # A Y-tunnus or an EU VAT number (network.business_ids); stored in its normal form.
    business_id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class TieDoc(Strict):
    kind: Literal["supplies", "partners"]
    from_: Key = Field(alias="from")
    to: Key


class CompetitorDoc(Strict):
    """A competitor declared by one side alone (``by`` declared ``competitor``)."""

    by: Key
    competitor: Key


class TieProposalDoc(Strict):
    """A pending tie proposal; ``kind`` is from the proposer's (``by``) point of view."""

    by: Key
    with_: Key = Field(alias="with")
    kind: Literal["supplies", "buys", "partners"]
    created: str | None = None


class CircleDoc(Strict):
    key: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    members: list[Key] = []


class AgreementDoc(Strict):
    between: Pair
    secret_topics: list[Topic] = []


class AudienceDoc(Strict):
    level: Literal["secret", "direct", "partners", "circle", "network", "public"]
    orgs: list[Key] | None = None
    circle: Key | None = None


class InnovationDoc(Strict):
    """Marks an item as a challenge or an idea of open innovation (see docs/innovation.md)."""

    kind: Literal["challenge", "idea"]
    # Absent: the kind's first stage (proposed, open) for a new entry, unchanged otherwise.
    stage: Annotated[str, StringConstraints(min_length=1, max_length=16)] | None = None
    challenge: Key | None = None


class ItemDoc(Strict):
    key: Key
    owner: Key
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    body: Annotated[str, StringConstraints(max_length=100_000)] | None = None
    topics: list[Topic] | None = None
    audience: AudienceDoc
    exclude: list[Exclusion] = []
    reshare_of: Key | None = None
    created: str | None = None
    innovation: InnovationDoc | None = None


class InstrumentText(Strict):
    en: Annotated[str, StringConstraints(max_length=1000)] = ""
    fi: Annotated[str, StringConstraints(max_length=1000)] = ""


class InstrumentItemDoc(Strict):
    id: Key
    factor: Literal["accessibility", "energy", "impact", "attraction"]
    reverse: bool = False
    text: InstrumentText = InstrumentText()


class InstrumentDoc(Strict):
    key: Key
    scale: Annotated[int, Field(ge=2, le=11)] = 5
    name: InstrumentText | None = None
    items: Annotated[list[InstrumentItemDoc], Field(min_length=1)]


class ResponseDoc(Strict):
    side: Key
    respondent: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    answers: dict[Key, int]
    # Items the respondent marked "I can't say": recorded, never an answer; exported
    # sorted, and only when there is one.
    cant_say: list[Key] = []


class AssessmentDoc(Strict):
    round: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    instrument: Key
    between: Pair
    responses: list[ResponseDoc] = []
    # The fewest respondents a side needs before its factors are shown (1: a named
    # round); optional, 3 when absent, and exported only when it is not 3.
    min_respondents: Annotated[int, Field(ge=1, le=1000)] = 3


class NetworkDocument(Strict):
    format: Literal["winwin/1"]
    organizations: list[OrganizationDoc] = []
    ties: list[TieDoc] = []
    # A pair is declared by both sides; an object by its ``by`` side alone.
    competitors: list[Pair | CompetitorDoc] = []
    tie_proposals: list[TieProposalDoc] = []
    circles: list[CircleDoc] = []
    agreements: list[AgreementDoc] = []
    competition_sensitive_topics: list[Topic] | None = None
    items: list[ItemDoc] = []
    instruments: list[InstrumentDoc] = []
    assessments: list[AssessmentDoc] = []
    # Sections owned by other capabilities or modules (``winwin.actions.document``,
    # ``winwin.initiatives.document``, ``winwin.network.tie_sharing_document``): JSON
    # lists here, parsed and checked by their owners, so that this module names none of
    # them. Absent: the import leaves them alone.
    actions: list[Any] | None = None
    initiatives: list[Any] | None = None
    tie_sharing: list[Any] | None = None


@dataclass(frozen=True)
class SectionContext:
    """What a capability's section may rely on when it checks its entries: the
    organisation keys stored or in the document, the pairs (sorted) that the document
    ties or assesses together, and the document's actions (key → its pair, sorted)."""

    org_keys: frozenset[str]
    related: frozenset[tuple[str, str]]
    actions: dict[str, tuple[str, str]] = field(default_factory=dict)


class _KeyedRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str | None: ...


T = TypeVar("T")
R = TypeVar("R", bound=_KeyedRow)


@dataclass
class CheckedSection(Generic[T]):
    """A capability's section once checked: its entries, or the problems that refuse the
    import."""

    entries: list[T] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def stored_by_key(rows: Iterable[R], prefix: str) -> dict[str, R]:
    """Stored rows by their document key: the stored key, else ``PREFIX-ID`` (a row made
    through a door has no key until it travels)."""
    listed = list(rows)
    found = {r.key: r for r in listed if r.key is not None}
    for r in listed:
        if r.key is None:
            found.setdefault(f"{prefix}-{r.id}", r)
    return found


def format_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, four-digit years included (``0001``)."""
    # isoformat, unlike strftime's %Y, always writes four digits of the year.
    return as_utc(value).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 date-time as the same instant in UTC (no offset: UTC); None if it is
    not one or lies outside the years 1-9999 once in UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        # Stored in UTC: SQLite keeps no offset, so an offset left on would be dropped.
        return value.astimezone(UTC)
    except OverflowError:
        return None


def same_stored(stored: Any, wanted: Any) -> bool:
    """Whether an imported value equals the stored one (moments compared in UTC)."""
    if isinstance(stored, datetime) and isinstance(wanted, datetime):
        return as_utc(stored) == as_utc(wanted)
    return bool(stored == wanted)


def section_problems(error: ValidationError, limit: int = 20) -> list[Problem]:
    """A section's validation problems, at most ``limit`` and a count of the rest."""
    problems = problems_from(error)
    if len(problems) > limit:
        extra = len(problems) - limit
        problems = [*problems[:limit], Problem("", f"and {extra} more problems")]
    return problems


def json_path(loc: tuple[int | str, ...]) -> str:
    """``("items", 3, "audience", "level")`` → ``items[3].audience.level``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and not part.startswith(("function-", "literal[")):
            out += f".{part}" if out else str(part)
    return out


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for e in error.errors(include_url=False):
        message = e["msg"]
        if e["type"] == "extra_forbidden":
            message = "unknown key"
        elif e["type"] == "missing":
            message = "is required"
        problems.append(Problem(json_path(tuple(e["loc"])), message))
    return problems


def _nul_problems(value: Any, path: tuple[int | str, ...] = ()) -> list[Problem]:
    """Every text (key or value) holding a NUL character, by its JSON path.

    PostgreSQL cannot store NUL in text and SQLite would; refusing it here makes both
    databases answer the same (exit 2 and the path) instead of a database error.
    """
    found: list[Problem] = []
    if isinstance(value, str):
        if "\x00" in value:
            found.append(Problem(json_path(path), "must not contain a NUL character"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                found.append(Problem(json_path(path), "a key must not contain a NUL character"))
            found += _nul_problems(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nul_problems(item, (*path, index))
    return found


def parse_document(raw: str | bytes | dict[str, Any]) -> NetworkDocument:
    """Validate a network document; raise ``InvalidInput`` naming each JSON path."""
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        if isinstance(raw, str) and "\\u0000" in raw:
            # JSON spells a NUL only as this escape; look closer only when one is there.
            # Invalid JSON stays text and is reported below with the parser's message.
            with contextlib.suppress(ValueError):
                raw = json.loads(raw)
        if isinstance(raw, dict):
            nul = _nul_problems(raw)
            if nul:
                raise InvalidInput(nul[:20])
            return NetworkDocument.model_validate(raw)
        if not isinstance(raw, str):
            return NetworkDocument.model_validate(raw)
        return NetworkDocument.model_validate_json(raw)
    except UnicodeDecodeError as exc:
        raise InvalidInput(Problem("", f"the document is not UTF-8 text ({exc.reason})")) from None
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            e = exc.errors()[0]
            raise InvalidInput(Problem("", f"invalid JSON: {e['msg']}")) from None
        if any(e["type"] == "model_type" and not e["loc"] for e in exc.errors()):
            raise InvalidInput(
                Problem("", 'the document must be a JSON object with a "format" key')
            ) from None
        problems = problems_from(exc)
        if len(problems) > 20:
            extra = len(problems) - 20
            problems = [*problems[:20], Problem("", f"and {extra} more problems")]
        raise InvalidInput(problems) from None
