"""Day counts that mean weeks: "in acht Tagen", "heute in vierzehn Tagen", "a fortnight from Monday";
and vague counts said as numbers: "ein paar" / "a couple of" is two, "a few" / "einigen" three
("in ein paar Tagen" = "in 2 Tagen"; the agent says the date back, so the caller can correct it).

German counts a week inclusively: "in acht Tagen" / "heute in acht Tagen" is the same weekday next
week (Duden, "Tag": "in acht Tagen – in einer Woche"), "in vierzehn Tagen" two weeks on. English
"fortnight" is two weeks. Saying these counts in weeks before the grammar reads the text lets every
week rule apply to them ("Montag in acht Tagen" = "Montag in einer Woche", "a fortnight from
Monday" = "2 weeks from Monday", the Monday two weeks after the coming one).

Runs on prepared text (folded, number words already digits: "acht" -> "8").
"""

from __future__ import annotations

import re

# "8 tage(n)" -> "1 woche", "14 tage(n)" -> "2 wochen" (German only: English "in eight days" is literal).
_EIGHT_DAYS = re.compile(r"\b8\s+tag(?:e|en)\b")
_FOURTEEN_DAYS = re.compile(r"\b14\s+tag(?:e|en)\b")
# "a fortnight" / "one fortnight" -> "2 weeks"; a bare "fortnight" after a day ("Monday fortnight")
# is read by the grammar as two weeks after that day.
_A_FORTNIGHT = re.compile(r"\b(?:a|an|one|1)\s+fortnight\b")
_UNITS = r"(?=\s+(?:tagen?|tage|days?|wochen?|weeks?)\b)"
_A_COUPLE = re.compile(r"\b(?:(?:1|ein)\s+paar|(?:a\s+|1\s+)?couple(?:\s+of)?)" + _UNITS)
_A_FEW = re.compile(r"\b(?:(?:a|1)\s+few|einigen|wenigen)" + _UNITS)


def rewrite_day_counts(prepared: str) -> str:
    """Say idiomatic day counts in weeks.

    >>> rewrite_day_counts("heute in 8 tagen")
    'heute in 1 woche'
    >>> rewrite_day_counts("a fortnight from monday")
    '2 weeks from monday'
    """
    if "tag" in prepared:
        prepared = _EIGHT_DAYS.sub("1 woche", prepared)
        prepared = _FOURTEEN_DAYS.sub("2 wochen", prepared)
    if "fortnight" in prepared:
        prepared = _A_FORTNIGHT.sub("2 weeks", prepared)
    if "paar" in prepared or "couple" in prepared or "few" in prepared or "nigen" in prepared:
        prepared = _A_FEW.sub("3", _A_COUPLE.sub("2", prepared))
    return prepared
