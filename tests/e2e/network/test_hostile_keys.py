"""A key with a trailing newline is not a key, through the document and the commands.

``^…$`` with ``match`` accepts ``"kuusi\\n"``; every door now asks ``kernel.keys``, which
matches the whole text. A refusal exits 2 naming the field and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

BASE = {
    "format": "winwin/1",
    "organizations": [{"key": "kuusi", "name": "Kuusi Oy"}, {"key": "pakkaus", "name": "P"}],
    "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
}


@pytest.mark.parametrize(
    ("where", "document"),
    [
        ("organizations[2].key", {"organizations": [{"key": "koivu\n", "name": "Koivu"}]}),
        (
            "items[0].audience.exclude[0]",
            {
                "items": [
                    {
                        "key": "kuusi-1",
                        "owner": "kuusi",
                        "title": "T",
                        "body": "B",
                        "audience": {"level": "partners", "exclude": ["competitors\n"]},
                    }
                ]
            },
        ),
    ],
)
def test_an_import_refuses_a_key_with_a_newline_and_changes_nothing(
    cli: Any, where: str, document: dict[str, Any]
) -> None:
    assert cli("import", "-", stdin=json.dumps(BASE)).code == 0
    before = cli("export").out
    hostile = json.loads(json.dumps(BASE))
    for section, entries in document.items():
        hostile.setdefault(section, []).extend(entries)
    result = cli("import", "-", stdin=json.dumps(hostile))
    assert result.code == 2, result.out + result.err
    assert where.split("[")[0] in result.err
    assert cli("export").out == before


def test_org_add_refuses_a_key_with_a_newline(cli: Any) -> None:
    assert cli("import", "-", stdin=json.dumps(BASE)).code == 0
    before = cli("export").out
    result = cli("org", "add", "koivu\n", "--name", "Koivu Oy")
    assert result.code == 2 and "key" in result.err, result.err
    assert cli("export").out == before
