"""Slot search, pure: exact time, window, next available, alternatives (why a time is not free: refusals.py).

The `Board` (board.py) is what storage knows for some staff over some days: the working time (from the static
`TenantCalendar`) and what is blocked (busy segments with buffers, other calls' holds, external
busy). Everything here is integer epoch minutes; the shell converts at the edges.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from booking_core.availability import TenantCalendar
from booking_core.board import Board
from booking_core.layout import AppointmentSegment, layout
from booking_core.tenant_config import Service

__all__ = [
    "Board",
    "Plan",
    "Rules",
    "alternatives",
    "bookable_plan",
    "first_free",
    "grid_points",
    "nearest_on_day",
    "plan_at",
    "rules_for",
]

Plan = tuple[AppointmentSegment, ...]
"""A service laid out in time: its segments in order, the first one's staff member taking it."""


@dataclass(frozen=True)
class Rules:
    """The time bounds of a search: no start before `earliest` (now + minimum notice), none after the
    local day `last_day` (today + maximum advance)."""

    now: int
    earliest: int
    last_day: date


def rules_for(cal: TenantCalendar, now_minute: int) -> Rules:
    b = cal.config.booking
    today = cal.day_of(now_minute)
    return Rules(now_minute, now_minute + b.min_notice_min, today + timedelta(days=b.max_advance_days))


def bookable_plan(
    board: Board,
    service: Service,
    start: int,
    staff_ids: Sequence[str],
    rules: Rules,
    others: Sequence[str] | None = None,
) -> Plan | None:
    """`plan_at` for a start the rules allow (not before `rules.earliest`, not after `rules.last_day`,
    on the tenant's slot grid); None otherwise. The guard of every check, booking and move."""
    if start < rules.earliest or board.cal.day_of(start) > rules.last_day or not board.cal.on_grid(start):
        return None
    return plan_at(board, service, start, staff_ids, others)


def plan_at(
    board: Board, service: Service, start: int, staff_ids: Sequence[str], others: Sequence[str] | None = None
) -> Plan | None:
    """The service laid out from `start` with the first of `staff_ids` that fits (then, if the service
    allows staff per segment and `others` is given, mixing staff)."""
    starters = board.may_start(service, start, staff_ids)
    if not starters:
        return None
    got = layout(service, start, starters, board.fits)
    if got is None and service.staff_per_segment and service.composite and others:
        got = layout(service, start, starters, board.fits, other_staff=others)
    return got


def grid_points(
    board: Board, day: date, staff_ids: Sequence[str], lo: int | None = None, hi: int | None = None
) -> list[int]:
    """Grid starts on `day` when at least one of the staff works, within [lo, hi)."""
    cal = board.cal
    anchor = cal.grid_anchor(day, list(staff_ids))
    if anchor is None:
        return []
    base = cal.local_minute(day, anchor)
    step = cal.interval
    points: set[int] = set()
    spans = {span for sid in staff_ids for span in cal.working(sid, day)}  # most staff share their hours
    for s, e in spans:
        if lo is not None and s < lo:
            s = lo
        if hi is not None and e > hi:
            e = hi
        if s >= e:
            continue
        k = -((base - s) // step)  # ceil((s - base) / step)
        p = base + k * step
        while p < e:
            points.add(p)
            p += step
    return sorted(points)


def first_free(
    board: Board,
    service: Service,
    staff_ids: Sequence[str],
    lo: int,
    hi: int,
    rules: Rules,
    others: Sequence[str] | None = None,
) -> Plan | None:
    """The earliest plan starting in [lo, hi) within the board's days and the rules."""
    lo = max(lo, rules.earliest)
    cal = board.cal
    day = max(cal.day_of(lo), board.first)
    last = min(cal.day_of(hi - 1) if hi > lo else day, board.last, rules.last_day)
    while day <= last:
        for p in board.startable(service, grid_points(board, day, staff_ids, lo, hi), staff_ids):
            got = plan_at(board, service, p, staff_ids, others)
            if got is not None:
                return got
        day += timedelta(days=1)
    return None


def nearest_on_day(
    board: Board,
    service: Service,
    day: date,
    target: int,
    staff_ids: Sequence[str],
    rules: Rules,
    want: int,
    skip: set[int],
    others: Sequence[str] | None = None,
    grid_staff: Sequence[str] | None = None,
) -> list[Plan]:
    """Up to `want` plans on `day`, nearest to `target` first, skipping starts in `skip`."""
    if day > rules.last_day or not board.covers(day):
        return []
    points = [p for p in grid_points(board, day, grid_staff or staff_ids) if p >= rules.earliest and p not in skip]
    points = board.startable(service, points, staff_ids)
    points.sort(key=lambda p: (abs(p - target), p))
    out: list[Plan] = []
    for p in points:
        got = plan_at(board, service, p, staff_ids, others)
        if got is not None:
            out.append(got)
            if len(out) >= want:
                break
    return out


def alternatives(
    board: Board,
    service: Service,
    target: int,
    requested: str | None,
    qualified: Sequence[str],
    rules: Rules,
    limit: int = 3,
    days_out: int = 14,
    others: Sequence[str] | None = None,
    found: Sequence[Plan] = (),
    searched: Collection[date] = (),
) -> list[Plan]:
    """Up to `limit` plans near `target`: the same day before other days, the requested staff before
    others, nearest first; never before `rules.earliest` or after `rules.last_day`. Other days are
    searched outward (next day, the day before if not past, ...) within the board's days.

    A wider search continues a narrower one: `found` are its plans and `searched` its days, which
    are not laid out again (the nearer days come first either way, so the result is the same)."""
    cal = board.cal
    day = cal.day_of(target)
    out: list[Plan] = []
    taken: set[tuple[str, int]] = set()
    starts: set[int] = set()

    def add(plans: list[Plan]) -> None:
        for p in plans:
            key = (p[0].staff_id, p[0].start)
            if key not in taken and len(out) < limit:
                taken.add(key)
                starts.add(p[0].start)
                out.append(p)

    groups: list[Sequence[str]] = [[requested]] if requested else [list(qualified)]
    if requested:
        rest = [s for s in qualified if s != requested]
        if rest:
            groups.append(rest)
    days = [day]
    today = cal.day_of(rules.now)
    for k in range(1, days_out + 1):
        days.append(day + timedelta(days=k))
        if day - timedelta(days=k) >= today:
            days.append(day - timedelta(days=k))
    add(list(found))
    for d in days:
        if d in searched:
            continue
        for g in groups:
            if len(out) >= limit:
                return out
            add(
                nearest_on_day(
                    board, service, d, target, g, rules, limit - len(out), starts, others, grid_staff=qualified
                )
            )
        if len(out) >= limit:
            break
    if len(out) > 1 and any(cal.day_of(p[0].start) != day for p in out):
        # Other days were searched per day outward; order them by distance too (same day stays first).
        same = [p for p in out if cal.day_of(p[0].start) == day]
        other = sorted(
            (p for p in out if cal.day_of(p[0].start) != day), key=lambda p: (abs(p[0].start - target), p[0].start)
        )
        out = same + other
    return out
