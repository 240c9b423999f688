"""Reading CRM lists and matching their rows (pure), hostile files included."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.network import crm

HUBSPOT = "Record ID,Company name,Company Domain Name,Website URL,Country/Region\n"
SALESFORCE = "Account ID,Account Name,Website,Billing Country,Type\n"
CANDIDATES = [
    crm.Candidate("kuusi", "Kuusi Paper Oy", "0112038-9", frozenset({"kuusi.example"})),
    crm.Candidate("koivu", "Koivu Sellu Oy", None, frozenset({"koivu.example"})),
    crm.Candidate("gran", "Gran AB", None, frozenset()),
    crm.Candidate("twin-a", "Twin Oy", None, frozenset({"shared.example"})),
    crm.Candidate("twin-b", "Twin Ltd", None, frozenset({"shared.example"})),
]


def _match(text: str, **options) -> list[crm.Match]:  # type: ignore[no-untyped-def]
    parsed = crm.read_rows(text, **options)
    return crm.match_rows(parsed.rows, CANDIDATES)


def test_each_match_says_how_it_was_made_in_order_of_strength() -> None:
    text = (
        "Name,Site,VAT\n"
        "Anything,https://www.koivu.example/x,FI01120389\n"  # the ID wins over the domain
        "Someone,http://WWW.Koivu.example:8080/about,\n"
        "  GRAN  ab ,,\n"
        "Twin,shared.example,\n"  # two organisations share the domain and the name
        "Nobody Oy,nobody.example,\n"
    )
    found = _match(text, mapping={"name": "Name", "domain": "Site", "business_id": "VAT"})
    assert [(m.line, m.key, m.how, m.ambiguous) for m in found] == [
        (2, "kuusi", "business_id", False),
        (3, "koivu", "domain", False),
        (4, "gran", "name", False),
        (5, None, None, True),
        (6, None, None, False),
    ]


def test_the_presets_use_hubspot_s_and_salesforce_s_labels() -> None:
    hub = HUBSPOT + "1,Kuusi Paper Oy,,,Finland\n2,Jokin,koivu.example,,Finland\n"
    assert [(m.key, m.how) for m in _match(hub, preset="hubspot")] == [
        ("kuusi", "name"),
        ("koivu", "domain"),
    ]
    sf = SALESFORCE + "001,Gran AB,https://gran.example,Sweden,Customer\n"
    assert [(m.key, m.how) for m in _match(sf, preset="salesforce")] == [("gran", "name")]
    # HubSpot's website column serves when the domain column is empty.
    only_site = HUBSPOT + "1,X,,https://www.kuusi.example,\n"
    assert [m.how for m in _match(only_site, preset="hubspot")] == ["domain"]


def test_a_semicolon_file_from_excel_reads_too() -> None:
    text = "Account Name;Website\nKoivu Sellu Oy;koivu.example\n"
    assert [m.key for m in _match(text, preset="salesforce")] == ["koivu"]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ("Nimi,Ö\n".encode("latin-1"), "file"),
        (b"", "file"),
        (b"\xff\xfeA\x00", "file"),
        (b"x" * (crm.MAX_BYTES + 1), "file"),
    ],
)
def test_a_file_that_is_not_utf8_or_too_large_is_refused_whole(data: bytes, path: str) -> None:
    with pytest.raises(crm.BadFile) as caught:
        crm.read_rows(crm.decode(data), preset="hubspot")
    assert caught.value.path == path


def test_missing_columns_are_named() -> None:
    with pytest.raises(crm.BadFile) as caught:
        crm.read_rows(SALESFORCE, preset="hubspot")
    assert caught.value.path == "columns.name"
    with pytest.raises(crm.BadFile) as caught:
        crm.read_rows("Name\n", mapping={"name": "Name", "domain": "Web"})
    assert caught.value.path == "columns.domain"
    with pytest.raises(crm.BadFile) as caught:
        crm.read_rows("Name\n", mapping={"colour": "Name"})
    assert caught.value.path == "columns.colour"
    with pytest.raises(crm.BadFile) as caught:
        crm.read_rows("Name\n", preset="pipedrive")
    assert caught.value.path == "preset"


def test_bad_rows_are_listed_with_their_line_numbers_and_never_echo_a_formula() -> None:
    huge = "A" * (crm.MAX_CELL + 1)
    text = (
        "Name,Site,VAT,Mail\n"
        '=HYPERLINK("http://evil"),,,\n'
        "Good Oy,+kuusi.example,,\n"
        ",koivu.example,,\n"
        "\n"
        f"{huge},,,\n"
        "Bad ID Oy,,1234567-0,\n"
        "Bad mail Oy,,,not-mail\n"
        "@SUM(A1) Oy,,,\n"
        "Fine Oy,,,\n"
    )
    parsed = crm.read_rows(
        text, mapping={"name": "Name", "domain": "Site", "business_id": "VAT", "email": "Mail"}
    )
    assert [(b.line, b.problems[0].split(":")[0]) for b in parsed.bad] == [
        (2, "name"),
        (3, "domain"),
        (4, "name"),
        (6, "name"),
        (7, "business_id"),
        (8, "email"),
        (9, "name"),
    ]
    assert all("HYPERLINK" not in p and "SUM" not in p for b in parsed.bad for p in b.problems)
    # Each reason is a refusal with a code, for pages to say in their language.
    assert [b.reasons[0].code for b in parsed.bad] == [
        "network.crm_formula",
        "network.crm_formula",
        "network.crm_name_empty",
        "network.crm_cell_long",
        "network.y_tunnus_check",
        "network.crm_bad_email",
        "network.crm_formula",
    ]
    assert all(p.code for b in parsed.bad for p in b.reasons)
    assert [r.line for r in parsed.rows] == [10]


def test_a_huge_line_is_one_bad_row_and_the_rest_is_read() -> None:
    text = "Name\n" + '"' + "x" * 200_000 + '"\n' + "Koivu Sellu Oy\n"
    parsed = crm.read_rows(text, mapping={"name": "Name"})
    assert [b.line for b in parsed.bad] == [2]
    assert [r.name for r in parsed.rows] == ["Koivu Sellu Oy"]


def test_normal_names_drop_accents_case_punctuation_and_legal_forms() -> None:
    assert crm.normal_name("Pakkaus-Äijälä OY") == crm.normal_name("pakkaus äijälä")
    assert crm.normal_name("Oy") == "oy"
    assert crm.normal_domain("mailto:info@www.Kuusi.example") == "kuusi.example"
    assert crm.normal_domain("not a domain") is None


names = st.text(alphabet="abcÄö OyAB-.", min_size=1, max_size=12)
candidates = st.lists(
    st.builds(
        crm.Candidate,
        key=st.text(alphabet="abcdef", min_size=1, max_size=4),
        name=names,
        business_id=st.sampled_from([None, "0112038-9", "SE556677889901"]),
        domains=st.frozensets(st.sampled_from(["a.example", "b.example", "c.example"])),
    ),
    max_size=8,
)
rows = st.lists(
    st.builds(
        crm.Row,
        line=st.integers(2, 10_000),
        name=names,
        domain=st.sampled_from([None, "a.example", "b.example", "c.example"]),
        business_id=st.sampled_from([None, "0112038-9", "SE556677889901"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(visible=candidates, hidden=candidates, rows=rows)
def test_matching_never_names_an_organisation_the_uploader_may_not_see(
    visible: list[crm.Candidate], hidden: list[crm.Candidate], rows: list[crm.Row]
) -> None:
    # The hidden organisations (pending ones, for instance) may share every business
    # ID, domain and name with the rows; only the candidates given can be named.
    keys = {c.key for c in visible}
    hidden_only = {c.key for c in hidden} - keys
    for match in crm.match_rows(rows, visible):
        assert match.key is None or match.key in keys
        assert match.key not in hidden_only
        assert (match.key is None) == (match.how is None)
