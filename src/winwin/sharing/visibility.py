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
    JSON,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
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
from winwin.network.models import ItemLineage, ItemTopicSource, NetworkSetting, OrganizationPlace
from winwin.network.repository import SENSITIVE_TOPICS
from winwin.sharing.models import TopicStem


def exists_in(table: Any, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS over ``table``, correlated to every enclosing query (not only the nearest)."""
    return exists(select(literal(1)).select_from(table).where(*where).correlate_except(table))


# The viewer enters every statement as bound parameters, so that each statement is built
# and compiled once (building it costs far more than running it).
VIEWER_ID = bindparam("viewer_id", type_=Integer)
VIEWER_KEY = bindparam("viewer_key", type_=String)
VIEWER_COUNTRY = bindparam("viewer_country", type_=String)
VIEWER_CLUSTER = bindparam("viewer_cluster", type_=String)
# The competition-sensitive topics: the statement finds their forms itself, in the same
# round trip as the page. The listed topics and their stems are bound as two JSON lists
# (one value each, so the statement's text and its plan never depend on how many there
# are), and the stored topics that share a stem are looked up in ``topic_stems`` by the
# same statement. The listed topics bound are the ones the caller read last
# (``sharing.items``); the rule admits nothing unless the stored list is still exactly
# that text (STORED, "" for none stored), so a list changed elsewhere can only hide items
# until the caller reads it again, never show one.
LISTED = bindparam("sensitive_listed", type_=Text)
STEMS = bindparam("sensitive_stems", type_=Text)
STORED = bindparam("sensitive_stored", type_=Text)


def stored_topics_text() -> Select[Any]:
    """The stored sensitive-topics setting as the text it was written as ("" for none)."""
    stored = (
        select(cast(NetworkSetting.value, Text))
        .where(NetworkSetting.key == SENSITIVE_TOPICS)
        .scalar_subquery()
    )
    return select(func.coalesce(stored, ""))


def json_elements(values: Any, postgresql: bool) -> Select[Any]:
    """The strings of a bound JSON list, one row each."""
    if postgresql:
        return select(func.json_array_elements_text(cast(values, JSON)))
    return select(func.json_each(values).table_valued("value").c.value)


def _forms_in_statement(postgresql: bool) -> Any:
    """The sensitive topics and every stored topic that meets one, found by the statement."""
    return json_elements(LISTED, postgresql).union(
        select(TopicStem.topic).where(TopicStem.stem.in_(json_elements(STEMS, postgresql)))
    )


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


def _active(pact: Any, anonymous: bool) -> list[ColumnElement[bool]]:
    """The agreement is active, and (for an organisation) the viewer is outside its pair."""
    where = [pact.status == "active"]
    if not anonymous:
        where += [pact.a_id != VIEWER_ID, pact.b_id != VIEWER_ID]
    return where


def _held(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """An active agreement of the owner makes an effective topic secret, outside the viewer.

    The owner is never asked (the caller checks ownership first), so for an organisation
    the hold bites when the viewer is not in the agreement's pair. Whether the owner is
    in such an agreement at all is asked first, of the agreements' parties read once per
    statement (a hashed set): few organisations have any, so most rows cost one lookup
    and never touch the item's topics. Asked per row, it was a scan of the agreements
    for every item read, half of a feed page's time (docs/benchmarks.md).
    """
    pact = aliased(Agreement)
    party = aliased(Agreement)
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
        .where(or_(pact.a_id == item.owner_id, pact.b_id == item.owner_id))
        .where(*_active(pact, anonymous))
    )
    in_one = or_(
        item.owner_id.in_(select(party.a_id).where(*_active(party, anonymous))),
        item.owner_id.in_(select(party.b_id).where(*_active(party, anonymous))),
    )
    # The first test alone is cheap and false for most rows; the planner keeps the order.
    return and_(in_one, exists(pacts.where(exists(shared)).correlate_except(pact)))


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


def _sensitive(item: Any, forms: Any) -> ColumnElement[bool]:
    """One of the item's effective topics is competition-sensitive (one of ``forms``)."""
    topic = aliased(ItemTopic)
    return exists_in(topic, topic.item_id == topic_source(item), topic.topic.in_(forms))


def _guarded(item: Any, anonymous: bool, forms: Any) -> ColumnElement[bool]:
    """Step 6, the competition guard: a sensitive item never reaches the owner's
    competitors, nor anonymous readers while the owner has any competitor."""
    if anonymous:
        rival = or_(
            exists_in(Competitor, Competitor.a_id == item.owner_id),
            exists_in(Competitor, Competitor.b_id == item.owner_id),
        )
    else:
        rival = _competitors(item.owner_id, VIEWER_ID)
    return and_(rival, _sensitive(item, forms))


def _admits(item: Any, anonymous: bool, forms: Any) -> ColumnElement[bool]:
    """Steps 2-6 of ``domain.audience`` for one item, ignoring its originals."""
    if anonymous:
        return and_(
            item.level == "public", not_(_held(item, True)), not_(_guarded(item, True, forms))
        )
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
            not_(_guarded(item, False, forms)),
        ),
    )


def visibility(item: Any, *, anonymous: bool, postgresql: bool = False) -> ColumnElement[bool]:
    """The SQL form of ``domain.audience.can_see``: the item and every original admit.

    ``item`` is ``Item`` or an alias of it; execute with :func:`viewer_params` and the
    sensitive topics (LISTED, STEMS, STORED) bound (``ItemRepository`` does both);
    ``postgresql`` chooses how the JSON lists are read. The expression never evaluates to
    NULL, so it may be negated safely.
    """
    forms = _forms_in_statement(postgresql)
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
                not_(_admits(original, anonymous, forms)),
            )
            .correlate_except(line, original)
        )
    )
    rule = and_(_admits(item, anonymous, forms), or_(item.reshare_of_id.is_(None), chain_ok))
    return and_(stored_topics_text().scalar_subquery() == STORED, rule)
