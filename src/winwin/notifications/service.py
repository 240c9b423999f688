"""Notifications: telling people what happened on the items they follow, and their lists.

Who is told of what, and when, is ``notifications.telling``; a person's list, the unread
count and marking read are ``notifications.inbox``. Both are named here, so that the
doors and the other capabilities have one module to call. Notifications pass the one
visibility checkpoint twice: when told and when read.
"""

from __future__ import annotations

from winwin.notifications.inbox import (
    MAX_LIST,
    MAX_MARK,
    UNREAD_CAP,
    Inbox,
    NotificationView,
    action_subjects,
    agreement_subjects,
    inbox,
    job_subjects,
    mark_read,
    tie_subjects,
    unread_count,
)
from winwin.notifications.telling import (
    ACTION_KINDS,
    AGREEMENT_KINDS,
    JOB_KINDS,
    KINDS,
    TIE_KINDS,
    notify,
    notify_about_action,
    notify_about_agreement,
    notify_about_job,
    notify_about_tie,
    notify_followers,
    notify_orgs,
)

__all__ = [
    "ACTION_KINDS",
    "AGREEMENT_KINDS",
    "JOB_KINDS",
    "KINDS",
    "MAX_LIST",
    "MAX_MARK",
    "TIE_KINDS",
    "UNREAD_CAP",
    "Inbox",
    "NotificationView",
    "action_subjects",
    "agreement_subjects",
    "inbox",
    "job_subjects",
    "mark_read",
    "notify",
    "notify_about_action",
    "notify_about_agreement",
    "notify_about_job",
    "notify_about_tie",
    "notify_followers",
    "notify_orgs",
    "tie_subjects",
    "unread_count",
]
