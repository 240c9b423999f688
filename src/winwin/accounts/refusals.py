"""The refusals of accounts, each with a stable code (see ``kernel.errors``): who may act,
signing in, passwords and links, API tokens, an organisation's profile and its people.

The message ids are the English messages that scripts and the command line read; pages
say a refusal by its code and its values, through the catalog.
"""

from __future__ import annotations

from winwin.kernel.errors import Refusal

# Who may act (``accounts.access``).
SIGNED_IN_ONLY = Refusal("accounts.signed_in_only", "only a signed-in person may do this")
NO_ORG_YET = Refusal("accounts.no_org_yet", "you do not belong to an organisation yet")
NO_ACCESS = Refusal("accounts.no_access", "you do not have access to this organisation")
ADMINS_ONLY = Refusal("accounts.admins_only", "only the organisation's admins may do this")
ROLE_FORBIDS = Refusal("accounts.role_forbids", "your role does not allow this")
NO_ORG_WITH_KEY = Refusal("accounts.no_org_with_key", "no organisation with key '%(key)s'")

# Signing in and signing up (``accounts.signing_in``, ``accounts.outsiders``).
TOO_MANY_SIGN_INS = Refusal(
    "accounts.too_many_sign_ins", "too many failed sign-ins; try again in 15 minutes"
)
BAD_CREDENTIALS = Refusal("accounts.bad_credentials", "the email or password is wrong")
TOO_MANY = Refusal("accounts.too_many", "too many attempts; try again in an hour")
NO_OUTSIDER = Refusal("accounts.no_outsider", "no outsider has the address '%(address)s'")

# The shape of what a person types.
NUL = Refusal("accounts.nul", "must not contain NUL characters")
NOT_AN_EMAIL = Refusal("accounts.not_an_email", "is not a valid email address")
PASSWORD_TOO_SHORT = Refusal(
    "accounts.password_too_short", "must be at least %(n)s characters long"
)
NAME_LENGTH = Refusal("accounts.name_length", "must be 1 to 200 characters")
NOT_A_LOCALE = Refusal("accounts.not_a_locale", "must be fi or en")

# Passwords and the one-time links that set one.
NOT_CURRENT_PASSWORD = Refusal("accounts.not_current_password", "is not your current password")
LINK_INVALID = Refusal("accounts.link_invalid", "this link is invalid or has expired")

# API tokens.
TOKEN_NAME_LENGTH = Refusal("accounts.token_name_length", "must be 1 to 100 characters")
TOKEN_DAYS = Refusal("accounts.token_days", "must be 1 to %(n)s")
NO_TOKEN = Refusal("accounts.no_token", "no such token")

# An organisation's profile.
NO_SUCH_ORG = Refusal("accounts.no_such_org", "no such organisation")
ORG_NAME_LENGTH = Refusal("accounts.org_name_length", "must be 1 to 300 characters")
NOT_A_COUNTRY_CODE = Refusal(
    "accounts.not_a_country_code", "must be a two-letter country code such as FI"
)
AT_MOST_100 = Refusal("accounts.at_most_100", "must be at most 100 characters")
NOT_A_ROLE_KEY = Refusal("accounts.not_a_role_key", "must be lowercase letters, digits, '-' or '_'")
TOO_MANY_ENTRIES = Refusal("accounts.too_many_entries", "may have at most 100 entries")
EMPTY_ENTRY = Refusal("accounts.empty_entry", "must not be empty")
AT_MOST_300 = Refusal("accounts.at_most_300", "must be at most 300 characters")

# People: invitations, the CSV file, roles and removal.
HAS_AN_ACCOUNT = Refusal("accounts.has_an_account", "already has an account")
UNKNOWN_ROLE = Refusal(
    "accounts.unknown_role", "must be one of member, org_admin, facilitator, platform_admin"
)
MAY_NOT_GIVE_ROLE = Refusal("accounts.may_not_give_role", "you may not give this role")
NOBODY_LISTED = Refusal("accounts.nobody_listed", "list at least one person")
LISTED_TWICE = Refusal("accounts.listed_twice", "is listed twice")
FILE_EMPTY = Refusal("accounts.file_empty", "is empty")
COLUMN_MISSING = Refusal("accounts.column_missing", "is missing from the header")
UNKNOWN_COLUMN = Refusal("accounts.unknown_column", "is not a known column (use email, name, role)")
COLUMN_COUNT = Refusal("accounts.column_count", "has a different number of columns than the header")
FILE_LISTS_NOBODY = Refusal("accounts.file_lists_nobody", "lists nobody")
FILE_TOO_LARGE = Refusal("accounts.file_too_large", "is larger than 1 MB")
FILE_NOT_UTF8 = Refusal("accounts.file_not_utf8", "is not UTF-8 text")
NOT_IN_ORG = Refusal("accounts.not_in_org", "no such person in this organisation")
NO_PERSON = Refusal("accounts.no_person", "no person with id %(id)s")
MAY_NOT_CHANGE_ROLE = Refusal(
    "accounts.may_not_change_role", "you may not give or take away this role"
)
KEEP_AN_ADMIN = Refusal("accounts.keep_an_admin", "the organisation must keep at least one admin")
NOT_YOURSELF = Refusal("accounts.not_yourself", "you cannot remove yourself")
MAY_NOT_REMOVE = Refusal("accounts.may_not_remove", "you may not remove a person with this role")

# Facilitators.
NOT_A_FACILITATOR = Refusal("accounts.not_a_facilitator", "is not the email of a facilitator")
NOT_GRANTED = Refusal("accounts.not_granted", "this facilitator does not work for the organisation")

# The web door: a platform admin who belongs to no organisation chooses one to act for.
CHOOSE_AN_ORG = Refusal("accounts.choose_an_org", "choose the organisation you act for first")
