"""The composer: the audience fields of every form that publishes, and their htmx helpers.

What the sharing pages' forms share (and innovation's entry forms reuse): reading a form
whose pickers repeat a field, the draft it asks for, the audience fields' choices, the
names of the organisations a page mentions, and a refusal in the page's language; with
the composer's live reach sentence (``/feed/reach``) and the organisation pickers'
suggestions (``/pick/orgs``). Mounted by ``sharing.pages``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from winwin.accounts.access import require_acting
from winwin.http import i18n
from winwin.http.deps import SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import InvalidInput, Problem, WinwinError
from winwin.kernel.identity import Viewer
from winwin.network.countries import country_names
from winwin.network.ties import org_names
from winwin.sharing import directory, picking, wording
from winwin.sharing import service as sharing
from winwin.sharing.picking import KnownOrgs
from winwin.sharing.service import ItemDraft

router = APIRouter()

LEVEL_LABELS = {
    "secret": "Only us (secret)",
    "direct": "Named partners",
    "partners": "All our direct partners",
    "circle": "A circle",
    "network": "The whole network",
    "public": "Public (open innovation)",
}


def lines(text: str) -> list[str]:
    """The values of a text field, one a line or separated by commas."""
    return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]


def _values(text: str) -> list[str]:
    """The values of a field that may repeat (``form_fields`` joins them by lines)."""
    return [p.strip() for p in text.splitlines() if p.strip()]


# Fields that a form may send several times (pickers' tick boxes).
MULTI = ("orgs", "exclude_org", "exclude_country", "exclude_cluster")


def form_fields(form: FormData) -> dict[str, str]:
    """The form's fields; those in ``MULTI`` may repeat and are joined by lines."""
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    for name in MULTI:
        values = [v for v in form.getlist(name) if isinstance(v, str)]
        if len(values) > 1:
            fields[name] = "\n".join(values)
    return fields


def exclusions_of_form(form: dict[str, str], known: KnownOrgs) -> list[str]:
    """The exclusions a composer's tick boxes and pickers ask for, in the stored text
    form (``competitors``, ``org:KEY``, ``country:CC``, ``cluster:NAME``); the text field
    ``exclude`` of scripts and older links is read too."""
    found: list[str] = []
    if form.get("exclude_competitors"):
        found.append("competitors")
    found += [f"org:{known.resolve(v)}" for v in lines(form.get("exclude_org", ""))]
    found += [f"country:{c.upper()}" for c in lines(form.get("exclude_country", ""))]
    found += [f"cluster:{c}" for c in _values(form.get("exclude_cluster", ""))]
    found += lines(form.get("exclude", ""))
    return list(dict.fromkeys(found))


def draft_of_form(
    form: dict[str, str], known: KnownOrgs, reshare_of: str | None = None
) -> ItemDraft:
    """The item a composer's form asks to publish (or to reshare ``reshare_of`` as)."""
    level = form.get("level", "partners")
    topics: list[str] | None = lines(form.get("topics", ""))
    if not topics and reshare_of is not None:
        topics = None  # a reshare without topics takes the original's
    return ItemDraft(
        title=form.get("title") or None,
        body=form.get("body", ""),
        topics=topics,
        level=level,
        orgs=(
            [known.resolve(v, "partners") for v in lines(form.get("orgs", ""))]
            if level == "direct"
            else ()
        ),
        circle=(form.get("circle") or None) if level == "circle" else None,
        exclude=exclusions_of_form(form, known),
        reshare_of=reshare_of,
    )


def composer_context(
    request: Request,
    session: Session,
    viewer: Viewer,
    form: dict[str, str] | None = None,
    known: KnownOrgs | None = None,
) -> dict[str, Any]:
    """What the audience fields need: the levels, circles, and the pickers' choices
    (only organisations the viewer may see, by name)."""
    circles = [c for c in sharing.circles_of(session, org=viewer) if c["status"] == "member"]
    known = known or picking.known_orgs(session, viewer=viewer)
    form = form or {}
    clusters = set(known.clusters.values()) | set(_values(form.get("exclude_cluster", "")))
    if viewer.cluster:
        clusters.add(viewer.cluster)
    declared = known.acquaintances.declared_competitors
    pick = {
        "org_key": viewer.key,
        "partners": known.choices("partners"),
        "visible": known.choices("visible"),
        "countries": country_names(request_locale(request)),
        "clusters": sorted(clusters, key=str.casefold),
        "competitors": wording.Names(known.names).all(declared),
        "chosen": {field: lines(form.get(field, "")) for field in MULTI}
        | {"exclude_cluster": _values(form.get("exclude_cluster", ""))},
        "competitors_ticked": bool(form.get("exclude_competitors"))
        or "competitors" in lines(form.get("exclude", "")),
    }
    return {"levels": LEVEL_LABELS, "my_circles": circles, "pick": pick, "words": wording}


def picker_context(session: Session, viewer: Viewer) -> dict[str, Any]:
    """The organisation pickers' choices alone (pages without the audience fields)."""
    known = picking.known_orgs(session, viewer=viewer)
    return {
        "pick": {
            "org_key": viewer.key,
            "partners": known.choices("partners"),
            "visible": known.choices("visible"),
        },
        "known": known,
    }


def names_for(session: Session, keys: set[str], known: KnownOrgs | None = None) -> wording.Names:
    """Names for these keys (the viewer's acquaintances are known already)."""
    names = dict(known.names) if known else {}
    missing = sorted(k for k in keys if k not in names)
    if missing:
        names.update(org_names(session, missing))
    return wording.Names(names)


def refusal_keys(error: object) -> set[str]:
    """The organisation keys a refusal's problems name (to show them by name)."""
    keys: set[str] = set()
    for problem in getattr(error, "problems", []) if error is not None else []:
        keys |= wording.problem_keys(problem)
    return keys


def said(request: Request, exc: WinwinError) -> list[str]:
    """The refusal's messages in the page's language."""
    problems = exc.problems if isinstance(exc, InvalidInput) else [exc.problem]
    locale = request_locale(request)
    return [i18n.say(p, locale) for p in problems]


def refused_status(exc: WinwinError) -> int:
    """The status of a page that shows a refused form again: 400 for bad input, else 409."""
    return 400 if isinstance(exc, InvalidInput) else 409


def _kept_out(draft: ItemDraft, known: KnownOrgs, preview: sharing.ReachPreview) -> list[str]:
    """The owner's declared competitors that the draft keeps out by name."""
    guarded = preview.exposure.topic is not None
    if "competitors" in draft.exclude or guarded:
        return sorted(known.acquaintances.declared_competitors)
    return []


@router.post("/feed/reach", name="feed_reach")
def feed_reach(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, posted: PostedForm
) -> Response:
    """The composer's live sentence (htmx): who would see the draft, refusals, warnings."""
    form = form_fields(posted)
    viewer = require_acting(actor)
    known = picking.known_orgs(session, viewer=viewer)
    reshare_of = form.get("reshare_of") or None
    context: dict[str, Any] = {"words": wording}
    try:
        if reshare_of is not None:
            draft = draft_of_form(form, known, reshare_of=reshare_of)
        else:
            draft = draft_of_form({**form, "title": form.get("title") or "draft"}, known)
        preview = sharing.preview_reach(session, owner=viewer, draft=draft)
        context |= {
            "preview": preview,
            "level": draft.level,
            "kept_out": _kept_out(draft, known, preview),
            "problems": preview.problems,
            "names": names_for(session, wording.keys_of(preview), known),
        }
    except WinwinError as exc:
        context |= {
            "preview": None,
            "problems": getattr(exc, "problems", []),
            "names": names_for(session, refusal_keys(exc), known),
        }
    return render(request, "sharing/_reach.html", context)


PICKER_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


@router.get("/pick/orgs", name="pick_orgs")
def pick_orgs(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    q: Annotated[str, Query(max_length=200)] = "",
    scope: Annotated[str, Query(max_length=20)] = "visible",
    picker: Annotated[str, Query(max_length=41)] = "picker",
) -> Response:
    """Suggestions of an organisation picker (htmx): only organisations the acting
    organisation may see (``sharing.directory``), by name."""
    try:
        chosen = directory.parse_scope(scope)
    except ValueError as exc:
        raise InvalidInput(Problem("scope", str(exc))) from None
    if not PICKER_ID.fullmatch(picker):
        raise InvalidInput(Problem("picker", "use a-z, digits and '-'"))
    known = picking.known_orgs(session, viewer=require_acting(actor))
    return render(
        request,
        "_org_options.html",
        {"suggestions": known.suggest(q, chosen), "picker": picker, "q": q.strip()},
    )
