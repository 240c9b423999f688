"""Business IDs: the Finnish Y-tunnus and EU VAT numbers, checked without a database.

What is checked
---------------
- A **Y-tunnus** is ``NNNNNNN-C``: seven digits, a hyphen and a check digit. The check
  digit is computed from the seven digits with the weights 7, 9, 10, 5, 8, 4, 2: with
  ``r`` the weighted sum modulo 11, the check digit is 0 when ``r`` is 0 and ``11 - r``
  otherwise; ``r == 1`` gives no valid number. A Finnish VAT number (``FI`` and the
  eight digits) is the same number and is stored as its Y-tunnus.
- Any other ID is an **EU VAT number**: the member state's prefix (``EL`` for Greece)
  followed by the national part in the format that member state publishes for VIES
  (:data:`VAT_FORMATS`). Only the format is checked, never a national check digit,
  and not whether the number is registered.
- When the organisation has a country, a VAT number must carry that country's prefix.

Spaces and dots are ignored and letters are read in upper case; a VAT number may also
be written with hyphens. The stored form is the normal one (``1234567-8``,
``SE556677889901``), and it is unique on the platform.
"""

from __future__ import annotations

import re

from winwin.kernel.errors import Problem, Refusal
from winwin.network import refusals

Y_TUNNUS = re.compile(r"^(\d{7})-(\d)$")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
MAX_LENGTH = 20

# The national part of a VAT number after its prefix, per EU member state.
VAT_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
}
_VAT = {prefix: re.compile(f"^(?:{pattern})$") for prefix, pattern in VAT_FORMATS.items()}
# ISO 3166-1 code → VAT prefix where they differ.
_PREFIX_OF_COUNTRY = {"GR": "EL"}


class BadBusinessId(ValueError):
    """The text is not a business ID that this module accepts (the message says why)."""

    def __init__(self, refusal: Refusal, **params: str) -> None:
        self.refusal, self.params = refusal, params
        super().__init__(refusal("", **params).message)

    def problem(self, path: str) -> Problem:
        """The refusal as a problem of the field at ``path``."""
        return self.refusal(path, **self.params)


def vat_prefix(country: str) -> str:
    """The VAT prefix of an ISO 3166-1 country code (``GR`` → ``EL``)."""
    return _PREFIX_OF_COUNTRY.get(country, country)


def y_tunnus_check_digit(digits: str) -> int | None:
    """The check digit of seven digits, or None when no check digit makes them valid."""
    if len(digits) != 7 or not digits.isdigit():
        raise ValueError("a Y-tunnus has seven digits before its check digit")
    remainder = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def is_y_tunnus(text: str) -> bool:
    """Whether ``text`` is exactly a Y-tunnus with a correct check digit."""
    found = Y_TUNNUS.match(text)
    return found is not None and y_tunnus_check_digit(found.group(1)) == int(found.group(2))


def normalise_business_id(text: str, country: str | None = None) -> str:
    """The stored form of a business ID, or ``BadBusinessId`` saying what is wrong.

    ``country`` is the organisation's ISO 3166-1 code, when it has one.
    """
    if len(text) > 100:
        raise BadBusinessId(refusals.LONG_BUSINESS_ID)
    compact = re.sub(r"[\s.]", "", text).upper()
    if not compact:
        raise BadBusinessId(refusals.EMPTY_BUSINESS_ID)
    if re.fullmatch(r"\d{6,7}-\d", compact):
        digits, check = compact.split("-")
        digits = digits.zfill(7)  # an old Y-tunnus may be written with six digits
        expected = y_tunnus_check_digit(digits)
        if expected is None or expected != int(check):
            raise BadBusinessId(refusals.Y_TUNNUS_CHECK, value=compact)
        return f"{digits}-{check}"
    vat = compact.replace("-", "")
    prefix, national = vat[:2], vat[2:]
    if prefix not in _VAT:
        raise BadBusinessId(refusals.NOT_A_BUSINESS_ID, value=compact[:MAX_LENGTH])
    if country is not None and country != "" and vat_prefix(country) != prefix:
        raise BadBusinessId(
            refusals.VAT_OF_OTHER_COUNTRY, value=vat[:MAX_LENGTH], prefix=prefix, country=country
        )
    if not _VAT[prefix].match(national):
        raise BadBusinessId(refusals.VAT_FORMAT, value=vat[:MAX_LENGTH], prefix=prefix)
    if prefix == "FI":
        ytunnus = f"{national[:7]}-{national[7]}"
        if not is_y_tunnus(ytunnus):
            raise BadBusinessId(refusals.Y_TUNNUS_CHECK, value=vat)
        return ytunnus
    return vat
