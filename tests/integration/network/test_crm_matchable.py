"""On both databases: a CRM list matched through the service never names an organisation
the uploader may not see (a pending or rejected one, or the uploader itself), even when
its rows carry exactly their business IDs, names and mail domains."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.network import crm, crm_service
from winwin.network.joining_models import OrganizationInvitation
from winwin.network.models import Organization

ACTIVE = [
    ("kuusi", "Kuusi Paper Oy", "0112038-9", "kuusi.example"),
    ("koivu", "Koivu Sellu Oy", None, "koivu.example"),
    ("gran", "Gran AB", "SE556677889901", None),
]
UPLOADER = ("lataaja", "Lataaja Oy", "2345678-0", "lataaja.example")
HIDDEN = [  # (status, name, business ID, mail domain): never an organisation row
    ("pending", "Odottava Oy", "1572860-0", "odottava.example"),
    ("rejected", "Hylätty AB", "SE123456789001", "hylatty.example"),
    ("invited", None, None, "kutsuttu.example"),
]


def _org(key: str, name: str, business_id: str | None) -> Organization:
    return Organization(key=key, name=name, business_id=business_id, roles=[],
                        capabilities=[], needs=[], values=[])  # fmt: skip


def _world(session: Session) -> int:
    for key, name, business_id, domain in [*ACTIVE, UPLOADER]:
        org = _org(key, name, business_id)
        session.add(org)
        session.flush()
        if domain:
            session.add(User(email=f"admin@{domain}", name="A", org_id=org.id, role="org_admin"))
    for number, (status, name, business_id, domain) in enumerate(HIDDEN):
        session.add(
            OrganizationInvitation(
                token_hash=f"{number:064d}", email=f"eka@{domain}", status=status,
                key=(name or "").lower().split()[0] if name else None, name=name,
                business_id=business_id, expires_at=datetime.now(UTC) + timedelta(days=1),
            )
        )  # fmt: skip
    session.flush()
    return session.query(Organization).filter_by(key=UPLOADER[0]).one().id


everything = [*ACTIVE, UPLOADER, *[(None, n, b, d) for _s, n, b, d in HIDDEN]]
names = st.sampled_from([n for _k, n, _b, _d in everything if n] + ["Muu Oy", "KUUSI paper"])
ids = st.sampled_from([None] + [b for _k, _n, b, _d in everything if b])
domains = st.sampled_from([None, "muu.example"] + [d for _k, _n, _b, d in everything if d])
rows = st.lists(
    st.builds(crm.Row, line=st.integers(2, 1000), name=names, domain=domains, business_id=ids),
    max_size=15,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=rows)
def test_matching_names_only_organisations_the_uploader_may_see(
    session: Session, rows: list[crm.Row]
) -> None:
    if session.query(Organization).filter_by(key=UPLOADER[0]).one_or_none() is None:
        _world(session)
    uploader = session.query(Organization).filter_by(key=UPLOADER[0]).one()
    candidates = crm_service.matchable(session, uploader.id)
    visible = {key for key, *_ in ACTIVE}
    assert {c.key for c in candidates} == visible
    for match in crm.match_rows(rows, candidates):
        assert match.key is None or match.key in visible
    # A row carrying an active organisation's ID matches it, so the check above is not
    # vacuous.
    row = crm.Row(line=2, name="x", business_id="0112038-9")
    assert crm.match_rows([row], candidates)[0].key == "kuusi"
