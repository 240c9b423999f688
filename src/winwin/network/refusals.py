"""The refusals of the network's rules, each with a stable code (see ``kernel.errors``).

The message ids are the English messages; pages translate a refusal by its code and its
values.
"""

from __future__ import annotations

from winwin.kernel.errors import Refusal

NOT_A_COUNTRY = Refusal(
    "network.not_a_country",
    "'%(value)s' is not an ISO 3166-1 country code (two capital letters such as FI)",
)
EMPTY_BUSINESS_ID = Refusal("network.business_id_empty", "a business ID must not be empty")
LONG_BUSINESS_ID = Refusal("network.business_id_long", "a business ID is at most 20 characters")
Y_TUNNUS_CHECK = Refusal(
    "network.y_tunnus_check", "'%(value)s' is not a Y-tunnus: its check digit is wrong"
)
NOT_A_BUSINESS_ID = Refusal(
    "network.not_a_business_id",
    "'%(value)s' is neither a Y-tunnus (1234567-8) nor an EU VAT number with its country "
    "prefix (such as SE556677889901)",
)
VAT_OF_OTHER_COUNTRY = Refusal(
    "network.vat_other_country",
    "'%(value)s' is a VAT number of %(prefix)s, but the organisation's country is %(country)s",
)
VAT_FORMAT = Refusal(
    "network.vat_format", "'%(value)s' is not in the format of %(prefix)s VAT numbers"
)
BUSINESS_ID_TAKEN = Refusal(
    "network.business_id_taken", "business ID %(value)s belongs to another organisation"
)
KEY_TAKEN = Refusal("network.key_taken", "an organisation '%(key)s' already exists")
NO_ORG = Refusal("network.no_org", "there is no organisation '%(key)s'")
SELF_TIE = Refusal("network.self_tie", "an organisation cannot tie to itself")
BAD_TIE_KIND = Refusal(
    "network.tie_kind", "'%(kind)s' is not a kind of tie (supplies, buys or partners)"
)
PENDING = Refusal(
    "network.tie_pending", "a proposal between you and '%(other)s' is already waiting"
)
ALREADY_TIED = Refusal("network.tie_exists", "you and '%(other)s' already have this tie")
TOO_SOON = Refusal(
    "network.tie_too_soon",
    "your last proposal to '%(other)s' was declined or withdrawn; you may propose again "
    "from %(date)s",
)
NO_PROPOSAL_FROM = Refusal(
    "network.no_proposal_from", "'%(other)s' has no proposal waiting for your answer"
)
NO_PROPOSAL_TO = Refusal("network.no_proposal_to", "you have no proposal waiting at '%(other)s'")
NOT_TIED = Refusal("network.not_tied", "you and '%(other)s' have no tie to end")
WHICH_TIE = Refusal(
    "network.which_tie",
    "you and '%(other)s' have several ties (%(kinds)s); say which kind to end",
)
NOT_DECLARED = Refusal("network.not_declared", "you have not declared '%(other)s' a competitor")
OVERLAP_WITH_SELF = Refusal(
    "network.overlap_self", "an overlap is between two organisations: name another one"
)

# organisations joining ------------------------------------------------------------------
EMAIL_HAS_ACCOUNT = Refusal(
    "network.join_email_taken", "%(email)s already has an account on the platform"
)
BAD_EMAIL = Refusal("network.join_bad_email", "'%(email)s' is not an e-mail address")
JOIN_LINK_INVALID = Refusal(
    "network.join_link_invalid", "this invitation link is invalid, used or expired"
)
NAME_LENGTH = Refusal("network.name_length", "the name must be 1 to 300 characters")
PERSON_NAME_LENGTH = Refusal("network.person_name_length", "your name must be 1 to 200 characters")
PASSWORD_SHORT = Refusal(
    "network.password_short", "the password must be at least %(min)s characters long"
)
BUSINESS_ID_WAITING = Refusal(
    "network.business_id_waiting",
    "business ID %(value)s belongs to an organisation that is waiting for approval",
)
NO_PENDING = Refusal("network.no_pending", "no organisation '%(key)s' is waiting for approval")
NUL_TEXT = Refusal("network.nul_text", "the text must not contain NUL characters")

# rows of a customer or supplier list (``crm``): each names the column's field -----------
CRM_NAME_EMPTY = Refusal("network.crm_name_empty", "is empty")
CRM_CELL_LONG = Refusal("network.crm_cell_long", "longer than %(max)s characters")
CRM_FORMULA = Refusal("network.crm_formula", "holds a spreadsheet formula, which is never read")
CRM_NUL = Refusal("network.crm_nul", "holds a NUL character")
CRM_BAD_EMAIL = Refusal("network.crm_bad_email", "is not an e-mail address")
CRM_UNREADABLE = Refusal("network.crm_unreadable", "cannot be read as CSV: %(detail)s")
