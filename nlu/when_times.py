"""Which time of day a phrase names: a clock time with the 12-hour choice
(:mod:`nlu.conventions`), a part of the day, a range ("zwischen 2 und 4") or an open bound
("ab 16 Uhr", "bis 12"), as minutes on a given day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from nlu import conventions as conv
from nlu.conventions import Hours
from nlu.grammar_text import Mention
from nlu.when_reading import (
    END_LEADS,
    RANGE_LEADS,
    START_LEADS,
    Unresolvable,
    bound_word,
    gap_words,
    is_negated,
    lead_word,
)

TimeKind = Literal["point", "range", "from", "until", "part", "offset"]


@dataclass
class TimeWish:
    """The time of day asked for: a point (``a``), a range (``a``..``b``), an open bound ("from"/
    "until" ``a``), a part of the day (``part``; ``part_today`` for "heute Abend", "tonight"), or
    an offset from now (``minutes``)."""

    kind: TimeKind
    a: Mention | None = None
    b: Mention | None = None
    part: str | None = None
    part_today: bool = False
    minutes: int = 0


_TIME_FILLERS = frozenset("um at so gegen ca etwa around about".split())
_TIME_RANGE_CONN = frozenset("und and bis to till until - oder or".split())


def resolve_times(text: str, times: list[Mention]) -> TimeWish | None:
    """The time wish of a phrase's time mentions (None when there are none): an offset from now wins;
    rejected mentions drop out ("nicht um 10 sondern um 11"; only refused times: None); two clocks joined by "bis"/"und"
    after "zwischen" are a range; a clock after "ab"/"bis" an open bound."""
    if not times:
        return None
    offsets = [t for t in times if t.type == "offset"]
    if offsets:
        return TimeWish("offset", minutes=offsets[-1].data["minutes"])
    times = [t for t in times if not is_negated(text, t)]
    if not times:
        return None  # every time said was refused ("Dienstag, nur nicht um 10"): the day alone
    parts = [t for t in times if t.type == "part"]
    clocks = [t for t in times if t.type == "clock"]
    part = parts[-1].data["part"] if parts else None
    part_today = any(p.data.get("today") for p in parts)
    if not clocks:
        return TimeWish("part", part=part, part_today=part_today)
    for k in range(len(clocks) - 1, 0, -1):
        a, b = clocks[k - 1], clocks[k]
        gap = [w for w in gap_words(text, a, b) if w not in _TIME_FILLERS]
        if len(gap) == 1 and gap[0] in _TIME_RANGE_CONN:
            lead, _ = lead_word(text, a)
            if gap[0] in ("und", "and") and lead not in RANGE_LEADS:
                continue
            return TimeWish("range", a, b, part, part_today)  # "10 bis 12", "10 oder 11": either end suits
    c = clocks[-1]
    lead = bound_word(text, c)
    if lead in START_LEADS:
        return TimeWish("from", c, None, part, part_today)
    if lead in END_LEADS:
        return TimeWish("until", c, None, part, part_today)
    return TimeWish("point", c, None, part, part_today)


def _clock_minutes(c: Mention | None, part: str | None, day: date, hours: Hours | None) -> int:
    """Minutes after midnight for a clock mention on ``day`` (12-hour choice applied)."""
    if c is None:
        raise Unresolvable("invalid_time")
    h, m = int(c.data["h"]), int(c.data["m"])
    if h > 24 or m > 59 or (h == 24 and m):
        raise Unresolvable("invalid_time")
    if h == 24:
        return 24 * 60  # "bis 24 Uhr": the end of the day (next day's 00:00)
    if c.data.get("formal"):
        return h * 60 + m
    if c.data.get("spoken12") and h == 0:
        h = 12  # "halb eins" = 12:30
    mer = c.data.get("mer")
    if mer == "pm":
        return (h % 12 + 12) * 60 + m
    if mer == "am":
        return (h % 12) * 60 + m
    if part is not None:
        return conv.apply_part_of_day(h, part) * 60 + m
    return conv.choose_12h(h, m, day, hours) * 60 + m


def clock_point(t: TimeWish, day: date, hours: Hours | None) -> int | None:
    """Minutes after midnight on ``day`` when ``t`` is a point in time ("um halb drei"), else None."""
    return _clock_minutes(t.a, t.part, day, hours) if t.kind == "point" else None


def time_span(t: TimeWish, day: date, hours: Hours | None) -> tuple[int, int]:
    """(start, end) minutes on ``day`` for a part of day, a range or an open bound ("ab 16 Uhr":
    until closing, or the end of the part of day named with it). A point is a span of nothing."""
    part_span = conv.PARTS_OF_DAY.get(t.part) if t.part is not None else None
    if t.kind == "part":
        if part_span is None:
            raise Unresolvable("invalid_time")
        return part_span
    if t.kind == "point":
        point = _clock_minutes(t.a, t.part, day, hours)
        return point, point
    if t.kind == "range":
        s = _clock_minutes(t.a, t.part, day, hours)
        e = _clock_minutes(t.b, t.part, day, hours)
        if e <= s and e < 12 * 60 and e + 12 * 60 > s:
            e += 12 * 60  # "zwischen 10 und 2" -> 10:00-14:00
        if e <= s:
            s, e = e, s
        return (s, e) if e > s else (s, s + 60)
    open_, close = conv.day_span(hours, day)
    if t.kind == "from":
        s = _clock_minutes(t.a, t.part, day, hours)
        e = part_span[1] if part_span else close
        return (s, e if e > s else max(s + 60, close))
    if t.kind == "until":
        e = _clock_minutes(t.a, t.part, day, hours)
        s = part_span[0] if part_span else open_
        return (s if s < e else max(0, e - 60), e)
    raise Unresolvable("invalid_time")  # "offset" is resolved against now, not a day
