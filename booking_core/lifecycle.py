"""Appointment statuses and their transitions (CONTRACT section 3).

scheduled -> confirmed -> in_progress <-> paused (in processing gaps) -> completed;
scheduled/confirmed -> cancelled or no_show (no_show also after the start: see TRANSITIONS). Time drives the middle part: in progress at the start,
paused in gaps between segments, completed at the end (`status_at`).
"""

from __future__ import annotations

from collections.abc import Sequence

from booking_core.errors import InvalidTransition

STATUSES = ("scheduled", "confirmed", "in_progress", "paused", "completed", "cancelled", "no_show")
TRANSITIONS: dict[str, frozenset[str]] = {
    "scheduled": frozenset({"confirmed", "in_progress", "cancelled", "no_show"}),
    "confirmed": frozenset({"in_progress", "cancelled", "no_show"}),
    # Time moves an appointment to in_progress at its start whether or not the customer came, so staff
    # record a no-show from the clock-driven statuses too (issue 16: "staff cannot mark a no-show").
    "in_progress": frozenset({"paused", "completed", "no_show"}),
    "paused": frozenset({"in_progress", "completed", "no_show"}),
    "completed": frozenset({"no_show"}),
    "cancelled": frozenset(),
    "no_show": frozenset(),
}
LIVE = frozenset({"scheduled", "confirmed", "in_progress", "paused", "completed"})
ACTIVE = frozenset({"scheduled", "confirmed", "in_progress", "paused"})
RELEASING = frozenset({"cancelled", "no_show"})  # statuses that free the staff


def can(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, frozenset())


def check(old: str, new: str) -> None:
    if new not in STATUSES or not can(old, new):
        raise InvalidTransition(old, new)


def status_at(segments: Sequence[tuple[int, int]], now: int) -> str | None:
    """The status time says an appointment with these (start, end) segments has at `now`:
    None before the start, in_progress inside a segment, paused between segments, completed after."""
    if not segments:
        return None
    segs = sorted(segments)
    if now < segs[0][0]:
        return None
    if now >= max(e for _, e in segs):
        return "completed"
    for s, e in segs:
        if s <= now < e:
            return "in_progress"
    return "paused"


def path(old: str, target: str) -> list[str]:
    """The valid steps from `old` to a time-driven `target` ([] when nothing to do or not reachable)."""
    if old == target:
        return []
    if old in ("scheduled", "confirmed"):
        if target == "in_progress":
            return ["in_progress"]
        if target in ("paused", "completed"):
            return ["in_progress", target]
        return []
    if old in ("in_progress", "paused") and can(old, target):
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
