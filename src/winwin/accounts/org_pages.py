"""Organisation admin pages: profile, people, invitations (one by one or by CSV)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts import service as accounts
from winwin.accounts.access import ROLES, Actor, can_assign_role, can_manage_org, require_manage
from winwin.http.deps import IdPath, SessionDep, public_base_url
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken, WinwinError
from winwin.mail.jobs import failed_subjects, person_subject
from winwin.mail.web import mail_after_commit
from winwin.network import service as network
from winwin.network.countries import country_names
from winwin.network.models import Organization

router = APIRouter(prefix="/org")

MAX_CSV_BYTES = 1_000_000


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def field_errors(error: WinwinError | None) -> dict[str, list[Problem]]:
    """Problems grouped by the form field they name (``capabilities[2]`` → capabilities)."""
    grouped: dict[str, list[Problem]] = {}
    for problem in getattr(error, "problems", []) or []:
        field = problem.path.split("[")[0].split(".")[0]
        grouped.setdefault(field, []).append(problem)
    return grouped


def org_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    people = accounts.people_of_org(session, org.id)
    subjects = {person_subject(p.id): p.id for p in people if not p.password_hash}
    mail_failed = {subjects[s] for s in failed_subjects(session, subjects)}
    countries = country_names(request_locale(request))
    known_roles = list(accounts.PROFILE_ROLES) + sorted(
        r for r in (org.roles or []) if r not in accounts.PROFILE_ROLES
    )
    context: dict[str, Any] = {
        "nav": "org",
        "org": org,
        "people": people,
        "mail_failed": mail_failed,
        "facilitators": accounts.facilitators_of_org(session, org.id),
        "can_manage": can_manage_org(actor, org.id),
        "assignable_roles": [r for r in ROLES if can_assign_role(actor, r)],
        "known_roles": known_roles,
        "profile": extra.pop("profile", None) or _profile_values(org),
        "profile_errors": field_errors(extra.get("profile_error")),
        "flash": request.query_params.get("done"),
        "countries": countries,
        "country_set": {code for code, _ in countries},
        "country_name": lambda code: dict(countries).get(code, code),
    }
    context.update(extra)
    return render(request, "org/page.html", context, status_code=status_code)


def _profile_values(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "industry": org.industry or "",
        "country": org.country or "",
        "cluster": org.cluster or "",
        "business_id": org.business_id or "",
        "roles": list(org.roles or []),
        "capabilities": "\n".join(org.capabilities or []),
        "needs": "\n".join(org.needs or []),
        "values": "\n".join(org.values or []),
    }


def deliver_invitations(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    actor: Actor,
    invited: list[accounts.Invited],
) -> None:
    for person in invited:
        mail_after_commit(
            request,
            background,
            session,
            kind="invitation",
            to=person.email,
            link=person.link,
            started_by=actor.user_id,
            subject=person_subject(person.user_id),
            page=invited_person_page(session, person.user_id),
        )


def invited_person_page(session: Session, user_id: int) -> str | None:
    """Where an invited person's row is: their organisation's page."""
    person = accounts.get_person(session, user_id)
    if person is None or person.org_id is None:
        return None
    org = accounts.get_org(session, person.org_id)
    return f"/org?org={org.key}#person-{user_id}" if org is not None else None


def _back(org: Organization, done: str) -> RedirectResponse:
    return RedirectResponse(f"/org?org={org.key}&done={done}", status_code=303)


def _done_or_shown(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    change: Callable[[], object],
    *,
    done: str,
    error: str,
) -> Response:
    """Make a change to the organisation's people and return to its page saying so; a
    refused change is rolled back and shown on the page (as ``error``), answered 422."""
    try:
        change()
    except InvalidInput as exc:
        session.rollback()
        return org_page(request, session, actor, org, status_code=422, **{error: exc})
    return _back(org, done)


@router.get("", name="org")
def org_view(request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg) -> Response:
    return org_page(request, session, actor, org)


@router.post("/profile", name="org_profile")
def update_profile(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    name: Annotated[str, Form(max_length=1000)],
    industry: Annotated[str, Form(max_length=1000)] = "",
    country: Annotated[str, Form(max_length=100)] = "",
    cluster: Annotated[str, Form(max_length=1000)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    capabilities: Annotated[str, Form(max_length=100_000)] = "",
    needs: Annotated[str, Form(max_length=100_000)] = "",
    values: Annotated[str, Form(max_length=100_000)] = "",
    business_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    submitted = {
        "business_id": business_id,
        "name": name,
        "industry": industry,
        "country": country.strip().upper(),
        "cluster": cluster,
        "roles": roles or [],
        "capabilities": capabilities,
        "needs": needs,
        "values": values,
    }
    change = accounts.ProfileChange(
        name=name,
        industry=industry,
        country=country.strip().upper(),
        cluster=cluster,
        roles=roles or [],
        capabilities=_lines(capabilities),
        needs=_lines(needs),
        values=_lines(values),
        business_id=business_id,
    )
    try:
        accounts.update_profile(session, actor, org_id=org.id, change=change)
    except InvalidInput as exc:
        session.rollback()
        status = 400 if isinstance(exc, RuleBroken) else 422
        return org_page(
            request, session, actor, org, status_code=status, profile=submitted, profile_error=exc
        )
    return _back(org, "profile")


@router.post("/add", name="org_add")
def add_organization(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    key: Annotated[str, Form(max_length=100)],
    name: Annotated[str, Form(max_length=1000)],
    country: Annotated[str, Form(max_length=100)] = "",
    cluster: Annotated[str, Form(max_length=1000)] = "",
    business_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """A platform admin adds an organisation, then lands on its page."""
    submitted = {
        "key": key,
        "name": name,
        "country": country,
        "cluster": cluster,
        "business_id": business_id,
    }
    try:
        added = network.add_organization(
            session,
            actor,
            key=key.strip(),
            name=name,
            country=country,
            cluster=cluster,
            business_id=business_id,
        )
    except InvalidInput as exc:
        session.rollback()
        return org_page(
            request,
            session,
            actor,
            org,
            status_code=400 if isinstance(exc, RuleBroken) else 422,
            add_error=exc,
            add_errors=field_errors(exc),
            add=submitted,
        )
    return RedirectResponse(f"/org?org={added.key}&done=added", status_code=303)


@router.post("/people", name="org_invite")
def invite(
    request: Request,
    background: BackgroundTasks,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    email: Annotated[str, Form(max_length=1000)],
    name: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(max_length=50)] = "member",
) -> Response:
    invitation = accounts.Invitation(email=email, name=name, role=role)
    try:
        invited = accounts.invite_people(
            session,
            actor,
            org_id=org.id,
            invitations=[invitation],
            base_url=public_base_url(request),
            paths=[""],
        )
    except InvalidInput as exc:
        session.rollback()
        return org_page(
            request,
            session,
            actor,
            org,
            status_code=422,
            invite_error=exc,
            invite_errors=field_errors(exc),
            invite={"email": email, "name": name, "role": role},
        )
    deliver_invitations(request, background, session, actor, invited)
    return _back(org, "invited")


@router.post("/people/import", name="org_import")
def invite_csv(
    request: Request,
    background: BackgroundTasks,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    file: Annotated[UploadFile, File()],
) -> Response:
    require_manage(actor, org.id)
    data = file.file.read(MAX_CSV_BYTES + 1)
    try:
        if len(data) > MAX_CSV_BYTES:
            raise InvalidInput(refusals.FILE_TOO_LARGE("file"))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(refusals.FILE_NOT_UTF8("file")) from exc
        invited = accounts.invite_people_csv(
            session, actor, org_id=org.id, text=text, base_url=public_base_url(request)
        )
    except InvalidInput as exc:
        session.rollback()
        return org_page(request, session, actor, org, status_code=422, csv_error=exc)
    deliver_invitations(request, background, session, actor, invited)
    return RedirectResponse(
        f"/org?org={org.key}&done=imported&count={len(invited)}", status_code=303
    )


@router.post("/people/{person_id}/role", name="org_role")
def change_role(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    person_id: IdPath,
    role: Annotated[str, Form(max_length=50)],
) -> Response:
    return _done_or_shown(
        request,
        session,
        actor,
        org,
        lambda: accounts.change_role(session, actor, org_id=org.id, user_id=person_id, role=role),
        done="role",
        error="people_error",
    )


@router.post("/people/{person_id}/remove", name="org_remove")
def remove(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, person_id: IdPath
) -> Response:
    return _done_or_shown(
        request,
        session,
        actor,
        org,
        lambda: accounts.remove_person(session, actor, org_id=org.id, user_id=person_id),
        done="removed",
        error="people_error",
    )


@router.post("/facilitators", name="org_grant")
def grant(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    email: Annotated[str, Form(max_length=1000)],
) -> Response:
    return _done_or_shown(
        request,
        session,
        actor,
        org,
        lambda: accounts.grant_facilitator(session, actor, org_id=org.id, email=email),
        done="granted",
        error="grant_error",
    )


@router.post("/facilitators/{person_id}/revoke", name="org_revoke")
def revoke(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, person_id: IdPath
) -> Response:
    accounts.revoke_facilitator(session, actor, org_id=org.id, user_id=person_id)
    return _back(org, "revoked")
