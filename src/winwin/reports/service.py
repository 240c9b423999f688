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

The use cases live by concern and are named here, so that the doors have one module to
call: ``reports.workshop`` (which relationships a report holds, its documents and its
job), ``reports.workshop_section`` (the worded section of one relationship),
``reports.agreement`` (the frozen agreement of an initiative) and ``reports.words``
(translation and number formats of the report's language).
"""

from __future__ import annotations

from winwin.reports.agreement import (
    CORE_TEXTS,
    COST_CORE_TEXTS,
    METHOD_EXPLANATIONS,
    agreement_data,
    agreement_pdf,
)
from winwin.reports.words import FACTOR_LABELS, STATUS_LABELS, check_locale
from winwin.reports.workshop import (
    REPORT_JOB,
    client_data,
    client_pdf,
    report_file_name,
    start_report,
    workshop_data,
    workshop_pdf,
)

__all__ = [
    "CORE_TEXTS",
    "COST_CORE_TEXTS",
    "FACTOR_LABELS",
    "METHOD_EXPLANATIONS",
    "REPORT_JOB",
    "STATUS_LABELS",
    "agreement_data",
    "agreement_pdf",
    "check_locale",
    "client_data",
    "client_pdf",
    "report_file_name",
    "start_report",
    "workshop_data",
    "workshop_pdf",
]
