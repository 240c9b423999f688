"""Built-in and custom instruments."""

from __future__ import annotations

from sqlalchemy.orm import Session

from winwin.data import load_builtin_instruments
from winwin.store.repositories.assessments import InstrumentRepository


def ensure_builtin_instruments(session: Session) -> None:
    """Store (or refresh) the built-in instruments shipped with the package."""
    repo = InstrumentRepository(session)
    for spec in load_builtin_instruments():
        repo.upsert(
            key=spec["key"],
            scale=spec.get("scale", 5),
            name=spec.get("name", {}),
            builtin=True,
            items=[
                {
                    "item_key": item["id"],
                    "factor": item["factor"],
                    "reverse": item.get("reverse", False),
                    "text_en": item["text"]["en"],
                    "text_fi": item["text"]["fi"],
                }
                for item in spec["items"]
            ],
        )
