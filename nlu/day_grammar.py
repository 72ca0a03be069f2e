"""The day half of the date/time grammar: the handlers that read each match of a day pattern
(`nlu.day_patterns`) into a "day" :class:`~nlu.grammar_text.Mention`.

Mention types and their ``data``: "dm" (``y``, ``m``, ``d``; year and month may be None),
"named" (``key`` a :data:`~nlu.named_days.NamedDay`, ``weekend``, ``year`` or None), "nth_weekday" (``n`` 1-5
or -1 for the last, ``wd``, ``month``/``year`` or None, ``offset`` 1 for next month), "counted" (an
ordinal counting a noun, ``n`` and ``noun``: no date),
"weekday" (``wd`` 0=Monday, ``mode`` bare/this/next/afternext, ``weeks`` counted on), "rel"
(``offset`` days from today, ``weeks``), "in" (``n``, ``unit`` d/w/m), "weekend", "week", "month"
(``offset``, ``month``, ``part``), "asap", "now", "between_years" (:mod:`nlu.day_phrases`; so is
"dom_in_month", made in :mod:`nlu.when_days`). Patterns run in the order of :data:`DAY_PASSES`, most
specific first.
"""

from __future__ import annotations

import re

from nlu.calendar_words import (
    MONTHS,
    WEEKDAY_ABBR,
    WEEKDAY_ABBR_ALT,
    WEEKDAY_ALT,
    WEEKDAYS,
)
from nlu.day_patterns import (
    ANY_TIME,
    ASAP,
    BETWEEN_YEARS,
    D_MONTH,
    DM_NODOT,
    DMY,
    DOM,
    DOM_NODOT,
    IN_N,
    ISO,
    MONTH_D,
    MONTH_NAMED,
    MONTH_REL,
    NTH_WEEKDAY,
    REL,
    WD_ABBR,
    WEEK,
    WEEKDAY,
    WEEKEND,
    YMD_SLASH,
)
from nlu.day_phrases import COMING_DAYS, WD_SHORT_DE, h_any_time, h_between_years, h_coming_days, h_wd_short_de
from nlu.grammar_text import Passes, Work, to_int
from nlu.named_days import NAMED_DAY, named_day_key

# --- handlers: each reads one match into a mention; returning False leaves the text untouched -


def _weeks_count(m: re.Match[str]) -> int:
    if m.group("pre_n"):
        return to_int(m.group("pre_n")) or 1
    if m.group("post_n"):
        return to_int(m.group("post_n")) or 1
    if m.group("bweek"):
        return 2 if m.group("bweek") == "fortnight" else 1  # "Monday week", "Monday fortnight"
    return 0


def _mod_kind(mod: str | None) -> str:
    if not mod:
        return "bare"
    if mod.startswith("uebernaechst"):
        return "afternext"
    if mod.startswith(("diese", "this")):
        return "this"
    return "next"


def _h_iso(w: Work, m: re.Match[str]) -> bool:
    data = {"y": int(m.group("y")), "m": int(m.group("m")), "d": int(m.group("d"))}
    if m.group("H") is not None:
        w.take("day", "dm", m, data, end=m.start("H") - 1)
        w.take(
            "time",
            "clock",
            m,
            {"h": int(m.group("H")), "m": int(m.group("M")), "formal": True, "tz": m.group("tz")},
            start=m.start("H"),
        )
    else:
        w.take("day", "dm", m, data)
    return True


def _h_named_day(w: Work, m: re.Match[str]) -> bool:
    year = m.group("ny")
    key, weekend = named_day_key(m)
    w.take("day", "named", m, {"key": key, "weekend": weekend, "year": int(year) if year else None})
    return True


def _h_ymd_slash(w: Work, m: re.Match[str]) -> bool:
    w.take("day", "dm", m, {"y": int(m.group("y")), "m": int(m.group("m")), "d": int(m.group("d"))})
    return True


def _h_wd_abbr(w: Work, m: re.Match[str]) -> bool:
    w.take("day", "weekday", m, {"wd": WEEKDAY_ABBR[m.group("wd")], "mode": "bare", "weeks": 0})
    return True


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    y = int(value)
    return y + 2000 if len(value) == 2 else y


def _h_dmy(w: Work, m: re.Match[str]) -> bool:
    w.take("day", "dm", m, {"y": _year(m.group("y") or m.group("y2")), "m": int(m.group("m")), "d": int(m.group("d"))})
    return True


# A dotted pair right after a day ("Montag 10.11", "morgen 9.05", "24.11.2026 10.12") or after a
# time word ("um 10.11") is a clock time, not a day and month: CLOCK_AFTER_DAY in nlu.clock_grammar.
_DAY_OR_TIME_WORD_BEFORE = re.compile(
    r"(?:\b(?:" + WEEKDAY_ALT + "|" + WEEKDAY_ABBR_ALT + r"|heute|morgen|uebermorgen|today|tomorrow|tmrw"
    r"|um|gegen|punkt|ca|circa|etwa|ungefaehr|at|around|about)|\b\d{4}|\b\d{1,2}\.\s?\d{1,2}\.)\s*$"
)


def _h_dm_nodot(w: Work, m: re.Match[str]) -> bool:
    d, mo = int(m.group("d")), int(m.group("m"))
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return False
    if _DAY_OR_TIME_WORD_BEFORE.search(w.orig, 0, m.start()) or any(0 <= m.start() - x.end <= 1 for x in w.days):
        return False  # "Montag 10.11" = 10:11, read by the clock grammar
    w.take("day", "dm", m, {"y": None, "m": mo, "d": d})
    return True


def h_slash(w: Work, m: re.Match[str], day_first: bool = True) -> bool:
    a, b = int(m.group("a")), int(m.group("b"))
    d, mo = (a, b) if day_first else (b, a)
    if mo > 12 and d <= 12:
        d, mo = mo, d
    w.take("day", "dm", m, {"y": _year(m.group("y")), "m": mo, "d": d})
    return True


def _h_named_date(w: Work, m: re.Match[str]) -> bool:
    w.take("day", "dm", m, {"y": _year(m.group("y")), "m": MONTHS[m.group("mon")], "d": int(m.group("d"))})
    return True


def _h_rel(w: Work, m: re.Match[str]) -> bool:
    rel = m.group("rel")
    offset = 0 if rel in ("heute", "today") else 1 if rel in ("morgen", "tomorrow", "tmrw") else 2
    w.take("day", "rel", m, {"offset": offset, "weeks": _weeks_count(m)})
    return True


def _h_weekday(w: Work, m: re.Match[str]) -> bool:
    mode = "afternext" if m.group("after") else _mod_kind(m.group("mod"))
    weeks = _weeks_count(m)
    w.take("day", "weekday", m, {"wd": WEEKDAYS[m.group("wd")], "mode": mode, "weeks": weeks})
    return True


def _h_in_n(w: Work, m: re.Match[str]) -> bool:
    n = to_int(m.group("n") or m.group("n2")) or 0  # ("in a fortnight" arrives as "in 2 weeks")
    u = m.group("u") or m.group("u2")
    unit = "d" if u.startswith(("tag", "day")) else "w" if u.startswith(("woche", "week")) else "m"
    w.take("day", "in", m, {"n": n, "unit": unit})
    return True


def _which(value: str | None, after: bool = False) -> int:
    """Week/month offset of a modifier: this 0, next 1, after next 2."""
    if after:
        return 2
    if not value or value.startswith(("diese", "this")):
        return 0
    if value.startswith("uebernaechst"):
        return 2
    return 1


def _part_of_period(value: str | None) -> str | None:
    if not value:
        return None
    if value.startswith(("anfang", "early", "beginning", "start", "the beginning", "the start")):
        return "early"
    if value.startswith(("mitte", "mid", "middle", "the middle")):
        return "mid"
    return "late"


def _h_weekend(w: Work, m: re.Match[str]) -> bool:
    which = m.group("which")
    w.take("day", "weekend", m, {"offset": None if not which else _which(which)})
    return True


def _h_week(w: Work, m: re.Match[str]) -> bool:
    if not (m.group("part") or m.group("which") or m.group("after")):
        return False
    w.take(
        "day",
        "week",
        m,
        {"offset": _which(m.group("which"), bool(m.group("after"))), "part": _part_of_period(m.group("part"))},
    )
    return True


def _h_month_rel(w: Work, m: re.Match[str]) -> bool:
    if m.group("part2"):
        w.take("day", "month", m, {"offset": 0, "month": None, "part": _part_of_period(m.group("part2"))})
        return True
    if not (m.group("part") or m.group("which") or m.group("after")):
        return False
    w.take(
        "day",
        "month",
        m,
        {
            "offset": _which(m.group("which"), bool(m.group("after"))),
            "month": None,
            "part": _part_of_period(m.group("part")),
        },
    )
    return True


def _h_month_named(w: Work, m: re.Match[str]) -> bool:
    w.take(
        "day",
        "month",
        m,
        {
            "offset": None,
            "month": MONTHS[m.group("mon")],
            "year": _year(m.group("y")),
            "part": _part_of_period(m.group("part")),
        },
    )
    return True


def _h_nth_weekday(w: Work, m: re.Match[str]) -> bool:
    if m.group("last") and not (m.group("mon") or m.group("ofmonth")):
        return False  # "letzten Freitag" alone is last week's Friday, not a day of a month
    w.take(
        "day",
        "nth_weekday",
        m,
        {
            "n": -1 if m.group("last") else int(m.group("n")),
            "wd": WEEKDAYS[m.group("wd")],
            "month": MONTHS[m.group("mon")] if m.group("mon") else None,
            "year": to_int(m.group("y")),
            "offset": 1 if m.group("which") and not m.group("which").startswith(("diese", "this")) else 0,
        },
    )
    return True


# What may follow an ordinal that is a day of the month ("am 3.", "on the 3rd"): the end, a time,
# a part of the day, a month reference, a connector or a filler. Any other word is a noun the
# ordinal counts ("zum dritten Mal", "am ersten Arbeitstag", "for the third time"): not a date.
_DATE_FOLLOWERS = frozenset(
    """
    um gegen ab bis von vom zwischen at from between by until till before after around about ca circa etwa
    ungefaehr vor nach halb viertel dreiviertel kurz uhr punkt morgens vormorgens vormittag vormittags mittag
    mittags nachmittag nachmittags abend abends frueh nachts morning mornings afternoon evening noon midday
    night tonight in im des dieses diesen naechsten kommenden of this next oder und or and to - bitte please
    gerne gern wenn falls if geht ginge gehts waere waers passt passen ist is would works work moeglich
    vielleicht maybe perhaps dann then also ja yes genau da there wieder again so nicht not statt instead
    lieber rather bei with for fuer zum zur mit dem den der the a an einen einem einer ein eine
    was etwas something anything frei free noch still auch too
""".split()
)


def _counts_a_noun(w: Work, m: re.Match[str]) -> re.Match[str] | None:
    """The noun after an ordinal that counts it ("Mal" in "zum 3. mal"), or None for a date."""
    noun = re.compile(r"\s*([a-z]+)").match(w.orig, m.end())
    if noun is None or noun.group(1) in _DATE_FOLLOWERS or noun.group(1) in MONTHS:
        return None
    return noun


def _h_dom(w: Work, m: re.Match[str]) -> bool:
    d = int(m.group("d"))
    if not 1 <= d <= 31:
        return False
    noun = _counts_a_noun(w, m)
    if noun is not None:  # kept as a mention so nothing reads it as a day; resolves to "not_a_date"
        w.take("day", "counted", m, {"n": d, "noun": noun.group(1)}, end=noun.end())
        return True
    w.take("day", "dm", m, {"y": None, "m": None, "d": d})
    return True


def _h_asap(w: Work, m: re.Match[str]) -> bool:
    w.take("day", "asap", m, {})
    return True


def h_now(w: Work, m: re.Match[str]) -> bool:
    w.take("day", "now", m, {})
    return True


DAY_PASSES: Passes = (
    (ISO, _h_iso),
    (BETWEEN_YEARS, h_between_years),  # before named days: "between Christmas and New Year"
    (COMING_DAYS, h_coming_days),  # before "in 2 Tagen" (IN_N) and "nächste(n)" (REL)
    (NAMED_DAY, _h_named_day),  # before dates: "am 2. Weihnachtsfeiertag" is no 2nd of the month
    (NTH_WEEKDAY, _h_nth_weekday),  # before weekdays and months: "am 1. Montag im Dezember"
    (YMD_SLASH, _h_ymd_slash),
    (WD_ABBR, _h_wd_abbr),
    (DMY, _h_dmy),
    (D_MONTH, _h_named_date),
    (MONTH_D, _h_named_date),
    (DM_NODOT, _h_dm_nodot),
    (REL, _h_rel),
    (WEEKDAY, _h_weekday),
    (WD_SHORT_DE, h_wd_short_de),  # German calls only (nlu.when_grammar.scan)
    (IN_N, _h_in_n),
    (WEEKEND, _h_weekend),
    (WEEK, _h_week),
    (MONTH_REL, _h_month_rel),
    (MONTH_NAMED, _h_month_named),
    (DOM, _h_dom),
    (DOM_NODOT, _h_dom),
    (ASAP, _h_asap),
    (ANY_TIME, h_any_time),
)
