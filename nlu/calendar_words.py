"""The calendar's words in folded German and English (see :mod:`nlu.normalize`): weekdays, months,
and the modifiers that pick one of several ("nächste", "this", "Anfang", "end of").

Shared by the day grammar, the text preparation (compounds like "montagmorgen") and the named-day
patterns, so a word is added in one place.
"""

from __future__ import annotations

WEEKDAYS: dict[str, int] = {
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonnabend": 5,
    "sonntag": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    # English short forms an LLM or a transcript writes ("Tues at 3", "Thurs 3pm", "on Weds"); not
    # "mon", "wed", "sat", "sun": those are words too
    "tues": 1,
    "weds": 2,
    "thurs": 3,
    "thur": 3,
}
#: The English short forms in WEEKDAYS (no German compounds are formed with them).
_ENGLISH_SHORT = frozenset({"tues", "weds", "thurs", "thur"})
WEEKDAY_ABBR: dict[str, int] = {
    "mo": 0,
    "di": 1,
    "mi": 2,
    "do": 3,
    "fr": 4,
    "sa": 5,
    "so": 6,
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
MONTHS: dict[str, int] = {
    "januar": 1,
    "jaenner": 1,
    "january": 1,
    "jan": 1,
    "februar": 2,
    "feber": 2,
    "february": 2,
    "feb": 2,
    "maerz": 3,
    "marz": 3,
    "march": 3,
    "mrz": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "december": 12,
    "dez": 12,
    "dec": 12,
}
#: German weekday names (the ones that form compounds: "Montagmorgen", "dienstagabends").
GERMAN_WEEKDAYS = tuple(k for k in WEEKDAYS if not k.endswith("day") and k not in _ENGLISH_SHORT)

#: Regex alternations (longest first, so "sonntag" is not read as "so").
WEEKDAY_ALT = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
WEEKDAY_ABBR_ALT = "|".join(sorted(WEEKDAY_ABBR, key=len, reverse=True))
MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
NEXT = r"naechste[nmrs]?|kommende[nmrs]?|next|coming|upcoming"
AFTERNEXT = r"uebernaechste[nmrs]?"
THIS = r"diese[nmrs]?|this"
PERIOD_PART = r"anfang|mitte|ende|early|mid|late|(?:the\s+)?(?:end|beginning|start|middle)\s+of"
