"""Callback requests: a caller asks to be called back (CONTRACT section 3, `request_callback`);
kept open until staff deal with it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from booking_core.callback_inbox import record_callback_messages
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.vocabulary import CallbackStatus

__all__ = ["create_callback"]


async def create_callback(
    db: Database,
    tenant: TenantConfig,
    now: datetime,
    *,
    call_id: str | None,
    customer_name: str | None,
    phone: str | None,
    reason: str | None,
    details: dict[str, Any] | None = None,
    callback_id: str | None = None,
) -> str:
    """Record an open callback request, returning its id: `callback_id` when the caller was already
    told one (the row is written late, e.g. after the database came back), else a new UUID. The email
    telling the team (`callback_inbox.record_callback_messages`) is written in the same transaction."""
    cid = callback_id or str(uuid.uuid4())
    async with db.write() as session:
        row = m.CallbackRequest(
            id=cid,
            tenant_id=tenant.id,
            call_id=call_id,
            customer_name=customer_name,
            phone=phone,
            reason=reason,
            details=details,
            status=CallbackStatus.OPEN,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        await record_callback_messages(session, tenant, row)
    return cid
