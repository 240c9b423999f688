"""Reading many respondents' addresses at once: pasted text or a CSV file (pure).

Pasted text holds one address per line, or several separated by commas or semicolons;
each may carry a name as ``Anna Virtanen <anna@example.fi>``. A CSV file has a header
row with an ``email`` column (also ``e-mail``, ``sähköposti``) and optionally a
``name`` column (``nimi``); commas or semicolons (as spreadsheets in Finland write
them) separate the fields.

Every entry keeps the line it came from, so that a refusal can say "line 4". The
checks here are the ones that need the text (the address's form, an address given
twice); whether an address is already invited is the service's to say.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>$")
EMAIL_COLUMNS = ("email", "e-mail", "sähköposti", "sahkoposti", "mail")
NAME_COLUMNS = ("name", "nimi")
MAX_ENTRIES = 500


@dataclass(frozen=True)
class Entry:
    """One respondent read from the text: ``line`` counts from 1."""

    line: int
    email: str
    name: str = ""


@dataclass(frozen=True)
class BadLine:
    """A line that could not be read, and why (``invalid``, ``duplicate``, ``no_column``,
    ``too_many``, ``empty``); ``text`` is what the line said."""

    line: int
    text: str
    reason: str


def _entry(line: int, raw: str, name: str = "") -> Entry | BadLine:
    text = raw.strip()
    match = NAMED.match(text)
    if match:
        name, text = name or match.group("name").strip().strip('"'), match.group("email").strip()
    email = text.lower()
    if not EMAIL.match(email) or len(email) > 320 or len(name) > 200:
        return BadLine(line, raw.strip(), "invalid")
    return Entry(line, email, name)


def _checked(found: list[Entry | BadLine]) -> tuple[list[Entry], list[BadLine]]:
    entries: list[Entry] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    for item in found:
        if isinstance(item, BadLine):
            bad.append(item)
        elif item.email in seen:
            bad.append(BadLine(item.line, item.email, "duplicate"))
        else:
            seen.add(item.email)
            entries.append(item)
    if len(entries) > MAX_ENTRIES:
        bad.append(BadLine(entries[MAX_ENTRIES].line, entries[MAX_ENTRIES].email, "too_many"))
    return entries, bad


def parse_pasted(text: str) -> tuple[list[Entry], list[BadLine]]:
    """The addresses in pasted text, and the lines that are not addresses."""
    found: list[Entry | BadLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for part in re.split(r"[,;]", line):
            if part.strip():
                found.append(_entry(number, part))
    return _checked(found)


def parse_csv(data: bytes) -> tuple[list[Entry], list[BadLine]]:
    """The addresses in a CSV file's ``email`` column (UTF-8, with or without BOM, or
    Windows-1252 as older spreadsheets save it)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [BadLine(1, "", "empty")]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    email_at = next((i for i, cell in enumerate(header) if cell in EMAIL_COLUMNS), None)
    name_at = next((i for i, cell in enumerate(header) if cell in NAME_COLUMNS), None)
    if email_at is None:
        return [], [BadLine(1, lines[0].strip(), "no_column")]
    found: list[Entry | BadLine] = []
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        email = row[email_at] if email_at < len(row) else ""
        name = row[name_at].strip() if name_at is not None and name_at < len(row) else ""
        found.append(_entry(number, email, name))
    return _checked(found)
