"""The window search that loads busy data only for the days it visits (issue 20) gives the same
options as the search over one board holding the whole window (tests/core/reference_spread.py, the
code before the change), on random calendars: staff hours, days off, 24-hour days, DST weeks,
busy stretches, services with pauses and buffers, windows of any length, any number of options."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking_core.availability import TenantCalendar, calendar_for
from booking_core.intervals import Interval
from booking_core.layout import layout, reach
from booking_core.slots import Board, Plan, rules_for
from booking_core.window import spread, window_spread
from tests.core import reference_spread
from tests.core.helpers import ALL_DAYS, make_tenant

START = date(2026, 10, 19)  # the week before the autumn DST change in Berlin
SERVICES = ("cut", "cut-buffer", "colour-free", "colour-blocked", "colour-flex", "colour-never", "colour-split")

hours = st.one_of(
    st.none(),  # a day off
    st.just(("00:00", "24:00")),
    st.tuples(st.integers(6, 12), st.integers(13, 21)).map(lambda t: (f"{t[0]:02d}:00", f"{t[1]:02d}:30")),
)
staff_week = st.lists(hours, min_size=7, max_size=7)
busy_piece = st.tuples(st.integers(0, 3), st.integers(0, 24), st.integers(0, 24 * 60 - 1), st.integers(15, 300))


def _calendar(weeks: list[list[Any]]) -> TenantCalendar:
    staff = [
        {
            "id": f"s{i}",
            "name": f"Staff {i}",
            "services": ["*"],
            "hours": {d: [list(h)] for d, h in zip(ALL_DAYS, week) if h is not None},
        }
        for i, week in enumerate(weeks)
    ]
    opening = {d: [["00:00", "24:00"]] for d in ALL_DAYS}
    return calendar_for(make_tenant("window", staff=staff, opening_hours=opening, holidays=None))


def _busy(cal: TenantCalendar, staff: list[str], pieces: list[tuple[int, int, int, int]]) -> dict[str, list[Interval]]:
    out: dict[str, list[Interval]] = {s: [] for s in staff}
    for who, day, minute, length in pieces:
        start = cal.local_minute(START + timedelta(days=day), minute)
        out[staff[who % len(staff)]].append((start, start + length))
    return out


def _board(
    cal: TenantCalendar,
    staff: list[str],
    busy: dict[str, list[Interval]],
    first: date,
    last: date,
    busy_until: int | None = None,
) -> Board:
    """What storage would hand out for [first, last]: the busy stretches overlapping those days (up to
    `busy_until` when given)."""
    lo = cal.local_minute(first, 0)
    hi = cal.local_minute(last + timedelta(days=1), 0) if busy_until is None else busy_until
    overlapping = {s: [(a, b) for a, b in v if a < hi and b > lo] for s, v in busy.items()}
    return Board.build(cal, staff, first, last, overlapping)


def _key(plans: list[Plan]) -> list[tuple[tuple[str, int, int], ...]]:
    return [tuple((p.staff_id, p.start, p.busy_until) for p in plan) for plan in plans]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weeks=st.lists(staff_week, min_size=1, max_size=3),
    pieces=st.lists(busy_piece, max_size=40),
    service=st.sampled_from(SERVICES),
    named=st.booleans(),
    start_day=st.integers(0, 6),
    start_minute=st.integers(0, 24 * 60 - 1),
    length_min=st.integers(1, 21 * 24 * 60),
    now_offset=st.integers(-2 * 24 * 60, 3 * 24 * 60),
    limit=st.integers(1, 5),
)
def test_window_search_matches_whole_window_board(
    weeks, pieces, service, named, start_day, start_minute, length_min, now_offset, limit
):
    cal = _calendar(weeks)
    staff = list(cal.staff_order)
    busy = _busy(cal, staff, pieces)
    svc = cal.services[service]
    staff_try = staff[:1] if named else staff
    others = staff if svc.staff_per_segment else None
    lo = cal.local_minute(START + timedelta(days=start_day), start_minute)
    hi = lo + length_min
    rules = rules_for(cal, cal.local_minute(START, 0) + now_offset)
    first_day, last_day = cal.day_of(lo), min(cal.day_of(hi - 1), rules.last_day)

    full = _board(cal, staff_try, busy, first_day, last_day)
    old = reference_spread.spread(full, svc, staff_try, lo, hi, rules, limit, others)

    async def load(first: date, last: date, busy_until: int) -> Board:
        return _board(cal, staff_try, busy, first, last, busy_until)

    new, loads = asyncio.run(
        window_spread(load, cal, svc, staff_try, lo, hi, first_day, last_day, rules, limit, others)
    )
    assert _key(new) == _key(old)
    assert _key(spread(full, svc, staff_try, lo, hi, rules, limit, others)) == _key(old)
    assert loads <= (last_day - first_day).days + 1


def test_long_window_loads_only_the_stretches_it_visits():
    """Eight weeks, three options, free staff: the first days, the middle and the end, not 56 days."""
    cal = _calendar([[("09:00", "18:00")] * 7])
    staff = list(cal.staff_order)
    seen: list[tuple[date, date]] = []

    async def load(first: date, last: date, busy_until: int) -> Board:
        seen.append((first, last))
        return _board(cal, staff, {}, first, last, busy_until)

    lo = cal.local_minute(START, 0)
    hi = cal.local_minute(START + timedelta(weeks=8), 0)
    rules = rules_for(cal, lo)
    plans, loads = asyncio.run(
        window_spread(
            load, cal, cal.services["cut"], staff, lo, hi, START, START + timedelta(weeks=8, days=-1), rules, 3
        )
    )
    assert len(plans) == 3 and loads == 3
    assert sum((b - a).days + 1 for a, b in seen) <= 6
    assert cal.day_of(plans[-1][0].start) == START + timedelta(weeks=8, days=-1)


def test_plan_across_midnight_at_a_chunk_end_is_found():
    """Someone who works round the clock is free only from 23:45 on the second day: a 30-minute cut
    runs past midnight into a day the first chunk does not search, yet it is the first option."""
    cal = _calendar([[("00:00", "24:00")] * 7])
    staff = list(cal.staff_order)
    lo = cal.local_minute(START, 0)
    busy = {staff[0]: [(lo, cal.local_minute(START + timedelta(days=1), 23 * 60 + 45))]}
    hi = cal.local_minute(START + timedelta(days=5), 0)
    rules = rules_for(cal, lo - 24 * 60)
    last = START + timedelta(days=4)

    async def load(first: date, last_day: date, busy_until: int) -> Board:
        return _board(cal, staff, busy, first, last_day, busy_until)

    plans, _ = asyncio.run(window_spread(load, cal, cal.services["cut"], staff, lo, hi, START, last, rules, 1))
    old = reference_spread.spread(_board(cal, staff, busy, START, last), cal.services["cut"], staff, lo, hi, rules, 1)
    assert _key(plans) == _key(old)
    assert plans[0][0].start == busy[staff[0]][0][1]


def test_booking_just_past_midnight_blocks_a_plan_at_the_chunk_end():
    """What is booked in the next day's first minutes is read (up to the service's reach): a cut at
    23:45 would run into the 00:05 booking, so the first option is after it."""
    cal = _calendar([[("00:00", "24:00")] * 7])
    staff = list(cal.staff_order)
    lo = cal.local_minute(START, 0)
    next_day = cal.local_minute(START + timedelta(days=1), 0)  # the first chunk is the first day
    busy = {staff[0]: [(lo, next_day - 15), (next_day + 5, next_day + 20)]}
    hi = cal.local_minute(START + timedelta(days=5), 0)
    rules = rules_for(cal, lo - 24 * 60)

    async def load(first: date, last_day: date, busy_until: int) -> Board:
        return _board(cal, staff, busy, first, last_day, busy_until)

    plans, _ = asyncio.run(
        window_spread(load, cal, cal.services["cut"], staff, lo, hi, START, START + timedelta(days=4), rules, 1)
    )
    assert plans[0][0].start == next_day + 30  # the first quarter hour after the booking


@pytest.mark.parametrize("service", SERVICES)
def test_reach_bounds_every_layout(service):
    """`layout.reach` is never shorter than a plan: laid out against gaps that force the longest
    pauses, the last busy minute stays within it."""
    cal = _calendar([[("00:00", "24:00")] * 7])
    svc = cal.services[service]
    start = cal.local_minute(START, 10 * 60)
    for blocked_from in range(0, 240, 5):  # something booked from start + 30 + blocked_from on

        def fits(staff: str, s: int, e: int, bu: int, cut: int = start + 30 + blocked_from) -> bool:
            return s >= start and (bu <= cut or s >= cut + 20)

        plan = layout(svc, start, ["s0"], fits)
        if plan is not None:
            assert max(p.busy_until for p in plan) - start <= reach(svc)
    assert reach(cal.services["colour-flex"]) == 30 + 60 + 30
    assert reach(cal.services["cut-buffer"]) == 45
