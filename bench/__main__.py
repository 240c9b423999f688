"""`make bench`: run every benchmark module and print ratios next to their goals.

python -m bench [--scale 1.0] [--only NAME ...] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import importlib
import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.common import Report

MODULES = [
    "importing", "assessments", "sharing", "web", "pairs", "clusters", "overlap", "crm", "load",
    "network_map", "recommendations",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the sizes the issues name")
    parser.add_argument("--only", nargs="*", default=None, choices=MODULES)
    parser.add_argument(
        "--write", default="docs/benchmarks.md", help='the file to update ("" for none)'
    )
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
                rows += [{**row, "module": name} for row in module.run(report)]
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
        _write(Path(args.write), rows, {"scale": args.scale}, args.only or MODULES)


TITLES = {
    "importing": "Import (issue 2)",
    "assessments": "Scores (issue 4)",
    "sharing": "Micro-network (issue 5)",
    "web": "Web (issue 3)",
    "pairs": "Natural pairs: candidate search",
    "clusters": "Communities: Leiden (issue 14)",
    "overlap": "Partner overlap (issue 11)",
    "crm": "Customer lists from a CRM: 50,000 rows (issue 11)",
    "load": "Load: 64 users, two web workers, PostgreSQL (issue 14)",
    "network_map": "Network map: 2,000 organisations (issue 11)",
    "recommendations": "Recommended partners: 5,000 organisations (issue 14)",
}
HEADER = """# Benchmarks

`make bench` generates its data, measures each result against a baseline in the same
run on the same machine, and prints ratios next to the goal the issue names. Absolute
times on these shared 2-core machines are noise; the ratios are what to compare.
`make bench` rewrites the section of each module it runs (between its `bench:` marks)
and leaves the rest of this file, notes included, as it is.
"""


def _write(
    path: Path, rows: list[dict[str, Any]], argv: dict[str, Any], modules: list[str]
) -> None:
    """Replace the sections of the modules that ran; keep every other line of the file."""
    text = path.read_text("utf-8") if path.exists() else HEADER
    for name in modules:
        mine = [r for r in rows if r.get("module") == name]
        if not mine:
            continue
        args = f"--scale {argv['scale']} --only {name}"
        block = [
            f"<!-- bench:{name} -->",
            f"## {TITLES.get(name, name)}",
            "",
            f'`make bench BENCH_ARGS="{args}"` '
            f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores)",
            "",
            "| benchmark | ratio | goal | met | detail |",
            "|---|---|---|---|---|",
        ]
        for r in mine:
            met = {True: "yes", False: "**no**", None: "—"}[r.get("met")]
            block.append(
                f"| {r['name']} | {r['ratio']:.2f}× | {r['goal']} | {met} | {r['detail']} |"
            )
        block.append(f"<!-- /bench:{name} -->")
        begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
        if begin in text and end in text:
            head, _, rest = text.partition(begin)
            _, _, tail = rest.partition(end)
            text = head + "\n".join(block) + tail
        else:
            text = text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
