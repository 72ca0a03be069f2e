"""``parse_repeat``: how often a caller wants an appointment to recur (CONTRACT section 10).

"jeden Dienstag, sechs Wochen lang", "alle zwei Wochen", "vierzehntägig", "einmal im Monat",
"jeden ersten Montag", "every other Friday", "fortnightly", "for six weeks", "bis Weihnachten".
The phrase is read on folded text with numbers as digits (:mod:`nlu.normalize`, :mod:`nlu.numbers`).

Rules (German usage, and the English that callers use for the same):

* "jeden/immer/every" + weekday, a plural weekday ("montags", "on Mondays") or "jede Woche",
  "wöchentlich", "weekly", "once a week": weekly, interval 1.
* "alle N Wochen", "jede(n) N-te(n) Woche/Dienstag", "every N weeks", "every other/second Friday",
  "vierzehntägig", "zweiwöchentlich", "fortnightly", "biweekly": weekly, interval N.
* "monatlich", "einmal im Monat", "jeden Monat", "every month", "once a month", "alle N Monate":
  monthly on the same day number. "jeden ersten/letzten Montag", "jeden dritten Dienstag im Monat",
  "the first Monday of every month", "every last Friday": monthly on that weekday of the month
  (``nth`` 1-4, -1 = last). "jeden zweiten Dienstag" without "im Monat" is every other Tuesday.
* Count: "sechs Mal", "sechsmal", "6 Termine/Sitzungen", "six times/sessions"; a duration
  ("sechs Wochen lang", "for three months") becomes the count of occurrences inside it.
* End: "bis <date>" / "until <date>" through :func:`nlu.when.parse_when` (named days included).

Issues (``Repeat.issues``): ``no_frequency`` — a repeat was asked for but not how often
("regelmäßig", "regularly"); ``too_many`` — more than :data:`MAX_OCCURRENCES` occurrences;
``bad_until`` — the end date could not be understood or lies in the past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from nlu.calendar_words import WEEKDAYS
from nlu.normalize import clean_input, fold, squash_spaces
from nlu.numbers import words_to_digits

#: The most occurrences one series may have (CONTRACT section 10).
MAX_OCCURRENCES = 26
#: Occurrences booked when the caller names neither a count nor an end (CONTRACT section 10).
DEFAULT_COUNT = 6

Freq = Literal["weekly", "monthly"]

_WEEKDAYS = WEEKDAYS
_WD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
# "montags", "mondays": the plural/adverbial form alone already means "every".
_PLURAL_WD = re.compile(rf"\b(?:immer |on |jeweils )?({_WD})s\b")
_EVERY = r"(?:jede[nrms]?|immer|alle|every|each)"
_NTH_WORD = {"1.": 1, "2.": 2, "3.": 3, "4.": 4, "letzte": -1, "letzten": -1, "last": -1}
_EVERY_WD = re.compile(rf"\b{_EVERY} (?:(\d\.|letzten?|last|other) )?({_WD})\b")
_OF_MONTH = re.compile(
    r"\b(?:im monat|des monats|jeden monats|eines jeden monats|of (?:the|every|each) month|a month|monthly)\b"
)
_THE_NTH_OF_MONTH = re.compile(
    rf"\b(?:am |the )?(\d\.|letzten?|last) ({_WD}) (?:im monat|des monats|jeden monats|of (?:the|every|each) month)\b"
)
_WEEKS_EVERY = re.compile(
    rf"\b(?:alle|every) (\d+|other|second) (?:wochen|woche|weeks|week)\b|\b{_EVERY} (\d)\. (?:woche|week)\b"
)
_MONTHS_EVERY = re.compile(r"\b(?:alle|every) (\d+|other|second) (?:monate|monat|months|month)\b")
_FORTNIGHT = re.compile(
    r"\b(?:vierzehntaegig|14-? ?taegig|zweiwoechentlich|2-? ?woechentlich|fortnightly|biweekly|bi-weekly|alle 14 tage"
    r"|every 14 days|every fortnight)\b"
)
_WEEKLY = re.compile(
    r"\b(?:jede woche|jeder woche|woechentlich|einmal (?:die|pro|in der|je) woche|1x (?:die|pro|in der) woche"
    r"|every week|each week|weekly|once a week|once every week|1 ?(?:mal|x) (?:die|pro) woche)\b"
)
_MONTHLY = re.compile(
    r"\b(?:monatlich|einmal (?:im|pro|je) monat|1 ?(?:mal|x) (?:im|pro) monat|jeden monat|every month|each month"
    r"|monthly|once a month|once every month)\b"
)
_VAGUE = re.compile(
    r"\b(?:regelmaessig|regelmassig|oefter|ofter|ab und zu|immer wieder|dauerhaft|fest(?:en|er)? termin|regularly"
    r"|recurring|repeatedly|on a regular basis|standing appointment)\b"
)
_COUNT = re.compile(
    r"\b(\d+) ?(?:mal|x|termine|terminen|sitzungen|behandlungen|besuche|times|sessions|appointments|visits"
    r"|treatments)\b"
)
_DURATION = re.compile(
    r"\b(?:fuer |ueber |for )?(\d+) (wochen|woche|monate|monat|weeks|week|months|month)(?: lang| long)?\b"
)
_UNTIL = re.compile(r"\b(?:bis (?:zum |zur |einschliesslich |inklusive )?|until |till |through |up to )(.+)$")
_GERMAN_TIMES = {
    "einmal": 1,
    "zweimal": 2,
    "dreimal": 3,
    "viermal": 4,
    "fuenfmal": 5,
    "sechsmal": 6,
    "siebenmal": 7,
    "achtmal": 8,
    "neunmal": 9,
    "zehnmal": 10,
    "elfmal": 11,
    "zwoelfmal": 12,
    "once": 1,
    "twice": 2,
}


@dataclass(frozen=True)
class Repeat:
    """A recurrence: every ``interval`` weeks or months.

    ``weekday`` (0 = Monday) is set when a day was said ("jeden Dienstag"); ``nth`` (1-4, -1 = last)
    makes a monthly repeat fall on that weekday of the month, else a monthly repeat keeps the first
    date's day number. ``count``/``until`` are None when not said (the caller of this function applies
    :data:`DEFAULT_COUNT`). ``issues`` see the module docstring.
    """

    freq: Freq
    interval: int = 1
    count: int | None = None
    until: date | None = None
    weekday: int | None = None
    nth: int | None = None
    text: str = ""
    issues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-able form: {"freq", "interval", "count", "until", "weekday", "nth", "issues"}."""
        return {
            "freq": self.freq,
            "interval": self.interval,
            "count": self.count,
            "until": self.until.isoformat() if self.until else None,
            "weekday": self.weekday,
            "nth": self.nth,
            "issues": list(self.issues),
        }


def _interval_word(word: str) -> int:
    return 2 if word in ("other", "second") else int(word.rstrip("."))


def _frequency(text: str) -> tuple[Freq, int, int | None, int | None] | None:
    """(freq, interval, weekday, nth) said in folded, digit-converted ``text``; None if none."""
    nth_month = _THE_NTH_OF_MONTH.search(text)
    if nth_month:
        return "monthly", 1, _WEEKDAYS[nth_month.group(2)], _NTH_WORD[nth_month.group(1)]
    every = _EVERY_WD.search(text)
    months = _MONTHS_EVERY.search(text)
    if every:
        weekday, mod = _WEEKDAYS[every.group(2)], every.group(1)
        if mod is None:
            return "weekly", 1, weekday, None
        if mod in ("other",):
            return "weekly", 2, weekday, None
        nth = _NTH_WORD.get(mod)
        if nth in (1, -1) or (nth is not None and _OF_MONTH.search(text)):
            return "monthly", _interval_word(months.group(1)) if months else 1, weekday, nth
        return "weekly", int(mod.rstrip(".")), weekday, None
    weekday_said: int | None = None
    plural = _PLURAL_WD.search(text)
    if plural:
        weekday_said = _WEEKDAYS[plural.group(1)]
    weeks = _WEEKS_EVERY.search(text)
    if weeks:
        return "weekly", _interval_word(weeks.group(1) or weeks.group(2)), weekday_said, None
    if _FORTNIGHT.search(text):
        return "weekly", 2, weekday_said, None
    if months:
        return "monthly", _interval_word(months.group(1)), weekday_said, None
    if _MONTHLY.search(text):
        return "monthly", 1, weekday_said, None
    if _WEEKLY.search(text) or plural:
        return "weekly", 1, weekday_said, None
    return None


def _count(text: str, freq: Freq, interval: int, today: date) -> tuple[int | None, date | None]:
    """(count, until) from "sechs Mal" or a duration ("sechs Wochen lang", "for three months")."""
    for word, n in _GERMAN_TIMES.items():
        if re.search(rf"\b{word}\b", text) and word not in ("einmal", "once"):
            return n, None
    found = _COUNT.search(text)
    if found:
        return int(found.group(1)), None
    for found in _DURATION.finditer(text):
        n, unit = int(found.group(1)), found.group(2)
        if found.start() > 0 and re.search(r"\b(?:alle|every)\s*$", text[: found.start()]):
            continue  # "alle 2 Wochen" is the interval, not a duration
        if unit.startswith(("woche", "week")):
            if freq == "weekly":
                return max(1, -(-n // interval)), None
            return None, today + timedelta(weeks=n) - timedelta(days=1)
        if freq == "monthly":
            return max(1, -(-n // interval)), None
        month0 = today.month - 1 + n
        year, month = today.year + month0 // 12, month0 % 12 + 1
        return None, date(year, month, min(today.day, 28)) - timedelta(days=1)
    return None, None


def _until(folded: str, now: datetime, lang: str) -> tuple[date | None, bool]:
    """The end date said after "bis"/"until" (inclusive), and whether one was said at all."""
    found = _UNTIL.search(folded)
    if not found:
        return None, False
    from nlu.when import parse_when  # late: when.py is the heavier module

    said = parse_when(found.group(1), now, lang)
    if said.kind == "none" or said.start is None or {"past_date_repaired", "ambiguous_past_date"} & set(said.issues):
        return None, True  # a past end is a mistake to ask about, not to repair silently
    if said.kind in ("date", "window") and said.end is not None:
        return (said.end - timedelta(microseconds=1)).date(), True
    return said.start.date(), True


def parse_repeat(text: str, now: datetime, lang: str = "de") -> Repeat | None:
    """Read a spoken repeat phrase relative to ``now`` (aware; the tenant's zone).

    Returns None when ``text`` asks for no repetition at all. Never raises: odd input is None or a
    Repeat with issues. Example: "jeden Dienstag, sechs Wochen lang" ->
    Repeat(freq="weekly", interval=1, count=6, weekday=1).
    """
    raw = squash_spaces(clean_input(text))
    if not raw:
        return None
    folded = words_to_digits(squash_spaces(fold(raw)).replace(",", " "))
    folded = squash_spaces(folded)
    found = _frequency(folded)
    issues: list[str] = []
    frequency: tuple[Freq, int, int | None, int | None]
    if found is None:
        if not _VAGUE.search(folded):
            return None
        frequency = ("weekly", 1, None, None)
        issues.append("no_frequency")
    else:
        frequency = found
    freq, interval, weekday, nth = frequency
    count, until = _count(folded, freq, interval, now.date())
    said_until, until_said = _until(folded, now, lang)
    if until_said:
        until = said_until
        if said_until is None or said_until < now.date():
            issues.append("bad_until")
            until = None
    if count is not None and count > MAX_OCCURRENCES:
        issues.append("too_many")
    if interval < 1:
        issues.append("no_frequency")
        interval = 1
    return Repeat(freq, interval, count, until, weekday, nth, raw, tuple(issues))
