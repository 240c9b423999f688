"""The research export: chosen rounds' answers in long format, with a codebook.

One row per answer: ``round``, ``relationship`` (the pair's keys joined by ``/``, in
order), ``side`` (an organisation's key or ``third-party``), ``respondent`` (a
pseudonym), ``statement`` (the statement's id), ``raw`` (the answer, ``1..k``) and
``normalised`` (``(x - 1) / (k - 1)``, ``1 -`` that when reverse-coded: the value the
score uses). Rows are sorted by round, relationship, side, pseudonym and statement.

**Pseudonyms.** ``respondent`` is the first 16 hex digits of
``SHA-256(salt || response id)``, with a salt of 16 random bytes drawn for each export
and never stored: the same person has the same pseudonym throughout one export, but
pseudonyms cannot be linked across exports nor traced back to a name or an e-mail
(neither is read).

**Who.** Facilitators (the rounds of their client organisations) and platform admins
(every round); the command line is the trusted local operator (``operator()``). A side
below its round's minimum of respondents is left out for a reader the anonymity rule
does not trust with it (``winwin.assessments.anonymity``: a facilitator not granted that side); the
codebook's ``withheld`` lists those sides (the outside view, ``third-party``, follows the same
minimum: ``may_show_outside``). Every export is recorded
in ``research_exports`` (who, which rounds, format, rows, when).
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from winwin.accounts.access import Actor, accessible_org_ids
from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import Reader, may_show_outside, may_show_side
from winwin.assessments.instruments import statement_document
from winwin.assessments.models import (
    Answer,
    Assessment,
    Instrument,
    InstrumentItem,
    ResearchExport,
    Response,
)
from winwin.assessments.score import THIRD_PARTY
from winwin.kernel.errors import InvalidInput, PermissionDenied
from winwin.kernel.spreadsheets import SafeWriter
from winwin.network.models import Organization

Format = Literal["csv", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "parquet")
COLUMNS = ("round", "relationship", "side", "respondent", "statement", "raw", "normalised")


@dataclass(frozen=True)
class ResearchData:
    """The rows of one export, its codebook and the rounds it covers."""

    rows: list[tuple[str, str, str, str, str, int, float]]
    codebook: dict[str, Any]
    round_ids: list[int]

    def csv(self) -> bytes:
        buffer = io.StringIO()
        writer = SafeWriter(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in self.rows:
            writer.writerow([*row[:6], repr(row[6])])
        return buffer.getvalue().encode()

    def parquet(self) -> bytes:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: list[Sequence[Any]] = [[row[i] for row in self.rows] for i in range(len(COLUMNS))]
        types = [pa.string()] * 5 + [pa.int32(), pa.float64()]
        table = pa.table(
            {
                name: pa.array(list(values), type=kind)
                for name, values, kind in zip(COLUMNS, columns, types, strict=True)
            }
        )
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue()

    def bundle(self, format: Format) -> bytes:
        """A ZIP of ``answers.csv`` or ``answers.parquet`` and ``codebook.json``."""
        data = self.csv() if format == "csv" else self.parquet()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"answers.{format}", data)
            archive.writestr(
                "codebook.json", json.dumps(self.codebook, ensure_ascii=False, indent=2)
            )
        return buffer.getvalue()


def _check_actor(actor: Actor) -> None:
    if not (actor.is_facilitator or actor.is_platform_admin):
        raise PermissionDenied(refuse.EXPORTER())


def round_names(session: Session, *, actor: Actor) -> list[str]:
    """The names of the rounds the actor may export, sorted."""
    _check_actor(actor)
    query = select(Assessment.round).distinct()
    if not actor.is_platform_admin:
        allowed = sorted(accessible_org_ids(session, actor))
        query = query.where(or_(Assessment.a_id.in_(allowed), Assessment.b_id.in_(allowed)))
    return sorted(session.scalars(query))


def research_export(
    session: Session,
    *,
    actor: Actor,
    rounds: Sequence[str],
    format: str = "csv",
) -> ResearchData:
    """The answers of the rounds named ``rounds`` that the actor may see, audited.

    Raises ``InvalidInput`` for no round, an unknown format or rounds with nothing the
    actor may export, and ``PermissionDenied`` for anyone but a facilitator or a
    platform admin (the command line acts as ``operator()``, a platform admin).
    """
    _check_actor(actor)
    if format not in FORMATS:
        raise InvalidInput(refuse.ONE_OF("format", options=", ".join(FORMATS)))
    names = sorted({r for r in rounds if r and r.strip()})
    if not names:
        raise InvalidInput(refuse.NO_ROUNDS_NAMED("rounds"))
    query = select(Assessment.id).where(Assessment.round.in_(names))
    if not actor.is_platform_admin:
        allowed = sorted(accessible_org_ids(session, actor))
        query = query.where(or_(Assessment.a_id.in_(allowed), Assessment.b_id.in_(allowed)))
    round_ids = sorted(session.scalars(query))
    if not round_ids:
        raise InvalidInput(refuse.NOTHING_TO_EXPORT("rounds"))
    from winwin.assessments.service import reader_for

    data = _collect(session, round_ids, reader_for(actor))
    session.add(
        ResearchExport(
            user_id=actor.user_id,
            rounds=round_ids,
            format=format,
            rows=len(data.rows),
        )
    )
    session.flush()
    return data


def _collect(session: Session, round_ids: list[int], reader: Reader) -> ResearchData:
    salt = secrets.token_bytes(16)
    withheld: list[dict[str, str]] = []
    keys = dict(session.execute(select(Organization.id, Organization.key)).all())
    rows: list[tuple[str, str, str, str, str, int, float]] = []
    instrument_ids: set[int] = set()
    for start in range(0, len(round_ids), 500):
        part = round_ids[start : start + 500]
        found = session.execute(
            select(
                Assessment.id,
                Assessment.min_respondents,
                Assessment.round,
                Assessment.a_id,
                Assessment.b_id,
                Response.id,
                Response.side_org_id,
                InstrumentItem.item_key,
                InstrumentItem.reverse,
                Instrument.id,
                Instrument.scale,
                Answer.value,
            )
            .join(Response, Response.assessment_id == Assessment.id)
            .join(Answer, Answer.response_id == Response.id)
            .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
            .join(Instrument, Instrument.id == InstrumentItem.instrument_id)
            .where(Assessment.id.in_(part))
        ).all()
        # Each side's respondents and each round's (minimum, name, a_id, b_id).
        respondents: dict[tuple[int, int], set[int]] = {}
        round_of: dict[int, tuple[int, str, int, int]] = {}
        # Third parties' respondents per round (they belong to no side).
        outsiders: dict[int, set[int]] = {}
        for row in found:
            round_of[row[0]] = (row[1], row[2], row[3], row[4])
            if row[6] is not None:
                respondents.setdefault((row[0], row[6]), set()).add(row[5])
            else:
                outsiders.setdefault(row[0], set()).add(row[5])
        hidden = {
            (round_id, side_id)
            for (round_id, side_id), people in respondents.items()
            if not may_show_side(
                respondents=len(people),
                minimum=round_of[round_id][0],
                side_org_id=side_id,
                reader=reader,
            )
        }
        hidden_outside = {
            round_id
            for round_id, people in outsiders.items()
            if not may_show_outside(
                respondents=len(people),
                minimum=round_of[round_id][0],
                pair=round_of[round_id][2:],
                reader=reader,
            )
        }
        for held_round, held_side in sorted(hidden) + [(r, None) for r in sorted(hidden_outside)]:
            _, round_name, a_id, b_id = round_of[held_round]
            withheld.append(
                {
                    "round": round_name,
                    "relationship": "/".join(sorted((keys[a_id], keys[b_id]))),
                    "side": keys[held_side] if held_side is not None else THIRD_PARTY,
                }
            )
        for (
            round_id,
            _minimum,
            name,
            a_id,
            b_id,
            response_id,
            side_id,
            item,
            reverse,
            ins,
            scale,
            value,
        ) in found:
            if (round_id, side_id) in hidden or (side_id is None and round_id in hidden_outside):
                continue
            instrument_ids.add(ins)
            digest = hashlib.sha256(salt + str(response_id).encode()).hexdigest()[:16]
            n = (value - 1) / (scale - 1)
            rows.append(
                (
                    name,
                    f"{keys[a_id]}/{keys[b_id]}"
                    if keys[a_id] <= keys[b_id]
                    else f"{keys[b_id]}/{keys[a_id]}",
                    keys[side_id] if side_id is not None else THIRD_PARTY,
                    digest,
                    item,
                    int(value),
                    1.0 - n if reverse else n,
                )
            )
    rows.sort(key=lambda r: r[:5])
    codebook = _codebook(session, instrument_ids)
    if withheld:
        codebook["withheld"] = {
            "why": "too few respondents to show without identifying them",
            "sides": sorted(withheld, key=lambda w: (w["round"], w["relationship"], w["side"])),
        }
    return ResearchData(rows=rows, codebook=codebook, round_ids=round_ids)


def _codebook(session: Session, instrument_ids: set[int]) -> dict[str, Any]:
    instruments: dict[str, Any] = {}
    for instrument in session.scalars(
        select(Instrument)
        .where(Instrument.id.in_(sorted(instrument_ids)))
        .options(selectinload(Instrument.items))
        .order_by(Instrument.key)
    ):
        instruments[instrument.key] = {
            "scale": {"min": 1, "max": instrument.scale},
            "name": instrument.name or {},
            "statements": [statement_document(item) for item in instrument.items],
        }
    return {
        "format": "winwin-research/1",
        "columns": {
            "round": "the round's name",
            "relationship": "the two organisations' keys, in order, joined by '/'",
            "side": "the answering side: an organisation's key, or 'third-party'",
            "respondent": "a pseudonym: stable within this export only, never a name or e-mail",
            "statement": "the statement's id in its instrument (see instruments)",
            "raw": "the answer, a whole number from 1 to the instrument's scale",
            "normalised": "(raw - 1) / (scale - 1), or 1 minus that when the statement is "
            "reverse-coded: the value the score uses (0..1)",
        },
        "instruments": instruments,
    }
