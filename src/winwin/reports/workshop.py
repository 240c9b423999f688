"""The workshop report: which relationships it holds (one, or every relationship of a
client the actor may see), through the relationship page's access check, in which round,
and the report as a job (kind ``reports.workshop``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_access_org
from winwin.assessments import scoring
from winwin.assessments.service import can_see_relationship, reader_for
from winwin.http.i18n import translate
from winwin.kernel.errors import InvalidInput, NotFound, Problem
from winwin.network.repository import NetworkRepository
from winwin.reports.typeset import render_pdf
from winwin.reports.words import N_, Words, check_locale
from winwin.reports.workshop_section import relationship_section


def _visible_detail(
    session: Session, actor: Actor, between: Sequence[str]
) -> scoring.RelationshipDetail:
    if len(between) != 2 or any(not isinstance(k, str) or "\x00" in k for k in between):
        raise InvalidInput(Problem("relationship", "name two organisations as A:B"))
    a, b = between
    net = NetworkRepository(session)
    orgs = [net.get_by_key(a), net.get_by_key(b)]
    if any(o is None for o in orgs) or not can_see_relationship(
        actor, [o.id for o in orgs if o is not None]
    ):
        raise NotFound(f"no assessment round between '{a}' and '{b}'")
    return scoring.relationship_detail(session, between=(a, b), reader=reader_for(actor))


def _shown(detail: scoring.RelationshipDetail, round: str | None) -> scoring.RelationshipScore:
    if round is not None:
        for score in detail.history:
            if score.round == round:
                return score
        first, second = detail.between
        raise NotFound(f"no round '{round}' between '{first}' and '{second}'")
    shown = detail.latest_scored or detail.latest
    assert shown is not None  # relationship_detail refuses a pair without rounds
    return shown


def _document(
    session: Session,
    actor: Actor,
    shown: Sequence[tuple[scoring.RelationshipDetail, scoring.RelationshipScore]],
    *,
    title: str,
    locale: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    w = Words(locale)
    sections, svgs = [], {}
    for n, (detail, score) in enumerate(shown):
        section, charts = relationship_section(session, actor, detail, score, w, n)
        sections.append(section)
        svgs.update(charts)
    made = format_date(date.today(), format="long", locale=locale)
    data = {
        "lang": locale,
        "title": title,
        "footer": " · ".join(["Winwin", w(N_("Workshop report")), made]),
        "relationships": sections,
    }
    return data, svgs


def workshop_data(
    session: Session,
    *,
    actor: Actor,
    between: Sequence[str],
    round: str | None = None,
    locale: str = "fi",
) -> tuple[dict[str, Any], dict[str, str]]:
    """The report's worded data and its charts (file name → SVG), before typesetting."""
    locale = check_locale(locale)
    detail = _visible_detail(session, actor, between)
    shown = _shown(detail, round)
    first, second = detail.between
    title = translate(
        locale,
        N_("Workshop report: %(first)s – %(second)s, round %(round)s"),
        first=detail.names[first],
        second=detail.names[second],
        round=shown.round,
    )
    return _document(session, actor, [(detail, shown)], title=title, locale=locale)


def workshop_pdf(
    session: Session,
    *,
    actor: Actor,
    between: Sequence[str],
    round: str | None = None,
    locale: str = "fi",
) -> bytes:
    """The workshop report of one relationship in one round (the latest scored one when
    ``round`` is ``None``) as a PDF."""
    data, svgs = workshop_data(session, actor=actor, between=between, round=round, locale=locale)
    return render_pdf("workshop.typ", data, svgs)


def client_data(
    session: Session,
    *,
    actor: Actor,
    client: str,
    round: str | None = None,
    locale: str = "fi",
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every relationship of one organisation that the actor may see, in one document:
    in ``round`` when given (the relationships assessed in it), else each in its latest
    scored round."""
    locale = check_locale(locale)
    net = NetworkRepository(session)
    org = net.get_by_key(client) if isinstance(client, str) and "\x00" not in client else None
    if org is None or not can_access_org(actor, org.id):
        raise NotFound(f"unknown organisation '{client}'")
    pairs = sorted(
        {
            s.between
            for s in scoring.scores_of_orgs(session, org_ids=[org.id], reader=reader_for(actor))
            if org.key in s.between and (round is None or s.round == round)
        }
    )
    shown = []
    for pair in pairs:
        try:
            detail = _visible_detail(session, actor, pair)
        except NotFound:
            continue
        shown.append((detail, _shown(detail, round)))
    if not shown:
        where = f" in round '{round}'" if round is not None else ""
        raise NotFound(f"no assessed relationship of '{client}'{where}")
    title = translate(locale, N_("Workshop report: the relationships of %(org)s"), org=org.name)
    return _document(session, actor, shown, title=title, locale=locale)


def client_pdf(
    session: Session,
    *,
    actor: Actor,
    client: str,
    round: str | None = None,
    locale: str = "fi",
) -> bytes:
    """One PDF with the workshop report of each of a client's relationships."""
    data, svgs = client_data(session, actor=actor, client=client, round=round, locale=locale)
    return render_pdf("workshop.typ", data, svgs)


REPORT_JOB = "reports.workshop"


def report_file_name(arguments: dict[str, Any]) -> str:
    """The PDF's file name: winwin-A-B-ROUND-LANG.pdf or winwin-ORG-ROUND-LANG.pdf."""
    who = "-".join(arguments["between"]) if arguments.get("between") else arguments["client"]
    name = f"winwin-{who}-{arguments.get('round') or 'latest'}-{arguments['locale']}.pdf"
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)


def start_report(
    session: Session,
    *,
    actor: Actor,
    between: Sequence[str] | None = None,
    client: str | None = None,
    round: str | None = None,
    locale: str = "fi",
) -> int:
    """Queue the workshop report of a relationship (``between``) or of every relationship
    of a ``client``; refused at once, with nothing stored, when the report could not be
    made for this actor. Returns the job's id (the caller commits, then submits it)."""
    from winwin.jobs import service as jobs

    locale = check_locale(locale)
    arguments: dict[str, Any] = {"round": round, "locale": locale}
    if between is not None:
        _shown(_visible_detail(session, actor, between), round)
        arguments["between"] = list(between)
    else:
        assert client is not None
        client_data(session, actor=actor, client=client, round=round, locale=locale)
        arguments["client"] = client
    job = jobs.start_job(
        session,
        kind=REPORT_JOB,
        arguments=arguments,
        started_by=actor.user_id,
    )
    return job.id
