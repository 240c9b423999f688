"""The frozen agreement of a joint initiative, worded for print: read through the
initiative's one checkpoint, its parties, contributions and shares, the method and the
core in words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.initiatives import naming
from winwin.initiatives import service as initiatives
from winwin.kernel.errors import NotFound
from winwin.network.repository import NetworkRepository
from winwin.reports.typeset import render_pdf
from winwin.reports.words import DASH, N_, Words, check_locale

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
    w = Words(locale)
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
