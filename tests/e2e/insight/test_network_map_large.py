"""The network map of a generated 2,000-organisation network renders as well-formed
inline SVG with every organisation a focusable, named node (its time is a benchmark,
``bench/network_map.py``, never asserted here)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from support.secrets import TEST_SECRET
from winwin.accounts.models import User
from winwin.accounts.service import create_api_token
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.generate import generate_network
from winwin.network.models import Organization
from winwin.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"


def test_a_2000_organisation_map_renders_every_node(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINWIN_CLUSTERS_JOB_ABOVE", "1000000")
    document = generate_network(orgs=2000, seed=3, items_per_org=0, assessments=0)
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(document))
        user = User(email="admin@example.com", name="admin", org_id=None, role="platform_admin")
        session.add(user)
        session.flush()
        token = create_api_token(session, user_id=user.id, name="test").token
        # A platform admin of no organisation acts for one only when they name one.
        first = session.scalars(select(Organization.key).order_by(Organization.name)).first()
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        page = client.get(f"/insight?org={first}", headers={"Authorization": f"Bearer {token}"})
    app.state.engine.dispose()
    assert page.status_code == 200
    body = re.search(r'<svg class="map".*?</svg>', page.text, re.S)
    assert body
    root = ET.fromstring(body.group(0))
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("tabindex") == "0"]
    assert len(nodes) == 2000
    assert all(g.get("aria-label") and g.find(f"{SVG}title") is not None for g in nodes)
    circles = [g.find(f"{SVG}circle") for g in nodes]
    xs = [float(c.get("cx", "nan")) for c in circles if c is not None]
    assert len(xs) == 2000 and min(xs) >= 0 and max(xs) <= 1000
    # The ties are two paths, not one element each: the page stays small.
    assert len(list(root.iter(f"{SVG}path"))) == 2
    assert page.text.count('<tr id="map-row-') >= 2000  # the table fallback lists them all
