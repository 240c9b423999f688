"""The refusals of the sharing rules that carry a stable code (see ``kernel.errors``).

The message ids are the English messages; pages translate a refusal by its code and its
values. Every refusal of an item's audience, shape and reshare is here; the refusals of
circles, agreements and the feed's own parameters are still plain text.
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
OWNER_OUTSIDE = Refusal("sharing.owner_outside", "%(owner)s is not an organisation of the network")
UNKNOWN_LEVEL = Refusal("sharing.unknown_level", "'%(level)s' is not one of %(levels)s")
ORGS_NOT_NAMED = Refusal("sharing.orgs_not_named", "a %(level)s audience names no organisations")
CIRCLE_UNNAMED = Refusal("sharing.circle_unnamed", "a circle audience must name its circle")
NO_CIRCLE = Refusal("sharing.no_circle", "there is no circle %(circle)s")
NOT_CIRCLE_MEMBER = Refusal(
    "sharing.not_circle_member", "%(owner)s is not a member of circle %(circle)s"
)
CIRCLE_NOT_NAMED = Refusal("sharing.circle_not_named", "a %(level)s audience names no circle")
CHAIN_TOO_LONG = Refusal(
    "sharing.chain_too_long",
    "resharing %(original)s would make %(key)s reshare number %(depth)s in one chain; "
    "a chain may have at most %(most)s reshares",
)
RESHARE_CYCLE = Refusal("sharing.reshare_cycle", "resharing %(original)s makes a reshare cycle")
NO_ORIGINAL = Refusal("sharing.no_original", "there is no item %(original)s")
SECRET_ORIGINAL = Refusal(
    "sharing.secret_original", "%(original)s is secret and cannot be reshared"
)
ORIGINAL_UNSEEN = Refusal(
    "sharing.original_unseen", "%(owner)s cannot see the original item %(original)s"
)
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

# The shape of an item as a door gives it (``service.publish_item`` and the composer).
TITLE_REQUIRED = Refusal("sharing.title_required", "is required (only a reshare may omit it)")
TEXT_TOO_LONG = Refusal("sharing.text_too_long", "has at most %(n)s characters and no NUL")
BAD_ITEM_KEY = Refusal("sharing.bad_item_key", "use 1-64 lowercase letters, digits, '-' or '_'")
TOPIC_LENGTH = Refusal(
    "sharing.topic_length", "a topic has 1-%(n)s characters and no NUL character"
)
TOO_MANY_TOPICS = Refusal("sharing.too_many_topics", "at most %(n)s topics")

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
