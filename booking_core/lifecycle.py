"""Appointment statuses and their transitions (CONTRACT sections 3 and 9).

scheduled -> confirmed -> in_progress <-> paused (in processing gaps) -> completed;
scheduled/confirmed -> cancelled or no_show (no_show also after the start: see TRANSITIONS). Time drives
the middle part: in progress at the start, paused in gaps between segments, completed at the end
(`status_at` over `time_spans`).
"""

from __future__ import annotations

from collections.abc import Sequence

from booking_core.errors import InvalidTransition
from booking_core.vocabulary import AppointmentStatus

__all__ = ["ACTIVE", "LIVE", "RELEASING", "STATUSES", "TRANSITIONS", "can", "check", "path", "status_at", "time_spans"]

S = AppointmentStatus
STATUSES: tuple[AppointmentStatus, ...] = tuple(AppointmentStatus)
TRANSITIONS: dict[str, frozenset[AppointmentStatus]] = {
    S.SCHEDULED: frozenset({S.CONFIRMED, S.IN_PROGRESS, S.CANCELLED, S.NO_SHOW}),
    S.CONFIRMED: frozenset({S.IN_PROGRESS, S.CANCELLED, S.NO_SHOW}),
    # Time moves an appointment to in_progress at its start whether or not the customer came, so staff
    # record a no-show from the clock-driven statuses too (issue 16: "staff cannot mark a no-show").
    S.IN_PROGRESS: frozenset({S.PAUSED, S.COMPLETED, S.NO_SHOW}),
    S.PAUSED: frozenset({S.IN_PROGRESS, S.COMPLETED, S.NO_SHOW}),
    S.COMPLETED: frozenset({S.NO_SHOW}),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
}
LIVE = frozenset({S.SCHEDULED, S.CONFIRMED, S.IN_PROGRESS, S.PAUSED, S.COMPLETED})
ACTIVE = frozenset({S.SCHEDULED, S.CONFIRMED, S.IN_PROGRESS, S.PAUSED})
RELEASING = frozenset({S.CANCELLED, S.NO_SHOW})  # statuses that free the staff


def can(old: str, new: str) -> bool:
    """Whether the lifecycle allows the step `old` -> `new` (unknown statuses: never)."""
    return new in TRANSITIONS.get(old, frozenset())


def check(old: str, new: str) -> None:
    """Raise InvalidTransition unless `new` is a status and `old` -> `new` an allowed step."""
    if new not in STATUSES or not can(old, new):
        raise InvalidTransition(old, new)


def status_at(segments: Sequence[tuple[int, int]], now: int) -> AppointmentStatus | None:
    """The status time says an appointment with these (start, end) segments (epoch minutes) has at
    `now`: None before the start, in_progress inside a segment, paused between segments, completed after."""
    if not segments:
        return None
    segs = sorted(segments)
    if now < segs[0][0]:
        return None
    if now >= max(e for _, e in segs):
        return S.COMPLETED
    for s, e in segs:
        if s <= now < e:
            return S.IN_PROGRESS
    return S.PAUSED


def path(old: str, target: AppointmentStatus) -> list[AppointmentStatus]:
    """The valid steps from `old` to a time-driven `target` ([] when nothing to do or not reachable)."""
    if old == target:
        return []
    if old in (S.SCHEDULED, S.CONFIRMED):
        if target == S.IN_PROGRESS:
            return [S.IN_PROGRESS]
        if target in (S.PAUSED, S.COMPLETED):
            return [S.IN_PROGRESS, target]
        return []
    if old in (S.IN_PROGRESS, S.PAUSED) and can(old, target):
        return [target]
    return []


def time_spans(segments: Sequence[tuple[int, int, int, bool]]) -> list[tuple[int, int]]:
    """The stretches `status_at` calls in progress, from (start, end, busy_until, staff_busy) segments
    in minutes: each staff-busy segment until its busy time ends (through a `blocked` gap, where the
    staff stays with the customer) but not past the next segment's start. Gaps in which the staff is
    free, and segments that need no staff (processing), are paused time. A zero-length marker at the
    last segment's end keeps the completion there when that segment needs no staff."""
    ordered = sorted(segments)
    if not ordered:
        return []
    spans: list[tuple[int, int]] = []
    for i, (start, end, busy_until, staff_busy) in enumerate(ordered):
        if not staff_busy:
            continue
        stop = end if i == len(ordered) - 1 else max(end, min(busy_until, ordered[i + 1][0]))
        spans.append((start, stop))
    finish = max(end for _, end, _, _ in ordered)
    if not spans or max(e for _, e in spans) < finish:
        spans.append((finish, finish))
    if spans[0][0] > ordered[0][0]:  # begins with a processing segment: the appointment has begun all the same
        spans.insert(0, (ordered[0][0], ordered[0][0] + 1))
    return spans
