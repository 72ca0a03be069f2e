"""What this call was last offered, so the next function can follow the caller's choice.

Stored in the database (not in process memory): consecutive function calls of one phone call may
reach different server processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from agent_functions.context import AppServices
from booking_core.domain import Slot
from booking_core.storage import models as m

OFFERS_KEY = "offers"


@dataclass(frozen=True)
class Offer:
    service_id: str
    staff_id: str
    start: datetime


@dataclass(frozen=True)
class Memory:
    offers: list[Offer]
    pending: dict[str, Any]  # details given with a booking that awaits confirmation (start_booking)


async def remember_offers(services: AppServices, tenant_id: str, call_id: str | None, slots: tuple[Slot, ...] | list[Slot],
                          pending: dict[str, Any] | None = None) -> None:
    if not call_id or not slots:
        return
    payload = {"offers": [{"service_id": s.service_id, "staff_id": s.staff_id, "start": s.start.isoformat()} for s in slots],
               "pending": pending or {}}
    # One upsert, not delete-then-insert: two requests of one call (a retried check on two processes)
    # may remember at the same moment, and the second insert would hit the first one's row.
    statement = services.db.insert(m.FunctionResult).values(tenant_id=tenant_id, call_id=call_id, request_key=OFFERS_KEY, response=payload,
                                                created_at=services.clock.now())
    statement = statement.on_conflict_do_update(index_elements=["tenant_id", "call_id", "request_key"],
                                                set_={"response": payload, "created_at": statement.excluded.created_at})
    async with services.db.write() as session:
        await session.execute(statement)


async def forget_offers(services: AppServices, tenant_id: str, call_id: str | None) -> None:
    if not call_id:
        return
    async with services.db.write() as session:
        await session.execute(delete(m.FunctionResult).where(
            m.FunctionResult.tenant_id == tenant_id, m.FunctionResult.call_id == call_id, m.FunctionResult.request_key == OFFERS_KEY))


async def recall_offers(services: AppServices, tenant_id: str, call_id: str | None) -> Memory:
    if not call_id:
        return Memory([], {})
    async with services.db.read() as session:
        payload = await session.scalar(select(m.FunctionResult.response).where(
            m.FunctionResult.tenant_id == tenant_id, m.FunctionResult.call_id == call_id, m.FunctionResult.request_key == OFFERS_KEY))
    if not payload:
        return Memory([], {})
    offers = [Offer(o["service_id"], o["staff_id"], datetime.fromisoformat(o["start"])) for o in payload.get("offers", [])]
    return Memory(offers, payload.get("pending") or {})
