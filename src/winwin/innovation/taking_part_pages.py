"""Pages of open innovation: taking part in an entry as one of an organisation's people.

Comments, votes, co-authors (named in the people picker, ``/pick/people``, or by e-mail)
and stage moves, each a form on the entry page (``innovation.pages``): done, the page
opens again saying so; refused, it shows again with the refusal beside the field it names
(``innovation.pages.refused``).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.http.deps import IdPath, SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render
from winwin.innovation import service as innovation
from winwin.innovation.pages import back, org_query, refused
from winwin.innovation.wording import N_
from winwin.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from winwin.network.models import Organization

router = APIRouter()

Email = Annotated[str, Form(max_length=320)]
Choice = Annotated[str, Form(max_length=64)]
CommentText = Annotated[str, Form(max_length=100_000)]
PersonId = Annotated[int | None, Form(ge=1, le=2_147_483_647)]

NO_ONE_NAMED = N_("Choose a person from the list or type their e-mail")
PICKER_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


# --- comments and votes, which an outsider gives too (innovation.outsider_pages) ------------


def add_comment(
    request: Request,
    session: Session,
    key: str,
    org: Organization | None,
    actor: Actor,
    body: str,
) -> Response:
    """Comment on the entry for ``org`` (None: as an outsider, on a public entry)."""
    try:
        innovation.add_comment(session, by=actor, key=key, body=body)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return refused(request, session, key, org, actor, exc, "body", {"body": body})
    return back(key, org, "commented", "#comments-title")


def remove_comment(
    request: Request,
    session: Session,
    key: str,
    org: Organization | None,
    actor: Actor,
    comment_id: int,
) -> Response:
    try:
        innovation.delete_comment(session, by=actor, key=key, comment_id=comment_id)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return refused(request, session, key, org, actor, exc, "comments")
    return back(key, org, "uncommented", "#comments-title")


def cast_vote(
    request: Request,
    session: Session,
    key: str,
    org: Organization | None,
    actor: Actor,
    vote: str,
    **box: str,
) -> Response:
    """Give or take back a vote; htmx swaps the vote box (``box``: what it needs more),
    a plain form is redirected."""
    wanted = vote == "1"
    votes = innovation.set_vote(session, by=actor, key=key, vote=wanted)
    if request.headers.get("hx-request") == "true":
        return render(
            request,
            "innovation/_vote.html",
            {"key": key, "votes": votes, "voted": wanted, "can_vote": True, "q": org_query(org)}
            | box,
        )
    return back(key, org, "voted" if wanted else "unvoted", "#votes")


@router.post("/innovation/{key}/comments", name="innovation_comment")
def comment(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    body: CommentText = "",
) -> Response:
    return add_comment(request, session, key, org, actor, body)


@router.post("/innovation/{key}/comments/{comment_id}/delete", name="innovation_uncomment")
def delete_comment(
    key: str,
    comment_id: IdPath,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
) -> Response:
    return remove_comment(request, session, key, org, actor, comment_id)


@router.post("/innovation/{key}/vote", name="innovation_vote")
def toggle_vote(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    vote: Choice = "1",
) -> Response:
    return cast_vote(request, session, key, org, actor, vote)


# --- co-authors and stage moves -------------------------------------------------------------


@router.post("/innovation/{key}/coauthors", name="innovation_coauthor")
def add_coauthor(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    email: Email = "",
    person: PersonId = None,
) -> Response:
    """Name a co-author chosen in the people picker (``person``) or typed by e-mail."""
    kept = {"email": email}
    try:
        if person is None and not email.strip():
            raise InvalidInput(Problem("email", NO_ONE_NAMED))
        innovation.add_coauthor(
            session,
            by=actor,
            key=key,
            email=None if person is not None else email,
            person_id=person,
        )
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return refused(request, session, key, org, actor, exc, "email", kept)
    return back(key, org, "coauthor-added", "#coauthors-title")


@router.get("/pick/people", name="pick_people")
def pick_people(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    entry: Annotated[str, Query(alias="for", max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    picker: Annotated[str, Query(max_length=41)] = "picker",
) -> Response:
    """Suggestions of the co-author picker (htmx): people whom naming a co-author of
    ``for`` would accept, in organisations the acting one knows by name."""
    if not PICKER_ID.fullmatch(picker):
        raise InvalidInput(Problem("picker", "use a-z, digits and '-'"))
    found = innovation.coauthor_suggestions(session, by=actor, key=entry, text=q)
    return render(
        request,
        "innovation/_people_options.html",
        {"suggestions": found, "picker": picker, "q": q.strip()},
    )


@router.post("/innovation/{key}/coauthors/remove", name="innovation_uncoauthor")
def remove_coauthor(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    email: Email = "",
    person: PersonId = None,
) -> Response:
    """Remove a co-author named by the button beside them (``person``) or by email."""
    kept = {"remove": email}
    try:
        innovation.remove_coauthor(
            session,
            by=actor,
            key=key,
            email=None if person is not None else email,
            person_id=person,
        )
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return refused(request, session, key, org, actor, exc, "remove_email", kept)
    except NotFound as exc:
        # Not a co-author is a mistake in the form; the page itself still answers 404
        # when the entry is not visible (entry_page asks the checkpoint again).
        mistake = InvalidInput(exc.problem)
        return refused(request, session, key, org, actor, mistake, "remove_email", kept)
    return back(key, org, "coauthor-removed", "#coauthors-title")


@router.post("/innovation/{key}/stage", name="innovation_stage")
def move_stage(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    stage: Choice = "",
) -> Response:
    try:
        innovation.move_stage(session, by=actor, key=key, stage=stage)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return refused(request, session, key, org, actor, exc, "stage")
    return back(key, org, "moved", "#stage-title")
