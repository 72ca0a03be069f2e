"""Why a wished time cannot be booked: the true reason, for the caller to hear (CONTRACT section 14).

The codes (`Refusal.code`, spoken by the edge and carried as `data.reason`):
- `past`: the time is over; `notice`: sooner than the minimum notice; `too_far`: beyond the maximum advance;
- `closed`: the *business* is closed then (a closure, a public holiday, a weekday without opening
  hours, or a time outside the opening hours); never because one person is off;
- `staff_off`: the business is open, but the wished person (or, without a wish, everyone who does the
  service) does not work then: a day off, an absence, a break, before they start or after they finish;
- `off_grid`: not a start time of the slot grid; `not_qualified`: the person does not do the service;
- `taken`: everyone who could is booked (or held by another call).

The diagnosis relaxes the constraints one at a time, each a layout of the service: within the
business's hours, then within the persons' weekly hours, then within their working time (minus
absences); the first that fails is the reason, and if none fails the time is taken. Pure: integer
epoch minutes in, a `Refusal` out; storage is not needed (bookings only matter for `taken`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from booking_core.availability import TenantCalendar
from booking_core.intervals import Interval, IntervalIndex, normalize
from booking_core.layout import layout
from booking_core.opening import closed_reason
from booking_core.tenant_config import Service

__all__ = ["Detail", "Refusal", "RefusalCode", "business_open", "diagnose", "window_refusal"]

RefusalCode = Literal["past", "notice", "too_far", "closed", "staff_off", "off_grid", "not_qualified", "taken"]
# closed: closure | holiday | weekly | hours (before opening or after closing) | closing (would run past closing time)
# staff_off: day_off | absence (all day) | away (absent part of the day) | break | hours (before they start or
#            after they finish) | closing (would run past their end)
Detail = Literal["closure", "holiday", "weekly", "hours", "closing", "day_off", "absence", "away", "break"]


@dataclass(frozen=True)
class Refusal:
    """A reason `code`, with what makes it speakable: `detail`, the holiday's or closure's `name`, the
    person it is about (`staff_id`, None for "everyone who does it"), and that person's (staff_off) or
    the business's (closed) hours that day as local (start, end) minutes of the day."""

    code: RefusalCode
    detail: Detail | None = None
    name: str | None = None
    staff_id: str | None = None
    hours: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """`data.reason_detail`: {"kind", "name", "staff", "hours": [["10:00", "19:00"]]}."""
        return {
            "kind": self.detail,
            "name": self.name,
            "staff": self.staff_id,
            "hours": [[_hhmm(s), _hhmm(e)] for s, e in self.hours],
        }


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def business_open(cal: TenantCalendar, day: date) -> list[Interval]:
    """When the business is open on `day` (epoch minutes): its opening hours and anyone's working
    hours (a person whose own hours reach beyond the opening hours keeps the door open), none on
    closures and holidays."""
    if cal.is_closed(day):
        return []
    ranges = [(cal.local_minute(day, s), cal.local_minute(day, e)) for s, e in cal.opening[day.weekday()]]
    for sid in cal.staff_order:
        ranges.extend(cal.raw_hours(sid, day))
    return normalize(ranges)


def _local_hours(cal: TenantCalendar, day: date, ranges: Sequence[Interval]) -> tuple[tuple[int, int], ...]:
    base = cal.local_minute(day, 0)
    return tuple((s - base, e - base) for s, e in ranges)


def _fits_within(service: Service, start: int, staff: Sequence[str], ranges: dict[str, list[Interval]]) -> bool:
    """Whether the service laid out from `start` fits the given working ranges of one of `staff`."""
    index = {sid: IntervalIndex(normalize(r)) for sid, r in ranges.items()}
    got = layout(service, start, list(staff), lambda sid, s, e, _busy: sid in index and index[sid].contains(s, e))
    return got is not None


def diagnose(
    cal: TenantCalendar,
    service: Service,
    start: int,
    requested: str | None,
    qualified: Sequence[str],
    now: int,
    earliest: int,
    last_day: date,
) -> Refusal:
    """Why nobody (or the `requested` person) can take `service` at `start` (epoch minute); called once
    a layout against the bookings failed or the rules refused. `now`, `earliest`: epoch minutes;
    `last_day`: the last bookable local date."""
    if start < now:
        return Refusal("past")
    if start < earliest:
        return Refusal("notice")
    day = cal.day_of(start)
    if day > last_day:
        return Refusal("too_far")
    staff = [requested] if requested else list(qualified)
    who = requested
    closed = closed_reason(cal, day)
    open_ranges = business_open(cal, day)
    if closed is not None and (closed.kind != "weekly" or not open_ranges):
        return Refusal("closed", closed.kind, closed.name)
    if open_ranges and not IntervalIndex(open_ranges, normalized=True).contains(start, start + 1):
        # before opening or after closing: the business is closed then, whoever works that day
        return Refusal("closed", "hours", hours=_local_hours(cal, day, open_ranges))
    raw = {s: cal.raw_hours(s, day) for s in staff}
    if not any(raw.values()):
        return Refusal("staff_off", "day_off", staff_id=who)
    if all(day in cal.absent_days[s] for s in staff if raw[s]):
        return Refusal("staff_off", "absence", staff_id=who)
    if not cal.on_grid(start):
        return Refusal("off_grid")
    if not IntervalIndex(open_ranges, normalized=True).contains(start, start + service.total_min):
        inside = IntervalIndex(open_ranges, normalized=True).contains(start, start + 1)
        return Refusal("closed", "closing" if inside else "hours", hours=_local_hours(cal, day, open_ranges))
    if not _fits_within(service, start, staff, raw):
        hours = raw[requested] if requested else normalize(r for rs in raw.values() for r in rs)
        return Refusal(
            "staff_off",
            _hours_detail(hours, start, start + service.total_min),
            staff_id=who,
            hours=_local_hours(cal, day, hours),
        )
    if not _fits_within(service, start, staff, {s: cal.working(s, day) for s in staff}):
        return Refusal("staff_off", "away", staff_id=who)
    return Refusal("taken")


def _hours_detail(hours: Sequence[Interval], start: int, end: int) -> Detail:
    """Where [start, end) leaves a person's ranges of the day: before they start or after they finish
    ("hours"), across the end of their day ("closing"), or into a gap between two ranges ("break")."""
    if not hours or start < hours[0][0] or start >= hours[-1][1]:
        return "hours"
    if hours[-1][0] <= start and end > hours[-1][1]:
        return "closing"
    return "break"


def window_refusal(
    cal: TenantCalendar,
    lo: int,
    hi: int,
    requested: str | None,
    qualified: Sequence[str],
    now: int,
    earliest: int,
    last_day: date,
) -> Refusal:
    """Why a day or window [lo, hi) (epoch minutes) has nothing free for the `requested` person (or
    anyone of `qualified`): past, notice, too far, closed, the person off, or all taken."""
    if hi <= now:
        return Refusal("past")
    if hi <= earliest:
        return Refusal("notice")
    first, last = cal.day_of(lo), cal.day_of(max(lo, hi - 1))
    if first > last_day:
        return Refusal("too_far")
    days = cal.days(first, min(last, last_day))
    staff = [requested] if requested else list(qualified)
    window = IntervalIndex([(lo, hi)])
    open_days = [d for d in days if any(window.overlaps(s, e) for s, e in business_open(cal, d))]
    if not open_days:
        reason = closed_reason(cal, days[0]) if len(days) == 1 else None
        if reason is not None and (reason.kind != "weekly" or not business_open(cal, days[0])):
            return Refusal("closed", reason.kind, reason.name)
        hours = _local_hours(cal, days[0], business_open(cal, days[0])) if len(days) == 1 else ()
        return Refusal("closed", "hours", hours=hours)
    if not any(window.overlaps(s, e) for d in open_days for sid in staff for s, e in cal.raw_hours(sid, d)):
        worked = any(cal.raw_hours(sid, d) for d in open_days for sid in staff)
        day = open_days[0]
        their_hours = cal.raw_hours(requested, day) if requested else []
        return Refusal(
            "staff_off", "hours" if worked else "day_off", staff_id=requested, hours=_local_hours(cal, day, their_hours)
        )
    if not any(window.overlaps(s, e) for d in open_days for sid in staff for s, e in cal.working(sid, d)):
        return Refusal("staff_off", "absence", staff_id=requested)
    return Refusal("taken")
