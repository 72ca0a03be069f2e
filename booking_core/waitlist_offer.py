"""Offering freed time to the waitlist (CONTRACT section 10), inside the change that frees it.

When a cancellation or a move frees a staff member's time, the change calls `offer_freed` in its own
write transaction: the first (oldest) waiting entry that fits and that a message can reach gets the
time offered (outbox rows of kind `waitlist_offer`, by SMS and/or email: `messages.waitlist`) and is
marked `offered`. It fits when

- its window has not ended and overlaps the freed time,
- it wishes that staff member, or anyone and that staff member does the service,
- the service laid out by the availability code (`slots.first_free`: working time, what else is
  booked, holds, notice, slot grid, maximum advance) starts in the window and ends within the freed
  time: the person is really free for all of it.

It is reachable when `messages.waitlist.offer_channels` names a channel: the tenant sends SMS and the
entry's number is a mobile one, or the tenant sends email and the entry's customer (the stored customer
of that number and name, `customers.existing_customer`) has an address. An entry nothing reaches
stays waiting and the next one is tried: marking it offered would keep the time from the others while
its caller never hears of it. A tenant that sends neither SMS nor email looks nothing up at all.

One offer per freed stretch; there is no hold, so whoever calls first books. The entry is claimed by
a conditional UPDATE (status still `waiting`), so two changes freeing time at once never offer the
same entry twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import from_minute, to_minute, to_minute_ceil
from booking_core.customers import existing_customer
from booking_core.domain import AppointmentView, CustomerInput
from booking_core.intervals import Interval
from booking_core.messages.store import write_plan
from booking_core.messages.waitlist import OfferFacts, offer_channels, plan_waitlist_offer, sends_offers
from booking_core.request import BookingContext
from booking_core.slots import first_free
from booking_core.storage.db import affected_rows
from booking_core.storage.waitlist_models import WaitlistEntry as W
from booking_core.vocabulary import WaitlistStatus

__all__ = ["Freed", "freed_by", "offer_freed"]

Freed = tuple[str, int, int]
"""A staff member's freed stretch: (staff id, start, end) in UTC epoch minutes."""

SCAN = 50  # waiting entries looked at per freed stretch, oldest first


def freed_by(appointments: Iterable[AppointmentView]) -> list[Freed]:
    """The time the appointments kept their staff: per appointment and staff member, from the first
    busy segment's start to the last one's blocked end (buffers included; a composite's processing gap
    inside counts as the appointment's time), merged where stretches touch (a visit's services back to
    back are one stretch)."""
    by_staff: dict[str, list[Interval]] = {}
    for view in appointments:
        spans: dict[str, Interval] = {}
        for seg in view.segments:
            if seg.staff_busy:
                lo, hi = to_minute(seg.start), to_minute_ceil(seg.busy_until or seg.end)
                was = spans.get(seg.staff_id)
                spans[seg.staff_id] = (min(was[0], lo), max(was[1], hi)) if was else (lo, hi)
        for staff_id, span in spans.items():
            by_staff.setdefault(staff_id, []).append(span)
    out: list[Freed] = []
    for staff_id, stretches in by_staff.items():
        merged: list[list[int]] = []
        for lo, hi in sorted(stretches):
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        out.extend((staff_id, lo, hi) for lo, hi in merged)
    return out


async def offer_freed(session: AsyncSession, ctx: BookingContext, freed: Iterable[Freed]) -> list[str]:
    """Offer each freed stretch to the first waiting entry it fits and a message reaches; the ids of the
    entries offered. Nothing is read when the tenant sends no messages (`sends_offers`)."""
    if not sends_offers(ctx.tenant):
        return []
    # The changed appointment's new time and this call's hold are real bookings for everyone else.
    ctx = replace(ctx, moving=None, call_id=None)
    offered: list[str] = []
    for staff_id, lo, hi in freed:
        got = await _offer_one(session, ctx, staff_id, lo, hi)
        if got is not None:
            offered.append(got)
    return offered


async def _offer_one(session: AsyncSession, ctx: BookingContext, staff_id: str, lo: int, hi: int) -> str | None:
    cal, now = ctx.cal, ctx.now
    member = cal.staff.get(staff_id)
    if member is None or hi <= max(lo, ctx.rules.earliest):
        return None
    entries = (
        await session.scalars(
            select(W)
            .where(
                W.tenant_id == ctx.tenant.id,
                W.status == WaitlistStatus.WAITING,
                W.window_start < from_minute(hi),
                W.window_end > from_minute(lo),
                W.window_end > now,
                (W.staff_id.is_(None)) | (W.staff_id == staff_id),
            )
            .order_by(W.created_at, W.id)
            .limit(SCAN)
        )
    ).all()
    if not entries:
        return None
    board = await ctx.board(session, [staff_id], cal.day_of(lo), cal.day_of(hi - 1))
    for entry in entries:
        service = cal.services.get(entry.service_id)
        if service is None or not member.does(service.id):
            continue
        start, end = max(lo, to_minute(entry.window_start)), min(hi, to_minute_ceil(entry.window_end))
        if start >= end or service.total_min > hi - start:
            continue  # cannot fit in what is left of the freed stretch (total_min: the shortest it takes)
        plan = first_free(board, service, [staff_id], start, end, ctx.rules)
        if plan is None or max(p.end for p in plan) > hi:
            continue
        email = await _email_of(session, ctx, entry)
        if not offer_channels(ctx.tenant, entry.customer_phone, email):
            continue  # no message could tell this caller: leave it waiting, offer the next one
        claimed = await session.execute(
            update(W)
            .where(W.id == entry.id, W.status == WaitlistStatus.WAITING)
            .values(
                status=WaitlistStatus.OFFERED,
                offered_at=now,
                offered_start=from_minute(plan[0].start),
                offered_staff_id=staff_id,
            )
        )
        if not affected_rows(claimed):
            continue  # another change offered it a moment ago
        local = from_minute(plan[0].start, cal.zone)
        first_name = member.name.split()[0] if member.name.strip() else member.name
        facts = OfferFacts(entry.id, local, service.name, first_name, entry.customer_phone, email)
        await write_plan(session, ctx.tenant.id, plan_waitlist_offer(ctx.tenant, facts, now), now)
        return entry.id
    return None


async def _email_of(session: AsyncSession, ctx: BookingContext, entry: W) -> str | None:
    """The waiting customer's address: that of the stored customer of the entry's number and name (as a
    booking would pick it), when the tenant sends email; else None (nothing is read)."""
    notes = ctx.tenant.notifications
    if notes is None or not notes.email or not entry.customer_phone:
        return None
    customer = await existing_customer(session, ctx.tenant.id, CustomerInput(entry.customer_name, entry.customer_phone))
    return customer.email if customer is not None else None
