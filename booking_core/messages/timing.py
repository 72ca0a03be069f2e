"""When a message may go out: reminders before the start, and never inside the quiet hours.

Quiet hours are local wall-clock times in the tenant's zone, a window [start, end) that may wrap
midnight (["20:00", "08:00"]). A reminder due inside the window waits for its end (CONTRACT section 9);
a confirmation of the call just made goes out at once whatever the hour (the caller has just spoken
to us). Computed per local day, so DST days keep the wall-clock end of the window.

The same rules hold when a message is sent late (`held_back`, asked by the outbox worker just before
each send): after a provider outage, a retry, or a worker that was down, a reminder whose appointment
has begun (a waitlist offer whose slot has) is not sent at all, and a timed message (reminder,
waitlist offer) that comes due inside the quiet hours waits for their end, as it would have when planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["TIMED_KINDS", "HeldBack", "after_quiet", "held_back", "in_quiet", "reminder_times", "superseded"]

#: Message kinds sent at a time of our choosing, so kept out of the quiet hours (CONTRACT section 9).
TIMED_KINDS = frozenset({"reminder", "waitlist_offer"})


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


@dataclass(frozen=True)
class HeldBack:
    """Why a message is not sent now: `until` the instant it may go (aware), or None when it never
    should (a reminder of an appointment that has begun); `reason` for the outbox row's last error."""

    until: datetime | None
    reason: str


def held_back(
    kind: str,
    starts_at: datetime | None,
    now: datetime,
    zone: ZoneInfo,
    quiet: tuple[time, time] | None,
    *,
    hours_before: int | None = None,
    reminders: tuple[int, ...] = (),
) -> HeldBack | None:
    """Whether a message of `kind` about a time starting at `starts_at` (the appointment reminded of,
    the slot a waitlist offer offers; aware, None when not known) may not go out at `now`: None when
    it may. Only `TIMED_KINDS` are ever held back; a confirmation, change or cancellation goes
    whenever it can.

    A late reminder (`hours_before` the start, of the tenant's `reminders`) is not sent when a closer
    reminder of the same appointment is due by the time it would go: after an outage the 24 h and the
    2 h reminder would otherwise reach the customer together (`superseded`)."""
    if kind not in TIMED_KINDS:
        return None
    what = "the appointment" if kind == "reminder" else "the offered time"
    began = f"{what} began at {starts_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})" if starts_at else ""
    if starts_at is not None and now >= starts_at:
        return HeldBack(None, f"not sent: {began}")
    until = after_quiet(now, zone, quiet)
    if starts_at is not None and until >= starts_at:
        return HeldBack(None, f"not sent: quiet hours until {until.astimezone(zone):%H:%M}, and {began}")
    closer = superseded(starts_at, until, zone, quiet, hours_before, reminders) if kind == "reminder" else None
    if closer is not None:
        return HeldBack(None, f"not sent: the {closer} h reminder of the same appointment is due by then")
    if until <= now:
        return None
    return HeldBack(until, f"waits for the end of the quiet hours ({until.astimezone(zone):%H:%M})")


def superseded(
    starts_at: datetime | None,
    goes: datetime,
    zone: ZoneInfo,
    quiet: tuple[time, time] | None,
    hours_before: int | None,
    reminders: tuple[int, ...],
) -> int | None:
    """The hours of a closer reminder (fewer hours before `starts_at`) that is due by `goes`, when the
    reminder `hours_before` would go then; None when there is none. Only a closer reminder the planner
    kept counts: one due after the start was never planned, and of two pushed to the same moment by
    the quiet hours the planner keeps only the earlier-configured (`reminder_times`)."""
    if starts_at is None or hours_before is None:
        return None
    own_due = after_quiet(starts_at - timedelta(hours=hours_before), zone, quiet)
    for hours in reminders:
        if hours >= hours_before:
            continue
        due = after_quiet(starts_at - timedelta(hours=hours), zone, quiet)
        if due < starts_at and due != own_due and goes >= due:
            return hours
    return None
