"""The pure series planner: weekly and monthly dates, missing days, limits (CONTRACT section 10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking_core.series import DEFAULT_COUNT, MAX_OCCURRENCES, SeriesRule, SeriesTooLong, first_date, plan_dates


def days(planned: list) -> list[date | None]:
    return [p.day for p in planned]


def test_weekly_six_tuesdays() -> None:
    got = plan_dates(date(2026, 12, 1), SeriesRule("weekly", 1, weekday=1), count=6)
    assert days(got) == [date(2026, 12, 1) + timedelta(weeks=i) for i in range(6)]


def test_every_other_week_until_an_end_date_inclusive() -> None:
    got = plan_dates(date(2026, 12, 4), SeriesRule("weekly", 2), until=date(2027, 1, 15))
    assert days(got) == [date(2026, 12, 4), date(2026, 12, 18), date(2027, 1, 1), date(2027, 1, 15)]


def test_default_count_when_nothing_said() -> None:
    assert len(plan_dates(date(2026, 12, 1), SeriesRule("weekly"))) == DEFAULT_COUNT


def test_monthly_same_day_number_and_the_31st_is_missing_not_skipped() -> None:
    got = plan_dates(date(2027, 1, 31), SeriesRule("monthly"), count=4)
    assert days(got) == [date(2027, 1, 31), None, date(2027, 3, 31), None]
    assert got[1].label == "2027-02-31" and got[1].missing


def test_monthly_first_monday_and_last_friday() -> None:
    first_monday = SeriesRule("monthly", 1, weekday=0, nth=1)
    start = first_date(first_monday, date(2026, 11, 18))
    assert start == date(2026, 12, 7)
    assert days(plan_dates(start, first_monday, count=3)) == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]
    last_friday = SeriesRule("monthly", 1, weekday=4, nth=-1)
    assert days(plan_dates(first_date(last_friday, date(2026, 11, 1)), last_friday, count=2)) == [
        date(2026, 11, 27),
        date(2026, 12, 25),
    ]


def test_a_fifth_weekday_missing_in_a_month() -> None:
    rule = SeriesRule("monthly", 1, weekday=1, nth=5)  # the fifth Tuesday
    got = plan_dates(date(2026, 12, 29), rule, count=2)
    assert got[0].day == date(2026, 12, 29) and got[1].missing


def test_first_date_moves_to_the_named_weekday() -> None:
    assert first_date(SeriesRule("weekly", 1, weekday=1), date(2026, 11, 18)) == date(2026, 11, 24)
    assert first_date(SeriesRule("weekly", 1, weekday=2), date(2026, 11, 18)) == date(2026, 11, 18)


def test_limits() -> None:
    with pytest.raises(SeriesTooLong):
        plan_dates(date(2026, 12, 1), SeriesRule("weekly"), count=MAX_OCCURRENCES + 1)
    with pytest.raises(SeriesTooLong):
        plan_dates(date(2026, 12, 1), SeriesRule("weekly"), until=date(2028, 1, 1))
    with pytest.raises(ValueError):
        plan_dates(date(2026, 12, 1), SeriesRule("weekly", 0), count=2)
    assert len(plan_dates(date(2026, 12, 1), SeriesRule("weekly"), count=MAX_OCCURRENCES)) == MAX_OCCURRENCES


@given(
    st.dates(date(2026, 1, 1), date(2030, 12, 31)),
    st.sampled_from(["weekly", "monthly"]),
    st.integers(1, 4),
    st.integers(1, MAX_OCCURRENCES),
)
def test_occurrences_are_increasing_and_counted(first: date, freq: str, interval: int, count: int) -> None:
    got = plan_dates(first, SeriesRule(freq, interval), count=count)  # type: ignore[arg-type]
    assert len(got) == count and [p.index for p in got] == list(range(count))
    present = [p.day for p in got if p.day is not None]
    assert present == sorted(set(present)) and present[0] == first
