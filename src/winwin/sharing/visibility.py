"""The SQL twin of the visibility rule (``sharing.audience.can_see``): one predicate.

:func:`visibility` admits an item row exactly when the pure rule admits the item: the
level's clause, the exclusions (sticky countries and clusters included), the agreement
hold, the competition guard, and the same for every original of a reshare. The
consistency suites (``tests/integration/sharing``) hold the two together, and the
mutation check (``tools/mutants.py``) plants named mistakes here. ``ItemRepository``
(``sharing.items``) runs it with the viewer bound.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from winwin.db.models import (
    Agreement,
    AgreementTopic,
    CircleMember,
    Competitor,
    Item,
    ItemAudienceOrg,
    ItemExclusion,
    ItemTopic,
    Tie,
)
from winwin.kernel.identity import Viewer
from winwin.network.models import ItemLineage, ItemTopicSource, OrganizationPlace


def exists_in(table: Any, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS over ``table``, correlated to every enclosing query (not only the nearest)."""
    return exists(select(literal(1)).select_from(table).where(*where).correlate_except(table))


# The viewer enters every statement as bound parameters, so that each statement is built
# and compiled once (building it costs far more than running it).
VIEWER_ID = bindparam("viewer_id", type_=Integer)
VIEWER_KEY = bindparam("viewer_key", type_=String)
VIEWER_COUNTRY = bindparam("viewer_country", type_=String)
VIEWER_CLUSTER = bindparam("viewer_cluster", type_=String)
# The competition-sensitive topics (normalised), bound on every read of the checkpoint.
SENSITIVE = bindparam("sensitive_topics", expanding=True, type_=String)


def viewer_params(viewer: Viewer | None) -> dict[str, Any]:
    """The bound values of :func:`visibility` for this viewer (nothing for anonymous)."""
    if viewer is None:
        return {}
    return {
        "viewer_id": viewer.id,
        "viewer_key": viewer.key,
        "viewer_country": viewer.country,
        "viewer_cluster": viewer.cluster,
    }


def _partners(a: Any, b: Any) -> ColumnElement[bool]:
    """A tie of any kind joins ``a`` and ``b``, in either direction."""
    return or_(
        exists_in(Tie, Tie.from_id == a, Tie.to_id == b),
        exists_in(Tie, Tie.from_id == b, Tie.to_id == a),
    )


def _competitors(a: Any, b: Any) -> ColumnElement[bool]:
    return or_(
        exists_in(Competitor, Competitor.a_id == a, Competitor.b_id == b),
        exists_in(Competitor, Competitor.a_id == b, Competitor.b_id == a),
    )


def topic_source(item: Any) -> ColumnElement[int]:
    """The item whose topics are ``item``'s effective topics (itself unless inherited)."""
    inherited = (
        select(ItemTopicSource.source_id)
        .where(ItemTopicSource.item_id == item.id)
        .correlate_except(ItemTopicSource)
        .scalar_subquery()
    )
    return case((item.reshare_of_id.is_(None), item.id), else_=func.coalesce(inherited, item.id))


def _held(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """An active agreement of the owner makes an effective topic secret, outside the viewer.

    The owner is never asked (the caller checks ownership first), so for an organisation
    the hold bites when the viewer is not in the agreement's pair. The owner's agreements
    are looked up first: few organisations have any, so most rows cost two probes of a
    small index and never touch the item's topics.
    """
    pact = aliased(Agreement)
    secret = aliased(AgreementTopic)
    topic = aliased(ItemTopic)
    shared = (
        select(literal(1))
        .select_from(secret)
        .join(topic, topic.topic == secret.topic)
        .where(secret.agreement_id == pact.id, topic.item_id == topic_source(item))
        .correlate_except(secret, topic)
    )
    pacts = (
        select(literal(1))
        .select_from(pact)
        .where(or_(pact.a_id == item.owner_id, pact.b_id == item.owner_id), pact.status == "active")
    )
    if not anonymous:
        pacts = pacts.where(pact.a_id != VIEWER_ID, pact.b_id != VIEWER_ID)
    # The first test alone is cheap and false for most rows; the planner keeps the order.
    return and_(
        exists(pacts.correlate_except(pact)),
        exists(pacts.where(exists(shared)).correlate_except(pact)),
    )


def _ever(kind: str, value: Any) -> ColumnElement[bool]:
    """The viewer has had this country (cluster) at some time (sticky exclusions)."""
    place = aliased(OrganizationPlace)
    return exists_in(place, place.org_id == VIEWER_ID, place.kind == kind, place.value == value)


def _excluded(item: Any) -> ColumnElement[bool]:
    """One of the item's exclusions names the viewer.

    ``country:``/``cluster:`` match the viewer's current value or any value it has ever
    had (``organization_places``). A viewer without a country (cluster) binds NULL, which
    matches no exclusion; inside EXISTS that is simply "no such row", so the result is
    never NULL.
    """
    ex = aliased(ItemExclusion)
    names = or_(
        and_(ex.kind == "competitors", _competitors(item.owner_id, VIEWER_ID)),
        and_(ex.kind == "org", ex.value == VIEWER_KEY),
        and_(ex.kind == "country", or_(ex.value == VIEWER_COUNTRY, _ever("country", ex.value))),
        and_(ex.kind == "cluster", or_(ex.value == VIEWER_CLUSTER, _ever("cluster", ex.value))),
    )
    return exists_in(ex, ex.item_id == item.id, names)


def _sensitive(item: Any) -> ColumnElement[bool]:
    """One of the item's effective topics is competition-sensitive."""
    topic = aliased(ItemTopic)
    return exists_in(topic, topic.item_id == topic_source(item), topic.topic.in_(SENSITIVE))


def _guarded(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """Step 6, the competition guard: a sensitive item never reaches the owner's
    competitors, nor anonymous readers while the owner has any competitor."""
    if anonymous:
        rival = or_(
            exists_in(Competitor, Competitor.a_id == item.owner_id),
            exists_in(Competitor, Competitor.b_id == item.owner_id),
        )
    else:
        rival = _competitors(item.owner_id, VIEWER_ID)
    return and_(rival, _sensitive(item))


def _admits(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """Steps 2-6 of ``domain.audience`` for one item, ignoring its originals."""
    if anonymous:
        return and_(item.level == "public", not_(_held(item, True)), not_(_guarded(item, True)))
    audience = aliased(ItemAudienceOrg)
    member = aliased(CircleMember)
    base = or_(
        item.level == "network",
        item.level == "public",
        and_(item.level == "partners", _partners(item.owner_id, VIEWER_ID)),
        and_(
            item.level == "direct",
            exists_in(audience, audience.item_id == item.id, audience.org_id == VIEWER_ID),
            _partners(item.owner_id, VIEWER_ID),
        ),
        and_(
            item.level == "circle",
            exists_in(
                member,
                member.circle_id == item.circle_id,
                member.org_id == VIEWER_ID,
                member.status == "member",
            ),
        ),
    )
    return or_(
        item.owner_id == VIEWER_ID,
        and_(
            base,
            not_(_excluded(item)),
            not_(_held(item, False)),
            not_(_guarded(item, False)),
        ),
    )


def visibility(item: Any, *, anonymous: bool) -> ColumnElement[bool]:
    """The SQL form of ``domain.audience.can_see``: the item and every original admit.

    ``item`` is ``Item`` or an alias of it; execute with :func:`viewer_params` and
    ``sensitive_topics`` bound (``ItemRepository`` does both). The expression never
    evaluates to NULL, so it may be negated safely.
    """
    original = aliased(Item)
    line = aliased(ItemLineage)
    chain_ok = not_(
        exists(
            select(literal(1))
            .select_from(line)
            .join(original, original.id == line.ancestor_id)
            .where(
                line.item_id == item.id,
                # Redundant, but it keeps PostgreSQL from hashing the whole lineage table
                # up front: a condition on the outer row alone forces a per-row probe.
                item.reshare_of_id.is_not(None),
                not_(_admits(original, anonymous)),
            )
            .correlate_except(line, original)
        )
    )
    return and_(_admits(item, anonymous), or_(item.reshare_of_id.is_(None), chain_ok))
