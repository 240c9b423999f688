"""The shape of the network document's ``initiatives`` section (``initiatives.document``):
each initiative with its parties, contributions, sharing model, frozen agreements,
results, goals and history, as pydantic checks them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from winwin.initiatives import rules
from winwin.network.document import (
    CheckedSection,
    Key,
    Strict,
)

NAME = "initiatives"
MAX_AMOUNT = 1e15
MAX_VERSION = 2**31 - 1
FALLBACK = re.compile(r"^initiative-([0-9]{1,10})$")

Amount = Annotated[float, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Value = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION)]


class PartyDoc(Strict):
    org: Key
    status: Literal["invited", "accepted", "declined"]
    agreed_version: Version | None = None


class ContributionDoc(Strict):
    by: Key
    amount: Amount
    currency: Currency
    created: str | None = None


class FrozenDoc(Strict):
    """A frozen agreement: the version every party agreed to, when, and its copy."""

    version: Version
    agreed: str | None = None
    document: dict[str, Any]


class ResultDoc(Strict):
    by: Key
    amount: Value
    currency: Currency
    recorded: str | None = None


Text = Annotated[str, StringConstraints(max_length=20_000)]
Keys = Annotated[list[Key], Field(max_length=1000)]


class TextChange(Strict):
    old: Text
    new: Text


class ValueChange(Strict):
    old: Value | None
    new: Value | None


class DetailsDoc(Strict):
    """What a version changed (``service.history_entry``): a proposal's title, goal,
    expected value and parties; an edit's changed fields (old and new), added and
    removed parties, and the model it cleared; a contribution's amount and currency; a
    model's method."""

    title: Text | TextChange | None = None
    goal: Text | TextChange | None = None
    expected_value: Value | ValueChange | None = None
    parties: Keys | None = None
    added: Keys | None = None
    removed: Keys | None = None
    model_cleared: Annotated[str, StringConstraints(max_length=16)] | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    method: Annotated[str, StringConstraints(max_length=16)] | None = None


class HistoryDoc(Strict):
    version: Version
    change: Literal["proposed", "edited", "contributed", "modelled"]
    by: Key | None = None
    at: str | None = None
    details: DetailsDoc


class InitiativeDoc(Strict):
    key: Key
    title: Annotated[str, StringConstraints(min_length=1, max_length=rules.MAX_TITLE)]
    kind: Literal["joint", "learning"] = "joint"
    goal: Annotated[str, StringConstraints(max_length=20_000)] = ""
    expected_value: Value | None = None
    proposed_by: Key
    parties: Annotated[list[PartyDoc], Field(min_length=2, max_length=1000)]
    contributions: list[ContributionDoc] = []
    method: Literal["shapley", "nucleolus", "proportional", "airport"] | None = None
    game: dict[str, Any] | None = None
    shares: dict[str, Share] | None = None
    in_core: bool | None = None
    version: Version = 1
    agreed_version: Version | None = None
    agreements: list[FrozenDoc] = []
    results: list[ResultDoc] = []
    goals: Annotated[list[Key], Field(max_length=10_000)] = []
    history: Annotated[list[HistoryDoc], Field(max_length=100_000)] = []
    created: str | None = None


class Section(Strict):
    initiatives: list[InitiativeDoc]


Checked = CheckedSection[InitiativeDoc]
