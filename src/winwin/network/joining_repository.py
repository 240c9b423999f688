"""Every query about organisations invited to join and those awaiting approval."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from winwin.network.joining_models import OrganizationInvitation
from winwin.network.repository import NetworkRepository


class JoinRepository:
    """Every query about invitations and pending organisations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: OrganizationInvitation) -> OrganizationInvitation:
        self.session.add(row)
        self.session.flush()
        return row

    def by_token_hash(self, token_hash: str) -> OrganizationInvitation | None:
        return self.session.scalar(
            select(OrganizationInvitation).where(OrganizationInvitation.token_hash == token_hash)
        )

    def pending(self) -> list[OrganizationInvitation]:
        return list(
            self.session.scalars(
                select(OrganizationInvitation)
                .where(OrganizationInvitation.status == "pending")
                .order_by(OrganizationInvitation.completed_at, OrganizationInvitation.id)
            )
        )

    def pending_by_key(self, key: str) -> OrganizationInvitation | None:
        return self.session.scalar(
            select(OrganizationInvitation).where(
                OrganizationInvitation.status == "pending", OrganizationInvitation.key == key
            )
        )

    def pending_with_business_id(self, business_id: str) -> OrganizationInvitation | None:
        return self.session.scalar(
            select(OrganizationInvitation).where(
                OrganizationInvitation.status == "pending",
                OrganizationInvitation.business_id == business_id,
            )
        )

    def pending_with_email(self, email: str) -> OrganizationInvitation | None:
        return self.session.scalar(
            select(OrganizationInvitation).where(
                OrganizationInvitation.status == "pending", OrganizationInvitation.email == email
            )
        )

    def key_taken(self, key: str) -> bool:
        return (
            NetworkRepository(self.session).get_by_key(key) is not None
            or self.pending_by_key(key) is not None
        )
