"""REST routes of open innovation for taking part in an entry: comments, votes, co-authors.

Comments and votes belong to the signed-in person, acting for ``?org=KEY`` or their own
organisation; an outsider comments on and votes for public entries only. An entry the
caller may not see answers 404 here as when reading it (``innovation.api``, whose
answers these routes share).
"""

from __future__ import annotations

from fastapi import APIRouter

from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.innovation import service as inn
from winwin.innovation.api import (
    CoauthorCreate,
    CommentCreate,
    CommentRead,
    EmailPath,
    KeyPath,
    PersonRead,
    VoteRead,
    participant,
)
from winwin.sharing.api import OrgQuery

router = APIRouter(tags=["innovation"])


@router.post(
    "/innovation/{key}/comments",
    response_model=CommentRead,
    status_code=201,
    summary="Comment on an entry (Markdown)",
)
def add_comment(
    key: KeyPath,
    body: CommentCreate,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> CommentRead:
    made = inn.add_comment(session, by=participant(session, actor, org), key=key, body=body.body)
    return CommentRead.model_validate(made, from_attributes=True)


@router.delete(
    "/innovation/{key}/comments/{comment_id}",
    status_code=204,
    summary="Remove a comment (its author, or the owner organisation)",
)
def delete_comment(
    key: KeyPath,
    comment_id: IdPath,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> None:
    inn.delete_comment(session, by=participant(session, actor, org), key=key, comment_id=comment_id)


@router.put("/innovation/{key}/vote", response_model=VoteRead, summary="Vote for an entry")
def vote(key: KeyPath, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> VoteRead:
    votes = inn.set_vote(session, by=participant(session, actor, org), key=key, vote=True)
    return VoteRead(votes=votes, voted=True)


@router.delete("/innovation/{key}/vote", response_model=VoteRead, summary="Take my vote back")
def unvote(key: KeyPath, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> VoteRead:
    votes = inn.set_vote(session, by=participant(session, actor, org), key=key, vote=False)
    return VoteRead(votes=votes, voted=False)


@router.post(
    "/innovation/{key}/coauthors",
    response_model=list[PersonRead],
    status_code=201,
    summary="Name a co-author (their organisation must be able to see the entry)",
)
def add_coauthor(
    key: KeyPath,
    body: CoauthorCreate,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> list[PersonRead]:
    people = inn.add_coauthor(
        session, by=participant(session, actor, org), key=key, email=body.email
    )
    return [PersonRead(name=p.name, org=p.org) for p in people]


@router.delete(
    "/innovation/{key}/coauthors/{email}",
    response_model=list[PersonRead],
    summary="Take a co-author off (the owner organisation, or the co-author)",
)
def remove_coauthor(
    key: KeyPath,
    email: EmailPath,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> list[PersonRead]:
    people = inn.remove_coauthor(session, by=participant(session, actor, org), key=key, email=email)
    return [PersonRead(name=p.name, org=p.org) for p in people]
