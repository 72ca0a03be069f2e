"""The clock half of the date/time grammar: the handlers that read each match of a clock pattern
(:mod:`nlu.clock_patterns`) into a "time" :class:`~nlu.grammar_text.Mention`.

Mention types and their ``data``: "clock" (``h``, ``m``; ``formal`` for written values like
"14:30", ``spoken12`` for "halb drei"-style phrases, ``mer`` am/pm, ``noon``, ``tz`` an ISO offset),
"part" (``part`` early/morning/midday/afternoon/evening/after_work, ``today``), "offset" (``minutes`` from
now). Patterns run in the order of :data:`TIME_PASSES`, after the day patterns.
"""

from __future__ import annotations

import re
from typing import Any

from nlu.calendar_words import WEEKDAYS
from nlu.clock_patterns import (
    C_AFTER_CONN,
    C_BEFORE_CONN,
    C_BEFORE_PART,
    C_COLON,
    C_DOT,
    C_DOT_UHR,
    C_DREIVIERTEL,
    C_EN_HALF,
    C_EN_PAST,
    C_EN_TO,
    C_HALB,
    C_HALF_REL,
    C_MERIDIEM,
    C_MIN_REL,
    C_OCLOCK,
    C_TRIGGER,
    C_UHR,
    C_VIERTEL,
    C_VIERTEL_REL,
    MIDNIGHT,
    NOON,
    PART,
)
from nlu.grammar_text import Passes, Work
from nlu.normalize import squash_spaces

_PART_NAMES = (
    ("early", ("frueh", "in aller frueh", "fruehmorgens", "early morning", "early in the morning")),
    (
        "midday",
        (
            "ueber mittag",
            "ueber die mittag",
            "mittags",
            "mittagszeit",
            "mittagspause",
            "zur mittagszeit",
            "lunch",
            "lunchtime",
            "lunch time",
            "ueber mittagszeit",
            "ueber die mittagszeit",
        ),
    ),
    ("afternoon", ("nachmittag", "nachmittags", "afternoon", "afternoons", "after lunch", "nach dem mittagessen")),
    (
        "after_work",
        (
            "nach feierabend",
            "nach dem feierabend",
            "nach der arbeit",
            "after work",
            "after office hours",
            "after the office",
        ),
    ),
    ("evening", ("abend", "abends", "evening", "evenings", "tonight", "heute nacht", "nachts", "at night", "night")),
)


def _part_name(word: str) -> str:
    word = squash_spaces(word)
    for name, words in _PART_NAMES:
        if word in words:
            return name
    return "morning"


def _clock(w: Work, m: re.Match[str], h: int, minute: int, **extra: Any) -> bool:
    data: dict[str, Any] = {"h": h, "m": minute, "formal": False}
    data.update(extra)
    w.take("time", "clock", m, data)
    return True


def _h_colon(w: Work, m: re.Match[str]) -> bool:
    hs = m.group("H")
    # Zero-padded or two-digit hours ("07:00", "14:30") are formal values: no bare-hour rule.
    return _clock(w, m, int(hs), int(m.group("M")), formal=len(hs) == 2 and not m.group("mer"), mer=m.group("mer"))


def _h_dot_uhr(w: Work, m: re.Match[str]) -> bool:
    if m.group("H") is not None:
        return _clock(w, m, int(m.group("H")), int(m.group("M")))
    return _clock(w, m, int(m.group("H2")), int(m.group("M2")))


def _h_half_rel(w: Work, m: re.Match[str]) -> bool:
    n = 5 if m.group("N") == "kurz" else int(m.group("N"))
    if n >= 30:
        return False
    base = (int(m.group("H")) - 1) * 60 + 30  # "halb drei" is 2:30
    total = base - n if m.group("dir") == "vor" else base + n
    return _clock(w, m, total // 60 % 24, total % 60, spoken12=True)


def _h_halb(w: Work, m: re.Match[str]) -> bool:
    # German "halb drei" = half *to* three = 2:30 (unlike English "half three" = 3:30).
    return _clock(w, m, (int(m.group("H")) - 1) % 24, 30, spoken12=True)


def _h_dreiviertel(w: Work, m: re.Match[str]) -> bool:
    return _clock(w, m, (int(m.group("H")) - 1) % 24, 45, spoken12=True)  # "dreiviertel drei" = 2:45


def _h_viertel_rel(w: Work, m: re.Match[str]) -> bool:
    h = int(m.group("H"))
    if m.group("dir") == "vor":
        return _clock(w, m, (h - 1) % 24, 45, spoken12=True)
    return _clock(w, m, h, 15, spoken12=True)


def _h_viertel(w: Work, m: re.Match[str]) -> bool:
    return _clock(w, m, (int(m.group("H")) - 1) % 24, 15, spoken12=True)  # regional "viertel drei" = 2:15


def _h_min_rel(w: Work, m: re.Match[str]) -> bool:
    n = 5 if m.group("N") == "kurz" else int(m.group("N"))
    h = int(m.group("H"))
    if not 1 <= n <= 30 or h > 24:
        return False
    total = h * 60 - n if m.group("dir") == "vor" else h * 60 + n
    return _clock(w, m, total // 60 % 24, total % 60, spoken12=True)


def _en_minutes(token: str) -> int:
    token = token.replace("a ", "")
    return 30 if token == "half" else 15 if token == "quarter" else int(token)


def _h_en_past(w: Work, m: re.Match[str]) -> bool:
    n = _en_minutes(m.group("N"))
    if not 1 <= n <= 30:
        return False
    return _clock(w, m, int(m.group("H")), n, spoken12=True)


_RANGE_LEADS = ("from", "between", "von", "zwischen")


def _h_en_to(w: Work, m: re.Match[str]) -> bool:
    n = _en_minutes(m.group("N"))
    before = w.orig[: m.start()].split()
    if n not in (5, 10, 15, 20, 25) or (before and before[-1] in _RANGE_LEADS):
        return False  # "from 10 to 12" is a range, not 11:50
    total = int(m.group("H")) * 60 - n
    return _clock(w, m, total // 60 % 24, total % 60, spoken12=True)


def _h_en_half(w: Work, m: re.Match[str]) -> bool:
    return _clock(w, m, int(m.group("H")), 30, spoken12=True)  # British "half two" = 2:30


def _h_uhr(w: Work, m: re.Match[str]) -> bool:
    minute = int(m.group("M")) if m.group("M") else 0
    return _clock(w, m, int(m.group("H")), minute)


def _h_meridiem(w: Work, m: re.Match[str]) -> bool:
    if m.group("mer") == "am":
        # German "um 9 am Montag": "am" is a preposition when a day follows.
        rest = w.orig[m.end() :].split()
        if rest and (
            rest[0] in WEEKDAYS
            or rest[0] in ("dem", "den", "wochenende", "morgen", "vormittag", "nachmittag", "abend")
            or rest[0][:1].isdigit()
        ):
            return False
    minute = int(m.group("M")) if m.group("M") else 0
    return _clock(w, m, int(m.group("H")), minute, mer=m.group("mer"))


def _h_oclock(w: Work, m: re.Match[str]) -> bool:
    return _clock(w, m, int(m.group("H")), 0)


def _h_before_part(w: Work, m: re.Match[str]) -> bool:
    h, minute = int(m.group("H")), int(m.group("M") or 0)
    if not 1 <= h <= 12 or minute > 59:
        return False
    return _clock(w, m, h, minute)


def _h_part(w: Work, m: re.Match[str]) -> bool:
    p = m.group("p")
    name = _part_name(p)
    today = p in ("tonight", "heute nacht") or bool(m.group("this"))  # "this afternoon" = today
    w.take("time", "part", m, {"part": name, "today": today})
    return True


def _h_noon(w: Work, m: re.Match[str]) -> bool:
    # "Mittag" as a point ("morgen Mittag", "gegen Mittag", "around noon") is 12:00; "mittags" /
    # "über Mittag" / "lunchtime" are the 11-14 window (PART).
    w.take("time", "clock", m, {"h": 12, "m": 0, "formal": True, "noon": True})
    return True


def _h_midnight(w: Work, m: re.Match[str]) -> bool:
    w.take("time", "clock", m, {"h": 0, "m": 0, "formal": True, "noon": True})
    return True


def h_offset(w: Work, m: re.Match[str]) -> bool:
    n_raw = m.group("n")
    n = 1.0 if n_raw in (None, "a", "an") else float(n_raw)
    u = m.group("u")
    if u == "viertelstunde":
        minutes = 15 * n
    elif u.startswith(("stunde", "std", "hour")):
        minutes = 60 * n
    else:
        minutes = n
    if m.group("half"):
        minutes *= 0.5
    if m.group("andhalf"):
        minutes += 30 if u.startswith("hour") else 0
    w.take("time", "offset", m, {"minutes": int(minutes)})
    return True


def _h_trigger(w: Work, m: re.Match[str]) -> bool:
    minute = int(m.group("M")) if m.group("M") else 0
    data = {"h": int(m.group("H")), "m": minute, "formal": False}
    w.take("time", "clock", m, data, start=m.start("H"))
    return True


_DOT_GLUE = frozenset("um at gegen around ca circa etwa ungefaehr about so".split())


def _h_dot_clock(w: Work, m: re.Match[str]) -> bool:
    """A clock time written with a dot ("10.30", "9.15") beside a day: after a weekday, "heute",
    "morgen", a named day or a full date, with at most a time word between ("Montag 10.30",
    "24.11.2026 um 9.15"). Alone, "3.12" stays a date (the day grammar reads it first); "10.30"
    alone is a time (C_WHOLE). Minutes 01-12 could be a month, so those need the day right before;
    "10.30" or "9.00" cannot be a date and only need a day somewhere in the phrase."""
    h, minute = int(m.group("H")), int(m.group("M"))
    if h > 23 or minute > 59 or not w.days:
        return False
    right_after_day = any(
        d.end <= m.start() and all(x in _DOT_GLUE for x in w.orig[d.end : m.start()].split()) for d in w.days
    )
    if 1 <= minute <= 12 and not right_after_day:
        return False
    return _clock(w, m, h, minute, formal=len(m.group("H")) == 2)


def h_whole(w: Work, m: re.Match[str]) -> bool:
    minute = int(m.group("M")) if m.group("M") else 0
    w.take("time", "clock", m, {"h": int(m.group("H")), "m": minute, "formal": False}, start=m.start("H"))
    return True


TIME_PASSES: Passes = (
    (C_COLON, _h_colon),
    (C_DOT_UHR, _h_dot_uhr),
    (C_HALF_REL, _h_half_rel),
    (C_DREIVIERTEL, _h_dreiviertel),
    (C_HALB, _h_halb),
    (C_VIERTEL_REL, _h_viertel_rel),
    (C_VIERTEL, _h_viertel),
    (C_EN_PAST, _h_en_past),
    (C_EN_TO, _h_en_to),
    (C_EN_HALF, _h_en_half),
    (C_MIN_REL, _h_min_rel),
    (C_UHR, _h_uhr),
    (C_MERIDIEM, _h_meridiem),
    (C_OCLOCK, _h_oclock),
    (C_BEFORE_PART, _h_before_part),
    (PART, _h_part),
    (MIDNIGHT, _h_midnight),
    (NOON, _h_noon),
    (C_TRIGGER, _h_trigger),
    (C_DOT, _h_dot_clock),
)


def connect_bare_numbers(w: Work) -> None:
    """Bare numbers joined to a clock by "und/bis/to/-" are clocks too: "zwischen 2 und 4",
    "10 bis 12 Uhr", "14-16 Uhr"."""
    changed = True
    while changed:
        changed = False
        for clock in sorted(w.times, key=lambda t: t.start):
            if clock.type != "clock":
                continue
            after = C_AFTER_CONN.match(w.buf, clock.end)
            if after is not None:
                minute = int(after.group("M")) if after.group("M") else 0
                w.take(
                    "time",
                    "clock",
                    after,
                    {"h": int(after.group("H")), "m": minute, "formal": False},
                    start=after.start("H"),
                )
                changed = True
                break
            before = C_BEFORE_CONN.search(w.buf, 0, clock.start)
            if before is not None:
                minute = int(before.group("M")) if before.group("M") else 0
                w.take(
                    "time",
                    "clock",
                    before,
                    {"h": int(before.group("H")), "m": minute, "formal": False},
                    end=before.end("M") if before.group("M") else before.end("H"),
                )
                changed = True
                break
