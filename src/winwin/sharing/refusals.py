"""The refusals of the sharing rules that carry a stable code (see ``kernel.errors``).

The message ids are the English messages, which scripts read; pages translate a refusal
by its code and its values. Every refusal of an item's audience, shape and reshare, of
circles, agreements and the feed's own parameters is here.
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
BAD_EXCLUSION = Refusal(
    "sharing.bad_exclusion",
    "'%(text)s' is not an exclusion; use competitors, org:KEY, country:CC or cluster:NAME",
)

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

# An item's key, reach and withdrawal (``service``).
NO_FREE_KEY = Refusal("sharing.no_free_key", "no free key was found; try again")
ITEM_TAKEN = Refusal("sharing.item_taken", "key: an item '%(key)s' already exists")
NO_ITEM_OF_YOURS = Refusal("sharing.no_item_of_yours", "there is no item '%(key)s' of yours")
WITHDRAWER = Refusal("sharing.withdrawer", "only the owner organisation withdraws an item")
RESHARED = Refusal(
    "sharing.reshared",
    "'%(key)s' is reshared as %(named)s; it stays while a reshare builds on it",
)
RESHARED_MORE = Refusal(
    "sharing.reshared_more",
    "'%(key)s' is reshared as %(named)s and %(more)s more; it stays while a reshare builds on it",
)

# Circles.
UNKNOWN_CIRCLE = Refusal("sharing.unknown_circle", "there is no circle '%(circle)s'")
BAD_CIRCLE_KEY = Refusal("sharing.bad_circle_key", "use 1-64 lowercase letters, digits, '-' or '_'")
CIRCLE_NAME = Refusal("sharing.circle_name", "give a name of 1-300 characters")
CIRCLE_TAKEN = Refusal("sharing.circle_taken", "key: a circle '%(key)s' already exists")
UNKNOWN_ORG = Refusal("sharing.unknown_org", "there is no organisation '%(org)s'")
ALREADY_MEMBER = Refusal(
    "sharing.already_member", "%(org)s is already a member of circle '%(circle)s'"
)
NO_INVITATION = Refusal(
    "sharing.no_invitation", "%(org)s has no open invitation to circle '%(circle)s'"
)
NOT_A_MEMBER = Refusal("sharing.not_a_member", "%(org)s is not a member of circle '%(circle)s'")

# Agreements on secret topics.
AGREEMENT_PAIR = Refusal("sharing.agreement_pair", "an agreement needs two organisations")
NAME_A_TOPIC = Refusal("sharing.name_a_topic", "name at least one topic")
AGREEMENT_NOT_PARTNER = Refusal(
    "sharing.agreement_not_partner", "%(org)s is not a partner of %(owner)s"
)
NO_AGREEMENT = Refusal("sharing.no_agreement", "there is no agreement with '%(partner)s'")
REVISION_EMPTY = Refusal("sharing.revision_empty", "name at least one topic; to end it, end it")
SAME_TOPICS = Refusal("sharing.same_topics", "these are the agreement's topics already")
NO_PROPOSAL = Refusal("sharing.no_proposal", "there is no agreement proposal %(id)s")
NO_PROPOSAL_OF_YOURS = Refusal(
    "sharing.no_proposal_of_yours", "there is no agreement proposal %(id)s of yours"
)
OWN_PROPOSAL = Refusal(
    "sharing.own_proposal", "the other organisation must answer its own proposal"
)
PROPOSAL_DECIDED = Refusal("sharing.proposal_decided", "the proposal is already %(status)s")
ENDED_SINCE = Refusal("sharing.ended_since", "the agreement has ended since this was proposed")

# The feed's own parameters (``feed``, ``cursor``); ``field`` is the parameter as the
# door names it (``ORG``, ``--org``, ``a``).
NO_ORG_NAMED = Refusal("sharing.no_org_named", "%(field)s: there is no organisation '%(org)s'")
NO_ITEM_NAMED = Refusal("sharing.no_item_named", "%(field)s: there is no item '%(key)s'")
LIMIT = Refusal("sharing.limit", "must be between 1 and %(most)s")
SEARCH_EMPTY = Refusal("sharing.search_empty", "enter a word to search for")
SEARCH_TOO_LONG = Refusal("sharing.search_too_long", "must be at most %(n)s characters")
SEARCH_NUL = Refusal("sharing.search_nul", "must not contain NUL characters")
NOT_A_CURSOR = Refusal("sharing.not_a_cursor", "is not a cursor of this feed")
