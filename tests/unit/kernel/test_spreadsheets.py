"""CSV cells never start a spreadsheet formula; numbers and plain text stay as they are."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from winwin.kernel.spreadsheets import SafeWriter, safe_cell

STARTS = "=+-@\t\r"


def _plain_number(text: str) -> bool:
    """Digits with at most one point, an optional sign and exponent (written apart)."""
    body = text[1:] if text[:1] in "+-" else text
    mantissa, _, exponent = body.replace("E", "e").partition("e")
    digits = mantissa.replace(".", "", 1)
    if exponent[:1] in "+-":
        exponent = exponent[1:]
    return (
        digits.isdigit()
        and digits.isascii()
        and ("e" not in body.lower() or (exponent.isdigit() and exponent.isascii()))
    )


@given(st.sampled_from(STARTS), st.text())
def test_a_cell_that_could_start_a_formula_is_quoted(first: str, rest: str) -> None:
    text = first + rest
    expected = text if _plain_number(text) else "'" + text
    assert safe_cell(text) == expected


@given(st.sampled_from("+-"), st.decimals(allow_nan=False, allow_infinity=False))
def test_a_signed_number_stays_a_number(sign: str, number: object) -> None:
    text = sign + str(number).lstrip("-")
    assert safe_cell(text) == text


@given(st.text().filter(lambda t: not t.startswith(tuple(STARTS))))
def test_other_text_is_unchanged(text: str) -> None:
    assert safe_cell(text) == text


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_are_unchanged(number: float | int) -> None:
    assert safe_cell(repr(number) if isinstance(number, float) else number) == (
        repr(number) if isinstance(number, float) else str(number)
    )


def test_the_writer_neutralises_every_cell_and_reads_back() -> None:
    buffer = io.StringIO()
    SafeWriter(buffer, lineterminator="\n").writerow(
        ['=HYPERLINK("http://evil.example")', "@SUM(A1)", "-0.25", None, "kuusi"]
    )
    [row] = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert row == ['\'=HYPERLINK("http://evil.example")', "'@SUM(A1)", "-0.25", "", "kuusi"]
