"""Which date a weekday or an explicit date means, relative to today (CONTRACT sections 2 and 6).

* A weekday: named on that same weekday it means next week's; "diesen/this" allows today;
  "nächsten/next" is the next one after today; "übernächsten" one week later; "in N Wochen"
  counts on from the coming one.
* An explicit date, year and month optional; a date in the past (an LLM resolving the caller's
  words in a stale calendar) is repaired to the next matching date when that is unambiguous.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from nlu.when_reading import Unresolvable, add_months, days_in


def weekday_date(wd: int, mode: str, weeks: int, today: date, issues: list[str]) -> date:
    """Weekday rules (CONTRACT section 6): a weekday named on that same weekday means next week's
    ("ambiguous_weekday_today"); "diesen/this" allows today; "nächsten/kommenden/next" is the next
    one after today; "übernächsten"/"after next" one week later; "<Tag> in N Wochen" / "a week
    from <day>" counts N weeks from the coming one (today included)."""
    delta = (wd - today.weekday()) % 7
    if weeks:  # "Montag in acht Tagen" (today counts); "nächsten Montag in acht Tagen" (it does not)
        if delta == 0 and mode in ("next", "afternext"):
            delta = 7
        return today + timedelta(days=delta + 7 * (weeks + (mode == "afternext")))
    if mode == "this":
        if delta == 0:
            issues.append("ambiguous_weekday_today")
        return today + timedelta(days=delta)
    if delta == 0:
        if mode == "bare":
            issues.append("ambiguous_weekday_today")
        delta = 7
    if mode == "afternext":
        delta += 7
    return today + timedelta(days=delta)


def nearest_weekday(d: date, wd: int, today: date) -> date:
    options = [d + timedelta(days=(wd - d.weekday()) % 7 + k) for k in (-7, 0)]
    options = [o for o in options if o >= today] or [d + timedelta(days=(wd - d.weekday()) % 7)]
    return min(options, key=lambda o: abs((o - d).days))


def next_day_month(month: int, day: int, today: date) -> date:
    for year in range(today.year, today.year + 9):
        if day <= days_in(year, month):
            cand = date(year, month, day)
            if cand >= today:
                return cand
    raise Unresolvable("invalid_date")


def resolve_dm(data: dict[str, Any], wd: int | None, today: date, issues: list[str]) -> date:
    """An explicit date (year, month optional), with past-date repair (CONTRACT section 2)."""
    y, mo, d = data.get("y"), data.get("m"), data["d"]
    if mo is None:  # day of month alone: this month if still ahead, else the next month having it
        if not 1 <= d <= 31:
            raise Unresolvable("invalid_date")
        first = None
        cursor = today.replace(day=1)
        for _ in range(24):
            if d <= days_in(cursor.year, cursor.month):
                cand = cursor.replace(day=d)
                if cand >= today:
                    if first is None:
                        first = cand
                    if wd is None or cand.weekday() == wd:
                        break
            cursor = add_months(cursor, 1)
        else:
            cand = None
        assert first is not None
        if wd is not None and first.weekday() != wd:
            alts = tuple(x for x in (cand, first, nearest_weekday(first, wd, today)) if x is not None)
            raise Unresolvable("weekday_date_conflict", alts)
        return first
    if not 1 <= mo <= 12 or not 1 <= d <= 31 or d > (29 if mo == 2 else days_in(2001, mo)):
        raise Unresolvable("invalid_date")
    if y is not None:
        if not 1900 <= y <= 2200 or d > days_in(y, mo):
            raise Unresolvable("invalid_date")
        cand = date(y, mo, d)
        if cand < today:
            if y < today.year:
                return repair_stale_year(cand, wd, today, issues)
            issues.append("past_date_repaired")  # earlier this year: the next such day and month
            return next_day_month(mo, d, today)
    else:
        cand = next_day_month(mo, d, today)
        if (cand - today).days > 300 and cand.year > today.year:
            issues.append("date_just_passed")
    if wd is not None and cand.weekday() != wd:
        raise Unresolvable("weekday_date_conflict", (nearest_weekday(cand, wd, today), cand))
    return cand


def repair_stale_year(stale: date, said_weekday: int | None, today: date, issues: list[str]) -> date:
    """A date in a past year, as LLMs write when they resolve the caller's words in a stale
    calendar (CONTRACT sections 2 and 14). The caller said a weekday ("Dienstag" -> 26.11.2024, a
    Tuesday in 2024) or a day and month ("26. November"); the two readings are the next such
    weekday and the next such day-month.

    * A weekday said with the date that matches the date's weekday in its own year: the weekday
      reading ("Donnerstag, 26.10.2023" -> the coming Thursday).
    * No weekday said: silent repair to the next such day-month only when it falls on the same
      weekday as the stale date (both readings agree: 26.11.2020 and 26.11.2026 are Thursdays).
    * Otherwise both readings are offered: :class:`Unresolvable` "ambiguous_past_date" with the
      two candidate days in date order (26.11.2024 said on Wed 18.11.2026 -> Tuesday 24 November or
      Thursday 26 November). The same holds for "heute"/"morgen" sent as a stale date.
    """
    by_day_month = next_day_month(stale.month, stale.day, today)
    weekday = stale.weekday() if said_weekday is None else said_weekday
    by_weekday = weekday_date(weekday, "bare", 0, today, [])
    if said_weekday is not None and said_weekday == stale.weekday():
        issues.append("past_date_repaired")
        return by_weekday
    if said_weekday is None and by_day_month.weekday() == stale.weekday():
        issues.append("past_date_repaired")
        return by_day_month
    raise Unresolvable("ambiguous_past_date", tuple(sorted({by_weekday, by_day_month})))


def nth_weekday_date(n: int, wd: int, month: int | None, year: int | None, offset: int, today: date) -> date:
    """The ``n``-th (1-5; -1 the last) weekday ``wd`` of a month, next from today (today counts):
    of ``month`` (this year's if not past, else next year's; ``year`` when said), of next month
    (``offset`` 1), or with no month said of this month if still ahead, else of the next month
    having it. :class:`Unresolvable` "invalid_date" when the month has no such day ("5. Montag")."""
    if month is not None:
        years = [year] if year is not None else [today.year, today.year + 1]
        candidates = [(y, month) for y in years]
    else:
        first = add_months(today.replace(day=1), offset)
        candidates = [(c.year, c.month) for c in (add_months(first, k) for k in range(1 if offset else 12))]
    for y, mo in candidates:
        day = _nth_weekday(y, mo, wd, n)
        if day is not None and (day >= today or year is not None):
            return day
    raise Unresolvable("invalid_date")


def _nth_weekday(year: int, month: int, wd: int, n: int) -> date | None:
    if n == -1:
        last = date(year, month, days_in(year, month))
        return last - timedelta(days=(last.weekday() - wd) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    return day if day.month == month else None
