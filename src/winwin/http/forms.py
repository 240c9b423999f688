"""What people type into the pages' forms, read the same way on every page."""

from __future__ import annotations

from winwin.kernel.errors import InvalidInput, Problem


def typed_amount(text: str) -> float:
    """An amount as people type it on the pages: "12 000,50" or "12000.50", with a
    decimal comma or point and spaces between the thousands (``ValueError`` when it is not
    a number)."""
    return float(text.replace(",", ".").replace(" ", ""))


def amount_field(text: str, *, field: str, refusal: str) -> float:
    """The typed amount of a form's field (:func:`typed_amount`); ``InvalidInput`` naming
    the field with the refusal when it is not a number."""
    try:
        return typed_amount(text)
    except ValueError:
        raise InvalidInput(Problem(field, refusal)) from None
