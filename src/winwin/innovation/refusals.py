"""The refusals of challenges and ideas, each with a stable code.

The message ids are the English messages; the pages translate a refusal by its code and
the values it was given, never by matching its words (see ``kernel.errors.Refusal``).
"""

from __future__ import annotations

from winwin.kernel.errors import Refusal

ONLY_IDEA_ANSWERS = Refusal("innovation.only_idea_answers", "only an idea answers a challenge")
NO_CHALLENGE = Refusal("innovation.no_challenge", "there is no challenge '%(key)s'")
NO_ENTRY = Refusal("innovation.no_entry", "there is no challenge or idea '%(key)s'")
IDEA_NOT_CHALLENGE = Refusal(
    "innovation.idea_not_challenge", "'%(key)s' is an idea, not a challenge"
)
TAKES_NO_IDEAS = Refusal(
    "innovation.takes_no_ideas", "the challenge is %(stage)s: it takes no new ideas"
)
COMMENT_LENGTH = Refusal(
    "innovation.comment_length", "a comment has 1-%(n)s characters and no NUL character"
)
COMMENT_REMOVER = Refusal(
    "innovation.comment_remover", "only its author or the owner organisation removes a comment"
)
CO_AUTHOR_ADDER = Refusal(
    "innovation.co_author_adder", "only the owner organisation and co-authors add co-authors"
)
NO_ONE_SIGNS_IN = Refusal(
    "innovation.no_one_signs_in", "no one who can see this %(kind)s signs in as '%(email)s'"
)
NO_ONE_CHOSEN = Refusal(
    "innovation.no_one_chosen", "the person chosen cannot see this %(kind)s or signs in no more"
)
NOT_CO_AUTHOR = Refusal("innovation.not_co_author", "%(named)s is not a co-author of '%(key)s'")
CO_AUTHOR_REMOVER = Refusal(
    "innovation.co_author_remover",
    "only the owner organisation or the co-author removes a co-author",
)
STAGE_MOVER = Refusal(
    "innovation.stage_mover",
    "only the owner organisation (and an idea's co-authors) move its stage",
)
IDEA_MOVE = Refusal(
    "innovation.idea_move",
    "an idea cannot move from %(current)s to %(target)s; allowed: %(allowed)s",
)
CHALLENGE_MOVE = Refusal(
    "innovation.challenge_move",
    "a challenge cannot move from %(current)s to %(target)s; allowed: %(allowed)s",
)
IDEA_FINAL = Refusal(
    "innovation.idea_final",
    "an idea cannot move from %(current)s to %(target)s; allowed: nothing: it is final",
)
CHALLENGE_FINAL = Refusal(
    "innovation.challenge_final",
    "a challenge cannot move from %(current)s to %(target)s; allowed: nothing: it is final",
)
OUTSIDER_IDEAS_ONLY = Refusal(
    "innovation.outsider_ideas_only",
    "a person of no member organisation proposes ideas to public challenges only",
)
OUTSIDER_PUBLIC = Refusal(
    "innovation.outsider_public",
    "an idea from a person of no member organisation is public, with no topics or exclusions",
)
OUTSIDER_CO_AUTHORS = Refusal(
    "innovation.outsider_co_authors",
    "a person of no member organisation does not name or remove co-authors",
)
