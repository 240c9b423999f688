"""The refusals of joint action plans, each with a stable code (see ``kernel.errors``).

The message ids are the English messages that scripts read; pages say a refusal by its
code and its values (a status by its label), never by matching its words.
"""

from __future__ import annotations

from winwin.kernel.errors import Refusal

# The relationship an action belongs to.
NAME_TWO = Refusal("actions.name_two", "name two organisations as A:B")
NUL_IN_KEY = Refusal("actions.nul_in_key", "must not contain NUL characters")
SAME_TWICE = Refusal("actions.same_twice", "a relationship needs two different organisations")
NO_ORG = Refusal("actions.no_org", "no organisation with key '%(key)s'")
NO_RELATIONSHIP = Refusal("actions.no_relationship", "no relationship between '%(a)s' and '%(b)s'")
NOT_RELATED = Refusal(
    "actions.not_related", "'%(a)s' and '%(b)s' are neither tied nor assessed together"
)
NO_ACTION = Refusal("actions.no_action", "no action %(id)s")

# Who may add and change.
ADDER = Refusal(
    "actions.adder",
    "only an organisation admin or a facilitator of either side may add actions",
)
CHANGER = Refusal(
    "actions.changer",
    "only either side's admins, its facilitators and the action's owners may change it",
)
NOT_A_SIDE = Refusal("actions.not_a_side", "must be one side of the relationship (%(a)s or %(b)s)")
NOT_ACTING_FOR = Refusal("actions.not_acting_for", "you do not act for '%(org)s'")

# The fields of an action.
EMPTY = Refusal("actions.empty", "must not be empty")
TITLE_TOO_LONG = Refusal("actions.title_too_long", "must be at most %(n)s characters of text")
NOT_TEXT = Refusal("actions.not_text", "must be text")
TOO_LONG = Refusal("actions.too_long", "must be at most %(n)s characters")
NOT_A_FACTOR = Refusal(
    "actions.not_a_factor", "must be one of accessibility, energy, impact, attraction"
)
NOT_A_DATE = Refusal("actions.not_a_date", "must be a date as YYYY-MM-DD")
NAME_AN_OWNER = Refusal("actions.name_an_owner", "name a person by email")
NOT_OF_EITHER_SIDE = Refusal(
    "actions.not_of_either_side", "'%(email)s' is not a person of either side"
)
ONE_OWNER_A_SIDE = Refusal("actions.one_owner_a_side", "at most one owner on each side")

# Statuses (``rules.check_transition``).
UNKNOWN_STATUS = Refusal("actions.unknown_status", "'%(status)s' is not one of %(statuses)s")
ALREADY = Refusal("actions.already", "the action is already %(status)s")
CANNOT_BECOME = Refusal("actions.cannot_become", "a %(status)s action can become only %(allowed)s")
SAY_WHY_DROPPED = Refusal("actions.say_why_dropped", "say why the action is dropped")
REASON_ONLY_WHEN_DROPPED = Refusal(
    "actions.reason_only_when_dropped", "only a dropped action has a reason"
)
REASON_WITHOUT_STATUS = Refusal(
    "actions.reason_without_status", "give a reason together with the status dropped"
)

# Comparing rounds (``follow_up.compare_rounds``).
NAME_A_ROUND = Refusal("actions.name_a_round", "name a round, such as 2026-Q1")
SAME_ROUND = Refusal("actions.same_round", "compare two different rounds")
