"""The answer form behind a personal link (``/answer/{token}``): no sign-in, the link is
the key. A partial set of answers is saved only once the respondent confirms it; a
refused answer is named by its statement.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from winwin.assessments import refusals as refuse
from winwin.assessments import service as rounds
from winwin.assessments.wording import factor_label
from winwin.http.deps import SessionDep
from winwin.http.i18n import LOCALES
from winwin.http.page_deps import PostedForm
from winwin.http.templating import LANG_COOKIE, render
from winwin.kernel.errors import InvalidInput, WinwinError

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
