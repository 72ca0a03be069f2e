"""The call log's SQL: batch writes, the retention delete, and the reads of one call.

Rows are plain dicts shaped like `FunctionCallRecord`'s columns; the readers return them in request
order, `at` then insertion order (copies of one request that arrived at the same instant).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from booking_core.storage.call_log_models import FunctionCallRecord
from booking_core.storage.call_models import Call
from booking_core.storage.db import Database
from booking_core.storage.models import Tenant

COLUMNS = ("tenant_id", "call_id", "at", "name", "function", "args", "call", "status", "response", "ms")


async def insert_records(db: Database, rows: Sequence[dict[str, Any]]) -> None:
    """Write a batch of records in one transaction (one executemany)."""
    if rows:
        async with db.write_connection() as conn:
            await conn.execute(insert(FunctionCallRecord), list(rows))


async def delete_records_before(conn: AsyncConnection, cutoff: datetime) -> int:
    """Retention: delete the records of requests that arrived before `cutoff`; how many."""
    return (await conn.execute(delete(FunctionCallRecord).where(FunctionCallRecord.at < cutoff))).rowcount or 0


async def records_of_call(db: Database, tenant_id: str, call_id: str) -> list[dict[str, Any]]:
    """Every recorded function call of one call of one tenant, in request order."""
    query = (
        select(*(getattr(FunctionCallRecord, c) for c in COLUMNS))
        .where(FunctionCallRecord.tenant_id == tenant_id, FunctionCallRecord.call_id == call_id)
        .order_by(FunctionCallRecord.at, FunctionCallRecord.id)
    )
    async with db.read_connection() as conn:
        return [dict(row._mapping) for row in await conn.execute(query)]


async def call_events(db: Database, tenant_id: str, call_id: str) -> dict[str, Any] | None:
    """The call's lifecycle events as stored (`{"call_started": {"received_at", "call"}, ...}`), or None
    when no event of it arrived."""
    async with db.read_connection() as conn:
        return await conn.scalar(select(Call.events).where(Call.tenant_id == tenant_id, Call.call_id == call_id))


async def tenants_of_call(db: Database, call_id: str) -> list[str]:
    """The tenants that have a call with this id (function calls or events); ids are unique per tenant only."""
    query = union(
        select(FunctionCallRecord.tenant_id).where(FunctionCallRecord.call_id == call_id),
        select(Call.tenant_id).where(Call.call_id == call_id),
    )
    async with db.read_connection() as conn:
        return sorted(row[0] for row in await conn.execute(query))


async def tenant_loaded_at(db: Database, tenant_id: str) -> datetime | None:
    """When the tenant was last loaded (`tenants load`): a capture warns when that was after the call."""
    async with db.read_connection() as conn:
        return await conn.scalar(select(Tenant.updated_at).where(Tenant.id == tenant_id))
