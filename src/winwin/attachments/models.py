"""Files attached to items (a PDF, a spreadsheet, an image), stored in the database.

The bytes live in the row itself, so that SQLite and PostgreSQL behave alike and a
backup of the database holds everything. Who may list and download them is the item's
audience, decided by the visibility checkpoint; the table knows nothing of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow


class ItemAttachment(Base):
    """One file of an item; ``content_type`` is the allowlisted type of its extension."""

    __tablename__ = "item_attachments"
    __table_args__ = (
        CheckConstraint("size > 0", name="size"),
        Index("ix_item_attachments_item_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: loading a row for a list never reads the file.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
