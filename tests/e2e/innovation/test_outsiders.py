"""Outsiders through the HTTP client, on SQLite and PostgreSQL.

A designer of no member organisation signs up on the demo network (Finnish pages, no
mail server, so the page shows the link, built from the configured base URL and never
from the request's Host), confirms the address by choosing a password, and then reads,
comments on, votes for and answers the public challenge, and nothing else: every other
page and API read answers 404. Hostile input: a taken address, a replayed link, an
expired link, too many sign-ups per address and per client. The REST doors do the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import ANY

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from e2e.innovation.web_world import EMAILS, Person, cards, seed_people, visible_keys
from support.identity import acting
from support.secrets import TEST_SECRET
from support.smtp import smtp_server
from winwin.accounts import outsiders
from winwin.accounts.access import OUTSIDER_ROUTES
from winwin.accounts.models import PasswordResetToken, User
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base, Item
from winwin.http.app import create_app
from winwin.innovation import service as innovation
from winwin.innovation.models import InnovationComment, InnovationEntry, InnovationVote
from winwin.notifications.models import Notification
from winwin.settings import Settings
from winwin.sharing.items import ItemRepository
from winwin.sharing.service import ItemDraft

BASE = "https://winwin.example"
CHALLENGE = "kuusi-open-challenge"  # the demo's public, open challenge
HIDDEN = "kuusi-partners-call"  # a challenge for Kuusi's partners only (made below)
LINK = re.compile(r'href="(https?://[^"]+/join/[A-Za-z0-9_-]+)"')


@pytest.fixture
def app(engine: Engine, db_url: str) -> Iterator[object]:
    seed_people(engine)
    with unit_of_work(session_factory(engine)) as session:
        kuusi = ItemRepository(session).viewer("kuusi")
        assert kuusi is not None
        innovation.create_entry(
            session,
            by=acting(session, kuusi.key),
            kind="challenge",
            draft=ItemDraft(key=HIDDEN, title="Partners only", body="", level="partners"),
        )
    made = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET, base_url=BASE))
    yield made
    made.state.engine.dispose()


def browser(app: object, lang: str = "fi", host: str = "evil.example") -> Person:
    client = TestClient(app, base_url=f"http://{host}", headers={"Accept-Language": lang})  # type: ignore[arg-type]
    return Person(client)


def sign_up(person: Person, email: str, name: str = "Sanni Suunnittelija") -> str:
    """Sign up and return the link the page shows (there is no mail server)."""
    done = person.post("/join", {"email": email, "name": name})
    assert done.status_code == 303, done.text[:2000]
    assert done.headers["location"].startswith("/join/sent?token=")
    page = person.get(done.headers["location"])
    found = LINK.search(page.text)
    assert found, page.text[:2000]
    return found.group(1)


def join(app: object, email: str = "sanni@design.example") -> Person:
    person = browser(app)
    link = sign_up(person, email)
    path = link.removeprefix(BASE)
    done = person.post(path, {"new_password": "fan-of-fibre-cups"})
    assert done.status_code == 303, done.text[:2000]
    person._token = None  # a new session began
    return person


def routes(found: list[object], prefix: str) -> Iterator[tuple[str, set[str]]]:
    """Every route's full path and methods, through the included routers."""
    for route in found:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from routes(inner.routes, prefix + inner.prefix)
        elif getattr(route, "methods", None):
            yield prefix + route.path, set(route.methods)  # type: ignore[attr-defined]


def count(engine: Engine, table: type) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_an_outsider_signs_up_in_finnish_and_takes_part_in_the_public_challenge(
    app: object, engine: Engine
) -> None:
    person = browser(app)
    page = person.get("/join")
    assert page.status_code == 200
    assert '<html lang="fi">' in page.text and "Liity avoimiin haasteisiin" in page.text
    link = sign_up(person, "Sanni@Design.example")
    # The configured public address, never the Host the request came in on.
    assert link.startswith(f"{BASE}/join/") and "evil.example" not in link
    # Not verified yet: no password, no sign-in.
    refused = person.post("/login", {"email": "sanni@design.example", "password": "x" * 12})
    assert refused.status_code == 401
    path = link.removeprefix(BASE)
    shown = person.get(path)
    assert shown.status_code == 200 and "Vahvista osoitteesi" in shown.text
    weak = person.post(path, {"new_password": "short"})
    assert weak.status_code == 422 and "new_password" not in weak.headers.get("location", "")
    done = person.post(path, {"new_password": "fan-of-fibre-cups"})
    assert done.status_code == 303 and done.headers["location"] == "/public/innovation?done=joined"
    person._token = None
    me = person.get("/public/innovation?done=joined")
    assert "Osoitteesi on vahvistettu" in me.text
    assert cards(me.text) == visible_keys(engine, None)

    entry = person.get(f"/innovation/{CHALLENGE}")
    assert entry.status_code == 200 and 'id="idea-form"' in entry.text
    assert (
        person.post(f"/public/innovation/{CHALLENGE}/comments", {"body": "Hieno!"}).status_code
        == 303
    )
    assert person.post(f"/public/innovation/{CHALLENGE}/vote", {"vote": "1"}).status_code == 303
    before = {k: visible_keys(engine, k) for k in ("kuusi", "lab", "gran", "pakkaus")}
    proposed = person.post(
        f"/public/innovation/{CHALLENGE}/ideas",
        {"title": "Voipaperi kaurakalvosta", "body": "Kalvo **kaurasta**."},
    )
    assert proposed.status_code == 303, proposed.text[:2000]
    key = proposed.headers["location"].split("/innovation/")[1].split("?")[0]
    shown = person.get(proposed.headers["location"])
    assert "Voipaperi kaurakalvosta" in shown.text and "Ideasi on julkaistu" in shown.text

    with session_factory(engine)() as session:
        item = session.scalar(select(Item).where(Item.key == key))
        assert item is not None and item.level == "public"
        fan = session.scalar(select(User).where(User.email == "sanni@design.example"))
        assert fan is not None and fan.role == "outsider" and fan.org_id is None
        entry_row = session.get(InnovationEntry, item.id)
        assert entry_row is not None and entry_row.created_by_user_id == fan.id
        comment = session.scalar(
            select(InnovationComment).where(InnovationComment.user_id == fan.id)
        )
        assert comment is not None and comment.org_id is None
        vote = session.scalar(select(InnovationVote).where(InnovationVote.user_id == fan.id))
        assert vote is not None and vote.org_id is None
    # Nothing widened for members: they see what they saw and the new public idea.
    for org, seen in before.items():
        assert visible_keys(engine, org) == seen | {key}, org


def test_an_outsider_gets_404_on_every_page_and_read_that_is_not_theirs(
    app: object, engine: Engine
) -> None:
    person = join(app)
    checked = 0
    for path, methods in routes(app.routes, ""):  # type: ignore[attr-defined]
        if "GET" not in methods or ("GET", path) in OUTSIDER_ROUTES:
            continue
        if path in ("/healthz", "/openapi.json", "/metrics"):
            continue
        answer = person.get(re.sub(r"\{[^}]+\}", "1", path))
        assert answer.status_code == 404, (path, answer.status_code)
        checked += 1
    assert checked > 40
    for path in (
        "/feed",
        "/items/kuusi-open-challenge",
        "/innovation",
        f"/innovation/{HIDDEN}",
        "/relationships",
        "/org",
        "/api/v1/feed",
        "/api/v1/organizations",
        f"/api/v1/innovation/{HIDDEN}",
        "/api/v1/innovation?org=kuusi",
    ):
        assert person.get(path).status_code == 404, path
    assert person.get("/notifications").status_code == 200
    assert person.get("/api/v1/me").json()["role"] == "outsider"
    listed = person.get("/api/v1/innovation").json()
    assert {e["key"] for e in listed["entries"]} == visible_keys(engine, None)
    # Taking part where it is not public: as if absent, and nothing stored.
    before = count(engine, InnovationComment)
    hidden = person.post(f"/public/innovation/{HIDDEN}/comments", {"body": "Hei"})
    assert hidden.status_code == 404
    idea = person.post(f"/public/innovation/{HIDDEN}/ideas", {"title": "Idea", "body": ""})
    assert idea.status_code == 404
    # The members' routes stay closed even for a public entry.
    member_route = person.post(f"/innovation/{CHALLENGE}/comments", {"body": "Hei"})
    assert member_route.status_code == 404
    assert count(engine, InnovationComment) == before


def test_a_member_may_not_use_the_outsiders_routes(app: object) -> None:
    member = browser(app)
    member.login(EMAILS["lab"])
    answer = member.post(f"/public/innovation/{CHALLENGE}/comments", {"body": "Hei"})
    assert answer.status_code == 404


def test_a_taken_address_is_answered_alike_and_gets_nothing(app: object, engine: Engine) -> None:
    person = browser(app)
    users = count(engine, User)
    done = person.post("/join", {"email": EMAILS["kuusi"], "name": "Imposter"})
    assert done.status_code == 303 and done.headers["location"] == "/join/sent"
    assert count(engine, User) == users
    with session_factory(engine)() as session:
        member = session.scalar(select(User).where(User.email == EMAILS["kuusi"]))
        assert member is not None and member.role == "member" and member.name != "Imposter"
    # An outsider who has confirmed the address is taken too.
    join(app, "taken@fan.example")
    again = person.post("/join", {"email": "taken@fan.example", "name": "Other"})
    assert again.headers["location"] == "/join/sent"


def test_a_link_works_once_and_not_after_it_expires(app: object, engine: Engine) -> None:
    person = browser(app)
    link = sign_up(person, "once@fan.example").removeprefix(BASE)
    assert person.post(link, {"new_password": "fan-of-fibre-cups"}).status_code == 303
    other = browser(app)
    assert other.get(link).status_code == 404
    replay = other.post(link, {"new_password": "another-password"})
    assert replay.status_code == 404

    late = sign_up(browser(app), "late@fan.example").removeprefix(BASE)
    with session_factory(engine)() as session:
        session.execute(
            update(PasswordResetToken).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        session.commit()
    assert other.get(late).status_code == 404
    assert other.post(late, {"new_password": "fan-of-fibre-cups"}).status_code == 404
    # Signing up again before confirming: only the newest link works.
    first = sign_up(browser(app), "twice@fan.example").removeprefix(BASE)
    second = sign_up(browser(app), "twice@fan.example").removeprefix(BASE)
    assert other.get(first).status_code == 404 and other.get(second).status_code == 200


def test_sign_up_is_rate_limited_per_address_and_per_client(app: object) -> None:
    person = browser(app)
    for _ in range(outsiders.SIGN_UPS_PER_ADDRESS):
        assert person.post("/join", {"email": "a@fan.example", "name": "A"}).status_code == 303
    too_many = person.post("/join", {"email": "a@fan.example", "name": "A"})
    assert too_many.status_code == 429 and "Odota tunti" in too_many.text
    for n in range(outsiders.SIGN_UPS_PER_CLIENT - outsiders.SIGN_UPS_PER_ADDRESS - 1):
        assert person.post("/join", {"email": f"n{n}@fan.example", "name": "N"}).status_code == 303
    assert person.post("/join", {"email": "z@fan.example", "name": "Z"}).status_code == 429
    bad = person.post("/join", {"email": "not an address", "name": ""})
    assert bad.status_code == 429  # the limit is judged first, so nothing is learnt


def test_verification_is_rate_limited_per_client(app: object) -> None:
    person = browser(app)
    for _ in range(outsiders.VERIFICATIONS_PER_CLIENT):
        assert (
            person.post("/join/" + "x" * 43, {"new_password": "whatever-pass"}).status_code == 404
        )
    assert person.post("/join/" + "x" * 43, {"new_password": "whatever-pass"}).status_code == 429


def test_invalid_sign_up_names_its_fields(app: object, engine: Engine) -> None:
    person = browser(app, lang="en")
    users = count(engine, User)
    bad = person.post("/join", {"email": "nope", "name": " "})
    assert bad.status_code == 422
    assert "is not a valid email address" in bad.text and "must be 1 to 200 characters" in bad.text
    assert count(engine, User) == users


def test_the_rest_doors_sign_up_verify_and_take_part(app: object, engine: Engine) -> None:
    client = TestClient(app, base_url="http://evil.example")  # type: ignore[arg-type]
    made = client.post("/api/v1/outsiders", json={"email": "api@fan.example", "name": "Api Fan"})
    assert made.status_code == 202 and made.json()["link"].startswith(f"{BASE}/join/")
    token = made.json()["link"].rsplit("/", 1)[1]
    weak = client.post("/api/v1/outsiders/verify", json={"token": token, "password": "x"})
    assert weak.status_code == 422 and "password" in weak.text
    verified = client.post(
        "/api/v1/outsiders/verify", json={"token": token, "password": "fan-of-fibre-cups"}
    )
    assert verified.status_code == 201
    replay = client.post(
        "/api/v1/outsiders/verify", json={"token": token, "password": "fan-of-fibre-cups"}
    )
    assert replay.status_code == 403
    auth = {"Authorization": f"Bearer {verified.json()['token']}"}
    assert client.get("/api/v1/feed", headers=auth).status_code == 404
    entry = client.get(f"/api/v1/innovation/{CHALLENGE}", headers=auth)
    assert entry.status_code == 200 and entry.json()["can_participate"] is True
    comment = client.post(
        f"/api/v1/innovation/{CHALLENGE}/comments", json={"body": "Hyvä!"}, headers=auth
    )
    assert comment.status_code == 201 and comment.json()["org"] is None
    assert client.put(f"/api/v1/innovation/{CHALLENGE}/vote", headers=auth).json()["voted"]
    private = client.post(
        "/api/v1/innovation",
        json={
            "kind": "idea",
            "challenge": CHALLENGE,
            "title": "T",
            "audience": {"level": "partners"},
        },
        headers=auth,
    )
    assert private.status_code == 422 and "audience.level" in private.text
    idea = client.post(
        "/api/v1/innovation",
        json={
            "kind": "idea",
            "challenge": CHALLENGE,
            "title": "T",
            "audience": {"level": "public"},
        },
        headers=auth,
    )
    assert idea.status_code == 201, idea.text
    assert idea.json()["key"] in visible_keys(engine, None)
    # A member's comment on the outsider's idea reaches the owner's people: the outsider
    # follows it but is never told, so it is as if nobody followed it.
    with unit_of_work(session_factory(engine)) as session:
        pakkaus = ItemRepository(session).viewer("pakkaus")
        member = session.scalar(select(User.id).where(User.email == EMAILS["pakkaus"]))
        kuusi_people = set(
            session.scalars(
                select(User.id).where(User.org_id == ItemRepository(session).viewer("kuusi").id)
            )
        )
        before = session.scalar(select(func.max(Notification.id))) or 0
        innovation.add_comment(
            session,
            by=acting(session, pakkaus.key, member),
            key=idea.json()["key"],
            body="Kokeillaan tätä",
        )
        told = set(session.scalars(select(Notification.user_id).where(Notification.id > before)))
        assert told and told <= kuusi_people
    hidden = client.post(
        "/api/v1/innovation",
        json={"kind": "idea", "challenge": HIDDEN, "title": "T", "audience": {"level": "public"}},
        headers=auth,
    )
    assert hidden.status_code == 422 and HIDDEN in hidden.text
    challenge = client.post(
        "/api/v1/innovation",
        json={"kind": "challenge", "title": "T", "audience": {"level": "public"}},
        headers=auth,
    )
    assert challenge.status_code == 422


def test_the_operator_lists_and_removes_outsiders(db_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo").code == 0
    engine = build_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        for email in ("fan@cli.example", "pending@cli.example"):
            outsiders.sign_up(session, email=email, name="Sanni", ip="t", base_url=BASE)
        fan = session.scalar(select(User).where(User.email == "fan@cli.example"))
        assert fan is not None
        fan.password_hash = "set"
        innovation.add_comment(session, by=acting(session, None, fan.id), key=CHALLENGE, body="Hei")
    listed = cli("outsiders", "list", "--json")
    assert listed.code == 0, listed.err
    assert listed.json()["outsiders"] == [
        {"email": "fan@cli.example", "name": "Sanni", "verified": True, "created_at": ANY},
        {"email": "pending@cli.example", "name": "Sanni", "verified": False, "created_at": ANY},
    ]
    removed = cli("outsiders", "remove", "FAN@cli.example", "--json")
    assert removed.code == 0 and removed.json() == {"removed": "fan@cli.example"}
    with session_factory(engine)() as session:
        assert session.scalar(select(User).where(User.email == "fan@cli.example")) is None
        said = select(func.count()).select_from(InnovationComment)
        assert session.scalar(said.where(InnovationComment.body == "Hei")) == 0
    engine.dispose()
    again = cli("outsiders", "remove", "fan@cli.example")
    assert again.code == 2 and "fan@cli.example" in again.err
    assert cli("outsiders", "remove", EMAILS["kuusi"]).code == 2


def test_with_a_mail_server_the_link_is_mailed_on_the_base_url_and_not_shown(
    tmp_path: Path,
) -> None:
    # SQLite: the mail job runs in the server's own thread (PostgreSQL needs a worker).
    db_url = f"sqlite:///{tmp_path / 'mailed.sqlite3'}"
    engine = build_engine(db_url)
    Base.metadata.create_all(engine)
    seed_people(engine)
    engine.dispose()
    with smtp_server() as inbox:
        settings = Settings(
            database_url=db_url, secret_key=TEST_SECRET, base_url=BASE, mail_server=inbox.address
        )
        with TestClient(create_app(settings), base_url="http://evil.example") as client:
            person = Person(client)
            done = person.post("/join", {"email": "mailed@fan.example", "name": "Mailed"})
            assert done.status_code == 303 and done.headers["location"] == "/join/sent"
            assert not LINK.search(person.get("/join/sent?token=" + "a" * 43).text)
            [message] = inbox.wait_for(1)
            taken = person.post("/join", {"email": EMAILS["kuusi"], "name": "Imposter"})
            assert taken.headers["location"] == "/join/sent"
    body = message.get_content()
    assert message["To"] == "mailed@fan.example"
    assert f"{BASE}/join/" in body and "evil.example" not in body
    assert len(inbox.messages) == 1  # the taken address got nothing


def test_in_production_without_a_mail_server_the_link_is_never_on_the_page(
    engine: Engine, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    seed_people(engine)
    settings = Settings(
        database_url=db_url, secret_key=TEST_SECRET, base_url=BASE, environment="production"
    )
    with TestClient(create_app(settings), base_url="https://winwin.example") as client:
        person = Person(client)
        with caplog.at_level("WARNING", logger="winwin.mail"):
            done = person.post("/join", {"email": "prod@fan.example", "name": "Prod"})
        assert done.status_code == 303 and done.headers["location"] == "/join/sent"
        assert not LINK.search(person.get("/join/sent?token=" + "a" * 43).text)
        api = client.post("/api/v1/outsiders", json={"email": "prod2@fan.example", "name": "P"})
        assert api.status_code == 202 and api.json()["link"] is None
    assert f"{BASE}/join/" in caplog.text
