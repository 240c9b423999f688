"""What the network's commands share: the options ``--by``, ``OTHER`` and ``--json``,
reading a file or standard input, and printing a use case's result."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from winwin.cli.context import print_json, state
from winwin.kernel.errors import InvalidInput, NotFound, Problem

BY = typer.Option(..., "--by", metavar="ORG", help="The organisation that acts.")
OTHER = typer.Argument(..., metavar="OTHER", help="The other organisation.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def read_source(source: str) -> bytes:
    """The bytes of the file ``source`` (``-``: standard input)."""
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(Problem("FILE", f"no such file: {source}"))
    return path.read_bytes()


@contextmanager
def said_with_field() -> Iterator[None]:
    """An unknown key is said with its field (by, key), as an input problem is."""
    try:
        yield
    except NotFound as exc:
        raise InvalidInput(exc.problem) from None


def done(result: dict[str, Any], json_out: bool) -> None:
    """The result as JSON, else its values (those that are not null) on one line."""
    if json_out:
        print_json(result)
    else:
        sys.stdout.write("\t".join(str(result[k]) for k in result if result[k] is not None) + "\n")


def run_and_print(
    ctx: typer.Context, json_out: bool, use_case: Callable[[Session], dict[str, Any]]
) -> None:
    """Run one use case in a unit of work of its own and print its result (:func:`done`)."""
    with state(ctx).session() as session:
        result = use_case(session)
    done(result, json_out)
