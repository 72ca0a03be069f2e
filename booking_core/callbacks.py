"""The callback requests a tenant's staff work through (CONTRACT section 12, issue 21): read open first,
mark one done. Written for the portal until issue 16's callback functions land; every query is scoped
to one tenant, so another business's id reads as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import case, select, update

from booking_core.storage.db import Database
from booking_core.storage.models import CallbackRequest

__all__ = ["Callback", "close_callback", "list_callbacks"]


@dataclass(frozen=True)
class Callback:
    """One callback request; ``created_at`` in UTC; ``status`` "open" or "done"."""

    id: str
    call_id: str | None
    customer_name: str | None
    phone: str | None
    reason: str | None
    status: str
    created_at: datetime


async def list_callbacks(db: Database, tenant_id: str, *, limit: int = 200) -> list[Callback]:
    """The tenant's callback requests: open ones first, newest first within each group (at most ``limit``)."""
    async with db.read() as session:
        rows = await session.scalars(
            select(CallbackRequest)
            .where(CallbackRequest.tenant_id == tenant_id)
            .order_by(case((CallbackRequest.status == "open", 0), else_=1), CallbackRequest.created_at.desc())
            .limit(limit)
        )
        return [Callback(r.id, r.call_id, r.customer_name, r.phone, r.reason, r.status, r.created_at) for r in rows]


async def close_callback(db: Database, tenant_id: str, callback_id: str) -> Literal["closed", "already", "unknown"]:
    """Mark the tenant's open callback ``callback_id`` done: "closed", "already" (done before) or "unknown"
    (no such id in this tenant: nothing written)."""
    async with db.write() as session:
        result = await session.execute(
            update(CallbackRequest)
            .where(
                CallbackRequest.tenant_id == tenant_id,
                CallbackRequest.id == callback_id,
                CallbackRequest.status == "open",
            )
            .values(status="done")
        )
        if result.rowcount:
            return "closed"
        exists = await session.scalar(
            select(CallbackRequest.id).where(CallbackRequest.tenant_id == tenant_id, CallbackRequest.id == callback_id)
        )
        return "already" if exists else "unknown"
