"""Customer and supplier lists from a CRM: reading the CSV and matching its rows.

Pure: the standard library only. The service gives the organisations the uploader may
see (``crm_service.matchable``); nothing else can be named by a match.

Reading
-------
- The file is UTF-8 (a byte-order mark is allowed), at most :data:`MAX_BYTES`; any other
  encoding is refused as a whole, naming ``file``. The delimiter is ``,`` or ``;`` (the
  one the header line holds more of).
- The first line is the header. The columns come from a preset (:data:`PRESETS`: the
  labels HubSpot's and Salesforce's company exports use) or from a mapping of our fields
  (``name``, ``domain``, ``business_id``, ``country``, ``email``) to header labels. A
  mapped column the header lacks is refused, naming ``columns.FIELD``.
- A row is *bad*, and listed with its line number and why, when: it has no name; a
  cell of ours starts with ``=``, ``+``, ``-`` or ``@`` (a spreadsheet formula; never
  read, never echoed); a cell is longer than :data:`MAX_CELL` characters; its business
  ID or e-mail is malformed. Blank lines are skipped. A file of more than
  :data:`MAX_ROWS` rows is refused.

Matching (first rule that gives exactly one organisation wins)
--------------------------------------------------------------
1. ``business_id``: the row's ID in its normal form (``network.business_ids``) equals an
   organisation's;
2. ``domain``: the row's web domain (scheme, ``www.``, path and port dropped, lower
   case) equals one of an organisation's domains;
3. ``name``: the row's normalised name (:func:`normal_name`) equals exactly one
   organisation's.

Two organisations with the same domain or normalised name match neither (``ambiguous``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from winwin.kernel.errors import Problem
from winwin.kernel.keys import is_email
from winwin.network import refusals
from winwin.network.business_ids import BadBusinessId, normalise_business_id

MAX_BYTES = 20_000_000
MAX_ROWS = 100_000
MAX_CELL = 1000
FIELDS = ("name", "domain", "business_id", "country", "email")
How = Literal["business_id", "domain", "name"]

PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    # HubSpot's export of company records (default property labels).
    "hubspot": {
        "name": ("Company name",),
        "domain": ("Company Domain Name", "Website URL"),
        "country": ("Country/Region",),
    },
    # Salesforce's export of Account records (field labels).
    "salesforce": {
        "name": ("Account Name",),
        "domain": ("Website",),
        "country": ("Billing Country",),
    },
}
"""For each field, the header labels to look for, in order. Neither CRM has a standard
business ID field: map one with a column mapping when the export carries it."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LEGAL_FORMS = frozenset(
    [
        "oy",
        "oyj",
        "ab",
        "abp",
        "ay",
        "ky",
        "tmi",
        "as",
        "asa",
        "aps",
        "a/s",
        "ltd",
        "limited",
        "plc",
        "inc",
        "llc",
        "corp",
        "co",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "spa",
        "srl",
        "ou",
        "uab",
        "sia",
    ]
)


class BadFile(ValueError):
    """The file as a whole cannot be read: ``path`` names the field, ``message`` why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    domain: str | None = None
    business_id: str | None = None
    country: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class BadRow:
    """A row that is never matched: its line and why, each reason a refusal (a code and
    its values, so that a page can say it in its own language) of the field it names."""

    line: int
    reasons: tuple[Problem, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        """The reasons in English, ``FIELD: why`` (what the API and the CLI show)."""
        return tuple(str(reason) for reason in self.reasons)


@dataclass(frozen=True)
class Candidate:
    """An organisation the uploader may see, as matching knows it."""

    key: str
    name: str
    business_id: str | None = None
    domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    line: int
    name: str
    key: str | None
    how: How | None
    ambiguous: bool = False
    email: str | None = None


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


# normal forms ---------------------------------------------------------------------------
def normal_name(name: str) -> str:
    """A name's normal form: accents dropped, lower case, punctuation → spaces, legal
    forms (Oy, AB, Ltd, GmbH …) dropped, whitespace collapsed."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w/]+", " ", plain).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def normal_domain(text: str) -> str | None:
    """``https://www.Kuusi.example/about`` → ``kuusi.example``; None when there is none."""
    value = text.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    value = value.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    value = value.removeprefix("www.")
    if not value or "." not in value or not re.fullmatch(r"[a-z0-9.-]+", value):
        return None
    return value


# reading ----------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    """The file's text; ``BadFile`` when it is too large or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise BadFile("file", f"is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(
            "file", f"is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8"
        ) from None


def columns_for(
    header: list[str], preset: str | None, mapping: Mapping[str, str] | None
) -> dict[str, tuple[int, ...]]:
    """Which columns hold each field (the first non-empty one of a row counts);
    ``BadFile`` naming ``columns.FIELD`` or ``preset``."""
    labels = {h.strip().lstrip("\ufeff"): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, tuple[int, ...]] = {}
    if preset is not None:
        if preset not in PRESETS:
            raise BadFile("preset", f"must be one of {', '.join(sorted(PRESETS))}")
        for name, options in PRESETS[preset].items():
            present = tuple(labels[label] for label in options if label in labels)
            if present:
                found[name] = present
        if "name" not in found:
            raise BadFile("columns.name", f"the file has no column '{PRESETS[preset]['name'][0]}'")
    for name, label in (mapping or {}).items():
        if name not in FIELDS:
            raise BadFile(f"columns.{name[:40]}", f"is not a field ({', '.join(FIELDS)})")
        if not label:
            continue
        if label.strip() not in labels:
            raise BadFile(f"columns.{name}", f"the file has no column '{label[:100]}'")
        found[name] = (labels[label.strip()],)
    if "name" not in found:
        raise BadFile("columns.name", "say which column holds the name (or choose a preset)")
    return found


def _cell(row: list[str], indexes: tuple[int, ...]) -> str:
    for index in indexes:
        if index < len(row) and row[index].strip():
            return row[index].strip()
    return ""


def read_rows(
    text: str,
    *,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Parsed:
    """The file's good rows and its bad rows, each with its line number (see the module)."""
    first = text.split("\n", 1)[0][:10_000]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    csv.field_size_limit(max(MAX_CELL * 4, 10_000))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise BadFile("file", "is empty") from None
    except csv.Error:
        raise BadFile("file", "its first line is not a CSV header") from None
    columns = columns_for(header, preset, mapping)
    parsed = Parsed()
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.bad.append(BadRow(line, (refusals.CRM_UNREADABLE(detail=str(exc)[:80]),)))
            if reader.line_num < line:
                break
            continue
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise BadFile("file", f"has more than {MAX_ROWS} rows")
        if progress is not None and count % 1000 == 0:
            progress(count)
        outcome = _row(line, cells, columns)
        if isinstance(outcome, BadRow):
            parsed.bad.append(outcome)
        else:
            parsed.rows.append(outcome)
    return parsed


def _row(line: int, cells: list[str], columns: Mapping[str, tuple[int, ...]]) -> Row | BadRow:
    values = {name: _cell(cells, index) for name, index in columns.items()}
    problems: list[Problem] = []
    for name, value in values.items():
        if len(value) > MAX_CELL:
            problems.append(refusals.CRM_CELL_LONG(name, max=MAX_CELL))
        elif value.startswith(FORMULA_START):
            problems.append(refusals.CRM_FORMULA(name))
        elif "\x00" in value:
            problems.append(refusals.CRM_NUL(name))
    if problems:
        return BadRow(line, tuple(problems))
    name = values.get("name", "")
    if not name:
        return BadRow(line, (refusals.CRM_NAME_EMPTY("name"),))
    business_id: str | None = None
    if values.get("business_id"):
        try:
            business_id = normalise_business_id(values["business_id"])
        except BadBusinessId as exc:
            problems.append(exc.problem("business_id"))
    email = values.get("email", "").lower() or None
    if email is not None and not is_email(email):
        problems.append(refusals.CRM_BAD_EMAIL("email"))
    if problems:
        return BadRow(line, tuple(problems))
    domain = normal_domain(values["domain"]) if values.get("domain") else None
    country = values.get("country") or None
    return Row(line, name[:300], domain, business_id, country, email)


# matching ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Index:
    """The candidates by business ID, domain and normal name (for one upload)."""

    by_business_id: Mapping[str, str]
    by_domain: Mapping[str, frozenset[str]]
    by_name: Mapping[str, frozenset[str]]


def index(candidates: Iterable[Candidate]) -> Index:
    by_id: dict[str, str] = {}
    by_domain: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    for candidate in candidates:
        if candidate.business_id:
            by_id[candidate.business_id] = candidate.key
        for domain in candidate.domains:
            by_domain.setdefault(domain, set()).add(candidate.key)
        by_name.setdefault(normal_name(candidate.name), set()).add(candidate.key)
    return Index(
        by_id,
        {d: frozenset(k) for d, k in by_domain.items()},
        {n: frozenset(k) for n, k in by_name.items()},
    )


def match_row(row: Row, found: Index) -> Match:
    """The organisation a row names, and how (see the module); None when none or several."""
    if row.business_id is not None and row.business_id in found.by_business_id:
        return Match(row.line, row.name, found.by_business_id[row.business_id], "business_id")
    ambiguous = False
    if row.domain is not None:
        keys = found.by_domain.get(row.domain, frozenset())
        if len(keys) == 1:
            return Match(row.line, row.name, next(iter(keys)), "domain", email=row.email)
        ambiguous = len(keys) > 1
    keys = found.by_name.get(normal_name(row.name), frozenset())
    if len(keys) == 1:
        return Match(row.line, row.name, next(iter(keys)), "name", email=row.email)
    return Match(row.line, row.name, None, None, ambiguous or len(keys) > 1, row.email)


def match_rows(
    rows: Iterable[Row],
    candidates: Iterable[Candidate],
    *,
    progress: Callable[[int], None] | None = None,
) -> list[Match]:
    """Every row's match against ``candidates`` only (the organisations the uploader may
    see): a match never names any other organisation."""
    found = index(candidates)
    out: list[Match] = []
    for count, row in enumerate(rows, start=1):
        out.append(match_row(row, found))
        if progress is not None and count % 1000 == 0:
            progress(count)
    return out
