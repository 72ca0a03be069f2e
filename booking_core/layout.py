"""Segment layout: where each part of a service lies, and which stretches keep the staff busy.

Pause policies (CONTRACT section 4):
- `free`: segments separated by their minimum gap; the staff is free during gaps (others can be booked
  into them), so only the segments themselves are busy.
- `blocked`: same positions, but the staff stays reserved through the gaps: each segment's `busy_until`
  reaches the next segment's start.
- `flexible`: free during gaps, and each gap may stretch from `gap_after_min` to `gap_after_max` so the
  next segment fits the staff's free time (searched depth-first, shortest gaps first).
- `never`: gaps dropped, segments back to back.
The service's buffer extends `busy_until` of the last segment only. Simple services are one segment
"main". Times are integer epoch minutes; `fits(staff, start, end, busy_until)` is the caller's
question "does this staff work through [start, end) and have nothing booked in [start, busy_until)".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from booking_core.tenant_config import Service

__all__ = ["AppointmentSegment", "Fits", "layout", "reach"]

Fits = Callable[[str, int, int, int], bool]
FLEX_STEP = 5
MAX_STEPS = 600


@dataclass(frozen=True, slots=True)
class AppointmentSegment:
    """One segment of a service placed in time, in UTC epoch minutes (the pure form of
    `booking_core.domain.AppointmentSegment` and of the `appointment_segments` row).

    [start, end) is the work; `busy_until` is where the staff's blocked stretch ends (end plus buffer
    on the last segment; the next start under the `blocked` pause policy); `staff_busy` False: the
    staff is free during this segment (a processing step)."""

    key: str
    name: str
    position: int
    start: int
    end: int
    busy_until: int
    staff_id: str
    staff_busy: bool


def reach(service: Service) -> int:
    """The most minutes any layout of `service` spans from its start to its last `busy_until`: every
    segment, every gap at its longest (`gap_after_max` under `flexible`), the buffer. A search for
    starts before minute M needs to know nothing booked from M + reach on."""
    if not service.segments:
        return (service.duration_min or 0) + service.buffer_after_min
    total = sum(s.duration_min for s in service.segments) + service.buffer_after_min
    if service.pause_policy == "never":
        return total
    for seg in service.segments[:-1]:
        longest = seg.gap_after_max if service.pause_policy == "flexible" and seg.gap_after_max is not None else 0
        total += max(seg.gap_after_min, longest)
    return total


def layout(
    service: Service,
    start: int,
    first_staff: Sequence[str],
    fits: Fits,
    other_staff: Sequence[str] | None = None,
) -> tuple[AppointmentSegment, ...] | None:
    """Lay `service` out from `start`. Staff: the first segment is done by one of `first_staff`; the
    later ones by the same person, or, when `other_staff` is given (service.staff_per_segment), by the
    same person if possible, else by any of `other_staff`. None when it does not fit."""
    if not service.segments:
        end = start + (service.duration_min or 0)
        busy_until = end + service.buffer_after_min
        for st in first_staff:
            if fits(st, start, end, busy_until):
                return (AppointmentSegment("main", service.name, 0, start, end, busy_until, st, True),)
        return None

    segs = service.segments
    n = len(segs)
    policy = service.pause_policy
    blocked = policy == "blocked"
    budget = [MAX_STEPS]

    def next_starts(i: int, end: int) -> Sequence[int]:
        seg = segs[i]
        if policy == "never":
            return (end,)
        lo = end + seg.gap_after_min
        if policy != "flexible" or seg.gap_after_max is None or seg.gap_after_max <= seg.gap_after_min:
            return (lo,)
        hi = end + seg.gap_after_max
        out = list(range(lo, hi + 1, FLEX_STEP))
        if out[-1] != hi:
            out.append(hi)
        return out

    def place(i: int, t: int, staff_options: Sequence[str]) -> list[AppointmentSegment] | None:
        seg = segs[i]
        e = t + seg.duration_min
        last = i == n - 1
        if last:
            bu = e + service.buffer_after_min
        elif blocked:
            bu = e + seg.gap_after_min
        else:
            bu = e
        busy = blocked or seg.staff_busy
        for st in staff_options:
            budget[0] -= 1
            if budget[0] < 0:
                return None
            if busy and not fits(st, t, e, bu):
                continue
            if last:
                return [AppointmentSegment(seg.key, seg.name, i, t, e, bu, st, busy)]
            if other_staff is None:
                nxt: Sequence[str] = (st,)
            else:
                nxt = (st, *(o for o in other_staff if o != st))
            for t2 in next_starts(i, e):
                rest = place(i + 1, t2, nxt)
                if rest is not None:  # the segment is made only once the rest fits (most tries fail)
                    return [AppointmentSegment(seg.key, seg.name, i, t, e, bu, st, busy), *rest]
                if budget[0] < 0:
                    return None
        return None

    if other_staff is None:
        # One person does everything: try each candidate on their own (cheap, and keeps budgets per person).
        for st in first_staff:
            budget[0] = MAX_STEPS
            got = place(0, start, (st,))
            if got is not None:
                return tuple(got)
        return None
    got = place(0, start, first_staff)
    return tuple(got) if got is not None else None
