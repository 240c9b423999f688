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
