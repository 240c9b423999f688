"""An uploaded customer or supplier list, kept apart from its job until the job ends.

The job's arguments name only the upload's id: a job row (its listing, a backup, the
queue) never holds the file. The row is deleted in the transaction that ends the job,
whether it succeeded or failed for good (``crm_service.forget_upload``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow


class CrmUpload(Base):
    __tablename__ = "crm_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # The person who uploaded it; null from the command line.
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The file's text as UTF-8 (checked whole when it was uploaded).
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
