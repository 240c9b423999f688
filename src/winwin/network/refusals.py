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
