"""Every table, imported so that ``Base.metadata`` knows them all."""

from winwin.store.models import (  # noqa: F401  (tables register on import)
    accounts,
    attachments,
    innovation,
    notifications,
    sharing,
)
from winwin.store.models.assessment import (
    Answer,
    Assessment,
    Instrument,
    InstrumentItem,
    Invitation,
    Response,
)
from winwin.store.models.base import Base
from winwin.store.models.network import (
    Agreement,
    AgreementTopic,
    Circle,
    CircleMember,
    Competitor,
    Item,
    ItemAudienceOrg,
    ItemExclusion,
    ItemTopic,
    NetworkSetting,
    Organization,
    Tie,
)

__all__ = [
    "Agreement",
    "AgreementTopic",
    "Answer",
    "Assessment",
    "Base",
    "Circle",
    "CircleMember",
    "Competitor",
    "Instrument",
    "InstrumentItem",
    "Invitation",
    "Item",
    "ItemAudienceOrg",
    "ItemExclusion",
    "ItemTopic",
    "NetworkSetting",
    "Organization",
    "Response",
    "Tie",
]
