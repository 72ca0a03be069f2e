"""Checking a wish: is the exact time free (then hold it for the call), which times are free in a day
or window or next, and which are nearest when the wished one is not (CONTRACT section 3,
`check_availability`).

Reads run on read sessions; only the hold writes. Busy data is loaded for as few days as the answer
needs and widened step by step: most answers need a day or two, and a window search loads only the
stretches of days its spread visits (`window.window_spread`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import holds
from booking_core.availability import TenantCalendar, from_minute, to_minute, to_minute_ceil
from booking_core.domain import AppointmentSegment, CheckOutcome, Slot, SlotRequest
from booking_core.errors import NotQualified, SlotUnavailable
from booking_core.refusals import Refusal, diagnose, window_refusal
from booking_core.request import BookingContext, Wish
from booking_core.slots import Board, Plan, alternatives, bookable_plan, first_free
from booking_core.tenant_config import Service
from booking_core.window import spread, window_spread

__all__ = ["check", "nearest", "refusal", "to_slot", "why_not"]


async def check(ctx: BookingContext, wish: Wish, request: SlotRequest, limit: int = 3) -> CheckOutcome:
    """Is the requested time free (exact), or which times are (day, window, next available)?
    An exact, free request with a call id is held for the call (replacing its previous hold)."""
    if not request.exact:
        return await _search(ctx, wish, request, limit)
    start = to_minute(request.start)
    day = ctx.cal.day_of(start)
    async with ctx.db.read() as session:
        board = await ctx.board(session, wish.qualified, day, day)
        plan = None
        if not wish.not_qualified:
            plan = bookable_plan(board, wish.service, start, wish.staff_try, ctx.rules, wish.others)
        if plan is None:
            why = Refusal("not_qualified") if wish.not_qualified else why_not(ctx, wish, start)
            alts = await nearest(session, ctx, wish, start, wish.preferred, board)
            return CheckOutcome(False, None, None, alts, (), why.code, why)
    if ctx.call_id is None:
        return CheckOutcome(True, to_slot(ctx.cal, wish.service, plan), None, (), (), None)
    held = await holds.hold(ctx, wish, plan)
    if held is None:
        async with ctx.db.read() as session:
            alts = await nearest(session, ctx, wish, start, wish.requested)
        return CheckOutcome(False, None, None, alts, (), "taken", Refusal("taken"))
    plan, expires = held
    return CheckOutcome(True, to_slot(ctx.cal, wish.service, plan), expires, (), (), None)


def why_not(ctx: BookingContext, wish: Wish, start: int) -> Refusal:
    """Why the wish cannot be had at `start` (epoch minute), once no plan was found there."""
    rules = ctx.rules
    return diagnose(
        ctx.cal, wish.service, start, wish.requested, wish.qualified, rules.now, rules.earliest, rules.last_day
    )


async def refusal(
    session: AsyncSession, ctx: BookingContext, wish: Wish, start: int, staff: str | None, why: Refusal
) -> SlotUnavailable:
    """The error for a booking or move refused at `start`, with the nearest alternatives (`staff`
    first): NotQualified for `not_qualified`, else SlotUnavailable with the refusal."""
    alts = await nearest(session, ctx, wish, start, staff)
    if why.code == "not_qualified":
        return NotQualified(alts)
    return SlotUnavailable(why.code, alts, refusal=why)


def to_slot(cal: TenantCalendar, service: Service, plan: Plan) -> Slot:
    """A plan as the caller is offered it: local times, staff names, the price of its staff member."""
    zone = cal.zone
    first = plan[0]
    member = cal.staff[first.staff_id]
    segments = tuple(
        AppointmentSegment(
            p.key,
            p.name,
            from_minute(p.start, zone),
            from_minute(p.end, zone),
            p.staff_id,
            p.staff_busy,
            from_minute(p.busy_until, zone),
            cal.staff[p.staff_id].name,
        )
        for p in plan
    )
    end = max(p.end for p in plan)
    price = member.prices.get(service.id, service.price)
    return Slot(
        service.id,
        first.staff_id,
        segments[0].start,
        from_minute(end, zone),
        segments,
        price,
        cal.config.currency,
        service.name,
        member.name,
    )


async def nearest(
    session: AsyncSession,
    ctx: BookingContext,
    wish: Wish,
    start: int,
    requested: str | None,
    board: Board | None = None,
    limit: int = 3,
) -> tuple[Slot, ...]:
    """Up to `limit` free slots nearest to `start`: that day first (on `board` when it covers it),
    then within 2, 7 and 14 days around it, `requested` staff before the others."""
    cal, rules, service = ctx.cal, ctx.rules, wish.service
    day = cal.day_of(start)
    today = cal.day_of(rules.now)
    plans: list[Plan] = []
    searched: set[date] = set()
    if board is not None and board.covers(day):
        plans = alternatives(
            board, service, start, requested, wish.qualified, rules, limit, days_out=0, others=wish.others
        )
        searched.add(day)
    for span in (2, 7, 14):
        if len(plans) >= limit:
            break
        first = max(today, day - timedelta(days=span))
        last = min(day + timedelta(days=span), rules.last_day)
        if first > last:
            break
        wide = await ctx.board(session, wish.qualified, first, last)
        plans = alternatives(
            wide,
            service,
            start,
            requested,
            wish.qualified,
            rules,
            limit,
            days_out=span,
            others=wish.others,
            found=plans,
            searched=searched,
        )
        searched.update(first + timedelta(days=k) for k in range((last - first).days + 1))
    return tuple(to_slot(cal, service, p) for p in plans)


async def _search(ctx: BookingContext, wish: Wish, request: SlotRequest, limit: int) -> CheckOutcome:
    """A day or window [start, end), or with no end the next available: up to `limit` slots spread
    over it; when none, the reason and the next free ones after it."""
    cal, rules, service = ctx.cal, ctx.rules, wish.service
    staff_try = wish.staff_try
    lo = max(to_minute(request.start), rules.earliest)
    plans: list[Plan] = []
    async with ctx.db.read() as session:
        if request.end is not None:
            hi = to_minute_ceil(request.end)
            first_day = cal.day_of(lo)
            last_day = min(cal.day_of(hi - 1), rules.last_day) if hi > lo else first_day
            if lo < hi and first_day <= last_day:

                async def load(first: date, last: date, busy_until: int) -> Board:
                    return await ctx.board(session, staff_try, first, last, busy_until)

                plans, _ = await window_spread(
                    load, cal, service, staff_try, lo, hi, first_day, last_day, rules, limit, wish.others
                )
            if not plans:
                why = (
                    Refusal("not_qualified")
                    if wish.not_qualified
                    else window_refusal(
                        cal, min(lo, hi), hi, wish.preferred, wish.qualified, rules.now, rules.earliest, rules.last_day
                    )
                )
                alts = await _next_available(session, ctx, wish, max(hi, lo), limit)
                return CheckOutcome(False, None, None, tuple(to_slot(cal, service, p) for p in alts), (), why.code, why)
        else:
            plans = await _next_available(session, ctx, wish, lo, limit)
            if not plans:
                why = Refusal("not_qualified" if wish.not_qualified else "taken")
                return CheckOutcome(False, None, None, (), (), why.code, why)
    slots = tuple(to_slot(cal, service, p) for p in plans)
    return CheckOutcome(True, None, None, (), slots, "not_qualified" if wish.not_qualified else None)


async def _next_available(session: AsyncSession, ctx: BookingContext, wish: Wish, lo: int, limit: int) -> list[Plan]:
    """The first free slot from `lo`, then more spread over the rest of that day (and the next days
    if that day has fewer). Loads busy data in growing chunks: most answers need one or two days."""
    cal, rules, service, others = ctx.cal, ctx.rules, wish.service, wish.others
    staff_try = wish.staff_try
    lo = max(lo, rules.earliest)
    day = cal.day_of(lo)
    chunk = 2
    board_staff = sorted(set(staff_try) | set(others or ()))
    while day <= rules.last_day:
        last = min(day + timedelta(days=chunk - 1), rules.last_day)
        board = await ctx.board(session, board_staff, day, last)
        hi = cal.local_minute(last + timedelta(days=1), 0)
        first = first_free(board, service, staff_try, lo, hi, rules, others)
        if first is not None:
            fday = cal.day_of(first[0].start)
            if board.last < fday + timedelta(days=1) and fday < rules.last_day:
                board = await ctx.board(session, board_staff, fday, min(fday + timedelta(days=6), rules.last_day))
            day_end = cal.local_minute(fday + timedelta(days=1), 0)
            plans = spread(board, service, staff_try, first[0].start, day_end, rules, limit, others, first=first)
            if len(plans) < limit:
                board_hi = cal.local_minute(board.last + timedelta(days=1), 0)
                plans.extend(spread(board, service, staff_try, day_end, board_hi, rules, limit - len(plans), others))
            return plans
        day = last + timedelta(days=1)
        lo = cal.local_minute(day, 0)
        chunk = min(chunk * 2, 16)
    return []
