"""SQL of call memory: what a call was last offered, one row per call in `function_results` under the
request key "offers" (a key no function request hashes to: those are 64 hex digits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from booking_core.storage import models as m
from booking_core.storage.db import Database

OFFERS_KEY = "offers"
_KEYS = ("tenant_id", "call_id", "request_key")


def _is_offers(tenant_id: str, call_id: str) -> tuple[Any, ...]:
    return (
        m.FunctionResult.tenant_id == tenant_id,
        m.FunctionResult.call_id == call_id,
        m.FunctionResult.request_key == OFFERS_KEY,
    )


async def save(db: Database, tenant_id: str, call_id: str, payload: dict[str, Any], now: datetime) -> None:
    """Replace the call's offers with `payload`. One upsert, not delete-then-insert: two requests of
    one call (a retried check on two processes) may save at the same moment."""
    values = {
        "tenant_id": tenant_id,
        "call_id": call_id,
        "request_key": OFFERS_KEY,
        "response": payload,
        "created_at": now,
    }
    async with db.single_write() as conn:
        await conn.execute(db.replace_statement(m.FunctionResult.__table__, _KEYS), values)


async def load(db: Database, tenant_id: str, call_id: str) -> dict[str, Any] | None:
    """The call's saved offers payload, or None."""
    async with db.read() as session:
        payload: dict[str, Any] | None = await session.scalar(
            select(m.FunctionResult.response).where(*_is_offers(tenant_id, call_id))
        )
    return payload


async def delete_all(db: Database, tenant_id: str, call_id: str) -> None:
    async with db.single_write() as conn:
        await conn.execute(delete(m.FunctionResult).where(*_is_offers(tenant_id, call_id)))
