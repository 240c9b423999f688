"""Assessment pages: the answer form by personal link, relationships, rounds, instruments.

- ``/answer/{token}``: the answer form; no sign-in, the link is the key.
- ``/relationships``: the organisation's relationships sorted by R, with sparklines and
  the lever of each (the factor with the largest gain), and the form to open a round.
- ``/relationships/clients``: a facilitator's view across client organisations.
- ``/relationships/{a}/{b}``: radar, lever in plain words, gaps, trends, respondents.
- ``/rounds/{id}``: invite respondents, see who has answered, close the round.
- ``/instruments``: the instruments in use, and a form for an organisation's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, accessible_orgs, can_manage_org, require_acting
from winwin.actions import pages as action_pages
from winwin.assessments import addresses, charts, research, scoring
from winwin.assessments import instruments as instrument_service
from winwin.assessments import refusals as refuse
from winwin.assessments import service as rounds
from winwin.assessments.measures import ItemStat
from winwin.assessments.score import FACTORS
from winwin.assessments.wording import PROBLEM_CONTEXT, factor_label, lever_gains, lever_sentence
from winwin.http import i18n
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import CurrentUser, SessionDep, public_base_url
from winwin.http.errors import problems_of
from winwin.http.i18n import LOCALES
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import LANG_COOKIE, render, request_locale
from winwin.innovation import service as innovation_service
from winwin.innovation.stages import mutual
from winwin.kernel.errors import InvalidInput, NotFound, WinwinError
from winwin.mail.delivery import answer_link, will_mail
from winwin.mail.jobs import answer_subject, failed_subjects
from winwin.mail.web import mail_answer_links
from winwin.network.models import Organization
from winwin.sharing import picking

router = APIRouter()

# answering ----------------------------------------------------------------------------
CANT_SAY = "cant-say"


def _parse_answers(form: Any, items: list[rounds.FormItem]) -> tuple[dict[str, object], list[str]]:
    """The posted answers, and the statements marked "I can't say" (one radio group each)."""
    answers: dict[str, object] = {}
    cant_say: list[str] = []
    for item in items:
        raw = form.get(f"item-{item.id}")
        if raw is None or raw == "":
            continue
        if raw == CANT_SAY:
            cant_say.append(item.id)
            continue
        answers[item.id] = int(raw) if isinstance(raw, str) and raw.isdigit() else raw
    return answers, cant_say


def _answer_errors(error: WinwinError | None) -> dict[str, str]:
    """What was wrong with each item the service refused (the template words it)."""
    kinds: dict[str, str] = {}
    for problem in getattr(error, "problems", []) or []:
        if not problem.path.startswith("answers."):
            continue
        item = problem.path.split(".", 1)[1]
        if problem.code == refuse.THIRD_PARTY_FACTOR.code:
            kinds[item] = "third_party"
        elif problem.code == refuse.UNKNOWN_ITEM.code:
            kinds[item] = "unknown"
        else:
            kinds[item] = "range"
    return kinds


def _answer_page(
    request: Request,
    form: rounds.AnswerForm,
    token: str,
    *,
    answers: dict[str, object] | None = None,
    cant_say: list[str] | None = None,
    error: WinwinError | None = None,
    saved: bool = False,
    confirm: bool = False,
    status_code: int = 200,
) -> Response:
    errors = _answer_errors(error)
    shown = form.answers if answers is None else answers
    marked = set(form.cant_say if cant_say is None else cant_say)
    unanswered = [item for item in form.items if item.id not in shown and item.id not in marked]
    general = None
    if error is not None and not errors:
        general = (
            "empty"
            if any(p.path == "answers" for p in getattr(error, "problems", []))
            else "closed"
        )
    return render(
        request,
        "assessments/answer.html",
        {
            "form": form,
            "token": token,
            "answers": shown,
            "cant_say": marked,
            "cant_say_value": CANT_SAY,
            "unanswered": unanswered,
            "confirm": confirm,
            "errors": errors,
            "general_error": general,
            "saved": saved,
            "factor_label": factor_label,
        },
        status_code=status_code,
    )


@router.get("/answer/{token}", name="answer_form")
def answer_get(
    token: str, request: Request, session: SessionDep, lang: str | None = None
) -> Response:
    form = rounds.answer_form(session, token=token)
    if lang in LOCALES:
        # A link made for a language (…?lang=en) remembers it, as the language switch
        # does, and then shows the plain link.
        response = RedirectResponse(f"/answer/{token}", status_code=303)
        response.set_cookie(
            LANG_COOKIE,
            str(lang),
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="lax",
            secure=request.app.state.cookie_secure,
        )
        return response
    # The thank-you after a save (post/redirect/get); only where something is saved.
    saved = request.query_params.get("saved") == "1" and bool(form.answers or form.cant_say)
    return _answer_page(request, form, token, saved=saved)


@router.post("/answer/{token}", name="answer_post")
def answer_post(token: str, request: Request, session: SessionDep, posted: PostedForm) -> Response:
    form = rounds.answer_form(session, token=token, mark_opened=False)
    answers, cant_say = _parse_answers(posted, form.items)
    left = [i for i in form.items if i.id not in answers and i.id not in cant_say]
    if form.open and left and (answers or cant_say) and posted.get("confirm_partial") != "1":
        # A partial set is saved only once the respondent says so: the form comes back
        # with what they chose, the unanswered statements counted and marked. Nothing
        # is written yet. An answer that could never be saved (out of range) is named
        # first, so that the question is asked only of a set that can be saved.
        try:
            rounds.check_response(session, token=token, answers=answers, cant_say=cant_say)
        except InvalidInput as exc:
            return _answer_page(
                request, form, token, answers=answers, cant_say=cant_say, error=exc, status_code=422
            )
        return _answer_page(request, form, token, answers=answers, cant_say=cant_say, confirm=True)
    try:
        rounds.submit_response(session, token=token, answers=answers, cant_say=cant_say)
    except InvalidInput as exc:
        session.rollback()
        form = rounds.answer_form(session, token=token, mark_opened=False)
        return _answer_page(
            request, form, token, answers=answers, cant_say=cant_say, error=exc, status_code=422
        )
    except WinwinError as exc:
        session.rollback()
        form = rounds.answer_form(session, token=token, mark_opened=False)
        return _answer_page(request, form, token, error=exc, status_code=409)
    return RedirectResponse(f"/answer/{token}?saved=1", status_code=303)


# relationships ------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One relationship on a dashboard."""

    between: tuple[str, str]
    other: str
    names: dict[str, str]
    latest: scoring.RelationshipScore
    scored: scoring.RelationshipScore | None
    history: list[scoring.RelationshipScore]
    #: The lever to name first (``RelationshipScore.main_lever``) in the round whose R
    #: is shown, else in the latest round.
    lever: scoring.Lever | None

    @property
    def score(self) -> float | None:
        return self.scored.score if self.scored else None

    @property
    def fewest(self) -> int:
        """Respondents of the side with fewer of them in the round whose R is shown."""
        return fewest_respondents(self.scored or self.latest)

    def sparkline(self) -> dict[str, Any]:
        return charts.sparkline_config(self.history)


def dashboard_rows(
    session: Session, actor: Actor, org_ids: list[int], *, focus: int | None = None
) -> dict[int, list[Row]]:
    """Relationships of each organisation, strongest R first (unscored last); sides
    below their round's minimum are withheld from readers the rule does not trust."""
    history = scoring.scores_of_orgs(session, org_ids=org_ids, reader=rounds.reader_for(actor))
    by_pair: dict[tuple[str, str], list[scoring.RelationshipScore]] = {}
    for score in history:
        by_pair.setdefault(score.between, []).append(score)
    keys = rounds.org_keys_by_id(session)
    wanted = {keys[i]: i for i in org_ids if i in keys}
    names = rounds.org_names(session, sorted({k for pair in by_pair for k in pair}))
    rows: dict[int, list[Row]] = {i: [] for i in org_ids}
    for pair, scores in by_pair.items():
        scored = next((s for s in reversed(scores) if s.score is not None), None)
        latest = scores[-1]
        for key in pair:
            if key not in wanted:
                continue
            other = pair[1] if key == pair[0] else pair[0]
            rows[wanted[key]].append(
                Row(
                    between=pair,
                    other=other,
                    names=names,
                    latest=latest,
                    scored=scored,
                    history=scores,
                    lever=(scored or latest).main_lever(),
                )
            )
    for listed in rows.values():
        listed.sort(key=lambda r: (r.score is None, -(r.score or 0.0), r.between))
    return rows


def _default_round() -> str:
    now = datetime.now(UTC)
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


def _relationships_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    error: WinwinError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = dashboard_rows(session, actor, [org.id])[org.id]
    return render(
        request,
        "assessments/relationships.html",
        {
            "nav": "relationships",
            "org": org,
            "rows": rows,
            "can_manage": can_manage_org(actor, org.id),
            "is_facilitator": actor.is_facilitator or actor.is_platform_admin,
            # The other organisation is picked by name among the tied ones.
            "partners": picking.known_orgs(session, viewer=require_acting(actor)).choices(
                "partners"
            ),
            "instruments": instrument_service.list_instruments(session, org_ids=[org.id]),
            "open_rounds": [
                r
                for r in rounds.list_rounds(session, actor=actor, org_ids=[org.id])
                if r.status == "open"
            ],
            "default_round": _default_round(),
            "factor_label": factor_label,
            "lever_gains": lever_gains,
            "error": error,
            "values": values or {},
            **PROBLEM_CONTEXT,
        },
        status_code=422 if error else 200,
    )


@router.get("/relationships", name="relationships")
def relationships(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep
) -> Response:
    return _relationships_page(request, session, actor, org)


@router.post("/relationships/rounds", name="open_round")
def open_round(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep, form: PostedForm
) -> Response:
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("other", "round", "instrument", "min_respondents")
    }
    known = picking.known_orgs(session, viewer=require_acting(actor))
    try:
        opened = rounds.open_round(
            session,
            actor=actor,
            between=[org.key, known.resolve(values["other"], "partners")],
            round=values["round"],
            instrument=values["instrument"] or "customer-relationship",
            min_respondents=values["min_respondents"] or None,
        )
    except WinwinError as exc:
        session.rollback()
        return _relationships_page(request, session, actor, org, error=exc, values=values)
    return RedirectResponse(f"/rounds/{opened.id}", status_code=303)


def _research_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: WinwinError | None = None,
    chosen: list[str] | None = None,
    format: str = "csv",
) -> Response:
    return render(
        request,
        "assessments/research_export.html",
        {
            "nav": "relationships",
            "round_names": research.round_names(session, actor=actor),
            "chosen": chosen or [],
            "format": format,
            "errors": [
                i18n.say(p, request_locale(request)) for p in (problems_of(error) if error else [])
            ],
        },
        status_code=422 if error else 200,
    )


@router.get("/relationships/research-export", name="research_export")
def research_export_form(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    return _research_page(request, session, actor)


@router.post("/relationships/research-export")
def research_export_download(
    request: Request, actor: CurrentUser, session: SessionDep, form: PostedForm
) -> Response:
    chosen = [str(v) for v in form.getlist("round")]
    format = str(form.get("format") or "csv")
    try:
        data = research.research_export(session, actor=actor, rounds=chosen, format=format)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return _research_page(request, session, actor, error=exc, chosen=chosen, format=format)
    return Response(
        data.bundle(format),  # type: ignore[arg-type]
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="winwin-research.zip"'},
    )


@router.get("/relationships/clients", name="client_relationships")
def client_relationships(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    if not (actor.is_facilitator or actor.is_platform_admin):
        raise NotFound("this view is for facilitators")
    clients = [o for o in accessible_orgs(session, actor, limit=200) if o.id != actor.org_id]
    rows = dashboard_rows(session, actor, [o.id for o in clients])
    return render(
        request,
        "assessments/clients.html",
        {
            "nav": "relationships",
            "clients": [(o, rows.get(o.id, [])) for o in clients],
            "moved": action_pages.moves_context(session, actor, [o.id for o in clients]),
            "factor_label": factor_label,
            "lever_gains": lever_gains,
        },
    )


def fewest_respondents(score: scoring.RelationshipScore) -> int:
    """The respondents of the side with fewer of them (0 when a side has not answered)."""
    return min(score.respondents.get(key, 0) for key in score.between)


def readable_relationship(
    session: Session, actor: Actor, a: str, b: str, round: str | None
) -> tuple[list[Organization], scoring.RelationshipDetail, scoring.RelationshipScore]:
    """The relationship ``a``–``b`` as this actor may read it, and its round to show
    (``round``, else the latest scored, else the latest): the one access rule of the
    relationship page, its presentation view and its downloads. ``NotFound`` alike for
    an unknown pair and one the actor may not see."""
    orgs = list(rounds.readable_pair(session, actor, a, b))
    detail = scoring.relationship_detail(session, between=(a, b), reader=rounds.reader_for(actor))
    shown = next((h for h in detail.history if h.round == round), None) if round else None
    shown = shown or detail.latest_scored or detail.latest
    assert shown is not None
    return orgs, detail, shown


@router.get("/relationships/{a}/{b}", name="relationship")
def relationship(
    a: str,
    b: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    round: str | None = None,
) -> Response:
    orgs, detail, shown = readable_relationship(session, actor, a, b, round)
    gaps = [
        {
            "factor": f,
            "values": [
                (side.value(f) if (side := shown.sides[k]) is not None else None)
                for k in detail.between
            ],
            "gap": shown.gap(f),
            "outside": (
                getattr(shown.outside_view, f)
                if shown.outside_view and f in ("impact", "attraction")
                else None
            ),
        }
        for f in FACTORS
    ]
    pair_ids = [o.id for o in orgs if o is not None]
    manage = rounds.can_run_relationship(actor, pair_ids)
    round_rows = rounds.rounds_of_pair(session, pair_ids[0], pair_ids[1])
    # Taking part in each other's challenges and ideas is part of the energy picture.
    a_on_b, b_on_a = innovation_service.co_creation_between(
        session, a_id=pair_ids[0], b_id=pair_ids[1]
    )
    co_creation = {
        "directions": [(a, b, a_on_b), (b, a, b_on_a)],
        "mutual": mutual(a_on_b, b_on_a),
    }
    instrument = instrument_service.instruments_by_key(session, [shown.instrument]).get(
        shown.instrument
    )
    items = scoring.side_items(session, shown)
    trust = _trust(shown, items, instrument)
    statements = statement_rows(shown, items, instrument)
    return render(
        request,
        "assessments/relationship.html",
        {
            "nav": "relationships",
            "detail": detail,
            "shown": shown,
            "gaps": gaps,
            # Built while rendering, so that the labels are in the page's language.
            "radar": lambda: charts.radar_config(shown, detail.names),
            "trend": lambda: charts.trend_config(detail),
            "rounds": sorted(round_rows, key=lambda r: r.round),
            "can_manage": manage,
            "factor_label": factor_label,
            "lever_sentence": lever_sentence,
            "step": shown.main_lever() if shown.score is not None else None,
            "co_creation": co_creation,
            "bars": lambda: charts.bars_config(shown, detail.names),
            "fewest": fewest_respondents(shown),
            "trust_data": trust,
            "statements": statements,
            "instrument_name": instrument_service.instrument_name(
                instrument, shown.instrument, request_locale(request)
            ),
            "plan": action_pages.plan_context(session, actor, [o for o in orgs if o is not None]),
            "what_moved": action_pages.what_moved_context(session, detail.history, shown),
        },
    )


def _texts(
    instrument: instrument_service.InstrumentRead | None,
) -> dict[str, dict[str, str]]:
    return {i["id"]: i["text"] for i in (instrument.items if instrument else [])}


def _trust(
    shown: scoring.RelationshipScore,
    items: dict[str, list[ItemStat]],
    instrument: instrument_service.InstrumentRead | None,
) -> dict[str, Any]:
    """Alpha per side and factor, and the flagged statements with their texts."""
    texts = _texts(instrument)
    flagged = [
        {"side": key, "stat": stat, "text": texts.get(stat.id, {})}
        for key in shown.between
        if shown.sides[key] is not None
        for stat in items.get(key, [])
        if stat.flag is not None
    ]
    return {"alpha": shown.alpha, "flagged": flagged}


@dataclass(frozen=True)
class StatementRow:
    """One statement of a round with each side's result (``None``: not shown)."""

    id: str
    factor: str
    reverse: bool
    text: dict[str, str]
    sides: dict[str, ItemStat | None]


def statement_rows(
    shown: scoring.RelationshipScore,
    items: dict[str, list[ItemStat]],
    instrument: instrument_service.InstrumentRead | None,
) -> list[StatementRow]:
    """Each side's mean and spread per statement, in the instrument's order.

    A side that is withheld or has not answered has no statistics here (its item
    analysis is empty), so it is hidden exactly as its factors are.
    """
    texts = _texts(instrument)
    by_side = {
        key: {stat.id: stat for stat in items.get(key, [])}
        for key in shown.between
        if shown.sides[key] is not None
    }
    order: list[tuple[str, str, bool]] = []
    if instrument is not None:
        order = [(i["id"], i["factor"], bool(i["reverse"])) for i in instrument.items]
    else:
        seen = next((stats for stats in items.values() if stats), [])
        order = [(stat.id, stat.factor, stat.reverse) for stat in seen]
    return [
        StatementRow(
            id=key,
            factor=factor,
            reverse=reverse,
            text=texts.get(key, {}),
            sides={
                side: by_side[side].get(key) if side in by_side else None for side in shown.between
            },
        )
        for key, factor, reverse in order
        if factor in FACTORS
    ]


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
            "error": error,
            "bad_lines": bad_lines or [],
            "values": values or {},
            **PROBLEM_CONTEXT,
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
        issued = rounds.invite_respondents(
            session, actor=actor, round_id=round_id, invitees=invitees
        )
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
    mail_answer_links(
        request,
        background,
        session,
        rounds.get_round(session, actor=actor, round_id=round_id),
        issued,
        base=public_base_url(request),
        started_by=actor.user_id,
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
    issued = rounds.resend_invitation(
        session, actor=actor, round_id=round_id, invitation_id=invitation_id
    )
    mailed = will_mail(request.app.state.settings, issued)
    mail_answer_links(
        request,
        background,
        session,
        rounds.get_round(session, actor=actor, round_id=round_id),
        [issued],
        base=public_base_url(request),
        started_by=actor.user_id,
    )
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


# instruments --------------------------------------------------------------------------
ITEM_ROWS = 8


def _instruments_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    error: WinwinError | None = None,
    values: dict[str, Any] | None = None,
    created: str | None = None,
) -> Response:
    return render(
        request,
        "assessments/instruments.html",
        {
            "nav": "relationships",
            "org": org,
            "instruments": instrument_service.list_instruments(session, org_ids=[org.id]),
            "can_manage": can_manage_org(actor, org.id),
            "rows": range(ITEM_ROWS),
            "factors": FACTORS,
            "factor_label": factor_label,
            "error": error,
            "values": values or {},
            "created": created,
            **PROBLEM_CONTEXT,
        },
        status_code=422 if error else 200,
    )


@router.get("/instruments", name="instruments")
def instruments(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep
) -> Response:
    return _instruments_page(request, session, actor, org)


@router.post("/instruments", name="create_instrument")
def create_instrument(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep, form: PostedForm
) -> Response:
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in form}
    items = []
    for n in range(ITEM_ROWS):
        en, fi = values.get(f"text_en_{n}", ""), values.get(f"text_fi_{n}", "")
        if not en and not fi:
            continue
        items.append(
            {
                "id": f"{values.get(f'factor_{n}', 'x')[:1]}{n + 1}",
                "factor": values.get(f"factor_{n}", ""),
                "reverse": values.get(f"reverse_{n}") == "on",
                "text": {"en": en, "fi": fi},
            }
        )
    scale_text = values.get("scale", "5")
    try:
        made = instrument_service.create_instrument(
            session,
            actor=actor,
            org=org.key,
            key=values.get("key", ""),
            name={"en": values.get("name_en", ""), "fi": values.get("name_fi", "")},
            scale=int(scale_text) if scale_text.isdigit() else scale_text,
            items=items,
        )
    except WinwinError as exc:
        session.rollback()
        return _instruments_page(request, session, actor, org, error=exc, values=values)
    return _instruments_page(request, session, actor, org, created=made.key)


@dashboard_panel("relationships", "assessments/dashboard_panel.html")
def relationships_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """The home dashboard's three strongest relationships, with the lever of each."""
    rows = dashboard_rows(session, actor, [org.id])[org.id]
    if not rows:
        return None
    return {
        "rows": rows[:3],
        "total": len(rows),
        "factor_label": factor_label,
        "lever_gains": lever_gains,
    }
