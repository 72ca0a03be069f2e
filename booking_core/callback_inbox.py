"""The callback inbox: requests to call a caller back, listed and closed by staff (CONTRACT section 9).

A new request is written together with the email that tells the team (`record_callback_messages`,
in the same transaction), so a request staff can see is a request staff were told about, and one
written late (spooled during a database outage) is announced the moment it is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.messages.planner import plan_callback
from booking_core.messages.staff import CallbackFacts
from booking_core.messages.store import write_plan
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

__all__ = ["InboxFilter", "callback_dict", "close_callback", "list_callbacks", "record_callback_messages"]

InboxFilter = Literal["open", "done", "all"]


async def record_callback_messages(session: AsyncSession, tenant: TenantConfig, row: m.CallbackRequest) -> None:
    """The booking engine's hook: email the team about `row` (a new request) through the outbox."""
    facts = CallbackFacts(
        row.id,
        row.phone,
        row.customer_name,
        row.reason,
        row.call_id,
        row.created_at.astimezone(tenant.zone),
        row.details,
    )
    await write_plan(session, tenant.id, plan_callback(tenant, facts, row.created_at), row.created_at)


def callback_dict(row: m.CallbackRequest, tenant: TenantConfig) -> dict[str, Any]:
    """`{"id", "created_at", "status", "customer": {"name", "phone"}, "reason", "call_id", "details"}`,
    times in the tenant's zone."""
    return {
        "id": row.id,
        "created_at": row.created_at.astimezone(tenant.zone).isoformat(),
        "status": row.status,
        "customer": {"name": row.customer_name, "phone": row.phone},
        "reason": row.reason,
        "call_id": row.call_id,
        "details": row.details,
        "done_at": row.done_at.astimezone(tenant.zone).isoformat() if row.done_at else None,
    }


async def list_callbacks(
    db: Database, tenant: TenantConfig, status: InboxFilter = "open", limit: int = 500
) -> list[dict[str, Any]]:
    """The tenant's callback requests, oldest first (the order to call back in)."""
    query = select(m.CallbackRequest).where(m.CallbackRequest.tenant_id == tenant.id)
    if status != "all":
        query = query.where(m.CallbackRequest.status == status)
    async with db.read() as session:
        rows = (
            await session.scalars(query.order_by(m.CallbackRequest.created_at, m.CallbackRequest.id).limit(limit))
        ).all()
    return [callback_dict(r, tenant) for r in rows]


async def close_callback(db: Database, callback_id: str, now: datetime, tenant_id: str | None = None) -> str | None:
    """Mark a request done. Returns "done" (closed now), "already" (was closed), or None (no such
    request, or another tenant's when `tenant_id` is given). Closing twice changes nothing."""
    async with db.write() as session:
        query = select(m.CallbackRequest).where(m.CallbackRequest.id == callback_id)
        if tenant_id is not None:
            query = query.where(m.CallbackRequest.tenant_id == tenant_id)
        row = await session.scalar(query)
        if row is None:
            return None
        if row.status == "done":
            return "already"
        await session.execute(
            update(m.CallbackRequest)
            .where(m.CallbackRequest.id == row.id, m.CallbackRequest.status == "open")
            .values(status="done", done_at=now)
        )
        return "done"
