"""Pure calendar tests: working time per local day, DST days, holidays, year ends, layouts, search."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from booking_core.availability import calendar_for, from_minute, to_minute
from booking_core.layout import layout
from booking_core.refusals import diagnose
from booking_core.slots import Board, alternatives, first_free, plan_at, rules_for
from booking_core.window import spread
from tests.core.helpers import BERLIN, at, make_tenant

UTC = UTC


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.fixture(scope="module")
def cal():
    return calendar_for(make_tenant())


@pytest.fixture(scope="module")
def cal24():
    days = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return calendar_for(make_tenant("t24", opening_hours=days, holidays=None, closures=[]))


def test_calendar_cached_by_identity():
    t = make_tenant()
    assert calendar_for(t) is calendar_for(t)
    assert calendar_for(make_tenant()) is not calendar_for(t)


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2026, 10, 25), 25), (date(2027, 3, 28), 23), (date(2026, 10, 24), 24)]
)
def test_dst_day_length(cal24, day, hours):
    work = cal24.working("anna", day)
    assert sum(e - s for s, e in work) == hours * 60


@pytest.mark.parametrize(
    ("day", "utc_open"),
    [
        (date(2026, 10, 24), utc(2026, 10, 24, 7)),
        (date(2026, 10, 25), utc(2026, 10, 25, 8)),
        (date(2027, 3, 27), utc(2027, 3, 27, 8)),
        (date(2027, 3, 28), utc(2027, 3, 28, 7)),
    ],
)
def test_local_nine_on_both_sides_of_dst(cal, day, utc_open):
    ((s, e),) = cal.working("anna", day)
    assert from_minute(s) == utc_open
    assert e - s == 9 * 60
    assert from_minute(s, BERLIN).hour == 9 and from_minute(e, BERLIN).hour == 18


@pytest.mark.parametrize("day", [date(2026, 10, 25), date(2027, 3, 28)])
def test_slots_on_dst_days_are_local_grid_times(cal, day):
    board = Board.build(cal, ["anna"], day, day)
    rules = rules_for(cal, to_minute(at(day.year, day.month, day.day - 1, 12)))
    t = make_tenant()
    plans = spread(
        board,
        t.service("cut"),
        ["anna"],
        cal.local_minute(day, 0),
        cal.local_minute(day + timedelta(days=1), 0),
        rules,
        3,
    )
    local = [from_minute(p[0].start, BERLIN) for p in plans]
    assert local[0].hour == 9 and local[0].minute == 0
    assert all(x.minute % 15 == 0 for x in local)
    assert from_minute(plans[-1][-1].end, BERLIN).hour <= 18
    start = at(day.year, day.month, day.day, 9, 0)
    assert cal.on_grid(to_minute(start)) and not cal.on_grid(to_minute(start) + 7)


def test_dst_grid_in_24h_business(cal24):
    # 02:00-03:00 local happens twice on 2026-10-25: the grid stays on quarter hours in local time
    board = Board.build(cal24, ["anna"], date(2026, 10, 25), date(2026, 10, 25))
    from booking_core.slots import grid_points

    pts = grid_points(board, date(2026, 10, 25), ["anna"])
    assert len(pts) == 25 * 4
    assert all(from_minute(p, BERLIN).minute % 15 == 0 for p in pts)


def test_holidays_closures_year_end(cal):
    assert cal.is_closed(date(2026, 12, 24)) and cal.is_closed(date(2026, 12, 26))
    assert cal.is_closed(date(2027, 1, 1))  # Neujahr
    assert cal.is_closed(date(2027, 3, 8))  # Frauentag, Berlin only
    assert not cal.is_closed(date(2026, 12, 30))
    assert cal.working("anna", date(2027, 1, 1)) == []
    # next available from New Year's Eve evening goes past the holiday into 2 January
    t = make_tenant()
    board = Board.build(cal, ["anna"], date(2026, 12, 31), date(2027, 1, 5))
    rules = rules_for(cal, to_minute(at(2026, 12, 31, 17, 30)))
    got = first_free(board, t.service("cut"), ["anna"], rules.earliest, cal.local_minute(date(2027, 1, 6), 0), rules)
    assert from_minute(got[0].start, BERLIN) == at(2027, 1, 2, 9, 0)


def test_absences(cal):
    assert cal.working("cara", date(2026, 12, 1)) == []
    part = cal.working("cara", date(2026, 11, 25))
    assert [(from_minute(s, BERLIN).hour, from_minute(e, BERLIN).hour) for s, e in part] == [(10, 12), (14, 16)]
    assert cal.working("cara", date(2026, 11, 21)) == []  # Saturday: not in her week


# --- layouts ---------------------------------------------------------------------------------


def _fits_except(busy):
    def fits(staff, s, e, bu):
        return not any(s < be and bs < bu for bs, be in busy)

    return fits


@pytest.mark.parametrize(
    ("service", "starts", "busy_untils"),
    [
        ("colour-free", [0, 60], [30, 90]),
        ("colour-blocked", [0, 60], [60, 90]),
        ("colour-never", [0, 30], [30, 60]),
        ("colour-flex", [0, 60], [30, 90]),
    ],
)
def test_layout_per_policy(service, starts, busy_untils):
    svc = make_tenant().service(service)
    pieces = layout(svc, 0, ["anna"], _fits_except([]))
    assert [p.start for p in pieces] == starts
    assert [p.busy_until for p in pieces] == busy_untils
    assert all(p.staff_busy for p in pieces)


def test_flexible_gap_stretches_to_next_free_time():
    svc = make_tenant().service("colour-flex")
    pieces = layout(svc, 0, ["anna"], _fits_except([(40, 80)]))
    assert [p.start for p in pieces] == [0, 80]
    assert layout(svc, 0, ["anna"], _fits_except([(40, 100)])) is None  # gap max 60: B must start by 90
    assert layout(make_tenant().service("colour-free"), 0, ["anna"], _fits_except([(40, 80)])) is None


def test_buffer_on_last_segment_only():
    svc = make_tenant().service("cut-buffer")
    (p,) = layout(svc, 0, ["ben"], _fits_except([]))
    assert (p.end, p.busy_until) == (30, 45)


# --- search ----------------------------------------------------------------------------------


def test_alternatives_order_same_staff_same_day_first(cal):
    t = make_tenant()
    day = date(2026, 11, 23)
    busy = {"anna": [(cal.local_minute(day, 9 * 60), cal.local_minute(day, 17 * 60 + 30))]}
    board = Board.build(cal, ["anna", "ben"], day, day + timedelta(days=2), busy)
    rules = rules_for(cal, to_minute(at(2026, 11, 20, 10)))
    target = cal.local_minute(day, 14 * 60)
    alts = alternatives(board, t.service("cut"), target, "anna", ["anna", "ben"], rules, 3, days_out=2)
    got = [(p[0].staff_id, from_minute(p[0].start, BERLIN).strftime("%d %H:%M")) for p in alts]
    assert got == [("anna", "23 17:30"), ("ben", "23 14:00"), ("ben", "23 13:45")]
    assert (
        diagnose(
            board.cal, t.service("cut"), target, "anna", ["anna", "ben"], rules.now, rules.earliest, rules.last_day
        ).code
        == "taken"
    )
    assert plan_at(board, t.service("cut"), target, ["anna", "ben"])[0].staff_id == "ben"
