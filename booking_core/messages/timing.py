"""When a message may go out: reminders before the start, and never inside the quiet hours.

Quiet hours are local wall-clock times in the tenant's zone, a window [start, end) that may wrap
midnight (["20:00", "08:00"]). A reminder due inside the window waits for its end (CONTRACT section 9);
a confirmation of the call just made goes out at once whatever the hour (the caller has just spoken
to us). Computed per local day, so DST days keep the wall-clock end of the window.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["after_quiet", "in_quiet", "reminder_times"]


def in_quiet(local: time, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    if start < end:
        return start <= local < end
    return local >= start or local < end


def after_quiet(due: datetime, zone: ZoneInfo, quiet: tuple[time, time] | None) -> datetime:
    """`due` (aware), or the end of the quiet window it falls in (aware, in `zone`)."""
    if quiet is None:
        return due
    local = due.astimezone(zone)
    if not in_quiet(local.time(), quiet):
        return due
    start, end = quiet
    day = local.date()
    if start > end and local.time() >= start:  # the evening part of a window that wraps midnight
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone)


def reminder_times(
    start: datetime, hours_before: tuple[int, ...], now: datetime, zone: ZoneInfo, quiet: tuple[time, time] | None
) -> list[tuple[int, datetime]]:
    """(hours, due) per configured reminder that is still ahead: due after `now` and, once moved out
    of the quiet hours, still before the appointment's `start`. Two reminders that the quiet hours push
    to the same moment are sent once (the earlier-configured one is kept)."""
    out: list[tuple[int, datetime]] = []
    seen: set[datetime] = set()
    for hours in hours_before:
        due = after_quiet(start - timedelta(hours=hours), zone, quiet)
        if due <= now or due >= start or due in seen:
            continue
        seen.add(due)
        out.append((hours, due))
    return out
