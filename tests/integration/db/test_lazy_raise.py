"""Every relationship refuses to load lazily (docs/architecture.md, "Loading").

A service that walks a relationship its repository did not load gets an error at once,
in every test, instead of one hidden query per row in production.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

import winwin.db.models  # noqa: F401  (registers every table)
from winwin.assessments.models import Instrument
from winwin.db.base import Base
from winwin.db.engine import session_factory, unit_of_work
from winwin.network.demo import load_demo


def test_every_relationship_is_declared_lazy_raise() -> None:
    relationships = [
        f"{mapper.class_.__name__}.{prop.key}"
        for mapper in Base.registry.mappers
        for prop in mapper.relationships
    ]
    assert len(relationships) >= 15
    lazy = {
        f"{mapper.class_.__name__}.{prop.key}": prop.lazy
        for mapper in Base.registry.mappers
        for prop in mapper.relationships
    }
    assert {name: how for name, how in lazy.items() if how != "raise"} == {}


def test_walking_an_unloaded_relationship_raises(engine: Engine) -> None:
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
    with Session(engine) as session:
        instrument = session.scalars(select(Instrument).limit(1)).one()
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            _ = instrument.items
