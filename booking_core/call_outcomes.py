"""Per-call outcomes the cost report counts (CONTRACT section 7 rows, reseller report).

A call's outcomes: `booked` (an appointment carries its call id), `callback` (a callback request the
caller asked for), `error` (a function failed: its apology records a callback request "technical
fault during ...", at once or from the spool once the database is back), `policy_refusal` (a function
answered `policy_denied`). Appointments and callback requests are their own tables; a policy refusal
is kept nowhere else, so the edge counts it here (`note_status`, one small upsert, only for that
status: an error is not written on its way out, because the database may be what failed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.storage import models as m
from booking_core.storage.billing_models import CallOutcome
from booking_core.storage.db import Database

__all__ = ["COUNTED_STATUSES", "TECHNICAL_FAULT", "note_status", "outcomes_by_call"]

OUTCOMES: tuple[str, ...] = ("booked", "callback", "error", "policy_refusal")
COUNTED_STATUSES = {"policy_denied": "policy_refusal"}
TECHNICAL_FAULT = "technical fault"  # the reason prefix of the apology's callback requests (dispatch)


async def note_status(db: Database, tenant_id: str, call_id: str | None, status: str, now: datetime) -> bool:
    """Count a function answer's status for its call when the report counts it; True when written."""
    outcome = COUNTED_STATUSES.get(status)
    if outcome is None or not call_id:
        return False
    async with db.write() as session:
        statement = db.insert(CallOutcome).values(
            tenant_id=tenant_id, call_id=call_id, outcome=outcome, count=1, updated_at=now
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "call_id", "outcome"],
                set_={"count": CallOutcome.count + 1, "updated_at": now},
            )
        )
    return True


async def outcomes_by_call(session: AsyncSession, tenant_id: str, call_ids: Sequence[str]) -> dict[str, set[str]]:
    """call id → its outcomes other than `booked` (which the report reads from appointments)."""
    found: dict[str, set[str]] = {}
    if not call_ids:
        return found
    ids = list(call_ids)
    callbacks = await session.execute(
        select(m.CallbackRequest.call_id, m.CallbackRequest.reason).where(
            m.CallbackRequest.tenant_id == tenant_id, m.CallbackRequest.call_id.in_(ids)
        )
    )
    for call_id, reason in callbacks.all():
        if call_id is None:
            continue
        found.setdefault(call_id, set()).add("error" if (reason or "").startswith(TECHNICAL_FAULT) else "callback")
    counted = await session.execute(
        select(CallOutcome.call_id, CallOutcome.outcome).where(
            CallOutcome.tenant_id == tenant_id, CallOutcome.call_id.in_(ids)
        )
    )
    for call_id, outcome in counted.all():
        found.setdefault(call_id, set()).add(outcome)
    return found
