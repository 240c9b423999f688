"""Reading pasted addresses and CSV files: every bad line is named by its number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.assessments.addresses import BadLine, Entry, parse_csv, parse_pasted


def test_pasted_addresses_one_per_line_or_comma_separated_with_optional_names():
    entries, bad = parse_pasted(
        "anna@kuusi.fi\n\nPekka Virtanen <Pekka@Pakkaus.fi>, liisa@kuusi.fi; ville@lab.fi\n"
    )
    assert bad == []
    assert entries == [
        Entry(1, "anna@kuusi.fi"),
        Entry(3, "pekka@pakkaus.fi", "Pekka Virtanen"),
        Entry(3, "liisa@kuusi.fi"),
        Entry(3, "ville@lab.fi"),
    ]


def test_bad_and_repeated_addresses_are_listed_by_line():
    entries, bad = parse_pasted("anna@kuusi.fi\nanna.kuusi.fi\nANNA@kuusi.fi\nx@y\n")
    assert [e.email for e in entries] == ["anna@kuusi.fi"]
    assert bad == [
        BadLine(2, "anna.kuusi.fi", "invalid"),
        BadLine(3, "anna@kuusi.fi", "duplicate"),
        BadLine(4, "x@y", "invalid"),
    ]


def test_a_csv_file_from_a_finnish_spreadsheet_is_read_by_its_email_column():
    data = "Nimi;Sähköposti\nAnna;anna@kuusi.fi\n;\nPekka;pekka(at)pakkaus.fi\n".encode("cp1252")
    entries, bad = parse_csv(data)
    assert entries == [Entry(2, "anna@kuusi.fi", "Anna")]
    assert bad == [BadLine(4, "pekka(at)pakkaus.fi", "invalid")]
    utf8 = "\ufeffname,email\nÅsa,asa@gran.se\n".encode()
    assert parse_csv(utf8) == ([Entry(2, "asa@gran.se", "Åsa")], [])


def test_a_csv_file_without_an_email_column_is_refused_at_its_header():
    assert parse_csv(b"name,phone\nAnna,123\n") == ([], [BadLine(1, "name,phone", "no_column")])
    assert parse_csv(b"") == ([], [BadLine(1, "", "empty")])


@given(st.text(max_size=300))
def test_every_pasted_line_is_read_or_named(text: str):
    entries, bad = parse_pasted(text)
    lines = text.splitlines()
    for entry in entries:
        assert entry.email in lines[entry.line - 1].lower()
    for line in bad:
        assert 1 <= line.line <= len(lines)
    assert len({e.email for e in entries}) == len(entries)
