"""`make bench`: run every benchmark module and print ratios next to their goals.

python -m bench [--scale 1.0] [--only NAME ...] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.common import Report

MODULES = ["importing", "assessments", "sharing", "web"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the sizes the issues name")
    parser.add_argument("--only", nargs="*", default=None, choices=MODULES)
    parser.add_argument("--write", default="docs/benchmarks.md")
    args = parser.parse_args()
    console = Console(stderr=True)
    postgres = os.environ.get(
        "WINWIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="winwin-bench-") as tmp:
        for name in args.only or MODULES:
            try:
                module = importlib.import_module(f"bench.{name}")
            except ModuleNotFoundError:
                console.print(f"[yellow]{name}: no benchmark module yet[/]")
                continue
            console.print(f"[bold]{name}[/]")
            workdir = Path(tmp) / name
            workdir.mkdir()
            report = Report(scale=args.scale, workdir=workdir, postgres_url=postgres)
            try:
                rows += module.run(report)
            except Exception:
                console.print(f"[red]{name} failed[/]\n{traceback.format_exc()}")
    table = Table(title=f"Benchmarks (scale {args.scale})")
    for column in ("benchmark", "ratio", "goal", "met", "detail"):
        table.add_column(column)
    for r in rows:
        met = {True: "yes", False: "NO", None: "—"}[r.get("met")]
        table.add_row(r["name"], f"{r['ratio']:.2f}×", r["goal"], met, r["detail"])
    Console().print(table)
    if args.write:
        _write(Path(args.write), rows, " ".join(sys.argv[1:]))


def _write(path: Path, rows: list[dict], argv: str) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Every result is a ratio against a baseline measured in the same run on the same",
        "machine; absolute times on shared machines are noise.",
        "",
        f"Command: `make bench{(' BENCH_ARGS=' + repr(argv)) if argv else ''}` "
        f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores)",
        "",
        "| benchmark | ratio | goal | met | detail |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        met = {True: "yes", False: "**no**", None: "—"}[r.get("met")]
        lines.append(f"| {r['name']} | {r['ratio']:.2f}× | {r['goal']} | {met} | {r['detail']} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
