"""Which day or span of days a phrase names: relative days, weekday rules, explicit dates, weeks,
weekends, months, ranges ("zwischen Montag und Mittwoch", "vom 1. bis 5. Dezember"), open bounds
("ab Montag", "bis Freitag") and self-corrections ("nicht Montag sondern Dienstag": negated
mentions drop out, otherwise the last mention wins).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from nlu.date_rules import nth_weekday_date, resolve_dm, weekday_date
from nlu.grammar_text import Mention
from nlu.named_days import next_named_day
from nlu.when_reading import (
    RANGE_LEADS,
    DaySpan,
    Unresolvable,
    add_months,
    bound_word,
    days_in,
    drop_negated,
    gap_words,
    lead_word,
    monday_of,
)


def single_day(d: date) -> DaySpan:
    return DaySpan(d, d + timedelta(days=1))


def _period(start: date, end: date, today: date, roll: int = 0) -> DaySpan:
    """A span clipped to start today; if it lies wholly in the past, ``roll`` days later."""
    if end <= today and roll:
        start, end = start + timedelta(days=roll), end + timedelta(days=roll)
    return DaySpan(max(start, today), end)


_WEEK_PARTS = {None: (0, 7), "early": (0, 3), "mid": (1, 4), "late": (3, 6)}


def _resolve_unit(unit: list[Mention], now: datetime, today: date, issues: list[str]) -> DaySpan:
    """Resolve one unit (a mention, or a weekday paired with a date/week) to a day or span."""
    kinds = {m.type: m for m in unit}
    wdm = kinds.get("weekday")
    if wdm is not None and len(unit) == 2:
        other = unit[0] if unit[1] is wdm else unit[1]
        wd = wdm.data["wd"]
        if other.type == "dm":
            return single_day(resolve_dm(other.data, wd, today, issues))
        if other.type == "week":
            monday = monday_of(today) + timedelta(weeks=other.data["offset"])
            d = monday + timedelta(days=wd)
            if d < today:
                issues.append("past_date_repaired")
                d += timedelta(days=7)
            return single_day(d)
        if other.type == "in":
            target = today + timedelta(weeks=other.data["n"])
            return single_day(monday_of(target) + timedelta(days=wd))
        if other.type == "rel":
            rel = _resolve_unit([other], now, today, issues)
            if rel.start.weekday() == wd:
                return rel
            return _resolve_unit([wdm], now, today, issues)
    m = unit[-1]
    data = m.data
    if m.type == "rel":
        return single_day(today + timedelta(days=data["offset"] + 7 * data["weeks"]))
    if m.type == "weekday":
        return single_day(weekday_date(data["wd"], data["mode"], data["weeks"], today, issues))
    if m.type == "dm":
        return single_day(resolve_dm(data, None, today, issues))
    if m.type == "nth_weekday":
        return single_day(nth_weekday_date(data["n"], data["wd"], data["month"], data["year"], data["offset"], today))
    if m.type == "counted":
        raise Unresolvable("not_a_date")
    if m.type == "named":
        named = next_named_day(data["key"], today, data["year"])
        if named is None:
            raise Unresolvable("invalid_date")
        if data["weekend"]:  # Saturday to Monday around the Sunday
            return DaySpan(max(named - timedelta(days=1), today), named + timedelta(days=2))
        return single_day(named)
    if m.type == "in":
        n, unit_ = data["n"], data["unit"]
        if unit_ == "d":
            return single_day(today + timedelta(days=n))
        if unit_ == "w":
            return single_day(today + timedelta(weeks=n))
        return single_day(add_months(today, n))
    if m.type == "weekend":
        offset = data["offset"]
        saturday = monday_of(today) + timedelta(days=5)
        if offset:  # "nächstes Wochenende": the weekend of next calendar week
            saturday += timedelta(weeks=offset)
        return DaySpan(max(saturday, today), saturday + timedelta(days=2))
    if m.type == "week":
        # "nächste Woche" is next Monday..Sunday; Anfang Mon-Wed, Mitte Tue-Thu, Ende Thu-Sat.
        monday = monday_of(today) + timedelta(weeks=data["offset"])
        a, b = _WEEK_PARTS[data["part"]]
        return _period(monday + timedelta(days=a), monday + timedelta(days=b), today, roll=7)
    if m.type == "month":
        return _month(data, today)
    if m.type == "dom_in_month":
        y, mo, d = data["y"], data["m"], data["d"]
        if d > days_in(y, mo):
            raise Unresolvable("invalid_date")  # "the 31st of next month" when it has 30 days
        return single_day(date(y, mo, d))  # a day of this month already past stays past ("in_past")
    if m.type == "between_years":  # "zwischen den Jahren": 27-31 December, this year's until it ends
        return DaySpan(max(date(today.year, 12, 27), today), date(today.year + 1, 1, 1))
    if m.type == "coming_days":  # "in den nächsten Tagen": today and the next n days
        return DaySpan(today, today + timedelta(days=int(m.data["n"]) + 1))
    if m.type == "asap":
        return DaySpan(today, today + timedelta(days=14), from_now="asap")
    if m.type == "now":
        return DaySpan(today, today + timedelta(days=1), from_now="now")
    raise Unresolvable("invalid_date")


def _first_of_month(data: dict[str, Any], today: date) -> date:
    """The first day of the month a "month" mention names (this, next, or a named month: this
    year's unless already past, or the year said)."""
    first_this = today.replace(day=1)
    if data.get("month") is None:
        return add_months(first_this, data["offset"])
    year = data.get("year") or today.year
    first = date(year, data["month"], 1)
    if data.get("year") is None and first < first_this:
        first = date(year + 1, data["month"], 1)
    return first


def _month(data: dict[str, Any], today: date) -> DaySpan:
    """Months: "nächsten Monat", "im Dezember", "Ende des Monats" (from the 25th), "Anfang
    Dezember" (1st-10th), "Mitte Januar" (11th-20th)."""
    first = _first_of_month(data, today)
    last_day = days_in(first.year, first.month)
    part = data.get("part")
    if part == "early":
        a, b = 1, 10
    elif part == "mid":
        a, b = 11, 20
    elif part == "late":
        a, b = min(25, last_day), last_day
    else:
        a, b = 1, last_day
    start, end = first.replace(day=a), first.replace(day=b) + timedelta(days=1)
    if end <= today:
        raise Unresolvable("ambiguous_past_date")
    return DaySpan(max(start, today), end)


_GLUE = frozenset("den dem der the am on also ist is das that naemlich of ,".split())
_DAY_RANGE_CONN = frozenset("bis to till until through und and oder or - bis-zum".split())


def _adjacent(text: str, a: Mention, b: Mention) -> bool:
    first, second = (a, b) if a.start < b.start else (b, a)
    words = gap_words(text, first, second)
    return len(words) <= 3 and all(w in _GLUE for w in words)


def _pair_days(text: str, days: list[Mention]) -> list[list[Mention]]:
    """Group a weekday with the date, week, "in N Wochen" or relative day it qualifies
    ("Dienstag, den 8. Dezember", "nächste Woche Mittwoch", "in zwei Wochen am Dienstag")."""
    used: set[int] = set()
    units: list[list[Mention]] = []
    for i, m in enumerate(days):
        if m.type != "weekday" or i in used:
            continue
        best = None
        for j, o in enumerate(days):
            if j == i or j in used:
                continue
            if o.type == "dm" and _adjacent(text, m, o):
                best = j
                break
            if o.type == "week" and best is None:
                best = j
            if o.type == "in" and o.data["unit"] == "w" and _adjacent(text, m, o) and best is None:
                best = j
            if o.type == "rel" and _adjacent(text, m, o) and best is None:
                best = j
        if best is not None:
            used.update((i, best))
            units.append(sorted([m, days[best]], key=lambda x: x.start))
    for i, m in enumerate(days):
        if i not in used:
            units.append([m])
    units.sort(key=lambda u: u[0].start)
    return units


_MONTH_GLUE = frozenset("of des im in the".split())


def _days_of_months(text: str, days: list[Mention], today: date) -> list[Mention]:
    """A day of the month said with its month reference is that day of that month: "am 5.
    nächsten Monats", "the 5th of next month", "am 25. diesen Monats" (not the whole month, and
    not simply the next 5th). The pair becomes one "dom_in_month" mention (``y``, ``m``, ``d``)."""
    out = list(days)
    for dm in days:
        if dm.type != "dm" or dm.data.get("m") is not None or dm not in out:
            continue
        for month in days:
            if month.type != "month" or month.data.get("part") is not None or month.start < dm.end:
                continue
            if any(word not in _MONTH_GLUE for word in gap_words(text, dm, month)):
                continue
            first = _first_of_month(month.data, today)
            merged = Mention(
                dm.cat, "dom_in_month", dm.start, month.end, {"y": first.year, "m": first.month, "d": dm.data["d"]}
            )
            out = [merged if x is dm else x for x in out if x is not month]
            break
    return out


def resolve_days(text: str, days: list[Mention], now: datetime, today: date, issues: list[str]) -> DaySpan | None:
    if not days:
        return None
    days = _days_of_months(text, drop_negated(text, days), today)
    # a "now" mention, or an ordinal counting a noun ("zum dritten Mal"), only counts when nothing
    # else was said (and the latter then asks back: "not_a_date")
    if len(days) > 1:
        days = [d for d in days if d.type not in ("now", "counted")] or days
    units = _pair_days(text, days)
    # ranges between consecutive units: "zwischen Montag und Mittwoch", "vom 1. bis 5. Dezember"
    for k in range(len(units) - 1):
        a, b = units[k], units[k + 1]
        gap = [w for w in gap_words(text, a[-1], b[0]) if w not in ("dem", "den", "zum", "am", "the", "on")]
        if len(gap) != 1 or gap[0] not in _DAY_RANGE_CONN:
            continue
        lead, _ = lead_word(text, a[0])
        if gap[0] in ("und", "and") and lead not in RANGE_LEADS:
            continue
        # "vom 1. bis 5. Dezember": the first day borrows the second's month
        if len(a) == 1 and a[0].type == "dm" and a[0].data.get("m") is None:
            bdm = next((x for x in b if x.type == "dm" and x.data.get("m")), None)
            if bdm is not None:
                a = [
                    Mention(a[0].cat, "dm", a[0].start, a[0].end, dict(a[0].data, m=bdm.data["m"], y=bdm.data.get("y")))
                ]
        first = _resolve_unit(a, now, today, issues)
        last = _resolve_unit(b, now, today, issues)
        if last.start < first.start:
            first, last = last, first
        return DaySpan(first.start, max(last.end, first.end))
    unit = units[-1]
    result = _resolve_unit(unit, now, today, issues)
    lead = bound_word(text, unit[0])
    if result.single and lead is not None:
        if lead in ("ab", "from", "starting", "seit", "since"):
            return DaySpan(result.start, result.start + timedelta(days=7))
        if lead in ("nach", "after"):
            return DaySpan(result.end, result.end + timedelta(days=_span_days(text, unit[0]) or 7))
        if lead in ("bis", "until", "till", "til", "by", "spaetestens"):
            return DaySpan(today, result.end) if result.start > today else result
        if lead in ("vor", "before"):
            if result.start <= today:
                return result
            before = _span_days(text, unit[0])
            since = today if before is None else max(today, result.start - timedelta(days=before))
            return DaySpan(since, result.start)
    return result


# "die Woche vor Weihnachten" / "the week before Easter": the seven days before it, not today until it;
# "kurz vor Weihnachten" / "just before Christmas": the three days before it (as "kurz nach" the three
# after). The word is the one right before "vor"/"nach"/"before"/"after".
_SPAN_WORDS = {"woche": 7, "week": 7, "tage": 3, "days": 3, "kurz": 3, "just": 3, "right": 3, "shortly": 3}


def _span_days(text: str, m: Mention) -> int | None:
    """How many days a "vor"/"nach" bound of mention `m` spans, by the word before the bound word
    ("Woche vor", "kurz nach"); None when there is none."""
    words = text[: m.start].split()[-4:]
    while words and words[-1] in _GLUE:  # "die Woche vor dem 20.", "the week before the 20th"
        words.pop()
    return _SPAN_WORDS.get(words[-2]) if len(words) >= 2 else None
