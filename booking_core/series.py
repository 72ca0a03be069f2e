"""Series planning: the dates a recurring appointment falls on (CONTRACT section 10). Pure.

A series is "every ``interval`` weeks" or "every ``interval`` months" from a first date. Monthly
means the same day number ("am 15. jeden Monats") unless an ``nth`` weekday was said ("jeden ersten
Montag", ``nth`` 1-4 or -1 for the last): then that weekday of each month. A monthly day that a month
does not have (the 31st in April, the 5th Monday) is a *missing* occurrence, reported as a conflict
and never skipped silently, so "sechs Mal" stays six entries the caller hears about.

The rule type is booking_core's own (the edge converts :class:`nlu.repeat.Repeat` into it), so the
core stays free of the language layer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["MAX_OCCURRENCES", "DEFAULT_COUNT", "SeriesRule", "PlannedDate", "SeriesTooLong", "plan_dates",
           "first_date"]

#: The most occurrences one series may have (CONTRACT section 10).
MAX_OCCURRENCES = 26
#: Occurrences planned when the caller named neither a count nor an end (CONTRACT section 10).
DEFAULT_COUNT = 6


class SeriesTooLong(ValueError):
    """More than :data:`MAX_OCCURRENCES` occurrences were asked for (by count or by end date)."""


@dataclass(frozen=True)
class SeriesRule:
    """How a series repeats. ``weekday`` 0 = Monday; ``nth`` only for monthly (1-4, -1 = last)."""

    freq: Literal["weekly", "monthly"]
    interval: int = 1
    weekday: int | None = None
    nth: int | None = None


@dataclass(frozen=True)
class PlannedDate:
    """One occurrence: ``day`` is None when the month has no such day (``missing`` names it, e.g.
    "2027-02-31" or "2027-02 5th Monday" as ``label``)."""

    index: int
    day: date | None
    label: str

    @property
    def missing(self) -> bool:
        return self.day is None


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if 1 <= nth <= len(days) else None


def first_date(rule: SeriesRule, wished: date) -> date:
    """The first occurrence on or after ``wished`` that fits ``rule`` (its weekday / nth weekday)."""
    if rule.freq == "monthly" and rule.nth is not None and rule.weekday is not None:
        year, month = wished.year, wished.month
        for _ in range(3):
            found = _nth_weekday(year, month, rule.weekday, rule.nth)
            if found is not None and found >= wished:
                return found
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return wished
    if rule.weekday is not None:
        return wished + timedelta(days=(rule.weekday - wished.weekday()) % 7)
    return wished


def _monthly(first: date, rule: SeriesRule, i: int) -> PlannedDate:
    month0 = first.month - 1 + i * rule.interval
    year, month = first.year + month0 // 12, month0 % 12 + 1
    if rule.nth is not None and rule.weekday is not None:
        day = _nth_weekday(year, month, rule.weekday, rule.nth)
        label = day.isoformat() if day else f"{year:04d}-{month:02d} #{rule.nth} weekday {rule.weekday}"
        return PlannedDate(i, day, label)
    if first.day > calendar.monthrange(year, month)[1]:
        return PlannedDate(i, None, f"{year:04d}-{month:02d}-{first.day:02d}")
    day = date(year, month, first.day)
    return PlannedDate(i, day, day.isoformat())


def plan_dates(first: date, rule: SeriesRule, count: int | None = None, until: date | None = None) -> list[PlannedDate]:
    """The occurrences from ``first`` (inclusive): ``count`` of them, or all up to ``until``
    (inclusive), or :data:`DEFAULT_COUNT` when neither is given; with both, whichever ends first.

    Raises :class:`SeriesTooLong` when more than :data:`MAX_OCCURRENCES` would result, and
    ValueError for an interval below 1 or a count below 1.
    """
    if rule.interval < 1:
        raise ValueError("interval must be at least 1")
    if count is not None and count < 1:
        raise ValueError("count must be at least 1")
    if count is not None and count > MAX_OCCURRENCES:
        raise SeriesTooLong(f"{count} occurrences (at most {MAX_OCCURRENCES})")
    wanted = count if count is not None else (None if until is not None else DEFAULT_COUNT)
    out: list[PlannedDate] = []
    i = 0
    while wanted is None or len(out) < wanted:
        if rule.freq == "weekly":
            day = first + timedelta(weeks=i * rule.interval)
            planned = PlannedDate(i, day, day.isoformat())
        else:
            planned = _monthly(first, rule, i)
        horizon = planned.day or date.fromisoformat(planned.label[:7] + "-01")
        if until is not None and horizon > until:
            break
        out.append(planned)
        if len(out) > MAX_OCCURRENCES:
            raise SeriesTooLong(f"more than {MAX_OCCURRENCES} occurrences until {until}")
        i += 1
    return out
