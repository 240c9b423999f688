"""`winwin backup` / `winwin restore`: exact round trips, live snapshots, hostile files.

On SQLite and PostgreSQL: the demo network with an attachment of every byte value is
backed up and restored into an empty database; `winwin export` is the same before and
after, the attachment is byte-identical, accounts still sign in (their rows are equal),
and new rows get fresh ids. A backup taken while another connection writes pairs of rows
in one transaction holds whole pairs only. A non-empty database, a corrupt file and a
file that is no Winwin backup are refused with exit 2 and the database unchanged.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from support.cli import run
from winwin.accounts.models import User
from winwin.attachments.models import ItemAttachment
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.network.models import Item, Organization

PAYLOAD = bytes(range(256)) * 3 + b"\x00\xff end"


@pytest.fixture
def other_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same backend (no schema at all)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    schema = "r_" + db_url.rsplit("%3D", 1)[1]
    engine = build_engine(db_url.split("?", 1)[0])
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield db_url.rsplit("%3D", 1)[0] + "%3D" + schema
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _attach(url: str) -> int:
    engine = build_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        item = session.scalars(select(Item).order_by(Item.id)).first()
        assert item is not None
        row = ItemAttachment(
            item_id=item.id,
            filename="every-byte.bin",
            content_type="application/octet-stream",
            size=len(PAYLOAD),
            sha256="0" * 64,
            data=PAYLOAD,
        )
        session.add(row)
        session.flush()
        ident = row.id
    engine.dispose()
    return ident


def _tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order (attachments' bytes included)."""
    from winwin.db.models import Base

    engine = build_engine(url)
    with engine.connect() as conn:
        rows = {
            table.name: [
                tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return rows


def _table_names(url: str) -> set[str]:
    engine = build_engine(url)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
    engine.dispose()
    return names


@pytest.fixture
def populated(db_url: str) -> str:
    assert run(db_url, "init").code == 0
    assert run(db_url, "demo").code == 0
    _attach(db_url)
    return db_url


def test_round_trip_is_exact(populated: str, other_url: str, tmp_path: Path) -> None:
    file = tmp_path / "winwin.backup"
    before = run(populated, "export")
    assert before.code == 0, before.err
    made = run(populated, "backup", str(file), "--json")
    assert made.code == 0, made.err
    assert made.json()["tables"]["item_attachments"] == 1
    assert made.json()["rows"] == sum(made.json()["tables"].values()) > 0

    restored = run(other_url, "restore", str(file), "--json")
    assert restored.code == 0, restored.err
    assert restored.json()["tables"] == made.json()["tables"]
    after = run(other_url, "export")
    assert after.code == 0, after.err
    assert json.loads(after.out) == json.loads(before.out)
    # Every row is equal, accounts and the attachment's bytes included.
    assert _tables(other_url) == _tables(populated)
    engine = build_engine(other_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(ItemAttachment.data)) == PAYLOAD
        assert session.scalar(select(func.count()).select_from(User)) > 0
    engine.dispose()
    # New rows get fresh ids after a restore (sequences moved past the restored ids).
    assert _attach(other_url) > 1


def test_restore_refuses_a_database_that_is_not_empty(populated: str, tmp_path: Path) -> None:
    file = tmp_path / "winwin.backup"
    assert run(populated, "backup", str(file)).code == 0
    before = _tables(populated)
    refused = run(populated, "restore", str(file))
    assert refused.code == 2
    assert "database: is not empty" in refused.err
    assert _tables(populated) == before


def _rewrite(file: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Copy a backup, letting ``change(name, bytes)`` rewrite each member."""
    with tarfile.open(file, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            handle = source.extractfile(member)
            assert handle is not None
            data = change(member.name, handle.read())
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def _hostile(file: Path, tmp_path: Path) -> dict[str, Path]:
    raw = file.read_bytes()
    made: dict[str, Path] = {}

    def write(name: str, data: bytes) -> None:
        made[name] = tmp_path / name
        made[name].write_bytes(data)

    write("text.backup", b"organizations,ties\nkuusi,pakkaus\n")
    write("truncated.backup", raw[: len(raw) // 2])
    write("flipped.backup", raw[:-40] + bytes([raw[-40] ^ 0xFF]) + raw[-39:])
    write("empty-gzip.backup", gzip.compress(b""))

    def tamper_row(name: str, data: bytes) -> bytes:
        return data.replace(b"Kuusi", b"Kuuzi", 1) if "organizations" in name else data

    def drop_manifest(name: str, data: bytes) -> bytes | None:
        return None if name == "manifest.json" else data

    def other_format(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format"] = "something-else"
        return json.dumps(manifest).encode()

    for name, change in (
        ("tampered.backup", tamper_row),
        ("no-manifest.backup", drop_manifest),
        ("other-format.backup", other_format),
    ):
        made[name] = tmp_path / name
        _rewrite(file, made[name], change)

    # Checksums recomputed by a hostile author: the rows themselves are refused.
    import hashlib

    with tarfile.open(file, "r:gz") as source:
        manifest = json.loads(source.extractfile("manifest.json").read())  # type: ignore[union-attr]
    entry = next(t for t in manifest["tables"] if t["name"] == "organizations")
    bad_rows = b'{"id": 1, "nonsense": true}\n'
    entry["sha256"] = hashlib.sha256(bad_rows).hexdigest()
    entry["rows"] = 1

    def hostile_rows(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            return json.dumps(manifest).encode()
        return bad_rows if name == entry["file"] else data

    made["hostile-rows.backup"] = tmp_path / "hostile-rows.backup"
    _rewrite(file, made["hostile-rows.backup"], hostile_rows)
    return made


def test_restore_refuses_corrupt_and_foreign_files(
    populated: str, other_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "winwin.backup"
    assert run(populated, "backup", str(file)).code == 0
    # An initialised database counts as empty: prove refusals leave it exactly so.
    assert run(other_url, "init").code == 0
    before = _tables(other_url)
    for name, path in _hostile(file, tmp_path).items():
        refused = run(other_url, "restore", str(path))
        assert refused.code == 2, (name, refused.err)
        assert refused.err.startswith("error: FILE: "), (name, refused.err)
        assert _tables(other_url) == before, name
    missing = run(other_url, "restore", str(tmp_path / "nowhere.backup"))
    assert missing.code == 2
    # And the good file still restores into it.
    assert run(other_url, "restore", str(file)).code == 0


def test_a_refused_restore_creates_no_schema(db_url: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"\x1f\x8b not really")
    assert run(db_url, "restore", str(junk)).code == 2
    assert _table_names(db_url) == set()


def test_a_backup_taken_while_writers_commit_is_consistent(
    populated: str, other_url: str, tmp_path: Path
) -> None:
    """A writer commits an organisation and its person together, again and again."""
    file = tmp_path / "live.backup"
    engine = build_engine(populated, writer=True)
    factory = session_factory(engine)
    first = threading.Event()
    stop = threading.Event()
    written = 0

    def write() -> None:
        nonlocal written
        while not stop.is_set():
            with unit_of_work(factory) as session:
                org = Organization(key=f"live-{written}", name=f"Live {written}", country="FI")
                session.add(org)
                session.flush()
                session.add(
                    User(email=f"p{written}@live.example", name="P", org_id=org.id, role="member")
                )
            written += 1
            first.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert first.wait(60)
        made = run(populated, "backup", str(file), "--json")
    finally:
        stop.set()
        writer.join(60)
        engine.dispose()
    assert made.code == 0, made.err
    assert run(other_url, "restore", str(file)).code == 0
    restored = build_engine(other_url)
    with session_factory(restored)() as session:
        orgs = session.scalar(
            select(func.count()).select_from(Organization).where(Organization.key.like("live-%"))
        )
        people = session.scalar(
            select(func.count()).select_from(User).where(User.email.like("%@live.example"))
        )
    restored.dispose()
    assert orgs == people
    assert 1 <= orgs <= written
