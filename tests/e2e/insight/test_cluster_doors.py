"""Clusters and the network map through the pages and REST, on both databases: what a
member, a platform admin and a facilitator read, the audit of whole-graph reads, a
change seen at once, and the whole report as a job on a large network."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from e2e.insight.conftest import Doors
from e2e.insight.documents import NETWORK
from winwin.accounts.access import operator
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import queue
from winwin.network import tie_sharing

UNSEEN_BY_PINTA = ("Pakkaus Oy", "Kauppa Oy", "Metsä Oy", "Gran AB")


def _map_keys(html: str) -> set[str]:
    svg = html.split('data-testid="network-map"')[1].split("</svg>")[0]
    return set(re.findall(r'data-key="([^"]+)"', svg))


def test_a_member_s_page_names_only_what_its_ties_and_partners_allow(doors: Doors) -> None:
    page = doors.client.get("/insight?seed=4", headers=doors.headers("pinta"))
    assert page.status_code == 200, page.text
    assert _map_keys(page.text) == {"pinta", "kemi", "kuusi"}
    for name in UNSEEN_BY_PINTA:
        assert name not in page.text, name
    assert 'data-testid="cluster-scope"' in page.text
    assert 'data-testid="map-table"' in page.text
    # Its own reads are not audited: it reads only what it may see.
    assert doors.reads() == []


def test_sharing_everything_shows_the_partner_s_customers_at_once(doors: Doors) -> None:
    before = doors.client.get("/insight?seed=4", headers=doors.headers("pinta"))
    assert "Pakkaus Oy" not in before.text
    with unit_of_work(session_factory(doors.engine)) as session:
        tie_sharing.set_sharing(
            session, org="kuusi", partner="pinta", level="all", actor=operator()
        )
    page = doors.client.get("/insight?seed=4", headers=doors.headers("pinta"))
    assert _map_keys(page.text) == {"pinta", "kemi", "kuusi", "pakkaus", "metsa"}
    # pinta → kuusi → pakkaus: a customer's customer pinta could reach, marked so.
    node = re.search(r'<g class="map-node role-(\w+)"[^>]*data-key="pakkaus"', page.text)
    assert node and node.group(1) == "reach"
    assert "Kauppa Oy" not in page.text and "Gran AB" not in page.text


# A platform admin of no organisation acts for one only when they name one.
FIRST = min(NETWORK["organizations"], key=lambda o: o["name"])["key"]


def test_a_platform_admin_reads_the_whole_graph_and_is_audited(doors: Doors) -> None:
    page = doors.client.get(f"/insight?seed=4&org={FIRST}", headers=doors.headers("admin"))
    assert page.status_code == 200
    assert _map_keys(page.text) == {o["key"] for o in NETWORK["organizations"]}
    assert doors.reads() == ["clusters", "map"]
    api = doors.client.get("/api/v1/clusters?seed=4", headers=doors.headers("admin")).json()
    assert api["scope"] == "everything" and doors.reads()[-1] == "clusters"


def test_a_facilitator_reads_everything_for_a_client_and_is_audited(doors: Doors) -> None:
    found = doors.client.get("/api/v1/clusters?org=kuusi", headers=doors.headers("facilitator"))
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["scope"] == "everything" and body["org"] == "kuusi"
    assert sorted(k for c in body["communities"] for k in c) == sorted(
        o["key"] for o in NETWORK["organizations"]
    )
    assert set(body["outside_reach"]) == {"kuusi"}
    assert doors.reads() == ["clusters"]


def test_reading_for_an_organisation_one_may_not_act_for_is_forbidden(doors: Doors) -> None:
    found = doors.client.get("/api/v1/clusters?org=kuusi", headers=doors.headers("pinta"))
    assert found.status_code == 403
    unknown = doors.client.get("/api/v1/clusters?org=nobody", headers=doors.headers("pinta"))
    assert unknown.status_code == 404


def test_the_member_s_rest_answer_names_only_what_it_may_see(doors: Doors) -> None:
    body = doors.client.get("/api/v1/clusters?seed=4", headers=doors.headers("pinta")).json()
    text = json.dumps(body)
    for key in ("pakkaus", "kauppa", "metsa", "gran"):
        assert f'"{key}"' not in text, key


def test_the_map_is_well_formed_svg_with_named_focusable_nodes_in_finnish(doors: Doors) -> None:
    page = doors.client.get(f"/insight?seed=4&org={FIRST}", headers=doors.headers("admin", "fi"))
    assert "Verkostokartta" in page.text and "Kartta taulukkona" in page.text
    svg = page.text.split('<svg class="map"')[1].split("</svg>")[0]
    root = ET.fromstring('<svg class="map"' + svg + "</svg>")
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("tabindex") == "0"]
    assert len(nodes) == len(NETWORK["organizations"])
    assert all(g.get("aria-label") for g in nodes)
    kuusi = next(g for g in nodes if g.get("data-key") == "kuusi")
    assert kuusi.get("aria-label", "").startswith("Kuusi Paper Oy")


def _finish(doors: Doors, job_id: int) -> None:
    url = doors.engine.url.render_as_string(hide_password=False)
    if queue.is_postgres(url):
        app = queue.build_app(url, doors.engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)
    deadline = time.monotonic() + 120
    while True:
        fragment = doors.client.get(f"/insight/jobs/{job_id}", headers=doors.headers("pinta"))
        status = re.search(r'data-status="(\w+)"', fragment.text)
        assert status, fragment.text
        if status.group(1) in ("succeeded", "failed"):
            break
        if time.monotonic() > deadline:
            pytest.fail("the clusters job did not finish")
        time.sleep(0.05)
    assert status.group(1) == "succeeded", fragment.text
    # Done: htmx reloads the page, which now shows the clusters.
    assert fragment.headers.get("hx-refresh") == "true"


def test_on_a_large_network_the_clusters_are_a_job_the_page_follows(
    doors: Doors, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINWIN_CLUSTERS_JOB_ABOVE", "0")
    page = doors.client.get("/insight?seed=2", headers=doors.headers("pinta", "fi"))
    assert page.status_code == 200
    # The job is handed to a runner only after the response: the page shows it waiting.
    job = re.search(r'hx-get="/insight/jobs/(\d+)"', page.text)
    assert job, page.text
    assert 'data-testid="network-map"' not in page.text
    assert "<progress" in page.text and "Verkosto on suuri" in page.text
    job_id = int(job.group(1))
    # REST asks again until it is ready; the same job serves it (one per graph version).
    pending = doors.client.get("/api/v1/clusters?seed=2", headers=doors.headers("pinta"))
    assert pending.status_code in (200, 202)
    if pending.status_code == 202:
        assert set(pending.json()) >= {"status", "progress"}
        assert "communities" not in pending.json()
    _finish(doors, job_id)
    done = doors.client.get("/insight?seed=2", headers=doors.headers("pinta", "fi"))
    assert _map_keys(done.text) == {"pinta", "kemi", "kuusi"}
    api = doors.client.get("/api/v1/clusters?seed=2", headers=doors.headers("pinta"))
    assert api.status_code == 200 and api.json()["scope"] == "own"
    # Nobody's job: its result (the whole graph) is not a person's to read.
    mine = doors.client.get(f"/api/v1/jobs/{job_id}", headers=doors.headers("pinta"))
    assert mine.status_code == 404


def test_a_failed_clusters_job_is_shown_and_started_again_only_when_asked(
    doors: Doors, monkeypatch: pytest.MonkeyPatch
) -> None:
    from winwin.insight import cluster_views
    from winwin.jobs.models import Job
    from winwin.kernel.errors import WinwinError

    def broken(*args: object, **kwargs: object) -> None:
        raise WinwinError("the graph could not be read")

    monkeypatch.setattr(cluster_views, "make_report", broken)
    monkeypatch.setenv("WINWIN_CLUSTERS_JOB_ABOVE", "0")
    page = doors.client.get("/insight?seed=3", headers=doors.headers("pinta", "fi"))
    job_id = int(re.search(r'hx-get="/insight/jobs/(\d+)"', page.text).group(1))
    url = doors.engine.url.render_as_string(hide_password=False)
    if queue.is_postgres(url):
        app = queue.build_app(url, doors.engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)
    deadline = time.monotonic() + 60
    while (
        'data-status="failed"'
        not in (
            fragment := doors.client.get(f"/insight/jobs/{job_id}", headers=doors.headers("pinta"))
        ).text
    ):
        assert time.monotonic() < deadline, fragment.text
        time.sleep(0.05)

    def clusters_jobs() -> list[int]:
        with unit_of_work(session_factory(doors.engine)) as session:
            return list(session.scalars(select(Job.id).where(Job.kind == "insight.clusters")))

    # The page shows the failure (in Finnish) and stops reloading itself; no new job.
    for _ in range(2):
        again = doors.client.get("/insight?seed=3", headers=doors.headers("pinta", "fi"))
        assert 'data-testid="cluster-job-failed"' in again.text
        assert "Työ epäonnistui" in again.text and "the graph could not be read" in again.text
        assert "Laske klusterit uudelleen" in again.text
        assert "refresh" not in again.headers
        rest = doors.client.get("/api/v1/clusters?seed=3", headers=doors.headers("pinta"))
        assert rest.status_code == 202 and rest.json()["status"] == "failed"
        assert rest.json()["error"] == "the graph could not be read"
    assert clusters_jobs() == [job_id]
    # Asked for, it starts again.
    retried = doors.client.get("/api/v1/clusters?seed=3&retry=true", headers=doors.headers("pinta"))
    assert retried.status_code == 202 and retried.json()["status"] in (
        "queued",
        "running",
        "failed",
    )
    assert len(clusters_jobs()) == 2


def _reach_rows(html: str) -> list[str]:
    table = html.split('data-testid="outside-reach"')[1].split("</table>")[0]
    return re.findall(r"<tr><td>([^<]+)</td>", table)


def test_two_readers_of_one_map_each_read_their_own_report_whoever_came_first(
    doors: Doors,
) -> None:
    # A platform admin and a facilitator acting for kuusi read the same map (the whole
    # graph, kuusi marked), but the facilitator reads only kuusi's outside reach.
    names = {o["key"]: o["name"] for o in NETWORK["organizations"]}
    for who in ("admin", "facilitator", "admin", "facilitator"):
        page = doors.client.get("/insight?org=kuusi&seed=4", headers=doors.headers(who))
        assert page.status_code == 200, page.text
        api = doors.client.get("/api/v1/clusters?org=kuusi&seed=4", headers=doors.headers(who))
        reach = api.json()["outside_reach"]
        assert sorted(_reach_rows(page.text)) == sorted(names[k] for k in reach), who
        assert (len(reach) > 1) == (who == "admin"), (who, reach)
