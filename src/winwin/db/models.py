"""Every table, imported so that ``Base.metadata`` knows them all."""

from winwin.assessments.models import (
    Answer,
    Assessment,
    Instrument,
    InstrumentItem,
    Invitation,
    Response,
)
from winwin.db.base import Base
from winwin.network.models import (
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
