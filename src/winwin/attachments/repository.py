"""Queries over item attachments.

Lists return metadata only; the bytes are read by :meth:`AttachmentRepository.data_of`,
one file at a time. Whether the reader may see the item is not asked here: the service
asks the visibility checkpoint (``ItemRepository.is_visible``) first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from winwin.attachments.models import ItemAttachment

# Every column but the file itself.
_META = (
    ItemAttachment.id,
    ItemAttachment.item_id,
    ItemAttachment.filename,
    ItemAttachment.content_type,
    ItemAttachment.size,
    ItemAttachment.sha256,
    ItemAttachment.uploaded_by_user_id,
    ItemAttachment.created_at,
)


@dataclass(frozen=True)
class AttachmentRow:
    """One attachment without its bytes."""

    id: int
    item_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_user_id: int | None
    created_at: datetime


class AttachmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_item(self, item_id: int) -> list[AttachmentRow]:
        """The item's attachments, oldest first."""
        query = (
            select(*_META)
            .where(ItemAttachment.item_id == item_id)
            .order_by(ItemAttachment.created_at, ItemAttachment.id)
        )
        return [AttachmentRow(*row) for row in self.session.execute(query)]

    def count_of_item(self, item_id: int) -> int:
        query = select(func.count()).where(ItemAttachment.item_id == item_id)
        return int(self.session.scalar(query) or 0)

    def get(self, item_id: int, attachment_id: int) -> AttachmentRow | None:
        """The attachment if it belongs to this item."""
        row = self.session.execute(
            select(*_META).where(
                ItemAttachment.id == attachment_id, ItemAttachment.item_id == item_id
            )
        ).first()
        return None if row is None else AttachmentRow(*row)

    def data_of(self, attachment_id: int) -> bytes:
        data = self.session.scalar(
            select(ItemAttachment.data).where(ItemAttachment.id == attachment_id)
        )
        return bytes(data) if data is not None else b""

    def add(
        self,
        *,
        item_id: int,
        filename: str,
        content_type: str,
        sha256: str,
        data: bytes,
        uploaded_by_user_id: int | None,
    ) -> AttachmentRow:
        new_id = self.session.scalar(
            insert(ItemAttachment)
            .values(
                item_id=item_id,
                filename=filename,
                content_type=content_type,
                size=len(data),
                sha256=sha256,
                data=data,
                uploaded_by_user_id=uploaded_by_user_id,
            )
            .returning(ItemAttachment.id)
        )
        assert new_id is not None
        stored = self.get(item_id, int(new_id))
        assert stored is not None
        return stored

    def delete(self, attachment_id: int) -> None:
        self.session.execute(delete(ItemAttachment).where(ItemAttachment.id == attachment_id))
