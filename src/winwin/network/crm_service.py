"""Use cases for customer and supplier lists from a CRM (rules: ``network.crm``).

1. ``start_upload``: an organisation's admin uploads a CSV; it is checked at once as a
   whole (encoding, size, header and columns: refusals name ``file``, ``preset`` or
   ``columns.FIELD``), then read and matched as a job (kind ``network.crm_match``) with
   a progress bar, so that a file of 50,000 rows never runs inside a web request.
2. ``upload_result``: the job's rows, each with the organisation it matched and how, its
   bad rows with their line numbers, and its unmatched rows. Nothing is proposed yet.
3. ``confirm_upload``: the uploader confirms; each matched row (or the lines chosen)
   becomes a tie proposal through ``ties.propose_tie`` (``supplies`` for a list of
   customers, ``buys`` for suppliers), and each chosen unmatched row with an e-mail an
   invitation (``joining.invite_organisation``). A row the tie rules refuse (already
   tied, a proposal waiting, proposed again too soon) is listed as skipped with why.

**Who can be matched** (``matchable``): the organisations on the platform other than the
uploader. Organisations waiting for approval, rejected or only invited are never among
them (they have no organisation row), so a match never reveals one. An organisation's
web domains are the domains of its people's e-mail addresses, except public mail
services (:data:`PUBLIC_MAIL`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_manage
from winwin.accounts.models import User
from winwin.kernel.errors import InvalidInput, NotFound, Problem, RuleBroken
from winwin.network import crm, joining, refusals, ties
from winwin.network.crm_models import CrmUpload
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository

CRM_JOB = "network.crm_match"
SIDES = {"customers": "supplies", "suppliers": "buys"}
OUTPUT = "crm-matches.json"
PUBLIC_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.com",
        "gmx.de", "web.de", "aol.com", "suomi24.fi", "luukku.com", "elisanet.fi",
        "kolumbus.fi", "saunalahti.fi", "windowslive.com",
    }
)  # fmt: skip


def matchable(session: Session, org_id: int) -> list[crm.Candidate]:
    """The organisations an upload of ``org_id`` may match: the one checkpoint for it."""
    domains: dict[int, set[str]] = {}
    for owner, email in session.execute(
        select(User.org_id, User.email).where(User.org_id.is_not(None), User.active)
    ):
        domain = email.rsplit("@", 1)[-1].lower()
        if owner is not None and domain not in PUBLIC_MAIL:
            domains.setdefault(owner, set()).add(domain)
    rows = session.execute(
        select(Organization.id, Organization.key, Organization.name, Organization.business_id)
    )
    return [
        crm.Candidate(key, name, business_id, frozenset(domains.get(org, ())))
        for org, key, name, business_id in rows
        if org != org_id
    ]


def _org(session: Session, actor: Actor, by: str) -> Organization:
    org = NetworkRepository(session).get_by_key(by)
    if org is None:
        raise NotFound(refusals.NO_ORG("by", key=by))
    if not actor.is_operator:
        require_manage(actor, org.id)
    return org


def _side(side: str) -> str:
    if side not in SIDES:
        raise InvalidInput(Problem("as", "must be customers or suppliers"))
    return side


def _bad_file(exc: crm.BadFile) -> InvalidInput:
    return InvalidInput(Problem(exc.path, exc.message))


def start_upload(
    session: Session,
    actor: Actor,
    *,
    by: str,
    side: str,
    data: bytes,
    preset: str | None = None,
    columns: dict[str, str] | None = None,
) -> int:
    """Check the file as a whole and queue its matching; the job's id (the door commits,
    then submits it)."""
    from winwin.jobs import service as jobs

    org = _org(session, actor, by)
    _side(side)
    preset = preset or None
    mapping = {k: v for k, v in (columns or {}).items() if v}
    try:
        text = crm.decode(data)
        header_only = text.split("\n", 1)[0]
        crm.read_rows(header_only, preset=preset, mapping=mapping)
    except crm.BadFile as exc:
        raise _bad_file(exc) from None
    started_by = actor.user_id
    # The file is kept apart and only its id travels with the job (jobs are listed,
    # queued and backed up); it is deleted when the job ends (``forget_upload``).
    upload = CrmUpload(org_id=org.id, uploaded_by=started_by, content=text.encode("utf-8"))
    session.add(upload)
    session.flush()
    job = jobs.start_job(
        session,
        kind=CRM_JOB,
        arguments={
            "org": org.key,
            "as": side,
            "preset": preset,
            "columns": mapping,
            "upload": upload.id,
        },
        started_by=started_by,
    )
    return job.id


def uploaded_text(session: Session, arguments: dict[str, Any]) -> str:
    """The text of the job's upload; ``NotFound`` when it is no longer kept."""
    if "text" in arguments:  # a job queued before uploads were kept apart
        return str(arguments["text"])
    upload = session.get(CrmUpload, arguments.get("upload"))
    if upload is None:
        raise NotFound("the uploaded file is no longer kept: upload it again")
    return upload.content.decode("utf-8")


def forget_upload(session: Session, arguments: dict[str, Any]) -> None:
    """Delete the job's upload (in the transaction that ends the job)."""
    if arguments.get("upload") is not None:
        session.execute(delete(CrmUpload).where(CrmUpload.id == arguments["upload"]))


def analyse(session: Session, arguments: dict[str, Any], progress: Any = None) -> dict[str, Any]:
    """Read and match an upload (what the job does): the document it keeps."""
    org = NetworkRepository(session).get_or_raise(arguments["org"])
    text = uploaded_text(session, arguments)
    lines = max(text.count("\n"), 1)
    steps = 2 * lines
    if progress is not None:
        progress(0, steps)
    parsed = crm.read_rows(
        text,
        preset=arguments.get("preset"),
        mapping=arguments.get("columns"),
        progress=(lambda n: progress(n, steps)) if progress is not None else None,
    )
    matched = crm.match_rows(
        parsed.rows,
        matchable(session, org.id),
        progress=(lambda n: progress(lines + n, steps)) if progress is not None else None,
    )
    return {
        "org": org.key,
        "as": arguments["as"],
        "rows": [
            {
                "line": m.line,
                "name": m.name,
                "match": m.key,
                "how": m.how,
                "ambiguous": m.ambiguous,
                "email": m.email,
            }
            for m in matched
        ],
        "bad": [
            {
                "line": b.line,
                "problems": list(b.problems),
                "reasons": [_reason(p) for p in b.reasons],
            }
            for b in parsed.bad
        ],
    }


def _reason(problem: Problem) -> dict[str, Any]:
    """A refusal as the job keeps it: the field, the code and its values (pages say it in
    their language; ``problems`` and ``why`` keep the English)."""
    return {
        "field": problem.path,
        "code": problem.code,
        "params": {k: v if isinstance(v, int) else str(v) for k, v in problem.params.items()},
    }


def summary(document: dict[str, Any]) -> dict[str, int]:
    rows = document["rows"]
    matched = sum(1 for r in rows if r["match"])
    return {
        "rows": len(rows) + len(document["bad"]),
        "matched": matched,
        "unmatched": len(rows) - matched,
        "bad": len(document["bad"]),
    }


def upload_result(session: Session, actor: Actor, *, by: str, job_id: int) -> dict[str, Any]:
    """The upload's job as its starter sees it: ``{"job", "status", "progress", ...}`` and,
    once it succeeded, the matched, unmatched and bad rows."""
    from winwin.jobs import service as jobs

    _org(session, actor, by)
    view = jobs.view_job(session, job_id=job_id, person_id=actor.user_id)
    if view.kind != CRM_JOB:
        raise NotFound("job not found")
    out: dict[str, Any] = {
        "job": view.id,
        "status": view.status,
        "progress": {"done": view.done, "total": view.total, "percent": view.percent},
        "error": view.error,
    }
    if view.status == "succeeded" and view.outputs:
        _, _, content = jobs.job_output(
            session,
            job_id=job_id,
            output_id=view.outputs[0].id,
            person_id=actor.user_id,
        )
        document = json.loads(content)
        if document["org"] != by:
            raise NotFound("job not found")
        out.update(document)
        out["summary"] = summary(document)
    return out


def _code(problem: Problem) -> dict[str, Any]:
    reason = _reason(problem)
    return {"code": reason["code"], "params": reason["params"]}


def confirm_upload(
    session: Session,
    actor: Actor,
    *,
    by: str,
    job_id: int,
    lines: list[int] | None = None,
    invite_lines: list[int] | None = None,
    base_url: str = "",
) -> dict[str, Any]:
    """Propose a tie for every matched row (or the ``lines`` chosen), and invite the
    organisations of the ``invite_lines`` chosen among unmatched rows with an e-mail."""
    found = upload_result(session, actor, by=by, job_id=job_id)
    if found["status"] != "succeeded":
        raise RuleBroken(Problem("job", "the file has not been matched yet"))
    kind = SIDES[found["as"]]
    chosen = set(lines) if lines is not None else None
    proposed: list[str] = []
    skipped: list[dict[str, Any]] = []
    invited: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in found["rows"]:
        key = row["match"]
        if key is None or (chosen is not None and row["line"] not in chosen) or key in seen:
            continue
        seen.add(key)
        try:
            ties.propose_tie(session, actor, by=by, other=key, kind=kind)
        except InvalidInput as exc:
            why = exc.problems[0]
            skipped.append({"line": row["line"], "with": key, "why": why.message, **_code(why)})
            continue
        proposed.append(key)
    wanted = set(invite_lines or [])
    for row in found["rows"]:
        if row["match"] is None and row["line"] in wanted and row["email"]:
            try:
                issued = joining.invite_organisation(
                    session, actor, by=by, email=row["email"], base_url=base_url
                )
            except InvalidInput as exc:
                why = exc.problems[0]
                skipped.append(
                    {"line": row["line"], "with": None, "why": why.message, **_code(why)}
                )
                continue
            invited.append({"line": row["line"], "email": issued.email, "link": issued.link})
    return {
        "org": by,
        "as": found["as"],
        "kind": kind,
        "proposed": sorted(proposed),
        "invited": invited,
        "skipped": skipped,
    }
