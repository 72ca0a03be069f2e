"""The board a slot search reads: working and blocked time of some staff over some days.

A `Board` is what storage knows for some staff over some days: the working time (from the static
`TenantCalendar`) and what is blocked (busy segments with buffers, other calls' holds, external busy),
with the free-time lookups the search asks at every grid point (`fits`, `may_start`, `startable`).
Integer epoch minutes throughout. Split out of slots.py (issue 13's 300-line rule), which re-exports it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from booking_core.availability import TenantCalendar
from booking_core.intervals import Interval, IntervalIndex, subtract_index
from booking_core.tenant_config import Service

__all__ = ["Board"]


@dataclass
class Board:
    """Working and blocked time of some staff over the days [first, last] (local dates)."""

    cal: TenantCalendar
    first: date
    last: date
    working: dict[str, IntervalIndex] = field(default_factory=dict)
    blocked: dict[str, IntervalIndex] = field(default_factory=dict)
    _free: dict[str, IntervalIndex] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        cal: TenantCalendar,
        staff_ids: Iterable[str],
        first: date,
        last: date,
        busy: dict[str, list[Interval]] | None = None,
    ) -> Board:
        """`busy`: blocked stretches per staff, in any order (normalized here, once)."""
        board = cls(cal, first, last)
        days = cal.days(first, last)
        busy = busy or {}
        for sid in staff_ids:
            work: list[Interval] = []
            for d in days:
                work.extend(cal.working(sid, d))
            board.working[sid] = IntervalIndex(work)
            board.blocked[sid] = IntervalIndex(busy.get(sid, []))
        return board

    def fits(self, staff_id: str, start: int, end: int, busy_until: int) -> bool:
        """Works through [start, end) and has nothing blocked in [start, busy_until) (a buffer may run
        past the end of the working day, but not into someone else's booking).

        The layout's inner question, asked hundreds of times per search: the free-time lookup and
        `IntervalIndex.contains` are inlined (same answer, a third of the calls)."""
        free = self._free.get(staff_id)
        if free is None:
            if staff_id not in self.working:
                return False
            free = self.free(staff_id)
        i = bisect_right(free.starts, start) - 1
        if i < 0 or end > free.ends[i]:
            return False
        return busy_until <= end or not self.blocked[staff_id].overlaps(end, busy_until)

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def free(self, staff_id: str) -> IntervalIndex:
        """Working minus blocked time of one staff member (computed once per board)."""
        got = self._free.get(staff_id)
        if got is None:
            work = self.working.get(staff_id)
            got = subtract_index(work, self.blocked[staff_id]) if work else IntervalIndex([], normalized=True)
            self._free[staff_id] = got
        return got

    def may_start(self, service: Service, start: int, staff_ids: Sequence[str]) -> list[str]:
        """The staff who could begin `service` at `start`: free for its whole first segment when that
        segment keeps them busy. A necessary condition only (`layout` decides), but one bisect per
        person instead of a layout per person."""
        length = _first_busy_length(service)
        working = self.working
        if length is None:
            return [s for s in staff_ids if s in working]
        end = start + length
        out: list[str] = []
        for sid in staff_ids:
            free = self._free.get(sid)
            if free is None:
                if sid not in working:
                    continue
                free = self.free(sid)
            i = bisect_right(free.starts, start) - 1  # `free.contains(start, end)`, inlined
            if i >= 0 and end <= free.ends[i]:
                out.append(sid)
        return out

    def startable(self, service: Service, points: list[int], staff_ids: Sequence[str]) -> list[int]:
        """The `points` (sorted) at which at least one of the staff is free for the first segment.

        Works from the free gaps long enough for that segment, so a fully booked day costs a few
        bisects rather than a layout attempt per grid point and person."""
        length = _first_busy_length(service)
        if length is None or not points:
            return points
        lo, hi = points[0], points[-1] + 1
        ranges: list[Interval] = []
        for sid in staff_ids:
            if sid not in self.working:
                continue
            free = self.free(sid)
            i = max(0, bisect_left(free.ends, lo + 1))
            while i < len(free.starts) and free.starts[i] < hi:
                if free.ends[i] - free.starts[i] >= length:
                    ranges.append((free.starts[i], free.ends[i] - length + 1))  # starts p with p + length <= end
                i += 1
        allowed = IntervalIndex(ranges)
        return [p for p in points if allowed.contains(p, p + 1)]


def _first_busy_length(service: Service) -> int | None:
    """How long the first segment keeps its staff busy; None when it does not (then nothing can be
    ruled out from free time alone)."""
    if not service.segments:
        return service.duration_min or 0
    first = service.segments[0]
    if not (first.staff_busy or service.pause_policy == "blocked"):
        return None
    return first.duration_min
