"""The clock half of the date/time grammar: patterns for times of day and parts of the day, and
the handlers that read each match into a "time" :class:`~nlu.grammar_text.Mention`.

Mention types and their ``data``: "clock" (``h``, ``m``; ``formal`` for written values like
"14:30", ``spoken12`` for "halb drei"-style phrases, ``mer`` am/pm, ``noon``, ``tz`` an ISO offset),
"part" (``part`` early/morning/midday/afternoon/evening, ``today``), "offset" (``minutes`` from
now). Patterns run in the order of :data:`TIME_PASSES`, after the day patterns.
"""

from __future__ import annotations

import re
from typing import Any

from nlu.calendar_words import WEEKDAYS
from nlu.grammar_text import Passes, Work, compile_pattern
from nlu.normalize import squash_spaces

_MER = r"(?P<mer>[ap]m)\b"
C_COLON = compile_pattern(r"\b(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?(?:\s*uhr\b|\s*h\b)?(?:\s*" + _MER + ")?")
# "Montag 10.30", "morgen 9.15", "24.11.2026 14.00": a dotted time next to a day (see _h_dot_clock).
C_DOT = compile_pattern(r"\b(?P<H>\d{1,2})\.(?P<M>\d{2})\b(?![.:]?\d)")
C_DOT_UHR = compile_pattern(r"\b(?P<H>\d{1,2})\.(?P<M>\d{2})\s*uhr\b|\b(?P<H2>\d{1,2})h(?P<M2>\d{2})\b")
C_HALF_REL = compile_pattern(r"\b(?P<N>\d{1,2}|kurz)\s+(?P<dir>vor|nach)\s+halb\s+(?P<H>\d{1,2})\b")
C_HALB = compile_pattern(r"\bhalb\s+(?P<H>\d{1,2})\b(?!\s*(?:stunde|std))")
C_DREIVIERTEL = compile_pattern(r"\b(?:dreiviertel|drei\s+viertel|3\s*viertel)\s+(?P<H>\d{1,2})\b")
C_VIERTEL_REL = compile_pattern(r"\bviertel\s+(?P<dir>nach|ueber|vor)\s+(?P<H>\d{1,2})\b")
C_VIERTEL = compile_pattern(r"\bviertel\s+(?P<H>\d{1,2})\b")
C_MIN_REL = compile_pattern(
    r"\b(?P<N>\d{1,2}|kurz)\s+(?:minuten\s+)?(?P<dir>vor|nach)\s+(?P<H>\d{1,2})\b"
    r"(?!\s*(?:tag|woche|monat|stunde|\.))"
)
C_EN_PAST = compile_pattern(
    r"\b(?P<N>half|a\s+quarter|quarter|\d{1,2})\s+(?:minutes\s+)?(?:past|after)\s+(?P<H>\d{1,2})\b"
)
C_EN_TO = compile_pattern(
    r"\b(?P<N>a\s+quarter|quarter|\d{1,2})\s+(?:minutes\s+)?(?:to|till|til|before|of)\s+(?P<H>\d{1,2})\b"
)
C_EN_HALF = compile_pattern(r"\bhalf\s+(?P<H>\d{1,2})\b")
C_UHR = compile_pattern(r"\b(?P<H>\d{1,2})\s*uhr\b(?:\s+(?P<M>\d{1,2})\b(?!\s*(?:uhr|[.:]\d)))?")
C_MERIDIEM = compile_pattern(r"\b(?P<H>\d{1,2})(?:[\s.](?P<M>\d{2}))?\s*" + _MER)
C_OCLOCK = compile_pattern(r"\b(?P<H>\d{1,2})\s*oclock\b")
PART = compile_pattern(r"""\b(?P<this>this\s+)?(?:(?:am|in\s+the|at|im\s+laufe\s+des|den\s+ganzen)\s+)?
    (?P<p>in\s+aller\s+frueh|frueh(?:morgens)?|early\s+(?:in\s+the\s+)?morning|vormittags?|vormorgens|morgens
    |mornings?|ueber\s+(?:die\s+)?mittag(?:szeit)?|mittags(?:zeit|pause)?|zur\s+mittagszeit|lunch\s*time|lunch
    |nachmittags?|afternoons?|after\s+lunch|nach\s+dem\s+mittagessen|abends?|evenings?|tonight
    |heute\s+nacht|nachts|at\s+night|night)\b""")
NOON = compile_pattern(r"\b(?:mittag|noon(?:ish)?|midday|12\s+mittags)\b")
MIDNIGHT = compile_pattern(r"\b(?:midnight|mitternacht)\b")
OFFSET = compile_pattern(r"""\b(?:in|within|innerhalb(?:\s+von)?)\s+(?:(?P<n>\d+(?:\.5)?|a|an)\s+)?
    (?P<half>halben?\s+|half\s+(?:an?\s+)?)?(?P<u>stunden?|std|hours?|minuten?|min|mins|minutes?|viertelstunde)\b
    (?P<andhalf>\s+and\s+a\s+half)?""")
_FILLER = r"(?:(?:like|so|etwa|ca\.?|circa|ungefaehr|about|around|approximately|gegen|um|at|erst|so)\s+)*"
_NOT_AFTER_NUMBER = (
    r"(?![.:]\d|\s*(?:tag|tage|tagen|days?|wochen?|weeks?|monat|monaten|monate|months?"
    r"|jahre?n?|years?|stunden?|hours?|minuten|minutes?|mins?|mal|times|personen|leute"
    r"|people|euro|eur|prozent)\b)"
)
C_TRIGGER = compile_pattern(
    r"\b(?:um|gegen|punkt|ca\.?|circa|etwa|ungefaehr|at|around|about|approximately|by|ab|bis|zwischen"
    r"|von|from|between|after|before|till|until|nach|vor|like|fruehestens|spaetestens)\s+"
    + _FILLER
    + r"(?P<H>\d{1,2})(?:[\s.](?P<M>\d{2}))?\b"
    + _NOT_AFTER_NUMBER
)
C_AFTER_CONN = compile_pattern(
    r"\s*(?:und|and|bis|to|till|until|oder|or|-)\s*(?:um\s+|at\s+)?(?P<H>\d{1,2})(?::(?P<M>\d{2}))?\b"
    + _NOT_AFTER_NUMBER
)
C_BEFORE_CONN = compile_pattern(
    r"\b(?P<H>\d{1,2})(?::(?P<M>\d{2}))?\s*(?:und|and|bis|to|till|until|oder|or|-)\s*(?:um\s+|at\s+)?$"
)
C_WHOLE = compile_pattern(r"^\s*(?:um\s+|at\s+)?(?P<H>\d{1,2})(?:[\s.](?P<M>\d{2}))?\s*$")

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
