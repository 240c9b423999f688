"""The ``instruments`` and ``assessments`` sections of the network document: the
questionnaires a network adds, and each relationship's rounds with their responses.

Part of one import run (``winwin.network.import_run``): checked after the items, written
last of the older sections, rounds, responses and answers each in bulk.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.assessments.anonymity import DEFAULT_MINIMUM
from winwin.assessments.instruments import ensure_builtin_instruments, statement_document
from winwin.assessments.repository import AssessmentRepository, InstrumentRepository
from winwin.assessments.rows import AssessmentRows
from winwin.assessments.score import OUTSIDE_FACTORS, THIRD_PARTY
from winwin.data import builtin_instrument_keys, load_builtin_instruments
from winwin.db.models import Answer, Assessment, CantSay, Response
from winwin.kernel.errors import Problem
from winwin.network.import_run import ExportRun, ImportRun, Section, duplicates
from winwin.network.sections import document_section


@document_section(40)
class AssessmentsSection(Section):
    """Instruments, rounds, responses, answers and "I can't say" marks."""

    def __init__(self, run: ImportRun) -> None:
        super().__init__(run)
        self.instruments = InstrumentRepository(run.session)
        self.assessments = AssessmentRepository(run.session)

    def check(self) -> None:
        doc, p, org_ref = self.doc, self.problems, self.run.org_ref
        builtin = set(builtin_instrument_keys())
        p += duplicates([ins.key for ins in doc.instruments], "instruments")
        specs: dict[str, tuple[int, dict[str, str]]] = {
            spec["key"]: (spec.get("scale", 5), {it["id"]: it["factor"] for it in spec["items"]})
            for spec in load_builtin_instruments()
        }
        for stored in self.instruments.all():
            specs[stored.key] = (stored.scale, {it.item_key: it.factor for it in stored.items})
        for i, ins in enumerate(doc.instruments):
            if ins.key in builtin:
                p.append(
                    Problem(
                        f"instruments[{i}].key",
                        f"'{ins.key}' is a built-in instrument; choose another key",
                    )
                )
            p += duplicates([it.id for it in ins.items], f"instruments[{i}].items", "id")
            specs[ins.key] = (ins.scale, {it.id: it.factor for it in ins.items})
        p += duplicates(
            [f"{a.round} {','.join(sorted(a.between))}" for a in doc.assessments],
            "assessments",
            "between",
        )
        for i, assessment in enumerate(doc.assessments):
            base = f"assessments[{i}]"
            for j, key in enumerate(assessment.between):
                org_ref(f"{base}.between[{j}]", key)
            if assessment.between[0] == assessment.between[1]:
                p.append(Problem(f"{base}.between", "a relationship needs two organisations"))
            spec = specs.get(assessment.instrument)
            if spec is None:
                p.append(
                    Problem(f"{base}.instrument", f"unknown instrument '{assessment.instrument}'")
                )
                continue
            scale, factors = spec
            used = assessment.instrument
            p += duplicates(
                [r.respondent for r in assessment.responses], f"{base}.responses", "respondent"
            )
            for j, response in enumerate(assessment.responses):
                rpath = f"{base}.responses[{j}]"
                if response.side != THIRD_PARTY and response.side not in assessment.between:
                    p.append(
                        Problem(
                            f"{rpath}.side",
                            f"'{response.side}' is not a side of this relationship "
                            f"(use {' or '.join(assessment.between)} or {THIRD_PARTY})",
                        )
                    )
                for item_id, value in response.answers.items():
                    apath = f"{rpath}.answers.{item_id}"
                    p += _item_problems(apath, item_id, factors, used, response.side)
                    if not 1 <= value <= scale:
                        p.append(Problem(apath, f"answer {value} is outside 1..{scale}"))
                seen: set[str] = set()
                for k, item_id in enumerate(response.cant_say):
                    mpath = f"{rpath}.cant_say[{k}]"
                    p += _item_problems(mpath, item_id, factors, used, response.side)
                    if item_id in response.answers:
                        p.append(
                            Problem(
                                mpath, f"'{item_id}' is answered; it cannot also be 'I can't say'"
                            )
                        )
                    if item_id in seen:
                        p.append(Problem(mpath, f"'{item_id}' is marked twice"))
                    seen.add(item_id)
            self._check_stored_round(base, assessment)

    def _check_stored_round(self, base: str, assessment: Any) -> None:
        """An existing round that has responses keeps its instrument (its answers belong to
        it), and a closed one keeps its responses. One look-up of the stored round."""
        first, second = (self.existing_orgs.get(k) for k in assessment.between)
        if first is None or second is None:
            return
        stored = self.assessments.get(round=assessment.round, a_id=first["id"], b_id=second["id"])
        if stored is None:
            return
        if stored.instrument.key != assessment.instrument and stored.responses:
            a, b = assessment.between
            self.problems.append(
                Problem(
                    f"{base}.instrument",
                    f"round '{assessment.round}' of {a} and {b} has responses to instrument "
                    f"'{stored.instrument.key}'; its instrument cannot change",
                )
            )
        if stored.status != "closed":
            return
        keys = {first["id"]: assessment.between[0], second["id"]: assessment.between[1]}
        item_keys = {it.id: it.item_key for it in stored.instrument.items}
        current = {
            r.respondent: (
                keys.get(r.side_org_id, THIRD_PARTY) if r.side_org_id else THIRD_PARTY,
                {item_keys[ans.item_id]: ans.value for ans in r.answers},
                {item_keys[mark.item_id] for mark in r.cant_say},
            )
            for r in stored.responses
        }
        for j, response in enumerate(assessment.responses):
            given = (response.side, dict(response.answers), set(response.cant_say))
            if current.get(response.respondent) != given:
                self.problems.append(
                    Problem(
                        f"{base}.responses[{j}]",
                        f"round '{assessment.round}' is closed; responses can no longer change",
                    )
                )

    def write(self) -> None:
        self._write_instruments()
        self._write_assessments(self.run.ids)

    @staticmethod
    def export_to(out: ExportRun) -> None:
        out.doc.update(export(out.session, out.keys))

    def _write_instruments(self) -> None:
        for ins in self.doc.instruments:
            self.instruments.upsert(
                key=ins.key,
                scale=ins.scale,
                name=ins.name.model_dump() if ins.name else {},
                items=[
                    {
                        "item_key": it.id,
                        "factor": it.factor,
                        "reverse": it.reverse,
                        "text_en": it.text.en,
                        "text_fi": it.text.fi,
                    }
                    for it in ins.items
                ],
            )
        self.summary.add("instruments", updated=len(self.doc.instruments))

    def _write_assessments(self, ids: dict[str, int]) -> None:
        """Upsert rounds, responses (by respondent) and answers (by item) in bulk."""
        if not self.doc.assessments:
            return
        ensure_builtin_instruments(self.session)
        instruments = {ins.key: ins for ins in self.instruments.all()}
        item_ids = {
            key: {it.item_key: it.id for it in ins.items} for key, ins in instruments.items()
        }
        rows = AssessmentRows(self.session)
        total = len(self.doc.assessments)
        self.progress("assessments", 0, total)
        stored = rows.assessments()
        new_rounds, changed_rounds = [], []
        for doc_assessment in self.doc.assessments:
            a, b = sorted(ids[k] for k in doc_assessment.between)
            instrument_id = instruments[doc_assessment.instrument].id
            current = stored.get((doc_assessment.round, a, b))
            if current is None:
                new_rounds.append(
                    {
                        "round": doc_assessment.round,
                        "a_id": a,
                        "b_id": b,
                        "instrument_id": instrument_id,
                        "status": "open",
                        "min_respondents": doc_assessment.min_respondents,
                    }
                )
            elif current[1] != instrument_id or current[3] != doc_assessment.min_respondents:
                changed_rounds.append(
                    {
                        "id": current[0],
                        "instrument_id": instrument_id,
                        "min_respondents": doc_assessment.min_respondents,
                    }
                )
        rows.insert(Assessment, new_rounds)
        rows.update(Assessment, changed_rounds)
        self.summary.add("assessments", created=len(new_rounds), updated=len(changed_rounds))
        stored = rows.assessments() if new_rounds else stored
        responses = rows.responses()
        new_responses, changed_responses = [], []
        wanted: list[tuple[tuple[int, str], dict[int, int]]] = []
        marked: dict[tuple[int, str], set[int]] = {}
        touched: set[int] = set()
        for doc_assessment in self.doc.assessments:
            a, b = sorted(ids[k] for k in doc_assessment.between)
            assessment_id = stored[(doc_assessment.round, a, b)][0]
            touched.add(assessment_id)
            items = item_ids[doc_assessment.instrument]
            for doc_response in doc_assessment.responses:
                side = None if doc_response.side == THIRD_PARTY else ids[doc_response.side]
                key = (assessment_id, doc_response.respondent)
                current_response = responses.get(key)
                if current_response is None:
                    new_responses.append(
                        {"assessment_id": assessment_id, "respondent": key[1], "side_org_id": side}
                    )
                elif current_response[1] != side:
                    changed_responses.append({"id": current_response[0], "side_org_id": side})
                wanted.append((key, {items[k]: v for k, v in doc_response.answers.items()}))
                marked[key] = {items[k] for k in doc_response.cant_say}
        rows.insert(Response, new_responses)
        rows.update(Response, changed_responses)
        self.summary.add("responses", created=len(new_responses), updated=len(changed_responses))
        responses = rows.responses() if new_responses else responses
        answers = rows.answers() if len(new_responses) < len(wanted) else {}
        new_answers, changed_answers, dropped = [], [], []
        for key, values in wanted:
            response_id = responses[key][0]
            current_answers = answers.get(response_id, {})
            for item_id, value in values.items():
                found = current_answers.get(item_id)
                if found is None:
                    new_answers.append(
                        {"response_id": response_id, "item_id": item_id, "value": value}
                    )
                elif found[1] != value:
                    changed_answers.append({"id": found[0], "value": value})
            dropped += [
                aid for item_id, (aid, _) in current_answers.items() if item_id not in values
            ]
        rows.insert(Answer, new_answers)
        rows.update(Answer, changed_answers)
        rows.delete_answers(dropped)
        # "I can't say" marks: the document's response is the whole response, as for
        # its answers, so marks it no longer gives are dropped.
        current_marks = rows.cant_say()
        new_marks, dropped_marks = [], []
        for key, marked_items in marked.items():
            response_id = responses[key][0]
            stored_marks = current_marks.get(response_id, {})
            new_marks += [
                {"response_id": response_id, "item_id": item_id}
                for item_id in sorted(marked_items - stored_marks.keys())
            ]
            dropped_marks += [
                mid for item_id, mid in stored_marks.items() if item_id not in marked_items
            ]
        rows.insert(CantSay, new_marks)
        rows.delete_cant_say(dropped_marks)
        rows.refresh_sums(touched)
        self.progress("assessments", total, total)


def _item_problems(
    path: str, item_id: str, factors: dict[str, str], instrument: str, side: str
) -> list[Problem]:
    """What is wrong with a response's statement (answered or marked "I can't say"): one
    its instrument does not have, or a factor a third party does not rate."""
    factor = factors.get(item_id)
    if factor is None:
        return [Problem(path, f"unknown item of instrument '{instrument}'")]
    if side == THIRD_PARTY and factor not in OUTSIDE_FACTORS:
        return [
            Problem(path, f"a third party answers only impact and attraction items, not {factor}")
        ]
    return []


def export(session: Session, keys: dict[int, str]) -> dict[str, Any]:
    """The ``instruments`` (the network's own, not the built-in ones) and ``assessments``."""
    doc: dict[str, Any] = {}
    doc["instruments"] = [
        {
            "key": ins.key,
            "scale": ins.scale,
            **({"name": ins.name} if ins.name else {}),
            "items": [statement_document(it) for it in ins.items],
        }
        for ins in InstrumentRepository(session).all()
        if not ins.builtin
    ]
    assessments = []
    for stored in AssessmentRepository(session).all():
        item_key = {it.id: it.item_key for it in stored.instrument.items}
        assessments.append(
            {
                "round": stored.round,
                "instrument": stored.instrument.key,
                "between": sorted((keys[stored.a_id], keys[stored.b_id])),
                **(
                    {"min_respondents": stored.min_respondents}
                    if stored.min_respondents != DEFAULT_MINIMUM
                    else {}
                ),
                "responses": sorted(
                    (
                        {
                            "side": keys[r.side_org_id] if r.side_org_id else THIRD_PARTY,
                            "respondent": r.respondent,
                            "answers": {item_key[a.item_id]: a.value for a in r.answers},
                            **(
                                {"cant_say": sorted(item_key[m.item_id] for m in r.cant_say)}
                                if r.cant_say
                                else {}
                            ),
                        }
                        for r in stored.responses
                    ),
                    key=lambda r: str(r["respondent"]),
                ),
            }
        )
    doc["assessments"] = sorted(assessments, key=lambda a: (a["round"], a["between"]))
    return doc
