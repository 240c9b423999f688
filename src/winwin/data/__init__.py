"""Data shipped with the package: the built-in assessment instruments.

Each built-in instrument is one JSON file in ``instruments/``, in the same shape as an
instrument of the network document, with a bilingual ``name``. A network document may
name a built-in by its key without defining it.
"""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

_INSTRUMENTS = "instruments"


def _instrument_files() -> list[Traversable]:
    folder = files("winwin.data").joinpath(_INSTRUMENTS)
    return [entry for entry in folder.iterdir() if entry.name.endswith(".json")]


def load_builtin_instruments() -> list[dict[str, Any]]:
    """Every built-in instrument as parsed JSON, sorted by key."""
    instruments: list[dict[str, Any]] = []
    for entry in _instrument_files():
        document = json.loads(entry.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError(f"built-in instrument {entry.name} is not a JSON object")
        instruments.append(document)
    return sorted(instruments, key=lambda instrument: str(instrument["key"]))


def builtin_instrument_keys() -> list[str]:
    """The keys of the built-in instruments, sorted."""
    return [str(instrument["key"]) for instrument in load_builtin_instruments()]


def get_builtin_instrument(key: str) -> dict[str, Any] | None:
    """The built-in instrument with this key, or ``None`` when there is none."""
    for instrument in load_builtin_instruments():
        if instrument["key"] == key:
            return instrument
    return None
