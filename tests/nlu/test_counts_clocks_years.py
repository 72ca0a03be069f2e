"""Issue 14 items 5-7 in the words layer: day counts that mean weeks, clock times written with a
dot, and dates in a stale year. Every weekday as "today", both languages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nlu import parse_when

BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
WEEK = [datetime(2026, 11, 16, 10, 0, tzinfo=BERLIN) + timedelta(days=k) for k in range(7)]  # Monday..Sunday


def _next(wd: int, today: date) -> date:
    """The coming weekday ``wd`` (a week on when today is that weekday: CONTRACT section 6)."""
    return today + timedelta(days=(wd - today.weekday()) % 7 or 7)


# --- 5. relative day counts ----------------------------------------------------------------------


@pytest.mark.parametrize("now", WEEK, ids=lambda n: n.strftime("%a"))
def test_eight_days_is_one_week_and_fourteen_two(now: datetime) -> None:
    today = now.date()
    for text, weeks in (
        ("in acht Tagen", 1),
        ("heute in acht Tagen", 1),
        ("in 8 Tagen", 1),
        ("heute in 8 Tagen", 1),
        ("in vierzehn Tagen", 2),
        ("heute in vierzehn Tagen", 2),
        ("in 14 Tagen", 2),
        ("in einer Woche", 1),
        ("in drei Wochen", 3),
    ):
        assert parse_when(text, now).day == today + timedelta(weeks=weeks), text
    assert parse_when("morgen in acht Tagen", now).day == today + timedelta(days=8)
    assert parse_when("übermorgen in einer Woche", now).day == today + timedelta(days=9)
    assert parse_when("in neun Tagen", now).day == today + timedelta(days=9)  # only the idiom is a week


@pytest.mark.parametrize("now", WEEK, ids=lambda n: n.strftime("%a"))
def test_a_weekday_counted_on_in_days_or_weeks(now: datetime) -> None:
    today = now.date()
    monday = today + timedelta(days=(0 - today.weekday()) % 7)  # "<Tag> in N Wochen" counts from the coming one
    assert parse_when("Montag in acht Tagen", now).day == monday + timedelta(weeks=1)
    assert parse_when("Montag in vierzehn Tagen", now).day == monday + timedelta(weeks=2)
    assert parse_when("Montag in 14 Tagen um 10", now).start == datetime.combine(
        monday + timedelta(weeks=2), datetime.min.time(), BERLIN
    ).replace(hour=10)
    assert parse_when("nächsten Dienstag in acht Tagen", now).day == _next(1, today) + timedelta(weeks=1)


@pytest.mark.parametrize("now", [n.astimezone(LONDON) for n in WEEK], ids=lambda n: n.strftime("%a"))
def test_english_weeks_and_fortnights(now: datetime) -> None:
    today = now.date()
    monday = today + timedelta(days=(0 - today.weekday()) % 7)
    assert parse_when("a fortnight from Monday", now, "en").day == monday + timedelta(weeks=2)
    assert parse_when("a fortnight from Monday", now, "en").kind == "date"
    assert parse_when("Monday fortnight", now, "en").day == monday + timedelta(weeks=2)
    assert parse_when("a week on Monday", now, "en").day == monday + timedelta(weeks=1)
    assert parse_when("a week today", now, "en").day == today + timedelta(weeks=1)
    assert parse_when("a fortnight today", now, "en").day == today + timedelta(weeks=2)
    assert parse_when("a week tomorrow", now, "en").day == today + timedelta(days=8)
    assert parse_when("tomorrow week", now, "en").day == today + timedelta(days=8)
    assert parse_when("in a fortnight", now, "en").day == today + timedelta(weeks=2)
    assert parse_when("two weeks from tomorrow", now, "en").day == today + timedelta(days=15)
    assert parse_when("in eight days", now, "en").day == today + timedelta(days=8)  # English counts literally


# --- 6. clock times with a dot -------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)  # Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montag 10.30", "2026-11-23 10:30"),
        ("Montag, 10.30", "2026-11-23 10:30"),
        ("morgen 9.15", "2026-11-21 09:15"),
        ("morgen 14.00 Uhr", "2026-11-21 14:00"),
        ("heute 16.45", "2026-11-20 16:45"),
        ("Freitag 9.00", "2026-11-27 09:00"),
        ("am 3.12. um 10.30", "2026-12-03 10:30"),
        ("am 3.12. 10.30", "2026-12-03 10:30"),
        ("Dienstag, 24.11.2026, 10.30", "2026-11-24 10:30"),
        ("24.11.2026 9.15", "2026-11-24 09:15"),
        ("2026-11-24 9.15", "2026-11-24 09:15"),
        ("Montag 10.11", "2026-11-23 10:11"),
        ("morgen um 10.05", "2026-11-21 10:05"),
        ("Heiligabend 10.30", "2026-12-24 10:30"),
        ("Montag zwischen 10.30 und 12.00", None),
    ],
)
def test_a_dotted_time_beside_a_day_is_a_time(text: str, expected: str | None) -> None:
    w = parse_when(text, NOW)
    if expected is None:
        assert (w.kind, w.start, w.end) == (
            "window",
            datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN),
            datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN),
        )
        return
    assert w.kind == "datetime", (text, w)
    assert w.start == datetime.fromisoformat(expected).replace(tzinfo=BERLIN), text


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("3.12.", date(2026, 12, 3)),
        ("3.12", date(2026, 12, 3)),
        ("am 3.12", date(2026, 12, 3)),
        ("Donnerstag 3.12.", date(2026, 12, 3)),
        ("Dienstag, den 1.12", date(2026, 12, 1)),
        ("vom 3.12 bis 10.12", None),
    ],
)
def test_a_dotted_date_stays_a_date(text: str, day: date | None) -> None:
    w = parse_when(text, NOW)
    if day is None:
        assert (w.kind, w.start.date(), w.end.date()) == ("window", date(2026, 12, 3), date(2026, 12, 11))  # type: ignore[union-attr]
        return
    assert (w.kind, w.day) == ("date", day), text


def test_english_dotted_times() -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
    assert parse_when("Monday 10.30", now, "en").start == datetime(2026, 11, 23, 10, 30, tzinfo=LONDON)
    assert parse_when("tomorrow 9.45", now, "en").start == datetime(2026, 11, 21, 9, 45, tzinfo=LONDON)
    assert parse_when("24/11/2026 10.30", now, "en").start == datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)


# --- 7. stale years ------------------------------------------------------------------------------

WED = datetime(2026, 11, 18, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize("text", ["26.11.2024", "2024-11-26", "2024-11-26T10:00:00", "26.11.2024 10:00", "26.11.24"])
def test_a_stale_year_with_two_readings_offers_both(text: str) -> None:
    w = parse_when(text, WED)
    assert w.kind == "none" and "ambiguous_past_date" in w.issues
    assert w.alternatives == (date(2026, 11, 24), date(2026, 11, 26))  # Tuesday (as in 2024), the 26th


def test_heute_and_morgen_sent_as_stale_dates() -> None:
    # the LLM thinks today is Monday 18.11.2024: "heute" -> 18.11.2024, "morgen" -> 19.11.2024
    assert parse_when("18.11.2024", WED).alternatives == (date(2026, 11, 18), date(2026, 11, 23))
    assert parse_when("19.11.2024", WED).alternatives == (date(2026, 11, 19), date(2026, 11, 24))


@pytest.mark.parametrize("now", WEEK, ids=lambda n: n.strftime("%a"))
def test_silent_repair_only_when_both_readings_agree(now: datetime) -> None:
    today = now.date()
    for years_back in range(1, 8):
        for offset in range(0, 60, 7):
            target = today + timedelta(days=offset + 3)
            try:
                stale = target.replace(year=target.year - years_back)
            except ValueError:  # 29 February
                continue
            if stale.year >= today.year:  # a past date of this year is no stale calendar
                continue
            w = parse_when(stale.strftime("%d.%m.%Y"), now)
            day_month = target if target >= today else target.replace(year=target.year + 1)
            if stale.weekday() == day_month.weekday():
                assert (w.kind, w.day) == ("date", day_month), stale
                assert "past_date_repaired" in w.issues
            else:
                assert w.kind == "none" and "ambiguous_past_date" in w.issues, stale
                assert day_month in w.alternatives and len(w.alternatives) == 2
                other = next(d for d in w.alternatives if d != day_month)
                assert other.weekday() == stale.weekday() and today <= other < today + timedelta(days=8)


def test_a_weekday_said_with_the_stale_date_decides() -> None:
    assert parse_when("Dienstag, 26.11.2024", WED).day == date(2026, 11, 24)
    assert parse_when("Dienstag, 26.11.2024", WED).issues == ("past_date_repaired",)
    w = parse_when("Montag, 26.11.2024", WED)  # that date was no Monday: which one?
    assert w.kind == "none" and w.alternatives == (date(2026, 11, 23), date(2026, 11, 26))
    en = parse_when("Tuesday 26 November 2024", WED.astimezone(LONDON), "en")
    assert en.day == date(2026, 11, 24)
    assert parse_when("2024-11-26 at 10am", WED.astimezone(LONDON), "en").alternatives == (
        date(2026, 11, 24),
        date(2026, 11, 26),
    )


def test_a_past_date_of_this_year_is_still_moved_to_next_year() -> None:
    w = parse_when("26.10.2026", WED)
    assert (w.kind, w.day) == ("date", date(2027, 10, 26)) and "past_date_repaired" in w.issues
