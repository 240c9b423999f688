"""`winwin generate` writes documents that `winwin import` accepts and exports back."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.cli import run
from support.document_model import as_exported, canonical, comparable_export


def test_a_generated_network_imports_and_round_trips(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "net.json"
    made = cli("generate", "--orgs", "120", "--seed", "3", "--output", str(path))
    assert made.code == 0, made.err
    document = json.loads(path.read_text())
    assert len(document["organizations"]) == 120
    imported = cli("import", str(path), "--json")
    assert imported.code == 0, imported.err
    assert imported.json()["created"]["organizations"] == 120
    exported = cli("export").json()
    assert len(exported["ties"]) == len(document["ties"])
    assert len(exported["items"]) == len(document["items"])
    assert canonical(comparable_export(exported, document)) == canonical(as_exported(document))


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10_000), orgs=st.integers(min_value=5, max_value=60))
def test_export_import_export_is_a_fixed_point(tmp_path_factory, seed: int, orgs: int) -> None:  # type: ignore[no-untyped-def]
    from winwin.network.generate import generate_network

    folder = tmp_path_factory.mktemp("fixed")
    first_db, second_db = (f"sqlite:///{folder / name}" for name in ("a.sqlite3", "b.sqlite3"))
    document = generate_network(orgs=orgs, seed=seed)
    assert run(first_db, "import", "-", stdin=json.dumps(document)).code == 0
    first = run(first_db, "export").json()
    assert canonical(comparable_export(first, document)) == canonical(as_exported(document))
    assert run(second_db, "import", "-", stdin=json.dumps(first)).code == 0
    second = run(second_db, "export").json()
    assert first == second
