"""The day grammar's patterns: the regular expressions for days and spans of days ("am 3.12.",
"nächsten Dienstag", "in zwei Wochen", "Ende des Monats", "as soon as possible"), compiled in verbose
mode. `nlu.day_grammar` reads their matches into mentions, in the order of its `DAY_PASSES`.
"""

from __future__ import annotations

from nlu.calendar_words import (
    AFTERNEXT,
    MONTH_ALT,
    NEXT,
    PERIOD_PART,
    THIS,
    WEEKDAY_ABBR_ALT,
    WEEKDAY_ALT,
)
from nlu.grammar_text import compile_pattern

__all__ = [
    "ANY_TIME",
    "ASAP",
    "BETWEEN_YEARS",
    "DMY",
    "DM_NODOT",
    "DOM",
    "DOM_NODOT",
    "D_MONTH",
    "IN_N",
    "ISO",
    "MONTH_D",
    "MONTH_NAMED",
    "MONTH_REL",
    "NOW",
    "NTH_WEEKDAY",
    "REL",
    "SLASH",
    "WD_ABBR",
    "WEEK",
    "WEEKDAY",
    "WEEKEND",
    "YMD_SLASH",
]

ISO = compile_pattern(r"""\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
    (?:[t\s](?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?P<tz>z\b|[+-]\d{2}:?\d{2})?)?""")
YMD_SLASH = compile_pattern(r"\b(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b")
WD_ABBR = compile_pattern(
    r"\b(?P<wd>" + WEEKDAY_ABBR_ALT + r")\.?\s+"
    r"(?=(?:den\s+|the\s+)?\d{1,2}\.\s?\d{1,2}\.|\d{4}-|\d{1,2}\.\s?(?:" + MONTH_ALT + r")\b)"
)
DMY = compile_pattern(r"\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.(?:\s?(?P<y>\d{4})\b|(?P<y2>\d{2})\b(?!\s*(?:uhr|:)))?")
DM_NODOT = compile_pattern(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\b(?![.:\d]|\s?uhr|\s?h\b)")
SLASH = compile_pattern(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b")
D_MONTH = compile_pattern(r"\b(?P<d>\d{1,2})\.?\s*(?:of\s+)?(?P<mon>" + MONTH_ALT + r")\b\.?(?:\s*(?P<y>\d{4})\b)?")
MONTH_D = compile_pattern(
    r"\b(?P<mon>" + MONTH_ALT + r")\s+(?:the\s+)?(?P<d>\d{1,2})\.?"
    r"(?![\d:]|\s*(?:uhr|am|pm|h\b|oclock))(?:\s*(?P<y>\d{4})\b)?"
)
REL = compile_pattern(r"""(?:\b(?P<pre_n>a|an|\d+)\s+weeks?\s+(?:(?:from|after|on)\s+)?)?
    \b(?P<rel>the\s+day\s+after\s+tomorrow|day\s+after\s+tomorrow|uebermorgen|heute|today|morgen|tomorrow|tmrw)\b
    (?:\s+in\s+(?P<post_n>\d+)\s+wochen?\b|\s+(?P<bweek>week|fortnight)\b)?""")
WEEKDAY = compile_pattern(
    r"""(?:\b(?P<pre_n>a|an|\d+)\s+weeks?\s+(?:from|after|on)\s+(?:this\s+|next\s+)?)?
    (?:\b(?P<mod>"""
    + AFTERNEXT
    + "|"
    + NEXT
    + "|"
    + THIS
    + r""")\s+)?
    \b(?P<wd>"""
    + WEEKDAY_ALT
    + r""")s?\b
    (?:\s+(?P<after>after\s+next))?
    (?:\s+in\s+(?P<post_n>\d+)\s+wochen?\b|\s+(?P<bweek>week|fortnight)\b(?!\s*end))?"""
)
IN_N = compile_pattern(r"""\b(?:in|within|innerhalb(?:\s+von)?)\s+(?P<n>\d+|a|an)\s+
    (?P<u>tag|tagen|tage|days?|wochen?|weeks?|monat|monaten|monate|months?)\b
    |\b(?P<n2>\d+|a|an)\s+(?P<u2>days?|weeks?|months?)\s+from\s+(?:now|today)\b""")
WEEKEND = compile_pattern(r"\b(?:(?P<which>" + AFTERNEXT + "|" + NEXT + "|" + THIS + r")\s+)?(?:wochenende|weekend)\b")
WEEK = compile_pattern(
    r"""(?:\b(?P<part>"""
    + PERIOD_PART
    + r""")\s+)?(?:irgendwann\s+)?(?:in\s+)?(?:der\s+|des\s+|the\s+)?
    (?:(?P<which>"""
    + AFTERNEXT
    + "|"
    + NEXT
    + "|"
    + THIS
    + r""")\s+)?
    \b(?:woche|week)\b(?P<after>\s+after\s+next)?"""
)
MONTH_REL = compile_pattern(
    r"""(?:\b(?P<part>"""
    + PERIOD_PART
    + r""")\s+)?(?:im\s+|in\s+)?(?:des\s+|der\s+|the\s+)?
    (?:(?P<which>"""
    + AFTERNEXT
    + "|"
    + NEXT
    + "|"
    + THIS
    + r""")\s+)?
    \b(?:monats?|month)\b(?P<after>\s+after\s+next)?
    |\bmonats(?P<part2>anfang|mitte|ende)\b"""
)
MONTH_NAMED = compile_pattern(
    r"""(?:\b(?P<part>"""
    + PERIOD_PART
    + r""")\s+|\b(?:im|in|during)\s+)
    (?P<mon>"""
    + MONTH_ALT
    + r""")\b(?:\s+(?P<y>\d{4})\b)?"""
)
DOM = compile_pattern(r"\b(?:am|dem|den|zum|vom|der|on\s+the|on|the|for\s+the|by\s+the)\s+(?P<d>\d{1,2})\.(?!\d)")
DOM_NODOT = compile_pattern(r"\b(?:am|dem|den)\s+(?P<d>\d{1,2})\b(?![.:]\d|\s*(?:uhr|h\b|:|am\b|pm\b))")
# "am ersten Montag im Dezember", "am letzten Freitag des Monats", "the first Monday of next month".
NTH_WEEKDAY = compile_pattern(
    r"""\b(?:(?P<n>[1-5])\.|(?P<last>letzte[nmrs]?|last))\s+(?P<wd>"""
    + WEEKDAY_ALT
    + r""")s?\b
    (?:\s+(?:im|in|of|des)\s+(?:the\s+)?(?:(?P<mon>"""
    + MONTH_ALT
    + r""")\b(?:\s+(?P<y>\d{4})\b)?
    |(?:(?P<which>"""
    + NEXT
    + "|"
    + THIS
    + r""")\s+)?(?P<ofmonth>monats?|month)\b))?"""
)
ASAP = compile_pattern(r"""\b(?:so\s+(?:schnell|bald|frueh)\s+wie\s+(?:moeglich|es\s+geht)
    |schnellstmoeglich|baldmoeglichst
    |naechstmoeglich\w*|moeglichst\s+(?:bald|schnell|frueh)|fruehestmoeglich\w*|asap
    |as\s+(?:soon|early)\s+as\s+possible|earliest(?:\s+possible)?|(?:next|first)\s+(?:available|free)
    |(?:der|den|dem)\s+naechsten?\s+freien?)\b""")
# "zwischen den Jahren": the working days between Christmas and New Year, 27-31 December.
BETWEEN_YEARS = compile_pattern(r"\b(?:zwischen|between)\s+(?:den|the)\s+jahren?\b|\bbetween\s+the\s+years\b")
# "egal wann", "jederzeit", "any time", "whenever suits": no wish at all, said alone, is the next free
# time (as "so bald wie möglich"); "Freitag, egal wann" keeps the Friday (the pattern spans the phrase)
ANY_TIME = compile_pattern(r"""^\s*(?:(?:also|ja|mir|ist|its|it\s+is|really|ganz|echt)\s+)*
    (?:egal\s+wann|wann\s+(?:auch\s+)?immer|jederzeit|irgendwann|ist\s+(?:mir\s+)?egal|any\s*time|whenever
    |whatever\s+(?:suits|works)|doesnt\s+matter|dont\s+mind)
    (?:\s+(?:passt|geht|ist\s+(?:mir\s+)?recht|(?:is\s+)?fine|works|suits|you\s+have|ihnen\s+passt))*\s*$""")
NOW = compile_pattern(r"\b(?:jetzt|sofort|right\s+now|right\s+away|now)\b")
