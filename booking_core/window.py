"""Options spread over a day or window, found by walking forward and loading only the days it visits.

`spread` is the rule (CONTRACT section 3, `check_availability` for a day or window): the first free
plan, then the first free at or after evenly spaced points of the window, topped up with the next
free ones when the later part is full. `spread_walk` is that rule as a generator of the points it
asks about, so one copy of it drives both the search over a board that holds the whole window
(`spread`) and the search that loads busy data in chunks of days as it walks (`window_spread`): a
search over 8 weeks for three options visits three or four short stretches of days instead of 56.

Pure apart from the `load` callback of `window_spread`; epoch minutes throughout.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Sequence
from datetime import date, timedelta

from booking_core.availability import TenantCalendar
from booking_core.layout import reach
from booking_core.slots import Board, Plan, Rules, first_free
from booking_core.tenant_config import Service

__all__ = ["BoardLoader", "drive", "latest_working_end", "spread", "spread_walk", "window_spread"]

Walk = Generator[int, "Plan | None", list[Plan]]
"""Yields `after` (epoch minute), is sent the first free plan in [after, hi) or None, returns the plans."""

BoardLoader = Callable[[date, date, int], Awaitable[Board]]
"""(first, last local day, busy_until epoch minute) -> the board of the search's staff over those days,
with what blocks them up to `busy_until`."""

FIRST_CHUNK_DAYS = 1  # most windows have room in their first day
MAX_CHUNK_DAYS = 16


def spread_walk(first: Plan, hi: int, limit: int, step: int, last_start: int) -> Walk:
    """The spread rule after its first plan `first`: asks for the first free plan at or after each
    point it yields (in [point, hi)); returns up to `limit` plans sorted by start. `step`: the slot
    grid in minutes; `last_start`: the latest start worth aiming at (last working minute minus the
    service's length)."""
    found: list[Plan] = [first]
    starts = {first[0].start}
    span_lo = first[0].start

    def keep(got: Plan) -> None:
        if got[0].start not in starts:
            found.append(got)
            starts.add(got[0].start)

    for i in range(1, limit):
        if last_start <= span_lo:
            break
        target = span_lo + (last_start - span_lo) * i // (limit - 1)
        target = max(target, found[-1][0].start + step)
        if target >= hi:
            break
        got = yield target
        if got is None:
            break
        keep(got)
    cursor = span_lo + step
    while len(found) < limit and cursor < hi:
        got = yield cursor
        if got is None:
            break
        keep(got)
        cursor = got[0].start + step
    found.sort(key=lambda p: p[0].start)
    return found[:limit]


def drive(walk: Walk, find: Callable[[int], Plan | None]) -> list[Plan]:
    """Run `walk` answering each point with `find(point)`."""
    try:
        after = next(walk)
        while True:
            after = walk.send(find(after))
    except StopIteration as done:
        plans: list[Plan] = done.value
        return plans


def latest_working_end(cal: TenantCalendar, staff_ids: Sequence[str], first: date, last: date, lo: int, hi: int) -> int:
    """The latest minute in [lo, hi] that any of the staff works until on the days [first, last]
    (`lo` when none does). Walks back from `last` and stops at the first day with an answer, so a
    long window costs a day or two of lookups."""
    day = last
    while day >= first:
        best = lo
        for sid in staff_ids:
            for s, e in cal.working(sid, day):
                if s < hi and e > lo:
                    best = max(best, min(e, hi))
        if best > lo:
            return best
        day -= timedelta(days=1)
    return lo


def spread(
    board: Board,
    service: Service,
    staff_ids: Sequence[str],
    lo: int,
    hi: int,
    rules: Rules,
    limit: int,
    others: Sequence[str] | None = None,
    first: Plan | None = None,
) -> list[Plan]:
    """Up to `limit` options in [lo, hi) on a board that holds every day of it (`first`: the first
    free plan when the caller found it already)."""
    if limit <= 0:
        return []
    lo = max(lo, rules.earliest)
    if hi <= lo:
        return []
    f = first if first is not None else first_free(board, service, staff_ids, lo, hi, rules, others)
    if f is None:
        return []
    staff = [s for s in staff_ids if s in board.working]
    last_start = min(hi, latest_working_end(board.cal, staff, board.first, board.last, lo, hi)) - service.total_min
    walk = spread_walk(f, hi, limit, board.cal.interval, last_start)
    return drive(walk, lambda after: first_free(board, service, staff_ids, after, hi, rules, others))


class _Chunks:
    """Boards over stretches of the window, loaded when the walk first reaches them.

    A board searched for starts on the days [a, b] also holds the working time of day b + 1 (within
    the window) and what is booked up to `reach` minutes past the end of b, so a plan or buffer
    running past midnight sees what a board over the whole window would, and nothing more is read."""

    def __init__(self, load: BoardLoader, cal: TenantCalendar, first: date, last: date, reach: int) -> None:
        self.load, self.cal, self.first, self.last, self.reach = load, cal, first, last, reach
        self.boards: list[tuple[date, date, Board]] = []  # (first start day, last start day, board)
        self.loads = 0

    async def board_at(self, day: date, days: int) -> tuple[date, Board]:
        """The board whose start days include `day` (loading `days` days from it when none does),
        and the last start day it answers for."""
        for a, b, board in self.boards:
            if a <= day <= b:
                return b, board
        b = min(day + timedelta(days=days - 1), self.last)
        for a, _, _ in self.boards:
            if day < a <= b:
                b = a - timedelta(days=1)
        window_end = self.cal.local_minute(self.last + timedelta(days=1), 0)
        busy_until = min(self.cal.local_minute(b + timedelta(days=1), 0) + self.reach, window_end)
        board = await self.load(day, min(b + timedelta(days=1), self.last), busy_until)
        self.loads += 1
        self.boards.append((day, b, board))
        return b, board

    async def first_free(
        self,
        service: Service,
        staff_ids: Sequence[str],
        after: int,
        hi: int,
        rules: Rules,
        others: Sequence[str] | None,
    ) -> Plan | None:
        """`slots.first_free` over [after, hi) of the window, loading chunks of growing length."""
        days = FIRST_CHUNK_DAYS
        while True:
            after = max(after, rules.earliest)
            if after >= hi:
                return None
            day = max(self.cal.day_of(after), self.first)
            if day > self.last:
                return None
            b, board = await self.board_at(day, days)
            chunk_hi = min(hi, self.cal.local_minute(b + timedelta(days=1), 0))
            got = first_free(board, service, staff_ids, after, chunk_hi, rules, others)
            if got is not None:
                return got
            after = chunk_hi
            days = min(days * 2, MAX_CHUNK_DAYS)


async def window_spread(
    load: BoardLoader,
    cal: TenantCalendar,
    service: Service,
    staff_ids: Sequence[str],
    lo: int,
    hi: int,
    first: date,
    last: date,
    rules: Rules,
    limit: int,
    others: Sequence[str] | None = None,
) -> tuple[list[Plan], int]:
    """`spread` over the window [lo, hi) whose local days are [first, last], with busy data loaded
    by `load` only for the stretches the walk visits. The same plans as `spread` on a board over all
    of [first, last] (tests/core/test_window.py compares them on random calendars). Returns the
    plans and how many boards were loaded."""
    chunks = _Chunks(load, cal, first, last, reach(service))
    if limit <= 0:
        return [], 0
    lo = max(lo, rules.earliest)
    if hi <= lo:
        return [], 0
    f = await chunks.first_free(service, staff_ids, lo, hi, rules, others)
    if f is None:
        return [], chunks.loads
    last_start = min(hi, latest_working_end(cal, staff_ids, first, last, lo, hi)) - service.total_min
    walk = spread_walk(f, hi, limit, cal.interval, last_start)
    try:
        after = next(walk)
        while True:
            after = walk.send(await chunks.first_free(service, staff_ids, after, hi, rules, others))
    except StopIteration as done:
        plans: list[Plan] = done.value
        return plans, chunks.loads
