"""Callback requests: a caller asks to be called back (CONTRACT section 3, `request_callback`);
kept open until staff deal with it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.vocabulary import CallbackStatus

__all__ = ["create_callback"]


async def create_callback(db: Database, tenant_id: str, now: datetime, *, call_id: str | None,
                          customer_name: str | None, phone: str | None, reason: str | None,
                          details: dict[str, Any] | None = None, callback_id: str | None = None) -> str:
    """Record an open callback request, returning its id: `callback_id` when the caller was already
    told one (the row is written late, e.g. after the database came back), else a new UUID."""
    cid = callback_id or str(uuid.uuid4())
    async with db.write() as session:
        session.add(m.CallbackRequest(id=cid, tenant_id=tenant_id, call_id=call_id, customer_name=customer_name,
                                      phone=phone, reason=reason, details=details, status=CallbackStatus.OPEN,
                                      created_at=now))
    return cid
