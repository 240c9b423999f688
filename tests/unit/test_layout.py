"""``tests/unit`` is truly free of the database (CONTRIBUTING.md, "Tests").

A unit test imports no SQLAlchemy, no engine, model or repository, and asks for no fixture
that opens a database, a server or the ``winwin`` command; such tests belong in
``tests/integration`` or ``tests/e2e``.
"""

from __future__ import annotations

import ast
from pathlib import Path

UNIT = Path(__file__).resolve().parent
DATABASE_FIXTURES = {
    "engine",
    "session",
    "db_url",
    "cli",
    "world",
    "client",
    "web_app",
    "live_server",
    "page",
    "browser",
}


def _forbidden(module: str) -> bool:
    parts = module.split(".")
    return (
        parts[0] == "sqlalchemy"
        or module.startswith("winwin.db")
        or parts[-1] in {"repository", "models"}
        or parts[-1].endswith("_repository")
    )


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and _forbidden(node.module):
            found.append(f"imports {node.module}")
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            asked = {a.arg for a in node.args.args} & DATABASE_FIXTURES
            found += [f"{node.name} asks for {name}" for name in sorted(asked)]
    return found


def test_the_rule_sees_a_database_test(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text("from sqlalchemy import text\n\ndef test_x(session):\n    pass\n")
    assert _problems(sample) == ["imports sqlalchemy", "test_x asks for session"]


def test_unit_tests_need_no_database() -> None:
    files = sorted(p for p in UNIT.rglob("*.py") if p.name != Path(__file__).name)
    assert len(files) > 30
    problems = {str(p.relative_to(UNIT)): _problems(p) for p in files}
    assert {k: v for k, v in problems.items() if v} == {}
