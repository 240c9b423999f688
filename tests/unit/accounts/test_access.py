"""The access checkpoint: who may see and manage which organisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.accounts.access import (
    ROLES,
    Actor,
    can_access_org,
    can_assign_role,
    can_manage_org,
    own_org_ids,
    require_access,
    require_manage,
    require_role,
)
from winwin.kernel.errors import PermissionDenied

org_ids = st.integers(min_value=1, max_value=50)
actors = st.builds(
    Actor,
    user_id=st.integers(min_value=1, max_value=1000),
    email=st.just("p@example.com"),
    name=st.just("P"),
    org_id=st.none() | org_ids,
    role=st.sampled_from(ROLES),
    client_org_ids=st.frozensets(org_ids, max_size=5),
)


def actor(role, org_id=1, clients=()):
    return Actor(1, "p@example.com", "P", org_id, role, client_org_ids=frozenset(clients))


def test_a_member_sees_only_its_own_organisation_and_manages_nothing():
    member = actor("member", org_id=1)
    assert can_access_org(member, 1)
    assert not can_access_org(member, 2)
    assert not can_manage_org(member, 1)


def test_an_org_admin_manages_its_own_organisation_only():
    admin = actor("org_admin", org_id=1)
    assert can_manage_org(admin, 1)
    assert not can_manage_org(admin, 2)
    with pytest.raises(PermissionDenied):
        require_manage(admin, 2)


def test_a_facilitator_works_for_each_granted_client_and_no_other():
    facilitator = actor("facilitator", org_id=None, clients=(3, 4))
    assert {o for o in range(1, 10) if can_manage_org(facilitator, o)} == {3, 4}
    assert not can_access_org(facilitator, 5)


def test_grants_mean_nothing_without_the_facilitator_role():
    member = actor("member", org_id=1, clients=(3,))
    assert not can_access_org(member, 3)
    assert own_org_ids(member) == {1}


def test_only_platform_admins_hand_out_the_powerful_roles():
    assert can_assign_role(actor("org_admin"), "org_admin")
    assert not can_assign_role(actor("org_admin"), "facilitator")
    assert not can_assign_role(actor("facilitator"), "platform_admin")
    assert all(can_assign_role(actor("platform_admin"), r) for r in ROLES)


def test_require_role_refuses_other_roles():
    require_role(actor("platform_admin"), "platform_admin")
    with pytest.raises(PermissionDenied):
        require_role(actor("org_admin"), "platform_admin")


@given(actors, org_ids)
def test_whoever_may_manage_an_organisation_may_also_see_it(who, org_id):
    if can_manage_org(who, org_id):
        assert can_access_org(who, org_id)
        require_access(who, org_id)


@given(actors, org_ids)
def test_the_platform_admin_is_the_only_role_that_reaches_beyond_own_and_granted(who, org_id):
    if can_access_org(who, org_id) and not who.is_platform_admin:
        assert org_id in own_org_ids(who)
        assert org_id == who.org_id or (who.is_facilitator and org_id in who.client_org_ids)
