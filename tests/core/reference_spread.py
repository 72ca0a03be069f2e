"""The window search as it was before issue 20 (one board over every day of the window), kept as the
reference the chunked `booking_core.window.window_spread` must agree with (tests/core/test_window.py)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from booking_core.slots import Board, Plan, Rules, first_free
from booking_core.tenant_config import Service

__all__ = ["spread"]


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
    """Up to `limit` options in [lo, hi): the first free one, then the first free at or after evenly
    spaced points of the window; topped up with the next free ones when the later part is full."""
    if limit <= 0:
        return []
    lo = max(lo, rules.earliest)
    if hi <= lo:
        return []
    found: list[Plan] = []
    f = first if first is not None else first_free(board, service, staff_ids, lo, hi, rules, others)
    if f is None:
        return []
    found.append(f)
    step = board.cal.interval
    span_lo = f[0].start
    starts = {f[0].start}
    # Spread over the part of the window where a start can work: up to the last working minute
    # (of any of the staff) minus the service's length.
    last_start = min(hi, _latest_end(board, staff_ids, lo, hi)) - service.total_min

    def add_first_free(after: int) -> Plan | None:
        """The first free plan in [after, hi), added to `found` unless its start is there already."""
        got = first_free(board, service, staff_ids, after, hi, rules, others)
        if got is not None and got[0].start not in starts:
            found.append(got)
            starts.add(got[0].start)
        return got

    for i in range(1, limit):
        if last_start <= span_lo:
            break
        target = span_lo + (last_start - span_lo) * i // (limit - 1)
        target = max(target, found[-1][0].start + step)
        if target >= hi or add_first_free(target) is None:
            break
    cursor = span_lo + step
    while len(found) < limit and cursor < hi:
        got = add_first_free(cursor)
        if got is None:
            break
        cursor = got[0].start + step
    found.sort(key=lambda p: p[0].start)
    return found[:limit]


def _latest_end(board: Board, staff_ids: Sequence[str], lo: int, hi: int) -> int:
    best = lo
    for sid in staff_ids:
        w = board.working.get(sid)
        if w is None or not w.starts:
            continue
        i = bisect_left(w.starts, hi) - 1  # last interval starting before hi
        if i >= 0 and w.ends[i] > lo:
            best = max(best, min(w.ends[i], hi))
    return best
