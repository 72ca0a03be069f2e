"""The salon's conventions for reading spoken times (CONTRACT section 6), in one place.

Every rule that turns an under-specified phrase into a concrete time lives here so it can be read,
tested and changed once:

* bare hour 1-7 means 13-19 (nobody books a haircut at 3 am), unless opening hours decide;
* parts of the day as windows (früh 08-11, Vormittag 08-12, Mittag 11-14, Nachmittag 12-18,
  Abend 18-22, nach Feierabend / after work 17-22);
* default opening 08:00-20:00 and Monday-Saturday when the caller gives no hours: used for
  open-ended windows ("ab 16 Uhr" -> until 20:00) and for multi-day windows with a part of day
  ("nächste Woche vormittags" -> Monday 08:00 .. Saturday 12:00).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

Hours = Mapping[int, Sequence[tuple[time, time]]]

#: Part of day -> (start, end) as minutes after midnight. CONTRACT section 6.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "early": (8 * 60, 11 * 60),  # früh, early morning
    "morning": (8 * 60, 12 * 60),  # Vormittag, morgens, morning
    "midday": (11 * 60, 14 * 60),  # mittags, über Mittag, lunchtime
    "afternoon": (12 * 60, 18 * 60),  # Nachmittag, afternoon
    "evening": (18 * 60, 22 * 60),  # Abend, evening, tonight
    "after_work": (17 * 60, 22 * 60),  # nach Feierabend, after work: the usual end of work, 17:00, on
}

#: Without opening hours: the day's bookable span, used for "ab 16 Uhr" (until 20:00) and "bis 12".
DEFAULT_OPEN = 8 * 60
DEFAULT_CLOSE = 20 * 60
#: Without opening hours: Monday..Saturday are working days (a salon is closed on Sunday).
DEFAULT_WORKDAYS = frozenset(range(6))


def bare_hour_rule(hour: int) -> int:
    """A spoken hour 1-7 without am/pm or part of day means the afternoon (13-19): salons and
    practices are not open at 3 am. 8-12 are taken as said; 0 and 13-23 are unambiguous."""
    return hour + 12 if 1 <= hour <= 7 else hour


def apply_part_of_day(hour: int, part: str) -> int:
    """Pick the 24-hour reading of a 12-hour ``hour`` that fits the part of day named with it
    ("um zwei Uhr nachmittags" -> 14, "morgen früh um acht" -> 8, "abends um sieben" -> 19)."""
    if hour > 12:
        return hour
    if part in ("afternoon", "evening", "after_work"):
        return hour + 12 if hour < 12 else hour
    if part == "midday":
        return hour + 12 if 1 <= hour <= 6 else hour
    return hour  # early / morning: as said


def _open_minutes(hours: Hours | None, day: date) -> list[tuple[int, int]] | None:
    if hours is None:
        return None
    intervals = hours.get(day.weekday()) or ()
    out = []
    for start, end in intervals:
        try:
            out.append((start.hour * 60 + start.minute, end.hour * 60 + end.minute or 24 * 60))
        except AttributeError:
            continue
    return out


def choose_12h(hour: int, minute: int, day: date, hours: Hours | None) -> int:
    """The 24-hour reading of a spoken 12-hour clock time.

    With opening hours for ``day``: if exactly one of ``hour`` and ``hour+12`` falls inside them,
    that one ("um 8" -> 20:00 for a salon open 12-21, 08:00 for one open 08-18). Otherwise (both,
    neither, or no hours given) the bare-hour rule applies.
    """
    if not 1 <= hour <= 12:
        return hour
    intervals = _open_minutes(hours, day)
    if intervals:
        candidates = {hour % 12 if hour == 12 else hour, hour if hour == 12 else hour + 12}
        inside = [h for h in candidates if any(s <= h * 60 + minute < e for s, e in intervals)]
        if len(inside) == 1:
            return inside[0]
    return bare_hour_rule(hour)


def day_span(hours: Hours | None, day: date) -> tuple[int, int]:
    """Opening and closing minute of ``day`` (first opening, last closing); defaults 08:00-20:00
    when no hours are given or the day is closed."""
    intervals = _open_minutes(hours, day)
    if intervals:
        return min(s for s, _ in intervals), max(e for _, e in intervals)
    return DEFAULT_OPEN, DEFAULT_CLOSE


def is_workday(hours: Hours | None, day: date) -> bool:
    """Is the business open on ``day``? Without hours: Monday to Saturday."""
    intervals = _open_minutes(hours, day)
    if intervals is None:
        return day.weekday() in DEFAULT_WORKDAYS
    return bool(intervals)


def at(day: date, minute_of_day: int, tz: tzinfo) -> datetime:
    """Local wall-clock time on ``day`` in ``tz``; minute 1440 is the next day's midnight.

    Built per day in the zone (never by adding hours to another day's datetime), so a DST change
    between today and ``day`` cannot shift the clock. A wall time that does not exist (the hour
    skipped in spring) is normalised through UTC to the first valid instant after it.
    """
    extra, minute_of_day = divmod(minute_of_day, 24 * 60)
    if extra:
        day = day + timedelta(days=extra)
    naive = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60))
    local = naive.replace(tzinfo=tz)
    roundtrip = local.astimezone(ZoneInfo("UTC")).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:
        return roundtrip  # non-existent local time (spring forward)
    return local
