"""``GET /api/v1/jobs/{id}``: the person who started a job sees it, error included;
anyone else gets the 404 of a job that does not exist."""

from __future__ import annotations

import support.job_kinds  # noqa: F401  (registers the test kinds)
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import service as jobs
from winwin.jobs.runners import ThreadRunner


def test_the_starter_sees_a_failed_job_and_its_error_and_no_one_else_does(world) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(session_factory(world.engine)) as session:
        job_id = jobs.start_job(
            session, kind="test.broken", arguments={}, started_by=world.user_ids["member"]
        ).id
    # The attempts run here, whichever database: the API only reads the job's row.
    ThreadRunner(world.engine).run_in_foreground(burst=True)

    mine = world.call("member", "GET", f"/api/v1/jobs/{job_id}")
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["status"] == "failed"
    assert body["error"] == "ValueError: the supplier file has no header row"
    assert body["attempts"] == body["max_attempts"] == 3
    assert body["started_by"] == "member@kuusi.example"

    unknown = world.call("member", "GET", f"/api/v1/jobs/{job_id + 1}")
    assert unknown.status_code == 404
    for other in ("lab_member", "org_admin", "platform_admin"):
        theirs = world.call(other, "GET", f"/api/v1/jobs/{job_id}")
        assert theirs.status_code == 404, other
        assert theirs.json() == unknown.json()
    assert world.call(None, "GET", f"/api/v1/jobs/{job_id}").status_code == 401


def test_the_starter_downloads_a_file_the_job_produced(world) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(session_factory(world.engine)) as session:
        job_id = jobs.start_job(
            session, kind="test.count", arguments={"steps": 4}, started_by=world.user_ids["member"]
        ).id
    ThreadRunner(world.engine).run_in_foreground(burst=True)
    body = world.call("member", "GET", f"/api/v1/jobs/{job_id}").json()
    assert body["progress"] == {"done": 4, "total": 4, "percent": 100}
    [output] = body["outputs"]
    got = world.call("member", "GET", f"/api/v1/jobs/{job_id}/outputs/{output['id']}")
    assert got.status_code == 200
    assert got.content == b"xxxx"
    theirs = world.call("lab_member", "GET", f"/api/v1/jobs/{job_id}/outputs/{output['id']}")
    assert theirs.status_code == 404
