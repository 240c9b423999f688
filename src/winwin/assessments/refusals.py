"""The refusals of assessment rounds, answers, instruments and exports, each with a stable
code (see ``kernel.errors.Refusal``).

The message ids are the English messages the API and the command line print; the pages
say a refusal in the reader's language by its code and values, never by its words.
"""

from __future__ import annotations

from winwin.kernel.errors import Refusal

# --- opening a round -------------------------------------------------------------------------
NO_TIE = Refusal(
    "rounds.no_tie",
    "'%(a)s' and '%(b)s' have no tie; a round needs a supplier or partner tie between "
    "the two organisations",
)
TWO_ORGS = Refusal("assessments.two_orgs", "must name exactly two organisations")
UNKNOWN_ORG = Refusal("assessments.unknown_org", "unknown organisation '%(key)s'")
SAME_ORG = Refusal("assessments.same_org", "a relationship needs two different organisations")
UNKNOWN_INSTRUMENT = Refusal("assessments.unknown_instrument", "unknown instrument '%(key)s'")
ALREADY_OPEN = Refusal("assessments.already_open", "round '%(round)s' of %(pair)s is already open")
NO_ROUND = Refusal("assessments.no_round", "no assessment round %(id)s")
NO_ROUND_BETWEEN = Refusal(
    "assessments.no_round_between", "no assessment round between '%(first)s' and '%(second)s'"
)
RUNNER = Refusal(
    "assessments.runner",
    "only a facilitator or an organisation admin of either side may run this round",
)
MINIMUM_NUMBER = Refusal("assessments.minimum_number", "must be a whole number from %(a)s to %(b)s")
MINIMUM_RANGE = Refusal(
    "assessments.minimum_range", "must be from %(a)s (a named round) to %(b)s, not %(n)s"
)

# --- texts and keys --------------------------------------------------------------------------
EMPTY = Refusal("assessments.empty", "must not be empty")
NUL = Refusal("assessments.nul", "must not contain NUL characters")
TOO_LONG = Refusal("assessments.too_long", "must be at most %(n)s characters")

# --- inviting respondents --------------------------------------------------------------------
NOT_OWN_SIDE = Refusal(
    "rounds.not_own_side",
    "you may invite only your own organisation's people, not those of '%(side)s'",
)
CLOSED_TO_INVITES = Refusal(
    "assessments.closed_to_invites", "round '%(round)s' is closed; no one can be invited"
)
NO_RESPONDENTS = Refusal("assessments.no_respondents", "name at least one respondent")
INVITEE_FIELDS = Refusal(
    "assessments.invitee_fields", "expected side, respondent, name, email, locale"
)
NOT_A_SIDE = Refusal(
    "assessments.not_a_side", "'%(side)s' is not a side of this relationship (use %(use)s)"
)
BAD_EMAIL = Refusal("assessments.bad_email", "is not a valid email address")
ALREADY_INVITED = Refusal(
    "assessments.already_invited", "'%(who)s' is already invited to this round"
)
NAME_TOO_LONG = Refusal("assessments.name_too_long", "must be text of at most %(n)s characters")
LOCALE = Refusal("assessments.locale", "must be fi or en")
RESPONDENT_NAME = Refusal("assessments.respondent_name", "must be 1–200 characters on one line")

# --- personal links --------------------------------------------------------------------------
NO_INVITATION = Refusal("assessments.no_invitation", "no invitation %(id)s in round '%(round)s'")
LINKS_CLOSED = Refusal(
    "assessments.links_closed", "round '%(round)s' is closed; its links can no longer change"
)
NOT_INVITED = Refusal(
    "assessments.not_invited", "'%(respondent)s' is not invited to round '%(round)s'"
)
ALREADY_REVOKED = Refusal(
    "assessments.already_revoked", "the link of '%(respondent)s' is already revoked"
)
BAD_LINK = Refusal("assessments.bad_link", "this answer link is not valid")

# --- answering -------------------------------------------------------------------------------
ANSWERS_SHAPE = Refusal(
    "assessments.answers_shape", "must be an object mapping item ids to answers"
)
NO_ANSWERS = Refusal("assessments.no_answers", "give at least one answer")
UNKNOWN_ITEM = Refusal("assessments.unknown_item", "unknown item of instrument '%(key)s'")
THIRD_PARTY_FACTOR = Refusal(
    "assessments.third_party_factor",
    "a third party answers only impact and attraction items, not %(factor)s",
)
ANSWER_NUMBER = Refusal(
    "assessments.answer_number", "must be a whole number from 1 to %(k)s, not %(value)s"
)
ANSWER_RANGE = Refusal("assessments.answer_range", "answer %(value)s is outside 1..%(k)s")
CANT_SAY_SHAPE = Refusal("assessments.cant_say_shape", "must be a list of item ids")
CANT_SAY_ANSWERED = Refusal(
    "assessments.cant_say_answered", "'%(item)s' has an answer; it cannot also be can't say"
)
RESPONSE_CLOSED = Refusal(
    "assessments.response_closed",
    "round '%(round)s' is closed; the response of '%(respondent)s' can no longer change",
)
ALREADY_CLOSED = Refusal("assessments.already_closed", "round '%(round)s' is already closed")

# --- instruments -----------------------------------------------------------------------------
INSTRUMENT_ADDER = Refusal(
    "assessments.instrument_adder", "only the organisation's admins may add instruments"
)
BAD_KEY = Refusal("assessments.bad_key", "use 1–64 lowercase letters, digits, - and _")
BUILTIN_KEY = Refusal(
    "assessments.builtin_key", "'%(key)s' is a built-in instrument; choose another key"
)
SCALE = Refusal("assessments.scale", "must be a whole number from %(a)s to %(b)s")
NO_ITEMS = Refusal("assessments.no_items", "add at least one item for each factor")
ITEM_SHAPE = Refusal("assessments.item_shape", "must be an object")
DUPLICATE_ID = Refusal("assessments.duplicate_id", "duplicate id '%(key)s'")
ONE_OF = Refusal("assessments.one_of", "must be one of %(options)s")
TRUE_OR_FALSE = Refusal("assessments.true_or_false", "must be true or false")
MISSING_FACTORS = Refusal("assessments.missing_factors", "add at least one item for %(factors)s")
INSTRUMENT_EXISTS = Refusal(
    "assessments.instrument_exists", "an instrument with key '%(key)s' already exists"
)

# --- research export -------------------------------------------------------------------------
EXPORTER = Refusal("assessments.exporter", "only facilitators and platform admins export answers")
NO_ROUNDS_NAMED = Refusal("assessments.no_rounds_named", "name at least one round")
NOTHING_TO_EXPORT = Refusal(
    "assessments.nothing_to_export", "no round of these names that you may export"
)
