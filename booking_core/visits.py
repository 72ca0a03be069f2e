"""Visits: several services in one sitting (CONTRACT section 10, "Schneiden und Färben").

A visit lays its services out one after the other from the wished start: each next service begins
where the customer is free again: at the end of what is laid out so far, or earlier, inside a
processing gap of a composite service laid out before it (a cut while the colour works), when the
service fits into that gap entirely and someone is free for it. Staff: the same person as the
service before is preferred, else the first qualified one in the tenant's order who fits (the
nearest fit). The board is updated with each laid-out service, so no one is planned twice.

`fit_visit` is pure; `check_visit` reads the boards and answers like `search.check` for one service:
the visit at the exact time, or why not and the nearest starts where it fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from booking_core.availability import TenantCalendar, to_minute
from booking_core.domain import Slot, SlotRequest
from booking_core.intervals import IntervalIndex
from booking_core.refusals import Refusal
from booking_core.request import BookingContext, Wish, first_then, wish_for
from booking_core.search import to_slot, why_not
from booking_core.slots import Board, Plan, Rules, bookable_plan, grid_points, plan_at

__all__ = ["VisitOutcome", "check_visit", "fit_visit", "visit_reason", "visit_staff", "visit_wishes"]

#: How many days after the wished one the alternatives of a visit are looked for.
ALTERNATIVE_DAYS = 7


@dataclass(frozen=True)
class VisitOutcome:
    """A visit check: `visit` (one slot per service, in the order laid out) when the exact time
    fits, else `reason` (of the first service that did not fit) and up to three `alternatives`
    (each a whole visit). For a day or window: `options` (whole visits) spread over it."""

    visit: tuple[Slot, ...] | None
    reason: Refusal | None = None
    alternatives: tuple[tuple[Slot, ...], ...] = ()
    options: tuple[tuple[Slot, ...], ...] = field(default=())


def visit_wishes(cal: TenantCalendar, service_ids: Sequence[str], staff_id: str | None) -> list[Wish]:
    """One wish per service, in the order said; the named staff member only for the services they
    do (the others go to whoever fits). Raises NotFound for an unknown service or staff member."""
    wishes = []
    for sid in service_ids:
        wish = wish_for(cal, sid, staff_id)
        wishes.append(wish_for(cal, sid, None) if wish.not_qualified else wish)
    return wishes


def visit_staff(wishes: Sequence[Wish]) -> list[str]:
    """Everyone who might take a part of the visit (the boards and the locks cover them)."""
    return sorted({sid for w in wishes for sid in (*w.qualified, *(w.others or ()))})


def _with_busy(board: Board, plan: Plan) -> Board:
    """`board` with the staff-busy stretches of `plan` blocked too."""
    blocked = dict(board.blocked)
    for p in plan:
        if p.staff_busy and p.staff_id in blocked:
            blocked[p.staff_id] = IntervalIndex([*blocked[p.staff_id].intervals(), (p.start, p.busy_until)])
    return Board(board.cal, board.first, board.last, board.working, blocked)


def _openings(plans: Sequence[Plan]) -> list[tuple[int, int | None]]:
    """Where the customer is free for the next service: the processing gaps of the plans laid out
    (start, end), the end of the visit so far and the ends of its staff's buffers (end None: open)."""
    out: list[tuple[int, int | None]] = []
    for plan in plans:
        ordered = sorted(plan, key=lambda p: p.position)
        out.extend((a.end, b.start) for a, b in pairwise(ordered) if b.start > a.end)
    end = max(p.end for plan in plans for p in plan)
    out.append((end, None))
    # or once the staff's buffer after the visit so far has run (the same person goes on)
    out.extend((t, None) for t in sorted({p.busy_until for plan in plans for p in plan if p.busy_until > end}))
    return sorted(out, key=lambda o: o[0])


def fit_visit(board: Board, wishes: Sequence[Wish], start: int, rules: Rules) -> tuple[Plan, ...] | None:
    """The visit laid out from `start` (epoch minute, on the grid and within the rules for its
    first service), or None when some service finds no place. `board` covers everyone of
    `visit_staff(wishes)` on the day."""
    first = wishes[0]
    plan = bookable_plan(board, first.service, start, first.staff_try, rules, first.others)
    if plan is None:
        return None
    plans = [plan]
    board = _with_busy(board, plan)
    for wish in wishes[1:]:
        previous = plans[-1][0].staff_id
        order = first_then(previous, wish.staff_try) if previous in wish.staff_try else wish.staff_try
        placed = None
        for lo, hi in _openings(plans):
            got = plan_at(board, wish.service, lo, order, wish.others)
            if got is not None and (hi is None or max(p.end for p in got) <= hi):
                placed = got
                break
        if placed is None:
            return None
        plans.append(placed)
        board = _with_busy(board, placed)
    return tuple(plans)


async def check_visit(
    ctx: BookingContext, wishes: Sequence[Wish], request: SlotRequest, limit: int = 3
) -> VisitOutcome:
    """The visit at `request`'s exact time, or why not with the nearest alternatives; for a day or
    window, up to `limit` starts spread over it (nothing is held: a visit is several slots)."""
    cal, rules = ctx.cal, ctx.rules
    staff = visit_staff(wishes)
    start = to_minute(request.start)
    day = cal.day_of(start)
    async with ctx.db.read() as session:
        if request.exact:
            board = await ctx.board(session, staff, day, day)
            plans = fit_visit(board, wishes, start, rules)
            if plans is not None:
                return VisitOutcome(_slots(ctx, wishes, plans))
            reason = visit_reason(ctx, board, wishes, start)
            found = _starts(board, wishes, rules, day, start, limit)
            next_day = day + timedelta(days=1)
            if not found and next_day <= rules.last_day:
                last = min(day + timedelta(days=ALTERNATIVE_DAYS), rules.last_day)
                wide = await ctx.board(session, staff, next_day, last)
                found = _starts(wide, wishes, rules, next_day, None, limit, last=last)
            return VisitOutcome(None, reason, tuple(_slots(ctx, wishes, p) for p in found))
        end = request.end or request.start + timedelta(days=ALTERNATIVE_DAYS)
        last = min(cal.day_of(to_minute(end) - 1), rules.last_day)
        board = await ctx.board(session, staff, day, max(day, last))
        found = _starts(board, wishes, rules, day, None, limit, last=last, lo=start, spaced=True)
        return VisitOutcome(None, None if found else Refusal("taken"), (), tuple(_slots(ctx, wishes, p) for p in found))


def _starts(
    board: Board,
    wishes: Sequence[Wish],
    rules: Rules,
    first_day: date,
    nearest_to: int | None,
    limit: int,
    *,
    last: date | None = None,
    lo: int | None = None,
    spaced: bool = False,
) -> list[tuple[Plan, ...]]:
    """Up to `limit` visits on the board's days from `first_day` (to `last`): nearest to
    `nearest_to` when given, else the earliest (`spaced`: at least the first service's length apart)."""
    out: list[tuple[Plan, ...]] = []
    day = first_day
    final = last or first_day
    staff = wishes[0].staff_try
    while day <= final:
        points = grid_points(board, day, staff, lo)
        if nearest_to is not None:
            points.sort(key=lambda p: (abs(p - nearest_to), p))
        for p in points:
            if spaced and out and p < out[-1][0][0].start + wishes[0].service.total_min:
                continue
            got = fit_visit(board, wishes, p, rules)
            if got is not None:
                out.append(got)
                if len(out) >= limit:
                    break
        if len(out) >= limit:
            break
        day += timedelta(days=1)
    if nearest_to is not None:
        out.sort(key=lambda v: v[0][0].start)
    return out


def visit_reason(ctx: BookingContext, board: Board, wishes: Sequence[Wish], start: int) -> Refusal:
    """Why the visit does not fit at `start`: the first service's reason when it is that one, else
    `taken` (a later service found nobody free)."""
    first = wishes[0]
    if bookable_plan(board, first.service, start, first.staff_try, ctx.rules, first.others) is None:
        return why_not(ctx, first, start)
    return Refusal("taken")


def _slots(ctx: BookingContext, wishes: Sequence[Wish], plans: tuple[Plan, ...]) -> tuple[Slot, ...]:
    return tuple(to_slot(ctx.cal, w.service, p) for w, p in zip(wishes, plans))
