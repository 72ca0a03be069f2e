"""Writing call events: one call record per (tenant, call id), upserted for every lifecycle webhook
(idempotent, order-independent: `merge`), and the telephony price reconciliation sets later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.calls.merge import RANK, CallEventError, CallFacts, clean_payload, derive, merge_event
from booking_core.storage.call_models import Call
from booking_core.storage.db import Database
from booking_core.vocabulary import CallStatus

__all__ = ["EventOutcome", "record_event", "set_telephony_price"]


@dataclass(frozen=True)
class EventOutcome:
    """What one delivery did: `created` the record, `changed` it (False for a duplicate); its status."""

    call_id: str
    event: str
    created: bool
    changed: bool
    status: CallStatus | str


def _apply(row: Call, facts: CallFacts) -> None:
    row.status = facts.status
    row.last_event = facts.last_event
    row.started_at = facts.started_at
    row.ended_at = facts.ended_at
    row.duration_ms = facts.duration_ms
    row.disconnection_reason = facts.disconnection_reason
    row.from_number = facts.from_number
    row.to_number = facts.to_number
    row.direction = facts.direction
    row.agent_id = facts.agent_id
    row.cost_event = facts.cost_event


async def record_event(
    db: Database, tenant_id: str, event: str, call: Mapping[str, Any], now: datetime
) -> EventOutcome:
    """Upsert the call record for one lifecycle event; idempotent, order-independent."""
    if event not in RANK:
        raise CallEventError(f"unknown event {event!r}")
    call_id = call.get("call_id")
    if not isinstance(call_id, str) or not call_id.strip() or len(call_id) > 100:
        raise CallEventError("call.call_id missing or not a string of at most 100 characters")
    payload = clean_payload(call)
    for attempt in (1, 2):
        try:
            async with db.write() as session:
                row = await session.get(Call, (tenant_id, call_id), with_for_update=True)
                created = row is None
                old_events: dict[str, Any] = {} if row is None else dict(row.events or {})
                new_events = merge_event(old_events, event, payload, now)
                if not created and new_events == old_events:
                    return EventOutcome(call_id, event, False, False, row.status)  # type: ignore[union-attr]
                facts = derive(new_events)
                if row is None:
                    row = Call(tenant_id=tenant_id, call_id=call_id, created_at=now, reconciled=False)
                    session.add(row)
                row.events = new_events
                row.updated_at = now
                _apply(row, facts)
                await _charge(session, row, now)
            return EventOutcome(call_id, event, created, True, facts.status)
        except IntegrityError:
            if attempt == 2:  # a concurrent first delivery inserted the row: merge into it once more
                raise
    raise AssertionError("unreachable")


async def set_telephony_price(
    db: Database, tenant_id: str, call_id: str, usd: Decimal | None, now: datetime, *, final: bool = False
) -> bool:
    """Record the real telephony price of a call (replacing the estimate); `final` marks it reconciled."""
    async with db.write() as session:
        row = await session.get(Call, (tenant_id, call_id), with_for_update=True)
        if row is None:
            return False
        row.telephony_usd = usd
        row.reconciled = row.reconciled or final
        row.updated_at = now
        await _charge(session, row, now)
    return True


async def _charge(session: AsyncSession, row: Call, now: datetime) -> None:
    """The tenant's prepaid balance is charged the call's billed amount, in this transaction (a
    correcting row when a final cost replaces an estimate: `billing.call_charges`)."""
    from booking_core.billing.call_charges import charge_call  # billing reads costs through this package

    await charge_call(session, row, now)
