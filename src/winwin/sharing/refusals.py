"""The refusals of the sharing rules that carry a stable code (see ``kernel.errors``).

The message ids are the English messages; pages translate a refusal by its code and its
values. (Most sharing refusals are still plain text; they move here as they are touched.)
"""

from __future__ import annotations

from winwin.kernel.errors import Refusal

KEY_NOT_OURS = Refusal(
    "sharing.key_not_ours",
    "'%(key)s' is not one of your keys: a key you choose starts with '%(prefix)s' "
    "and goes on after it",
)
KEY_OF_OTHER = Refusal(
    "sharing.key_of_other",
    "'%(key)s' is among the keys of organisation '%(other)s' (they start with '%(other)s-'); "
    "choose another key that starts with '%(prefix)s'",
)

# The audience rules (``audience.validate_item``); pages say them with names and a fix.
DIRECT_WITHOUT_ORGS = Refusal(
    "sharing.direct_without_orgs", "a direct audience must name at least one partner"
)
NOT_A_PARTNER = Refusal("sharing.not_a_partner", "%(org)s is not a partner of %(owner)s")
PUBLIC_EXCLUSIONS = Refusal("sharing.public_exclusions", "a public item may have no exclusions")
NO_SUCH_ORG = Refusal("sharing.no_such_org", "there is no organisation %(org)s")
AGREEMENT_SECRET = Refusal(
    "sharing.agreement_secret",
    "topic '%(topic)s' is secret between %(a)s and %(b)s under their agreement, "
    "and the audience reaches %(example)s, outside that pair",
)
SENSITIVE_TO_COMPETITOR = Refusal(
    "sharing.sensitive_to_competitor",
    "topic '%(topic)s' is competition-sensitive and the audience reaches "
    "%(orgs)s, %(what)s of %(owner)s",
)
NO_ITEM = Refusal("sharing.no_item", "there is no item '%(key)s'")
# The same messages as the comments on challenges and ideas, so one translation serves both.
COMMENT_LENGTH = Refusal(
    "sharing.comment_length", "a comment has 1-%(n)s characters and no NUL character"
)
COMMENT_REMOVER = Refusal(
    "sharing.comment_remover", "only its author or the owner organisation removes a comment"
)
NO_COMMENT = Refusal("sharing.no_comment", "there is no comment %(id)s on '%(key)s'")
COMMENTER = Refusal(
    "sharing.commenter", "a person signed in comments; a script acting for an organisation does not"
)
