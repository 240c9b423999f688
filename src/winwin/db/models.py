"""Every table, imported so that ``Base.metadata`` knows them all."""

# Every capability's tables, so that migrations and ``create_all`` see the whole schema
# whichever module was imported first.
from winwin.accounts import models as accounts_models  # noqa: F401
from winwin.actions.models import Action, ActionEvent
from winwin.assessments.models import (
    Answer,
    Assessment,
    CantSay,
    Instrument,
    InstrumentItem,
    Invitation,
    Response,
)
from winwin.attachments import models as attachments_models  # noqa: F401
from winwin.db.base import Base
from winwin.initiatives import models as initiatives_models  # noqa: F401
from winwin.innovation import models as innovation_models  # noqa: F401
from winwin.jobs import models as jobs_models  # noqa: F401
from winwin.network import (  # noqa: F401
    crm_models,
    graph_stamp,
    joining_models,
    tie_sharing_models,
)
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
from winwin.notifications import models as notifications_models  # noqa: F401
from winwin.sharing import models as sharing_models  # noqa: F401

__all__ = [
    "Action",
    "ActionEvent",
    "Agreement",
    "AgreementTopic",
    "Answer",
    "Assessment",
    "Base",
    "CantSay",
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
