"""The workshop report: one relationship in one round, on paper, in Finnish or English.

``workshop_pdf`` makes the report of one relationship; ``client_pdf`` one PDF holding
the report of every relationship of a client organisation (a facilitator's workshop
pack). Both read the scores through ``winwin.assessments.scoring`` and the plan through
``winwin.actions.service``; nothing here writes.

**Access** is the relationship page's: whoever may see the relationship
(``can_see_relationship``: either side's people, facilitators granted either side,
platform admins) gets the report; anyone else is told it does not exist (``NotFound``).
A client's pack needs access to the client, and holds only relationships the actor may
see. The command line acts as ``accounts.access.operator()``.

**Contents, per relationship**: R and each side's S with their 95 % intervals and the
low-n wording; the lever of each side and the relationship's biggest step in words;
both sides' factors with their intervals beside the radar; the perception gaps;
Cronbach's alpha per side and factor; the trend across rounds with R's interval as a
band; the open actions of the joint plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_access_org
from winwin.actions import service as actions
from winwin.actions.follow_up import FactorIntervals, factor_intervals
from winwin.assessments import levers, scoring
from winwin.assessments.measures import load_answers
from winwin.assessments.score import FACTORS
from winwin.assessments.service import can_see_relationship, reader_for
from winwin.http.i18n import LOCALES, translate
from winwin.initiatives import naming
from winwin.initiatives import service as initiatives
from winwin.kernel.errors import InvalidInput, NotFound, Problem
from winwin.network.repository import NetworkRepository
from winwin.reports.charts import Series, radar_svg, trend_svg
from winwin.reports.typeset import render_pdf


def N_(msgid: str) -> str:
    """Marks a message for translation; it is translated into the report's language."""
    return msgid


FACTOR_LABELS = {
    "accessibility": N_("Accessibility"),
    "energy": N_("Energy"),
    "impact": N_("Impact"),
    "attraction": N_("Attraction"),
}
STATUS_LABELS = {
    "planned": N_("planned"),
    "doing": N_("doing"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}
DASH = "–"


class _Words:
    """Translation and number formats of one language."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, msgid: str, **values: Any) -> str:
        # Always formatted, so that "%%" becomes "%" in messages without placeholders too.
        return translate(self.locale, msgid) % values

    def number(self, value: float | None, pattern: str = "0.0") -> str:
        return DASH if value is None else format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None) -> str:
        return DASH if value is None else f"{self.number(value * 100, '0')} %"

    def interval(self, ci: tuple[float, float] | None, *, scale: float = 1.0) -> str:
        if ci is None:
            return DASH
        pattern = "0" if scale != 1.0 else "0.0"
        low, high = self.number(ci[0] * scale, pattern), self.number(ci[1] * scale, pattern)
        return f"{low}–{high}"

    def low_n(self, count: int) -> str | None:
        if 1 <= count <= 2:
            return self(N_("indicative only"))
        if 3 <= count <= 5:
            return self(N_("few respondents"))
        return None


def check_locale(locale: object) -> str:
    if locale not in LOCALES:
        raise InvalidInput(Problem("lang", f"must be one of {', '.join(LOCALES)}"))
    return str(locale)


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


def _factor_intervals(
    session: Session, shown: scoring.RelationshipScore
) -> dict[str, FactorIntervals]:
    """The 95 % interval of each side's factor values (the same bootstrap as ``S``)."""
    found = load_answers(session, [shown.assessment_id]).get(shown.assessment_id, {})
    out: dict[str, FactorIntervals] = {}
    for slot, (name, key) in enumerate(zip(("a", "b"), shown.stored_order, strict=True)):
        side = found.get(name)
        # A withheld side's answers stay out of the report (winwin.assessments.anonymity).
        if side is not None and side.respondents and key not in shown.withheld:
            out[key] = factor_intervals(side.points(), slot=slot)
    return out


def _section(
    session: Session,
    actor: Actor,
    detail: scoring.RelationshipDetail,
    shown: scoring.RelationshipScore,
    w: _Words,
    number: int,
) -> tuple[dict[str, Any], dict[str, str]]:
    first, second = detail.between
    names = detail.names
    sides = [shown.sides[k] for k in detail.between]

    score_rows = [["R", w.number(shown.score), w.interval(shown.ci), DASH]]
    notes = []
    for key, side in zip(detail.between, sides, strict=True):
        count = shown.respondents.get(key, 0)
        score_rows.append(
            [
                f"S · {names[key]}",
                w.number(side.score if side else None),
                w.interval(shown.intervals.get(key)),
                str(count),
            ]
        )
        if key in shown.withheld:
            withheld = w(N_("Too few respondents to show without identifying them."))
            notes.append(f"{names[key]}: {withheld}")
        elif side is None:
            silent = w(N_("Has not answered in this round."))
            notes.append(f"{names[key]}: {silent}")
        elif (low := w.low_n(count)) is not None:
            notes.append(f"{names[key]}: {low}")
    notes.append(
        w(
            N_(
                "R is the geometric mean of the two sides' scores: a side that does not win "
                "pulls it to zero."
            )
        )
    )
    notes.append(
        w(
            N_(
                "The 95 %% interval shows how sure the number is: with other respondents of the "
                "same kind it would most likely fall inside. No interval is shown below three "
                "respondents on a side."
            )
        )
    )

    # The same two labelled numbers, in the same words, as the relationship page.
    lever_lines = []
    for key in detail.between:
        lever = shown.lever_of(key)
        if lever is not None:
            sentence = _lever_sentence(w, lever, names)
            lever_lines.append(f"{names[key]} – {w(N_('Lever'))}: {sentence}.")
    main = shown.main_lever()
    if main is not None and main.r_gain is not None:
        lever_lines.append(f"{w(N_('Biggest step'))}: {_lever_sentence(w, main, names)}.")
    if not lever_lines:
        lever_lines.append(w(N_("No side has answered in this round.")))

    intervals = _factor_intervals(session, shown)
    factor_rows = []
    for f in FACTORS:
        row = [w(FACTOR_LABELS[f])]
        for key, side in zip(detail.between, sides, strict=True):
            value = side.value(f) if side else None
            ci = intervals.get(key, {}).get(f)
            row.append(
                w.percent(value) + (f" ({w.interval(ci, scale=100)})" if ci is not None else "")
            )
        factor_rows.append(row)

    gap_rows = []
    widest: tuple[float, str] | None = None
    for f in FACTORS:
        gap = shown.gap(f)
        values = [side.value(f) if side else None for side in sides]
        points_word = w(N_("points"))
        gap_text = DASH if gap is None else f"{gap * 100:+.0f} {points_word}"
        if gap is not None and gap < 0:
            gap_text = gap_text.replace("-", "−")
        gap_rows.append([w(FACTOR_LABELS[f]), *(w.percent(v) for v in values), gap_text])
        if gap is not None and (widest is None or abs(gap) > abs(widest[0])):
            widest = (gap, f)
    gap_note = w(N_("The gap is the first side's value minus the second's, in percentage points."))
    if widest is not None and round(abs(widest[0]) * 100) >= 1:
        gap, widest_factor = widest
        higher, lower = (first, second) if gap > 0 else (second, first)
        gap_note += " " + w(
            N_(
                "The widest gap is in %(factor)s: %(higher)s sees it %(points)s points "
                "higher than %(lower)s."
            ),
            factor=w(FACTOR_LABELS[widest_factor]).lower(),
            higher=names[higher],
            lower=names[lower],
            points=f"{abs(gap) * 100:.0f}",
        )

    alpha_rows = [
        [
            w(FACTOR_LABELS[f]),
            *(w.number((shown.alpha.get(k) or {}).get(f), "0.00") for k in detail.between),
        ]
        for f in FACTORS
    ]

    history = detail.history
    trend_rows = [
        [
            h.round,
            w.number(h.score) + (f" ({w.interval(h.ci)})" if h.ci is not None else ""),
            *(w.number(s.score if (s := h.sides[k]) else None) for k in detail.between),
        ]
        for h in history
    ]

    plan = [a for a in actions.list_actions(session, actor=actor, between=detail.between) if a.open]
    plan_rows = [
        [
            a.title,
            w(FACTOR_LABELS[a.factor]),
            w(STATUS_LABELS[a.status]),
            a.due.isoformat() if a.due else DASH,
            ", ".join(f"{o.name} ({names.get(o.side, o.side)})" for o in a.owners.values() if o)
            or DASH,
        ]
        for a in plan
    ]

    radar_name, trend_name = f"radar-{number}.svg", f"trend-{number}.svg"
    svgs = {
        radar_name: radar_svg(
            [w(FACTOR_LABELS[f]) for f in FACTORS],
            [
                Series(names[k], [s.value(f) if s else None for f in FACTORS])
                for k, s in zip(detail.between, sides, strict=True)
                if s is not None
            ],
        ),
        trend_name: trend_svg(
            [h.round for h in history],
            [
                *(
                    Series(
                        f"S {names[k]}", [s.score if (s := h.sides[k]) else None for h in history]
                    )
                    for k in detail.between
                ),
                Series("R", [h.score for h in history]),
            ],
            band=[h.ci for h in history],
        ),
    }
    section = {
        "between": list(detail.between),
        "round": shown.round,
        "title": f"{names[first]} – {names[second]}",
        "subtitle": " · ".join(
            [
                w(N_("Workshop report")),
                w(N_("Round %(round)s"), round=shown.round),
                shown.instrument,
            ]
        ),
        "scores": {
            "heading": w(N_("Scores")),
            "header": ["", w(N_("Score")), w(N_("95 %% interval")), w(N_("Respondents"))],
            "rows": score_rows,
            "notes": notes,
        },
        "lever": {"heading": w(N_("The lever and its gain")), "lines": lever_lines},
        "factors": {
            "heading": w(N_("The four factors")),
            "header": [w(N_("Factor")), names[first], names[second]],
            "rows": factor_rows,
            "note": w(
                N_(
                    "Each factor from 0 to 100 %%, with its 95 %% interval in brackets where a "
                    "side has at least three respondents."
                )
            ),
            "radar_alt": w(
                N_("Radar chart of the four factors; the same values are in the table.")
            ),
        },
        "radar": radar_name,
        "gaps": {
            "heading": w(N_("Perception gaps")),
            "header": [w(N_("Factor")), names[first], names[second], w(N_("Gap"))],
            "rows": gap_rows,
            "note": gap_note,
        },
        "alpha": {
            "heading": w(N_("How far to trust these numbers")),
            "header": [w(N_("Factor")), names[first], names[second]],
            "rows": alpha_rows,
            "note": w(
                N_(
                    "Cronbach's alpha: do a factor's statements hang together? About 0.7 or "
                    "more is good; below 0.5 the statements measure different things."
                )
            )
            + " "
            + w(
                N_(
                    "No alpha is shown with fewer than three respondents who answered every "
                    "statement of the factor, or with a single statement."
                )
            ),
        },
        "trend": {
            "heading": w(N_("Trend across rounds")),
            "chart": trend_name,
            "alt": w(N_("Line chart of S and R across rounds; the same values are in the table.")),
            "header": [w(N_("Round")), "R", f"S {names[first]}", f"S {names[second]}"],
            "rows": trend_rows,
        },
        "plan": {
            "heading": w(N_("Open actions of the joint plan")),
            "header": [
                w(N_("Action")),
                w(N_("Factor")),
                w(N_("Status")),
                w(N_("Due")),
                w(N_("Owners")),
            ],
            "rows": plan_rows,
            "empty": w(N_("No open actions.")),
        },
    }
    return section, svgs


def _document(
    session: Session,
    actor: Actor,
    shown: Sequence[tuple[scoring.RelationshipDetail, scoring.RelationshipScore]],
    *,
    title: str,
    locale: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    w = _Words(locale)
    sections, svgs = [], {}
    for n, (detail, score) in enumerate(shown):
        section, charts = _section(session, actor, detail, score, w, n)
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


def _lever_sentence(w: _Words, lever: scoring.Lever, names: dict[str, str]) -> str:
    r_gain = None if lever.r_gain is None else w.number(lever.r_gain, "0.0")
    return w(
        levers.lever_msgid(lever),
        org=names.get(lever.side, lever.side),
        s=w.number(lever.s_gain, "0.0"),
        r=r_gain,
    )


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


# the frozen agreement of a joint initiative --------------------------------------------
METHOD_EXPLANATIONS = {
    "shapley": N_(
        "Shapley value: each party gets its average added value over every order in which "
        "the parties could have joined."
    ),
    "nucleolus": N_(
        "Nucleolus: the split that leaves the most dissatisfied group of parties as little "
        "dissatisfied as possible."
    ),
    "proportional": N_("Proportional: each party gets a share in proportion to what it put in."),
    "airport": N_(
        "Airport rule: the infrastructure is built as large as the most demanding party "
        "needs, and its cost is cut into layers. Every party needs the first layer, so all "
        "split it equally; each further layer is split equally among the parties that need "
        "it. No party pays for a layer only others need, nor more than it would pay alone."
    ),
}
#: Whether the allocation is in the core, for a value game and for a cost game (the
#: airport rule shares a cost: there the core means no group would pay less on its own).
CORE_TEXTS = {
    True: N_("The allocation is in the core: no group of parties would get more on its own."),
    False: N_(
        "The allocation is not in the core: some group of parties would get more on its own."
    ),
    None: N_("This game has no core to check the allocation against."),
}
COST_CORE_TEXTS = {
    True: N_(
        "The cost shares are in the core: no group of parties would pay less by building "
        "on its own."
    ),
    False: N_(
        "The cost shares are not in the core: some group of parties would pay less by "
        "building on its own."
    ),
    None: N_("This game has no core to check the cost shares against."),
}


def agreement_data(
    session: Session, *, actor: Actor, initiative_id: int, locale: str = "fi"
) -> dict[str, Any]:
    """The frozen agreement of an initiative, worded for print (read through the
    initiative's one checkpoint)."""
    locale = check_locale(locale)
    found = initiatives.read(session, initiative_id, actor=actor)
    if found.agreement is None:
        raise NotFound(f"initiative {initiative_id} has no agreement yet")
    w = _Words(locale)
    doc = found.agreement
    net = NetworkRepository(session)
    names = {k: o.name for k in doc["parties"] if (o := net.get_by_key(k)) is not None}
    shares = doc.get("shares") or {}
    contributions = doc.get("contributions") or {}
    rows = []
    for key in doc["parties"]:
        given = contributions.get(key) or []
        put_in = ", ".join(f"{w.number(c['amount'], '#,##0.00')} {c['currency']}" for c in given)
        name = (
            w(N_("Another organisation (%(n)s)"), n=key.removeprefix(naming.MASK))
            if naming.is_masked(key)
            else names.get(key, key)
        )
        rows.append([name, put_in or DASH, w.number(shares.get(key), "#,##0.00")])
    method = doc.get("method")
    cost = method == "airport"
    core = (COST_CORE_TEXTS if cost else CORE_TEXTS)[doc.get("in_core")]
    return {
        "lang": locale,
        "title": w(N_("Agreement: %(title)s"), title=doc["title"]),
        "footer": " · ".join(
            ["Winwin", w(N_("Agreement")), w(N_("version %(n)s"), n=doc["version"])]
        ),
        "heading": doc["title"],
        "goal": doc.get("goal") or "",
        "version": w(N_("Agreed version %(n)s"), n=doc["version"]),
        "header": [
            w(N_("Party")),
            w(N_("Contributions")),
            w(N_("Share of the cost")) if cost else w(N_("Share of the value")),
        ],
        "rows": rows,
        "method": w(METHOD_EXPLANATIONS[method]) if method in METHOD_EXPLANATIONS else DASH,
        "core": w(core),
        "frozen": w(
            N_(
                "Every party agreed to this version. It is frozen: later changes make new "
                "versions that need everyone's agreement again."
            )
        ),
    }


def agreement_pdf(
    session: Session, *, actor: Actor, initiative_id: int, locale: str = "fi"
) -> bytes:
    """The frozen agreement of an initiative as a PDF."""
    data = agreement_data(session, actor=actor, initiative_id=initiative_id, locale=locale)
    return render_pdf("agreement.typ", data, {})


# the workshop report as a job ------------------------------------------------------------
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
