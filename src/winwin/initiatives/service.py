"""Use cases of joint initiatives; the command line, the REST routes and the pages call these.

The command line acts as ``accounts.access.operator()``, for the organisation named by
``by``. Any other actor must first be able to read the initiative (``can_read``, else
``NotFound``), and then act for ``by``: an org admin of it, a facilitator granted it, or
a platform admin (``can_manage_org``, else ``PermissionDenied``). Setting the model
needs an actor who acts for one of the parties.

The use cases live by concern and are named here, so that the doors have one module to
call: ``initiatives.checkpoint`` (loading through the one access check, ``can_read``,
and the competition-law guard it reads), ``initiatives.reading`` (the ``show`` document
as each reader may see it), ``initiatives.proposing`` (proposing and editing),
``initiatives.agreeing`` (answering, contributing, the sharing model, agreeing and the
realised result) and ``initiatives.versions`` (each version's history entry).
"""

from __future__ import annotations

from winwin.initiatives.agreeing import agree, answer, contribute, record_result, set_model
from winwin.initiatives.checkpoint import MAX_AMOUNT, MAX_ID, can_read
from winwin.initiatives.proposing import MAX_GOAL, Unchanged, edit, propose
from winwin.initiatives.reading import (
    InitiativeRead,
    history_orgs,
    names_and_acting,
    read,
    readable,
)
from winwin.initiatives.versions import history_entry

__all__ = [
    "MAX_AMOUNT",
    "MAX_GOAL",
    "MAX_ID",
    "InitiativeRead",
    "Unchanged",
    "agree",
    "answer",
    "can_read",
    "contribute",
    "edit",
    "history_entry",
    "history_orgs",
    "names_and_acting",
    "propose",
    "read",
    "readable",
    "record_result",
    "set_model",
]
