"""A round's page (``/rounds/{id}``): invite respondents one by one or many at once (pasted
addresses or a CSV file), copy, resend or revoke their personal links, see who has
answered, close the round.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, can_manage_org
from winwin.assessments import addresses
from winwin.assessments import refusals as refuse
from winwin.assessments import service as rounds
from winwin.assessments.link_mail import invite_and_mail, resend_and_mail
from winwin.assessments.wording import form_context
from winwin.http.deps import CurrentUser, SessionDep, public_base_url
from winwin.http.page_deps import PostedForm
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput, WinwinError
from winwin.mail.delivery import answer_link, will_mail
from winwin.mail.jobs import answer_subject, failed_subjects

router = APIRouter()


# rounds -------------------------------------------------------------------------------
def _round_page(
    request: Request,
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    error: WinwinError | None = None,
    values: dict[str, str] | None = None,
    bad_lines: list[addresses.BadLine] | None = None,
) -> Response:
    current = rounds.get_round(session, actor=actor, round_id=round_id)
    keys = rounds.org_ids_by_key(session)
    manage = any(can_manage_org(actor, keys[k]) for k in current.between if k in keys)
    base = public_base_url(request).rstrip("/")
    opener = (
        accounts.get_person(session, current.opened_by_user_id)
        if current.opened_by_user_id
        else None
    )
    manageable = {
        inv.id
        for inv in current.invitations
        if (inv.side == rounds.THIRD_PARTY and manage)
        or (inv.side in keys and rounds.may_invite_for(actor, keys[inv.side]))
    }
    subjects = {answer_subject(i): i for i in manageable}
    mail_failed = {subjects[s] for s in failed_subjects(session, subjects)}
    return render(
        request,
        "assessments/round.html",
        {
            "nav": "relationships",
            "current": current,
            "opened_by": opener.name if opener else None,
            "can_manage": manage,
            "invite_sides": [
                k for k in current.between if k in keys and rounds.may_invite_for(actor, keys[k])
            ],
            "manageable": manageable,
            "mail_failed": mail_failed,
            "links": {
                inv.id: answer_link(base, rounds.IssuedInvitation(inv, inv.token))
                for inv in current.invitations
                if inv.token
            },
            "mail_server": bool(request.app.state.settings.mail_server),
            "done": request.query_params.get("done"),
            "count": _count(request.query_params.get("count")),
            "bad_lines": bad_lines or [],
            **form_context(error, values),
        },
        status_code=422 if error or bad_lines else 200,
    )


def _count(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 0


MAX_CSV_BYTES = 1_000_000


@router.get("/rounds/{round_id}", name="round")
def round_page(
    round_id: int, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    return _round_page(request, session, actor, round_id)


@router.post("/rounds/{round_id}/invitations", name="invite")
def invite(
    round_id: int,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
    form: PostedForm,
) -> Response:
    """Invite one person (name, optional address) or many at once (pasted addresses or a
    CSV file). Many are invited all or nothing: a bad or repeated address, or one already
    invited, is listed by its line and nobody is invited until the list is fixed."""
    values = {
        k: str(form.get(k) or "").strip() for k in ("side", "name", "email", "locale", "addresses")
    }
    upload = form.get("file")
    data = b""
    if upload is not None and not isinstance(upload, str):
        data = upload.file.read(MAX_CSV_BYTES + 1)
    entries: list[addresses.Entry] | None = None
    if data or "addresses" in form:
        if len(data) > MAX_CSV_BYTES:
            bad = [addresses.BadLine(0, "", "too_large")]
        elif data:
            entries, bad = addresses.parse_csv(data)
        else:
            entries, bad = addresses.parse_pasted(values["addresses"])
            if not entries and not bad:
                bad = [addresses.BadLine(0, "", "empty")]
        if bad:
            return _round_page(request, session, actor, round_id, values=values, bad_lines=bad)
    locale = values["locale"] or None
    if entries is not None:
        invitees = [
            rounds.Invitee(side=values["side"], name=e.name, email=e.email, locale=locale)
            for e in entries
        ]
    else:
        invitees = [
            rounds.Invitee(
                side=values["side"],
                name=values["name"],
                email=values["email"] or None,
                locale=locale,
            )
        ]
    try:
        issued = invite_and_mail(request, background, session, actor, round_id, invitees)
    except InvalidInput as exc:
        session.rollback()
        if entries is None:
            return _round_page(request, session, actor, round_id, error=exc, values=values)
        return _round_page(
            request,
            session,
            actor,
            round_id,
            values=values,
            bad_lines=_lines_of(exc, entries),
            error=_not_lines(exc),
        )
    return RedirectResponse(
        f"/rounds/{round_id}?done=invited&count={len(issued)}#invited-title", status_code=303
    )


_INVITEE = re.compile(r"^invitees\[(\d+)\]\.(email|respondent|name)$")


def _lines_of(exc: InvalidInput, entries: list[addresses.Entry]) -> list[addresses.BadLine]:
    """The service's refusals of pasted invitees, told by the line they came from."""
    bad: list[addresses.BadLine] = []
    for problem in exc.problems:
        match = _INVITEE.match(problem.path)
        if match and int(match.group(1)) < len(entries):
            entry = entries[int(match.group(1))]
            reason = "invited" if problem.code == refuse.ALREADY_INVITED.code else "invalid"
            bad.append(addresses.BadLine(entry.line, entry.email, reason))
    return bad


def _not_lines(exc: InvalidInput) -> InvalidInput | None:
    """The refusals that are not about one line (the side, the language)."""
    rest = [p for p in exc.problems if not _INVITEE.match(p.path)]
    return InvalidInput(rest) if rest else None


@router.post("/rounds/{round_id}/invitations/{invitation_id}/resend", name="resend_link")
def resend(
    round_id: int,
    invitation_id: int,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
) -> Response:
    issued = resend_and_mail(request, background, session, actor, round_id, invitation_id)
    mailed = will_mail(request.app.state.settings, issued)
    done = "resent-mailed" if mailed else "resent"
    return RedirectResponse(
        f"/rounds/{round_id}?done={done}#invitation-{invitation_id}", status_code=303
    )


@router.post("/rounds/{round_id}/invitations/{invitation_id}/revoke", name="revoke_link")
def revoke(
    round_id: int, invitation_id: int, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    rounds.revoke_invitation(session, actor=actor, round_id=round_id, invitation_id=invitation_id)
    return RedirectResponse(
        f"/rounds/{round_id}?done=revoked#invitation-{invitation_id}", status_code=303
    )


@router.post("/rounds/{round_id}/close", name="close_round")
def close(round_id: int, request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    rounds.close_round(session, actor=actor, round_id=round_id)
    return RedirectResponse(f"/rounds/{round_id}", status_code=303)
