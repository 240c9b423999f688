"""The demo network shipped with the package."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from sqlalchemy.orm import Session

from winwin.schemas.document import parse_document
from winwin.services.instruments import ensure_builtin_instruments
from winwin.services.network_io import import_network


def demo_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("winwin.data").joinpath("demo.json").read_text("utf-8"))
    return data


def load_demo(session: Session) -> dict[str, int]:
    """Import the demo network; loading it again changes nothing."""
    ensure_builtin_instruments(session)
    document = demo_document()
    import_network(session, parse_document(document))
    return {"organizations": len(document.get("organizations", []))}
