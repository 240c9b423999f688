"""Schemathesis against /openapi.json, in process: no 5xx, and every answer matches the schema.

Requests are sent as the demo org admin (a real token), with a bounded number of
generated examples per operation, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 20
# What the API promises: no server error, only documented statuses and content types, and
# bodies that match their schema. (A schema-valid payload may still break a business rule,
# so "positive data acceptance" is not among the promises.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# One test per group of routes (OpenAPI tag), so that a failure names its capability.
TAGS = [
    "health",
    "accounts",
    "organizations",
    "assessments",
    "sharing",
    "insight",
    "innovation",
    "notifications",
    "actions",
    "initiatives",
    "reports",
    "jobs",
]


def test_the_whole_api_is_covered_by_the_tags(world):
    schema = world.client.get("/openapi.json").json()
    tags = {
        tag
        for operations in schema["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", ["untagged"])
    }
    assert tags <= set(TAGS), f"add the new tags to TAGS: {sorted(tags - set(TAGS))}"


@pytest.mark.parametrize("tag", TAGS)
def test_the_api_answers_every_generated_request_within_its_schema(world, tag):
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    headers = world.headers("org_admin")
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if tag in (op.definition.raw.get("tags") or [])
    ]
    # A tag that matches no operation would pass having checked nothing.
    assert operations, f"no API operation carries the tag {tag!r}; update TAGS"

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case):  # type: ignore[no-untyped-def]
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            assert response.status_code < 500

        check()
