"""What this call was last offered, so the next function can follow the caller's choice.

Stored in the database (not in process memory): consecutive function calls of one phone call may
reach different server processes. The rows are `stores.offers`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent_functions.context import AppServices
from agent_functions.stores import offers
from booking_core.domain import Slot


@dataclass(frozen=True)
class Offer:
    service_id: str
    staff_id: str
    start: datetime


@dataclass(frozen=True)
class Memory:
    offers: list[Offer]
    pending: dict[str, Any]  # details given with a booking that awaits confirmation (start_booking)


async def remember_offers(
    services: AppServices,
    tenant_id: str,
    call_id: str | None,
    slots: tuple[Slot, ...] | list[Slot],
    pending: dict[str, Any] | None = None,
) -> None:
    if not call_id or not slots:
        return
    offered = [{"service_id": s.service_id, "staff_id": s.staff_id, "start": s.start.isoformat()} for s in slots]
    payload = {"offers": offered, "pending": pending or {}}
    await offers.save(services.db, tenant_id, call_id, payload, services.clock.now())


async def forget_offers(services: AppServices, tenant_id: str, call_id: str | None) -> None:
    if call_id:
        await offers.delete_all(services.db, tenant_id, call_id)


async def recall_offers(services: AppServices, tenant_id: str, call_id: str | None) -> Memory:
    payload = await offers.load(services.db, tenant_id, call_id) if call_id else None
    if not payload:
        return Memory([], {})
    remembered = [
        Offer(o["service_id"], o["staff_id"], datetime.fromisoformat(o["start"])) for o in payload.get("offers", [])
    ]
    return Memory(remembered, payload.get("pending") or {})
