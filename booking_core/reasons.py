"""Why a wished time or window is not free, pure: the reason code the caller is told (CONTRACT
sections 3 and 14; `UnavailableReason`). Asked only after the search found nothing."""

from __future__ import annotations

from collections.abc import Sequence

from booking_core.availability import TenantCalendar
from booking_core.intervals import IntervalIndex
from booking_core.slots import Board, Rules
from booking_core.tenant_config import Service
from booking_core.vocabulary import UnavailableReason

__all__ = ["diagnose", "window_reason"]

R = UnavailableReason


def diagnose(board: Board, service: Service, start: int, requested: str | None, qualified: Sequence[str],
             rules: Rules) -> UnavailableReason:
    """Why nobody can take `service` at `start` (epoch minute), called once `bookable_plan` failed:
    past, too_soon, too_far, closed, staff_absent, off_grid, outside_hours, else taken."""
    cal = board.cal
    if start < rules.now:
        return R.PAST
    if start < rules.earliest:
        return R.TOO_SOON
    day = cal.day_of(start)
    if day > rules.last_day:
        return R.TOO_FAR
    staff = [requested] if requested else list(qualified)
    if cal.is_closed(day):
        return R.CLOSED
    if not any(cal.raw_hours(s, day) for s in staff):
        return R.CLOSED
    if all(day in cal.absent_days[s] for s in staff if cal.raw_hours(s, day)):
        return R.STAFF_ABSENT
    if not cal.on_grid(start):
        return R.OFF_GRID
    end = start + service.total_min
    raw = [IntervalIndex(cal.raw_hours(s, day), normalized=True) for s in staff]
    if not any(r.contains(start, end) for r in raw):
        return R.OUTSIDE_HOURS
    work = [IntervalIndex(cal.working(s, day), normalized=True) for s in staff]
    if not any(w.contains(start, end) for w in work):
        return R.STAFF_ABSENT
    return R.TAKEN


def window_reason(cal: TenantCalendar, requested: str | None, qualified: Sequence[str], rules: Rules, lo: int,
                  hi: int) -> UnavailableReason:
    """Why nothing is free in the wished window [lo, hi) (epoch minutes, `lo` moved past the minimum
    notice): past, too_soon, too_far, closed, staff_absent, else taken."""
    if hi <= rules.now:
        return R.PAST
    if hi <= rules.earliest:
        return R.TOO_SOON
    first, last = cal.day_of(lo), cal.day_of(max(lo, hi - 1))
    if first > rules.last_day:
        return R.TOO_FAR
    staff = [requested] if requested else list(qualified)
    days = cal.days(first, min(last, rules.last_day))
    if all(cal.is_closed(d) or not any(cal.raw_hours(s, d) for s in staff) for d in days):
        return R.CLOSED
    if all(not any(cal.working(s, d) for s in staff) for d in days):
        return R.STAFF_ABSENT
    return R.TAKEN
