"""Named days callers say instead of a date, German and English: "am zweiten Weihnachtsfeiertag",
"Heiligabend", "Ostermontag", "am ersten Advent", "Boxing Day", "the early May bank holiday".

Where the dates come from:

* public holidays from the `holidays` package (Germany and England; it knows the moved years, such
  as England's Spring Bank Holiday on 2 June 2022), looked up by their English name: Neujahr,
  Karfreitag, Ostersonntag/-montag, Tag der Arbeit, Christi Himmelfahrt, Pfingstsonntag/-montag,
  Fronleichnam, Tag der Deutschen Einheit, Reformationstag, Allerheiligen, 1./2. Weihnachtstag, and
  England's bank holidays;
* days that are no public holiday are computed here: Heiligabend (24 December), Silvester
  (31 December) and the Advent Sundays (the fourth is the last Sunday on or before 24 December,
  each earlier one a week before it).

A named day means its next occurrence from today (today counts: "Ostermontag" said on Easter Monday
is today). Whether the business is open then is not this module's question.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal, get_args

from nlu.grammar_text import compile_pattern

NamedDay = Literal[
    "christmas_eve",
    "christmas_day",
    "boxing_day",
    "new_years_eve",
    "new_years_day",
    "advent_1",
    "advent_2",
    "advent_3",
    "advent_4",
    "good_friday",
    "easter_sunday",
    "easter_monday",
    "ascension_day",
    "whit_sunday",
    "whit_monday",
    "corpus_christi",
    "labour_day",
    "german_unity_day",
    "reformation_day",
    "all_saints_day",
    "early_may_bank_holiday",
    "spring_bank_holiday",
    "summer_bank_holiday",
    "bank_holiday",
    "bank_holiday_monday",
]
NAMED_DAYS: tuple[NamedDay, ...] = get_args(NamedDay)

#: Public holidays: (country, subdivision where it is one, its name in the package's "en_US" data).
HOLIDAY_SOURCES: dict[NamedDay, tuple[str, str | None, str]] = {
    "new_years_day": ("DE", None, "New Year's Day"),
    "good_friday": ("DE", None, "Good Friday"),
    "easter_sunday": ("DE", "BB", "Easter Sunday"),
    "easter_monday": ("DE", None, "Easter Monday"),
    "labour_day": ("DE", None, "Labor Day"),
    "ascension_day": ("DE", None, "Ascension Day"),
    "whit_sunday": ("DE", "BB", "Pentecost"),
    "whit_monday": ("DE", None, "Pentecost Monday"),
    "corpus_christi": ("DE", "BY", "Corpus Christi"),
    "german_unity_day": ("DE", None, "German Unity Day"),
    "reformation_day": ("DE", "BB", "Reformation Day"),
    "all_saints_day": ("DE", "BY", "All Saints' Day"),
    "christmas_day": ("DE", None, "Christmas Day"),
    "boxing_day": ("DE", None, "Second Day of Christmas"),
    "early_may_bank_holiday": ("GB", "ENG", "May Day"),
    "spring_bank_holiday": ("GB", "ENG", "Spring Bank Holiday"),
    "summer_bank_holiday": ("GB", "ENG", "Late Summer Bank Holiday"),
}
_FIXED: dict[NamedDay, tuple[int, int]] = {"christmas_eve": (12, 24), "new_years_eve": (12, 31)}


@lru_cache(maxsize=128)
def _holidays(country: str, subdiv: str | None, year: int) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """The package's holidays of one year: (day, names) pairs (several names share a day as "A; B")."""
    import holidays

    table = holidays.country_holidays(country, subdiv=subdiv, years=year, language="en_US")
    return tuple(sorted((day, tuple(name.split("; "))) for day, name in table.items()))


def advent_sunday(n: int, year: int) -> date:
    """The ``n``-th Sunday of Advent (1-4) in ``year``: the fourth is the last Sunday on or before
    24 December, each earlier one a week before."""
    christmas_eve = date(year, 12, 24)
    fourth = christmas_eve - timedelta(days=(christmas_eve.weekday() + 1) % 7)
    return fourth - timedelta(weeks=4 - n)


def named_day_dates(key: NamedDay, year: int) -> list[date]:
    """Every date ``key`` names in ``year`` (one, except "bank_holiday(_monday)": each of them)."""
    if key in _FIXED:
        month, day = _FIXED[key]
        return [date(year, month, day)]
    if key.startswith("advent_"):
        return [advent_sunday(int(key[-1]), year)]
    if key in ("bank_holiday", "bank_holiday_monday"):
        days = [d for d, _ in _holidays("GB", "ENG", year)]
        return [d for d in days if key == "bank_holiday" or d.weekday() == 0]
    country, subdiv, name = HOLIDAY_SOURCES[key]
    return [d for d, names in _holidays(country, subdiv, year) if name in names]


def next_named_day(key: NamedDay, today: date, year: int | None = None) -> date | None:
    """The next day ``key`` names from ``today`` (today counts), or the one of ``year`` when a year
    was said and that day is not past. None when the data has no such day in the next three years."""
    if year is not None:
        days = [d for d in named_day_dates(key, year) if d >= today]
        if days:
            return days[0]
    for y in range(today.year, today.year + 3):
        days = [d for d in named_day_dates(key, y) if d >= today]
        if days:
            return days[0]
    return None


# --- what callers say (on prepared text: folded, ordinals as "N.", no apostrophes) -------------

HolidayWeekend = Literal["easter_weekend", "whit_weekend"]
#: Holiday weekends: Saturday to Monday around the Sunday (the business's days; Good Friday aside).
WEEKENDS: dict[NamedDay | HolidayWeekend, NamedDay] = {"easter_weekend": "easter_sunday", "whit_weekend": "whit_sunday"}
_PHRASES: tuple[tuple[NamedDay | HolidayWeekend | Literal["advent_n"], str], ...] = (
    ("advent_n", r"(?P<adv>[1-4])\.?\s*(?:advent(?:s?sonntag)?|sunday\s+(?:of|in)\s+advent)"),
    ("advent_4", r"letzte[nmrs]?\s+advent(?:s?sonntag)?|(?:the\s+)?last\s+sunday\s+(?:of|in)\s+advent"),
    ("advent_1", r"advent\s+sunday"),
    ("christmas_eve", r"heilig(?:e[nr]?)?\s*abend|weihnachtsabend|christmas\s+eve|xmas\s+eve"),
    (
        "christmas_day",
        r"1\.?\s*(?:weihnachts(?:feier)?tag|day\s+of\s+christmas)|weihnachts(?:feier)?tag"
        r"|weihnachten|christmas(?:\s+day)?|xmas(?:\s+day)?",
    ),
    (
        "boxing_day",
        r"2\.?\s*(?:weihnachts(?:feier)?tag|day\s+of\s+christmas)|stephanstag|stefanitag"
        r"|boxing\s+day|st\s+stephens\s+day",
    ),
    ("new_years_eve", r"s[iy]lvester(?:tag)?|altjahrstag|new\s+years\s+eve"),
    # "New Year" without the s as speech-to-text writes it; "in the new year" is no day
    ("new_years_day", r"neujahr(?:stag)?|new\s+years(?:\s+day)?|(?<!the\s)new\s+year(?:\s+day)?"),
    ("early_may_bank_holiday", r"(?:early\s+may|may\s+day)\s+bank\s+holiday(?:\s+monday)?"),
    ("spring_bank_holiday", r"(?:late\s+may|spring|whitsun)\s+bank\s+holiday(?:\s+monday)?"),
    ("summer_bank_holiday", r"(?:late\s+summer|summer|august)\s+bank\s+holiday(?:\s+monday)?"),
    ("good_friday", r"karfreitag|good\s+friday"),
    ("easter_monday", r"ostermontag|easter\s+monday"),
    ("easter_weekend", r"osterwochenende|ostern\s+wochenende|easter\s+weekend"),
    ("easter_sunday", r"ostersonntag|ostern|easter(?:\s+sunday)?"),
    ("whit_monday", r"pfingstmontag|whit\s*monday|pentecost\s+monday"),
    ("whit_weekend", r"pfingstwochenende|pfingsten\s+wochenende|(?:whitsun|whit|pentecost)\s+weekend"),
    ("whit_sunday", r"pfingstsonntag|pfingsten|whit\s*sunday|whitsun|pentecost(?:\s+sunday)?"),
    ("ascension_day", r"(?:christi\s+)?himmelfahrt(?:stag)?|vatertag|ascension(?:\s+day)?"),
    ("corpus_christi", r"fronleichnam|corpus\s+christi"),
    ("german_unity_day", r"tag\s+der\s+deutschen\s+einheit|einheitstag|german\s+unity\s+day"),
    ("reformation_day", r"reformationstag|reformation\s+day"),
    ("all_saints_day", r"allerheiligen|all\s+saints(?:\s+day)?"),
    ("labour_day", r"tag\s+der\s+arbeit|maifeiertag|labou?r\s+day"),
    ("bank_holiday_monday", r"bank\s+holiday\s+monday"),
    ("bank_holiday", r"bank\s+holiday"),
)
NAMED_DAY = compile_pattern(
    r"\b(?:" + "|".join(f"(?P<k{i}>{pattern})" for i, (_, pattern) in enumerate(_PHRASES)) + r")\b"
    r"(?:\s+(?P<ny>\d{4})\b)?"
)


def named_day_key(m: re.Match[str]) -> tuple[NamedDay, bool]:
    """Which named day a :data:`NAMED_DAY` match says, and whether its weekend was meant
    ("Osterwochenende": Saturday to Monday around Easter Sunday)."""
    for i, (key, _) in enumerate(_PHRASES):
        if m.group(f"k{i}") is not None:
            if key == "advent_n":
                return NAMED_DAYS[NAMED_DAYS.index("advent_1") + int(m.group("adv")) - 1], False
            if key == "easter_weekend" or key == "whit_weekend":
                return WEEKENDS[key], True
            return key, False
    raise ValueError("not a named-day match")  # pragma: no cover - the pattern has no other branch
