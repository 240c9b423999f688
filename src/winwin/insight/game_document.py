"""Reading a game document (``winwin share GAME``, see CONTRACT.md) into a :class:`Game`.

Pydantic checks the shape (the ``type``, unknown keys, names, finite numbers); the rules
that span several fields (every coalition given, players known, no duplicate pair) are
checked here, and every problem is reported with its JSON path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from winwin.insight.games import EXACT_LIMIT, AirportGame, Game, SynergyGame, TableGame
from winwin.kernel.errors import InvalidInput, Problem

# Numbers and names are strict (``"1"`` and ``true`` are refused); lists may be read as triples.
Name = Annotated[str, Strict(), StringConstraints(min_length=1)]
Amount = Annotated[float, Strict(), Field(allow_inf_nan=False)]


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableDocument(_Document):
    """``{"type": "table", "players": [P, …], "values": {"": 0, "a": 1, "a,b": 3, …}}``."""

    type: Literal["table"]
    players: list[Name] = Field(min_length=1)
    values: dict[str, Amount]


class AirportDocument(_Document):
    """``{"type": "airport", "costs": {P: c, …}}``: a coalition pays its largest cost."""

    type: Literal["airport"]
    costs: dict[Name, Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]] = Field(
        min_length=1
    )


class SynergyDocument(_Document):
    """``{"type": "synergy", "standalone": {P: v, …}, "synergy": [[P, Q, s], …]}``."""

    type: Literal["synergy"]
    standalone: dict[Name, Amount] = Field(min_length=1)
    synergy: list[tuple[Annotated[str, Strict()], Annotated[str, Strict()], Amount]] = []


GameDocument = Annotated[
    TableDocument | AirportDocument | SynergyDocument, Field(discriminator="type")
]
_ADAPTER: TypeAdapter[TableDocument | AirportDocument | SynergyDocument] = TypeAdapter(GameDocument)
_KINDS = ("table", "airport", "synergy")


def _path(loc: tuple[int | str, ...]) -> str:
    """``("table", "values", "a,b")`` → ``values["a,b"]``; ``("synergy", "synergy", 0, 1)``
    → ``synergy[0][1]``. The first part is the game's type (the union's tag)."""
    parts = loc[1:]
    out = ""
    for i, part in enumerate(parts):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i and parts[i - 1] == "values" and loc[0] == "table":
            out += f'["{part}"]'
        elif not part.startswith(("function-", "literal[", "tuple[")):
            out += f".{part}" if out else part
    return out


def _shape_problems(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for e in error.errors(include_url=False):
        kind, loc = e["type"], tuple(e["loc"])
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            problems.append(Problem("type", f"must be one of {', '.join(_KINDS)}"))
        elif kind == "model_type" or kind == "model_attributes_type":
            problems.append(Problem("", "a game is a JSON object"))
        elif kind == "extra_forbidden":
            problems.append(Problem(_path(loc), "unknown key"))
        elif kind == "missing" and len(loc) > 2 and isinstance(loc[-1], int):
            problems.append(Problem(_path(loc[:-1]), "must be a [P, Q, s] triple"))
        elif kind == "missing":
            problems.append(Problem(_path(loc), "is required"))
        else:
            problems.append(Problem(_path(loc), e["msg"]))
    return problems


def _table(doc: TableDocument, problems: list[Problem]) -> Game | None:
    names: list[str] = []
    for index, name in enumerate(doc.players):
        if "," in name:
            problems.append(Problem(f"players[{index}]", "a player name may not hold a comma"))
        elif name in names:
            problems.append(Problem(f"players[{index}]", f"duplicate player '{name}'"))
        else:
            names.append(name)
    if problems:
        return None
    players = tuple(sorted(names))
    n = len(players)
    if n > EXACT_LIMIT:
        problems.append(Problem("players", f"a table game has at most {EXACT_LIMIT} players"))
        return None
    index_of = {p: i for i, p in enumerate(players)}
    values = np.zeros(1 << n)
    seen = np.zeros(1 << n, dtype=bool)
    for key, value in doc.values.items():
        path = f'values["{key}"]'
        members = key.split(",") if key else []
        if any(m not in index_of for m in members):
            problems.append(Problem(path, "names a player not in players"))
        elif members != sorted(set(members)):
            problems.append(
                Problem(path, "a coalition key is its sorted player names joined by commas")
            )
        else:
            mask = sum(1 << index_of[m] for m in members)
            values[mask] = value
            seen[mask] = True
    missing = np.flatnonzero(~seen)
    for mask in missing[:5].tolist():
        key = ",".join(p for i, p in enumerate(players) if mask >> i & 1)
        problems.append(Problem(f'values["{key}"]', "is missing (every coalition is given)"))
    if missing.size > 5:
        problems.append(Problem("values", f"{missing.size} coalitions are missing in all"))
    if seen[0] and values[0] != 0.0:
        problems.append(Problem('values[""]', "the empty coalition is worth 0"))
    return None if problems else TableGame(players=players, values=values)


def _airport(doc: AirportDocument) -> Game:
    players = tuple(sorted(doc.costs))
    return AirportGame(players=players, costs=np.array([doc.costs[p] for p in players]))


def _synergy(doc: SynergyDocument, problems: list[Problem]) -> Game | None:
    players = tuple(sorted(doc.standalone))
    index_of = {p: i for i, p in enumerate(players)}
    first: list[int] = []
    second: list[int] = []
    amounts: list[float] = []
    seen: dict[frozenset[str], int] = {}
    for index, (p, q, amount) in enumerate(doc.synergy):
        path = f"synergy[{index}]"
        unknown = [(at, who) for at, who in ((0, p), (1, q)) if who not in index_of]
        for at, who in unknown:
            problems.append(Problem(f"{path}[{at}]", f"names no player in standalone: {who!r}"))
        if unknown:
            continue
        pair = frozenset((p, q))
        if p == q:
            problems.append(Problem(path, "a synergy joins two different players"))
        elif pair in seen:
            problems.append(Problem(path, f"duplicate pair (also synergy[{seen[pair]}])"))
        else:
            seen[pair] = index
            first.append(index_of[p])
            second.append(index_of[q])
            amounts.append(amount)
    if problems:
        return None
    return SynergyGame(
        players=players,
        standalone_values=np.array([doc.standalone[p] for p in players], dtype=np.float64),
        first=np.array(first, dtype=np.int64),
        second=np.array(second, dtype=np.int64),
        synergy=np.array(amounts, dtype=np.float64),
    )


def parse_game(data: Any) -> Game:
    """Read a game document; raise ``InvalidInput`` naming the JSON path of every problem."""
    if not isinstance(data, dict):
        raise InvalidInput(Problem("", "a game is a JSON object"))
    try:
        doc = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InvalidInput(_shape_problems(exc)) from None
    problems: list[Problem] = []
    game: Game | None
    if isinstance(doc, TableDocument):
        game = _table(doc, problems)
    elif isinstance(doc, AirportDocument):
        game = _airport(doc)
    else:
        game = _synergy(doc, problems)
    if problems or game is None:
        raise InvalidInput(problems or [Problem("", "not a game")])
    return game
