"""The architecture contracts of pyproject.toml hold (import-linter, as `make lint` runs it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "import-linter is a dev dependency (pip install -e '.[dev]')"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _doors_contract() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    (contract,) = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["name"] == "Doors call services, never repositories"
    ]
    return list(contract["source_modules"])


def _covered(module: str, patterns: list[str]) -> bool:
    parts = module.split(".")
    return any(
        len(p.split(".")) == len(parts)
        and all(want in ("*", got) for want, got in zip(p.split("."), parts, strict=True))
        for p in patterns
    )


def test_every_door_module_is_under_the_doors_contract() -> None:
    """A new page, route or command module (``crm_pages``, ``crm_api``, ``round_cli``) is a
    door too: the contract names it, or a door could read a repository unnoticed."""
    patterns = _doors_contract()
    doors = [
        ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)
        for path in (ROOT / "src" / "winwin").rglob("*.py")
        if path.stem in {"api", "cli", "pages"} or path.stem.endswith(("_pages", "_api", "_cli"))
    ]
    assert len(doors) > 20
    assert [d for d in doors if not _covered(d, patterns)] == []
    assert not _covered("winwin.network.crm_pages", ["winwin.*.pages"])
