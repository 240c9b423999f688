"""``winwin backup`` and ``winwin restore``: a consistent snapshot of every table.

The file is a gzip-compressed tar archive (format described in ``docs/operations.md``):

- ``manifest.json``: ``{"format": "winwin-backup", "version": 1, "schema_revision": …,
  "created_at": …, "database": "sqlite" | "postgresql", "tables": [{"name", "columns",
  "rows", "file", "sha256"}, …]}``, tables in dependency order (parents first);
- ``tables/NNN_<name>.jsonl``: one JSON object per row, keyed by column name, rows in
  primary-key order. Bytes (attachments) are base64, dates and times ISO 8601, JSON
  columns nested JSON.

Every table is read in one read transaction (a WAL snapshot on SQLite, ``REPEATABLE
READ`` on PostgreSQL), so writers go on while the backup is taken and the snapshot is
consistent. Attachments live in ``item_attachments.data`` and accounts in ``users``,
``web_sessions`` and ``api_tokens``: all are rows like any other.

A restore checks the whole file (format, version, schema revision, tables and columns,
checksums) before it touches the database, then creates the schema and inserts every row
in one transaction into a database that holds nothing but what ``winwin init`` puts
there. Any refusal leaves the database as it was.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Connection, Date, DateTime, Engine, LargeBinary, Table, func, select
from sqlalchemy import inspect as sa_inspect

from winwin.db import schema
from winwin.db.base import UtcDateTime
from winwin.db.models import Base
from winwin.kernel.errors import InvalidInput, Problem

FORMAT = "winwin-backup"
VERSION = 1
MANIFEST = "manifest.json"
BATCH = 500
# Rows `winwin init` stores (the built-in instruments, the graph's version stamp): a
# database holding only these is empty; a restore replaces them with the backup's own.
SEEDED = ("instrument_items", "instruments", "graph_stamp")


@dataclass(frozen=True)
class TableCount:
    name: str
    rows: int


@dataclass(frozen=True)
class BackupSummary:
    file: str
    schema_revision: str
    tables: list[TableCount]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def tables() -> list[Table]:
    """Every table, parents before children."""
    return list(Base.metadata.sorted_tables)


def _kind(column: Any) -> str:
    kind = column.type
    if isinstance(kind, LargeBinary):
        return "bytes"
    if isinstance(kind, DateTime | UtcDateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, JSON):
        return "json"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind in ("datetime", "date"):
        return value.isoformat()
    return value


def _decode(kind: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    try:
        if kind == "bytes":
            if not isinstance(value, str):
                raise ValueError("not base64 text")
            return base64.b64decode(value.encode("ascii"), validate=True)
        if kind == "datetime":
            return datetime.fromisoformat(value)
        if kind == "date":
            return date.fromisoformat(value)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise InvalidInput(Problem(where, f"is not a valid {kind} ({exc})")) from None
    return value


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


# backup -------------------------------------------------------------------------------
def write_backup(engine: Engine, target: str | Path) -> BackupSummary:
    """Write a snapshot of every table to ``target`` (replaced only once it is whole)."""
    target = Path(target)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin(), tempfile.TemporaryDirectory() as scratch:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            schema_revision = revision.scalar_one()
            entries = []
            for number, table in enumerate(tables(), start=1):
                name = f"tables/{number:03d}_{table.name}.jsonl"
                path = Path(scratch) / f"{number:03d}.jsonl"
                rows, digest = _dump_table(connection, table, path)
                entries.append(
                    {
                        "name": table.name,
                        "columns": [c.name for c in table.columns],
                        "rows": rows,
                        "file": name,
                        "sha256": digest,
                        "_path": str(path),
                    }
                )
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "schema_revision": schema_revision,
                "created_at": datetime.now(UTC).isoformat(),
                "database": connection.dialect.name,
                "tables": [{k: v for k, v in e.items() if k != "_path"} for e in entries],
            }
            partial = target.with_name(target.name + ".partial")
            with tarfile.open(partial, "w:gz") as archive:
                body = json.dumps(manifest, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                archive.addfile(info, io.BytesIO(body))
                for entry in entries:
                    archive.add(str(entry["_path"]), arcname=str(entry["file"]))
            os.replace(partial, target)
    return BackupSummary(
        file=str(target),
        schema_revision=schema_revision,
        tables=[TableCount(str(e["name"]), int(e["rows"])) for e in entries],  # type: ignore[call-overload]
    )


def _dump_table(connection: Connection, table: Table, path: Path) -> tuple[int, str]:
    kinds = [(c.name, _kind(c)) for c in table.columns]
    digest = hashlib.sha256()
    rows = 0
    result = connection.execution_options(yield_per=BATCH).execute(
        select(table).order_by(*_order(table))
    )
    with path.open("wb") as out:
        for row in result:
            mapping = row._mapping
            line = json.dumps(
                {name: _encode(kind, mapping[name]) for name, kind in kinds},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode("utf-8")
            line += b"\n"
            out.write(line)
            digest.update(line)
            rows += 1
    return rows, digest.hexdigest()


# restore ------------------------------------------------------------------------------
def _refuse(message: str) -> InvalidInput:
    return InvalidInput(Problem("FILE", message))


@dataclass(frozen=True)
class _Checked:
    manifest: dict[str, Any]
    archive: tarfile.TarFile


def _open(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:gz")
    except FileNotFoundError:
        raise _refuse(f"{source} does not exist") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _refuse(f"is not a Winwin backup (not a gzip tar archive: {exc})") from None


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise _refuse(f"is not a Winwin backup ({name} is missing)") from None
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None:
        raise _refuse(f"is not a Winwin backup ({name} is not a file)")
    return handle


def check_backup(source: str | Path) -> dict[str, Any]:
    """The manifest of a whole, untampered backup of this schema; refuses anything else."""
    source = Path(source)
    archive = _open(source)
    try:
        # Read the compressed stream to its end once: gzip checks its CRC only there.
        with gzip.open(source) as stream:
            while stream.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        archive.close()
        raise _refuse(f"is corrupt ({exc})") from None
    with archive:
        try:
            return _check(archive)
        except (tarfile.TarError, OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise _refuse(f"is corrupt ({exc})") from None


def _check(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_member(archive, MANIFEST).read(1 << 22))
    except (ValueError, UnicodeDecodeError):
        raise _refuse("is not a Winwin backup (manifest.json is not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse("is not a Winwin backup (manifest.json has no format winwin-backup)")
    if manifest.get("version") != VERSION:
        raise _refuse(
            f"has backup format version {manifest.get('version')!r}; this Winwin "
            f"reads version {VERSION}"
        )
    head = schema.head_revision()
    if manifest.get("schema_revision") != head:
        raise _refuse(
            f"was made at schema revision {manifest.get('schema_revision')!r}; this Winwin "
            f"restores revision {head!r} (restore with the version that made it, then "
            "upgrade with winwin init)"
        )
    listed = manifest.get("tables")
    expected = tables()
    if not isinstance(listed, list) or [
        t.get("name") if isinstance(t, dict) else None for t in listed
    ] != [t.name for t in expected]:
        raise _refuse("does not list this schema's tables in dependency order")
    for entry, table in zip(listed, expected, strict=True):
        if entry.get("columns") != [c.name for c in table.columns]:
            raise _refuse(f"has other columns for table {table.name} than this schema")
        if not isinstance(entry.get("rows"), int) or not isinstance(entry.get("file"), str):
            raise _refuse(f"describes table {table.name} without rows or file")
        digest = hashlib.sha256()
        handle = _member(archive, entry["file"])
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
        if digest.hexdigest() != entry.get("sha256"):
            raise _refuse(f"is corrupt: the checksum of {entry['file']} does not match")
    return manifest


def is_empty(connection: Connection) -> bool:
    """True when the database holds nothing but what ``winwin init`` puts there."""
    present = set(sa_inspect(connection).get_table_names())
    for table in tables():
        if table.name not in present:
            continue
        if table.name == "instruments":
            query = select(func.count()).select_from(table).where(table.c.builtin.is_(False))
        elif table.name in SEEDED:
            continue
        else:
            query = select(func.count()).select_from(table)
        if connection.execute(query).scalar_one():
            return False
    return True


def restore_backup(engine: Engine, source: str | Path) -> BackupSummary:
    """Restore a checked backup into an empty database, all or nothing."""
    source = Path(source)
    manifest = check_backup(source)
    counts = []
    with engine.begin() as connection, _open(source) as archive:
        if not is_empty(connection):
            raise InvalidInput(
                Problem("database", "is not empty; restore only into a new, empty database")
            )
        _create_schema(connection)
        for name in SEEDED:
            connection.execute(Base.metadata.tables[name].delete())
        for entry, table in zip(manifest["tables"], tables(), strict=True):
            rows = _load_table(connection, table, _member(archive, entry["file"]), entry)
            counts.append(TableCount(table.name, rows))
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return BackupSummary(
        file=str(source), schema_revision=str(manifest["schema_revision"]), tables=counts
    )


def _create_schema(connection: Connection) -> None:
    """Create or upgrade the schema inside the restore's own transaction."""
    from alembic import command

    config = schema.alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _rows(handle: IO[bytes], table: Table, entry: dict[str, Any]) -> Iterator[dict[str, Any]]:
    kinds = {c.name: _kind(c) for c in table.columns}
    for number, line in enumerate(handle, start=1):
        where = f"{entry['file']}:{number}"
        try:
            row = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            raise _refuse(f"is corrupt: {where} is not JSON") from None
        if not isinstance(row, dict) or set(row) != set(kinds):
            raise _refuse(f"is corrupt: {where} does not have the columns of {table.name}")
        yield {name: _decode(kind, row[name], where) for name, kind in kinds.items()}


def _self_references(table: Table) -> list[str]:
    """Nullable columns that refer to the same table (an idea's challenge, a reshare)."""
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.nullable
    ]


def _load_table(
    connection: Connection, table: Table, handle: IO[bytes], entry: dict[str, Any]
) -> int:
    # Rows may refer to later rows of their own table: insert them without those
    # references first, then set the references once every row is there.
    later = _self_references(table)
    keys = [c.name for c in table.primary_key.columns]
    links: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0

    def flush() -> None:
        nonlocal batch, count
        if batch:
            connection.execute(table.insert(), batch)
            count += len(batch)
            batch = []

    for row in _rows(handle, table, entry):
        if later and any(row[name] is not None for name in later):
            links.append({**{f"k_{k}": row[k] for k in keys}, **{n: row[n] for n in later}})
            row = {**row, **{name: None for name in later}}
        batch.append(row)
        if len(batch) == BATCH:
            flush()
    flush()
    if links:
        from sqlalchemy import bindparam

        update = (
            table.update()
            .where(*[table.c[k] == bindparam(f"k_{k}") for k in keys])
            .values({name: bindparam(name) for name in later})
        )
        connection.execute(update, links)
    if count != entry["rows"]:
        raise _refuse(f"is corrupt: {entry['file']} has {count} rows, not {entry['rows']}")
    return count


def _reset_sequences(connection: Connection) -> None:
    """Explicit ids were inserted: move each id sequence past the largest one."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False or not _is_integer(pk[0]):
            continue
        sequence = connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(t)s, %(c)s)", {"t": table.name, "c": pk[0].name}
        ).scalar()
        if sequence is None:
            continue
        top = connection.execute(select(func.max(pk[0]))).scalar()
        if top is not None:
            connection.exec_driver_sql(
                "SELECT setval(%(s)s, %(v)s)", {"s": sequence, "v": int(top)}
            )


def _is_integer(column: Any) -> bool:
    try:
        return bool(column.type.python_type is int)
    except NotImplementedError:
        return False
