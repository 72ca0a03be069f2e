"""The clock grammar's patterns: the regular expressions for times of day, parts of the day and
offsets from now ("halb drei", "quarter to four", "um 15.30 Uhr", "9 in the morning", "nach
Feierabend", "in einer Stunde"), compiled in verbose mode. :mod:`nlu.clock_grammar` reads their
matches into mentions, in the order of its ``TIME_PASSES``.
"""

from __future__ import annotations

from nlu.grammar_text import compile_pattern

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
    |nach\s+(?:dem\s+)?feierabend|nach\s+der\s+arbeit|after\s+(?:work|office\s+hours|the\s+office)
    |heute\s+nacht|nachts|at\s+night|night)\b""")
# "9 in the morning", "five thirty in the evening", "morgen sieben abends": a bare hour right before a
# part of the day is a clock time (the part, read afterwards by PART, picks its 12-hour reading).
C_BEFORE_PART = compile_pattern(
    r"\b(?P<H>\d{1,2})(?:\s(?P<M>\d{2}))?"
    r"(?=\s+(?:in\s+the\s+|at\s+)?(?:morning|afternoon|evening|night|morgens|vormittags|nachmittags|abends|nachts)\b)"
)
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
