"""Hostile or unusual documents: exit 2 with a path and nothing stored, or an exact round trip.

Regression tests: a NUL in text exited 1 with a database error on PostgreSQL (and was
stored on SQLite); `cluster: x` in `exclude` was refused without its path; an item
created in year 1 exported as `1-01-01T…`, which import refused; an offset in
`created` was dropped on SQLite.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.network.io import format_time, parse_time

BASE = {"format": "winwin/1", "organizations": [{"key": "a", "name": "A Oy"}]}


def _item(**extra: object) -> dict[str, object]:
    return {"key": "i", "owner": "a", "title": "t", "audience": {"level": "network"}, **extra}


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({**BASE, "organizations": [{"key": "a", "name": "A\x00b"}]}, "organizations[0].name"),
        ({**BASE, "items": [_item(body="x\x00")]}, "items[0].body"),
        ({**BASE, "items": [_item(topics=["ok", "t\x00"])]}, "items[0].topics[1]"),
        ({**BASE, "items": [_item(exclude=["cluster: x"])]}, "items[0].exclude[0]"),
        ({**BASE, "items": [_item(exclude=["cluster:x "])]}, "items[0].exclude[0]"),
        ({**BASE, "items": [_item(created="0001-01-01T00:00:00+01:00")]}, "items[0].created"),
    ],
)
def test_a_hostile_document_exits_2_naming_the_path_and_stores_nothing(cli, document, path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps({**BASE, "items": [_item(key="kept")]})).code == 0
    before = cli("export").out
    result = cli("import", "-", stdin=json.dumps(document))
    assert result.code == 2, result.err
    assert path in result.err
    assert "Traceback" not in result.err
    assert cli("export").out == before


CREATED = [
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00-05:00",
    "9999-12-31T23:59:59.999999+00:00",
    "9999-12-31T20:00:00-03:00",
    "2026-03-29T03:30:00+03:00",
    "2026-10-25T02:30:00.123456+02:00",
    "2026-12-05T10:00:00",
]


@pytest.mark.parametrize("created", CREATED)
def test_created_keeps_its_instant_and_round_trips(cli, created: str) -> None:  # type: ignore[no-untyped-def]
    document = {**BASE, "items": [_item(created=created)]}
    assert cli("import", "-", stdin=json.dumps(document)).code == 0
    exported = cli("export").json()
    [item] = exported["items"]
    instant = datetime.fromisoformat(created)
    instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    assert datetime.fromisoformat(item["created"].replace("Z", "+00:00")) == instant
    again = cli("import", "-", stdin=json.dumps(exported))
    assert again.code == 0, again.err
    assert cli("export").json() == exported


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none()
    ),
    st.integers(-23 * 60, 23 * 60),
)
def test_parse_and_format_keep_the_instant(moment: datetime, minutes: int) -> None:
    from datetime import timezone

    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    parsed = parse_time(aware.isoformat())
    assert parsed == aware
    text = format_time(parsed)
    assert text.endswith("Z") and len(text.split("-")[0]) == 4
    assert parse_time(text) == aware


def _round(instrument: str, answers: dict[str, int] | None) -> dict[str, object]:
    responses = [{"side": "a", "respondent": "r1", "answers": answers}] if answers else []
    return {
        "format": "winwin/1",
        "organizations": [{"key": "a", "name": "A Oy"}, {"key": "b", "name": "B Oy"}],
        "ties": [{"kind": "supplies", "from": "a", "to": "b"}],
        "assessments": [
            {"round": "R1", "instrument": instrument, "between": ["a", "b"], "responses": responses}
        ],
    }


@pytest.mark.parametrize("close", [False, True])
def test_a_round_with_responses_keeps_its_instrument(cli, close: bool) -> None:  # type: ignore[no-untyped-def]
    assert (
        cli("import", "-", stdin=json.dumps(_round("customer-relationship", {"a1": 4}))).code == 0
    )
    if close:
        [listed] = cli("round", "list", "--json").json()["rounds"]
        assert cli("round", "close", str(listed["id"])).code == 0
    before = cli("export").out
    changed = cli("import", "-", stdin=json.dumps(_round("learning-partnership", {"a1": 4})))
    assert changed.code == 2
    assert "assessments[0].instrument" in changed.err and "R1" in changed.err
    after = cli("export")
    assert after.code == 0 and after.out == before


def test_a_round_without_responses_may_still_change_its_instrument(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(_round("customer-relationship", None))).code == 0
    assert cli("import", "-", stdin=json.dumps(_round("learning-partnership", None))).code == 0
    [assessment] = cli("export").json()["assessments"]
    assert assessment["instrument"] == "learning-partnership"
