"""Holds: a slot kept for a call while the caller confirms (CONTRACT section 3, `hold_ttl_s`).

A call has at most one hold; a new one replaces it, booking or moving consumes it, and it expires on
its own. Other calls' unexpired holds block the slot search like bookings (`booking_store.load_busy`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningDelete

from booking_core.availability import from_minute, to_minute
from booking_core.layout import AppointmentSegment
from booking_core.request import BookingContext, Wish, first_then
from booking_core.slots import Plan, plan_at
from booking_core.storage import models as m
from booking_core.storage.db import Database, affected_rows

__all__ = ["drop", "drop_expired", "first_if_held", "hold", "release", "take", "taking"]


async def hold(ctx: BookingContext, wish: Wish, plan: Plan) -> tuple[Plan, datetime] | None:
    """Hold `plan` (found on a read session) for `ctx.call_id`, re-checked under the staff locks:
    the plan as held (its first staff member first, then `wish.staff_try`) and when the hold
    expires, or None when the time was taken meanwhile."""
    assert ctx.call_id is not None
    tenant_id = ctx.tenant.id
    order = first_then(plan[0].staff_id, wish.staff_try)
    lock = set(order) | set(wish.others or ()) | {p.staff_id for p in plan}
    start = plan[0].start
    day = ctx.cal.day_of(start)
    expires = ctx.now + timedelta(seconds=ctx.tenant.booking.hold_ttl_s)
    async with ctx.db.write() as session:
        await ctx.db.lock_staff(session, tenant_id, sorted(lock))
        board = await ctx.board(session, sorted(lock), day, day)
        fresh = plan_at(board, wish.service, start, order, wish.others)
        if fresh is None:
            return None
        row = {
            "id": str(uuid.uuid4()),
            "tenant_id": tenant_id,
            "call_id": ctx.call_id,
            "service_id": wish.service.id,
            "staff_id": fresh[0].staff_id,
            "start": from_minute(fresh[0].start),
            "end": from_minute(max(p.end for p in fresh)),
            "segments": [_segment_json(p) for p in fresh],
            "expires_at": expires,
            "created_at": ctx.now,
        }
        await session.execute(ctx.db.replace_statement(m.Hold.__table__, ("tenant_id", "call_id")), row)
    return fresh, expires


def taking(tenant_id: str, call_id: str) -> ReturningDelete[str, str, datetime]:
    """The statement that deletes the call's hold and returns (service_id, staff_id, start) of it, for a
    change that consumes the hold (`take`); a CTE of it lets a caller read more in the same round trip."""
    return (
        delete(m.Hold)
        .where(m.Hold.tenant_id == tenant_id, m.Hold.call_id == call_id)
        .returning(m.Hold.service_id, m.Hold.staff_id, m.Hold.start)
    )


async def take(
    session: AsyncSession, ctx: BookingContext, service_id: str, start: int, order: Sequence[str]
) -> list[str]:
    """`order` with the staff member of this call's hold first (`first_if_held`: the caller gets the
    person they were offered), the hold deleted in the same statement (DELETE ... RETURNING: one round
    trip instead of a read now and a `drop` later). For a write transaction that consumes the hold:
    when it rolls back (refused, taken meanwhile), the hold stays."""
    if not ctx.call_id:
        return list(order)
    row = (await session.execute(taking(ctx.tenant.id, ctx.call_id))).first()
    return first_if_held(None if row is None else (row[0], row[1], row[2]), service_id, start, order)


def first_if_held(
    held: tuple[str, str, datetime] | None, service_id: str, start: int, order: Sequence[str]
) -> list[str]:
    """`order` with the held staff member first when `held` (service_id, staff_id, start of the call's
    hold) is for `service_id` at `start` (epoch minute) and that person is in `order`."""
    order = list(order)
    if held is not None and held[0] == service_id and to_minute(held[2]) == start and held[1] in order:
        return first_then(held[1], order)
    return order


async def drop(session: AsyncSession, tenant_id: str, call_id: str) -> int:
    """Delete the call's hold (how many rows: 0 or 1)."""
    result = await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant_id, m.Hold.call_id == call_id))
    return affected_rows(result)


async def drop_expired(session: AsyncSession, tenant_id: str, now: datetime) -> None:
    """Delete the tenant's holds that expired at or before `now`."""
    await session.execute(delete(m.Hold).where(m.Hold.tenant_id == tenant_id, m.Hold.expires_at <= now))


async def release(db: Database, tenant_id: str, call_id: str) -> int:
    """Give up the call's hold (the call ended or moved on); how many were released."""
    async with db.write() as session:
        return await drop(session, tenant_id, call_id)


def _segment_json(p: AppointmentSegment) -> dict[str, Any]:
    """A held segment as the hold row keeps it (instants in UTC ISO 8601; read by `load_busy`)."""
    return {
        "key": p.key,
        "name": p.name,
        "position": p.position,
        "start": from_minute(p.start).isoformat(),
        "end": from_minute(p.end).isoformat(),
        "busy_until": from_minute(p.busy_until).isoformat(),
        "staff_id": p.staff_id,
        "staff_busy": p.staff_busy,
    }
