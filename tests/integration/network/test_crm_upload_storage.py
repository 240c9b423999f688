"""On both databases: an uploaded CRM list travels to its job by id only. The job row
(its arguments, result and error) never holds the file, and the kept upload is deleted
when the job ends, whether it succeeded or failed."""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, select

from winwin.accounts.access import actor_for
from winwin.accounts.models import User
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import execution
from winwin.jobs.models import Job
from winwin.network import crm_service
from winwin.network.crm_models import CrmUpload
from winwin.network.models import Organization

MARK = "Salainen Asiakas Oy"
FILE = f"Company name,Company Domain Name\n{MARK},salainen.example\nKoivu Sellu Oy,\n"


def _org(key: str, name: str) -> Organization:
    return Organization(key=key, name=name, roles=[], capabilities=[], needs=[], values=[])


def _world(engine: Engine) -> int:
    with unit_of_work(session_factory(engine)) as session:
        kuusi, koivu = _org("kuusi", "Kuusi Paper Oy"), _org("koivu", "Koivu Sellu Oy")
        session.add_all([kuusi, koivu])
        session.flush()
        admin = User(email="admin@kuusi.example", name="A", org_id=kuusi.id, role="org_admin")
        session.add(admin)
        session.flush()
        return admin.id


def _start(engine: Engine, user_id: int) -> int:
    with unit_of_work(session_factory(engine)) as session:
        actor = actor_for(session, session.get(User, user_id))
        return crm_service.start_upload(
            session, actor, by="kuusi", side="customers", data=FILE.encode(), preset="hubspot"
        )


def _job_rows(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = connection.execute(select(Job.arguments, Job.result, Job.error)).all()
    return json.dumps([list(r) for r in rows], default=str, ensure_ascii=False)


def _uploads(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(CrmUpload)).scalar_one()


def test_the_job_holds_only_the_uploads_id_and_the_upload_goes_when_it_succeeds(
    engine: Engine,
) -> None:
    user_id = _world(engine)
    job_id = _start(engine, user_id)
    assert MARK not in _job_rows(engine) and _uploads(engine) == 1
    execution.run_to_end(engine, job_id)
    with unit_of_work(session_factory(engine)) as session:
        actor = actor_for(session, session.get(User, user_id))
        found = crm_service.upload_result(session, actor, by="kuusi", job_id=job_id)
    assert found["status"] == "succeeded"
    assert [r["match"] for r in found["rows"]] == [None, "koivu"]
    assert MARK not in _job_rows(engine)
    assert _uploads(engine) == 0


def test_the_upload_goes_when_its_job_fails_for_good(engine: Engine) -> None:
    user_id = _world(engine)
    job_id = _start(engine, user_id)
    # The uploader loses the right to manage the organisation before the job runs.
    with unit_of_work(session_factory(engine)) as session:
        session.get(User, user_id).role = "member"
    execution.run_to_end(engine, job_id)
    with engine.connect() as connection:
        assert connection.execute(select(Job.status).where(Job.id == job_id)).scalar() == "failed"
    assert MARK not in _job_rows(engine)
    assert _uploads(engine) == 0
