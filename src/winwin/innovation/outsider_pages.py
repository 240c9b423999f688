"""Pages of open innovation for an outsider (a person of no member organisation).

``/public/innovation/{key}/…``: an outsider comments, votes and proposes ideas on public
entries. They read through the entry page (``innovation.pages``), as an anonymous reader
does; these routes answer 404 to anyone else, as if absent. Comments and votes are the
forms members send too (``innovation.taking_part_pages``), without an organisation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from winwin.accounts.access import Actor
from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.innovation import service as innovation
from winwin.innovation.pages import Reader, back, entry_page
from winwin.innovation.taking_part_pages import (
    Choice,
    CommentText,
    add_comment,
    cast_vote,
    remove_comment,
)
from winwin.innovation.wording import problems_by_field, status_of
from winwin.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from winwin.sharing.service import ItemDraft

router = APIRouter()


def _outsider(actor: Actor) -> Actor:
    """An outsider taking part; these routes answer 404 to anyone else, as if absent."""
    if not actor.is_outsider:
        raise NotFound("there is no such page")
    return actor


@router.post("/public/innovation/{key}/ideas", name="innovation_public_idea")
def propose_idea(
    key: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    title: Annotated[str, Form(max_length=1000)] = "",
    body: CommentText = "",
) -> Response:
    """An outsider's idea for a public challenge: public, owned by the challenge's owner."""
    by = _outsider(actor)
    draft = ItemDraft(title=title.strip() or None, body=body, topics=(), level="public")
    try:
        done = innovation.create_entry(session, by=by, kind="idea", draft=draft, challenge=key)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        session.rollback()
        errors: dict[str, list[str]] = {}
        for messages in problems_by_field(request, exc, "idea").values():
            errors.setdefault("idea", []).extend(messages)
        return entry_page(
            request,
            session,
            key,
            None,
            Reader.of(by, None),
            status_code=status_of(exc),
            errors=errors,
            form={"title": title, "idea_body": body},
        )
    return back(done.key, None, "proposed")


@router.post("/public/innovation/{key}/comments", name="innovation_public_comment")
def outsider_comment(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, body: CommentText = ""
) -> Response:
    return add_comment(request, session, key, None, _outsider(actor), body)


@router.post(
    "/public/innovation/{key}/comments/{comment_id}/delete", name="innovation_public_uncomment"
)
def outsider_delete_comment(
    key: str, comment_id: IdPath, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    return remove_comment(request, session, key, None, _outsider(actor), comment_id)


@router.post("/public/innovation/{key}/vote", name="innovation_public_vote")
def outsider_vote(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, vote: Choice = "1"
) -> Response:
    by = _outsider(actor)
    return cast_vote(request, session, key, None, by, vote, act="/public/innovation")
