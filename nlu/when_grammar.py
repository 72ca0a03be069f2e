"""Our grammar for spoken German and English dates and times: text -> *mentions*.

This module only finds and reads the pieces ("morgen", "nächsten Dienstag", "halb drei",
"zwischen zwei und vier", "Ende nächster Woche"); :mod:`nlu.when` decides what they mean together
(which day, which of 3 and 15 o'clock, past-date repair). Keeping the two apart keeps each small.

How it works: the text is folded (:mod:`nlu.normalize`), number words become digits
(:mod:`nlu.numbers`), then precompiled patterns run in priority order, most specific first. Each
hit is recorded as a :class:`Mention` and blanked out of the working text so that a later, looser
pattern cannot read it again ("5. Dezember" is a date before "5" can be an hour). Everything a
pattern does not know - fillers, false starts, small talk - is simply never matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlu.normalize import clean_input, fold, squash_spaces
from nlu.numbers import words_to_digits

WEEKDAYS: dict[str, int] = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonnabend": 5, "sonntag": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}
WEEKDAY_ABBR: dict[str, int] = {
    "mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6, "mon": 0, "tue": 1, "tues": 1,
    "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}
MONTHS: dict[str, int] = {
    "januar": 1, "jaenner": 1, "january": 1, "jan": 1, "februar": 2, "feber": 2, "february": 2,
    "feb": 2, "maerz": 3, "marz": 3, "march": 3, "mrz": 3, "mar": 3, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10,
    "okt": 10, "oct": 10, "november": 11, "nov": 11, "dezember": 12, "december": 12, "dez": 12,
    "dec": 12,
}

_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_NEXT = r"naechste[nmrs]?|kommende[nmrs]?|next|coming|upcoming"
_AFTERNEXT = r"uebernaechste[nmrs]?"
_THIS = r"diese[nmrs]?|this"
_PART = r"anfang|mitte|ende|early|mid|late|(?:the\s+)?(?:end|beginning|start|middle)\s+of"


@dataclass
class Mention:
    """One recognised piece of the phrase. ``cat`` is "day" or "time"; ``type`` says which
    pattern read it; ``data`` holds the values read (numbers, modifiers)."""

    cat: str
    type: str
    start: int
    end: int
    data: dict = field(default_factory=dict)


@dataclass
class Scan:
    """The result of scanning one phrase: the prepared text and its mentions in text order."""

    text: str
    days: list[Mention]
    times: list[Mention]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.X)


# --- preparation -------------------------------------------------------------------------------

_PUNCT = re.compile(r"[,;!?()\[\]{}\"“”„«»<>|*_=~`´]")
_APOS = re.compile(r"['’‘]")
_LETTER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])|(?<=[a-z])-(?=\s)|(?<=\s)-(?=[a-z])")
_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?(?=\s|$)")
_COMPOUND_PART = re.compile(
    r"\b(" + "|".join(k for k in WEEKDAYS if not k.endswith("day")) + r"|heute|gestern)"
    r"(morgen|vormittag|mittag|nachmittag|abend|frueh|nacht)(s?)\b"
)
# "Montag morgen", "heute Morgen", "am Morgen": the noun (morning), not the adverb (tomorrow).
_MORGEN_AS_MORNING = re.compile(
    r"\b(" + "|".join(k for k in WEEKDAYS if not k.endswith("day")) + r"|heute|morgen|am|jeden)\s+morgen\b"
)
_SENTENCE_DOT = re.compile(r"(?<=[a-z])\.(?=\s|$)")


def prepare(text: object) -> str:
    """Fold, tidy punctuation, split compounds, convert number words. Pure and fast."""
    s = fold(clean_input(text))
    s = _APOS.sub("", s)
    s = _MERIDIEM.sub(r"\1m", s)
    s = _PUNCT.sub(" ", s)
    s = _LETTER_HYPHEN.sub(" ", s)
    s = _SENTENCE_DOT.sub(" ", s)
    s = _COMPOUND_PART.sub(r"\1 \2\3", s)
    s = _MORGEN_AS_MORNING.sub(r"\1 vormorgens", s)
    s = words_to_digits(s)
    return squash_spaces(s)


# --- day patterns ------------------------------------------------------------------------------

ISO = _c(r"""\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
    (?:[t\s](?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?P<tz>z\b|[+-]\d{2}:?\d{2})?)?""")
YMD_SLASH = _c(r"\b(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b")
WD_ABBR = _c(r"\b(?P<wd>" + "|".join(sorted(WEEKDAY_ABBR, key=len, reverse=True)) + r")\.?\s+"
             r"(?=(?:den\s+|the\s+)?\d{1,2}\.\s?\d{1,2}\.|\d{4}-|\d{1,2}\.\s?(?:" + _MON + r")\b)")
DMY = _c(r"\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.(?:\s?(?P<y>\d{4})\b|(?P<y2>\d{2})\b(?!\s*(?:uhr|:)))?")
DM_NODOT = _c(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\b(?![.:\d]|\s?uhr|\s?h\b)")
SLASH = _c(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b")
D_MONTH = _c(r"\b(?P<d>\d{1,2})\.?\s*(?:of\s+)?(?P<mon>" + _MON + r")\b\.?(?:\s*(?P<y>\d{4})\b)?")
MONTH_D = _c(r"\b(?P<mon>" + _MON + r")\s+(?:the\s+)?(?P<d>\d{1,2})\.?"
             r"(?![\d:]|\s*(?:uhr|am|pm|h\b|oclock))(?:\s*(?P<y>\d{4})\b)?")
REL = _c(r"""(?:\b(?P<pre_n>a|an|\d+)\s+weeks?\s+(?:from|after)\s+)?
    \b(?P<rel>the\s+day\s+after\s+tomorrow|day\s+after\s+tomorrow|uebermorgen|heute|today|morgen|tomorrow|tmrw)\b
    (?:\s+in\s+(?P<post_n>\d+)\s+wochen?\b|\s+(?P<bweek>week)\b)?""")
WEEKDAY = _c(r"""(?:\b(?P<pre_n>a|an|\d+)\s+weeks?\s+(?:from|after|on)\s+(?:this\s+|next\s+)?)?
    (?:\b(?P<mod>""" + _AFTERNEXT + "|" + _NEXT + "|" + _THIS + r""")\s+)?
    \b(?P<wd>""" + _WD + r""")s?\b
    (?:\s+(?P<after>after\s+next))?
    (?:\s+in\s+(?P<post_n>\d+)\s+wochen?\b|\s+(?P<bweek>week)\b(?!\s*end))?""")
IN_N = _c(r"""\b(?:in|within|innerhalb(?:\s+von)?)\s+(?P<n>\d+|a|an)\s+
    (?P<u>tag|tagen|tage|days?|wochen?|weeks?|monat|monaten|monate|months?)\b
    |\b(?P<n2>\d+|a|an)\s+(?P<u2>days?|weeks?|months?)\s+from\s+(?:now|today)\b
    |\bin\s+(?P<fortnight>a\s+fortnight)\b""")
WEEKEND = _c(r"\b(?:(?P<which>" + _AFTERNEXT + "|" + _NEXT + "|" + _THIS + r")\s+)?(?:wochenende|weekend)\b")
WEEK = _c(r"""(?:\b(?P<part>""" + _PART + r""")\s+)?(?:irgendwann\s+)?(?:in\s+)?(?:der\s+|des\s+|the\s+)?
    (?:(?P<which>""" + _AFTERNEXT + "|" + _NEXT + "|" + _THIS + r""")\s+)?
    \b(?:woche|week)\b(?P<after>\s+after\s+next)?""")
MONTH_REL = _c(r"""(?:\b(?P<part>""" + _PART + r""")\s+)?(?:im\s+|in\s+)?(?:des\s+|der\s+|the\s+)?
    (?:(?P<which>""" + _AFTERNEXT + "|" + _NEXT + "|" + _THIS + r""")\s+)?
    \b(?:monats?|month)\b(?P<after>\s+after\s+next)?
    |\bmonats(?P<part2>anfang|mitte|ende)\b""")
MONTH_NAMED = _c(r"""(?:\b(?P<part>""" + _PART + r""")\s+|\b(?:im|in|during)\s+)
    (?P<mon>""" + _MON + r""")\b(?:\s+(?P<y>\d{4})\b)?""")
DOM = _c(r"\b(?:am|dem|den|zum|vom|der|on\s+the|on|the|for\s+the|by\s+the)\s+(?P<d>\d{1,2})\.(?!\d)")
DOM_NODOT = _c(r"\b(?:am|dem|den)\s+(?P<d>\d{1,2})\b(?![.:]\d|\s*(?:uhr|h\b|:|am\b|pm\b))")
ASAP = _c(r"""\b(?:so\s+(?:schnell|bald|frueh)\s+wie\s+(?:moeglich|es\s+geht)|schnellstmoeglich|baldmoeglichst
    |naechstmoeglich\w*|moeglichst\s+(?:bald|schnell|frueh)|fruehestmoeglich\w*|asap
    |as\s+(?:soon|early)\s+as\s+possible|earliest(?:\s+possible)?|(?:next|first)\s+(?:available|free)
    |(?:der|den|dem)\s+naechsten?\s+freien?)\b""")
NOW = _c(r"\b(?:jetzt|sofort|right\s+now|right\s+away|now)\b")

# --- time patterns -----------------------------------------------------------------------------

_MER = r"(?P<mer>[ap]m)\b"
C_COLON = _c(r"\b(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?(?:\s*uhr\b|\s*h\b)?(?:\s*" + _MER + ")?")
C_DOT_UHR = _c(r"\b(?P<H>\d{1,2})\.(?P<M>\d{2})\s*uhr\b|\b(?P<H2>\d{1,2})h(?P<M2>\d{2})\b")
C_HALF_REL = _c(r"\b(?P<N>\d{1,2}|kurz)\s+(?P<dir>vor|nach)\s+halb\s+(?P<H>\d{1,2})\b")
C_HALB = _c(r"\bhalb\s+(?P<H>\d{1,2})\b(?!\s*(?:stunde|std))")
C_DREIVIERTEL = _c(r"\b(?:dreiviertel|drei\s+viertel|3\s*viertel)\s+(?P<H>\d{1,2})\b")
C_VIERTEL_REL = _c(r"\bviertel\s+(?P<dir>nach|ueber|vor)\s+(?P<H>\d{1,2})\b")
C_VIERTEL = _c(r"\bviertel\s+(?P<H>\d{1,2})\b")
C_MIN_REL = _c(r"\b(?P<N>\d{1,2}|kurz)\s+(?:minuten\s+)?(?P<dir>vor|nach)\s+(?P<H>\d{1,2})\b"
               r"(?!\s*(?:tag|woche|monat|stunde|\.))")
C_EN_PAST = _c(r"\b(?P<N>half|a\s+quarter|quarter|\d{1,2})\s+(?:minutes\s+)?(?:past|after)\s+(?P<H>\d{1,2})\b")
C_EN_TO = _c(r"\b(?P<N>a\s+quarter|quarter|\d{1,2})\s+(?:minutes\s+)?(?:to|till|til|before|of)\s+(?P<H>\d{1,2})\b")
C_EN_HALF = _c(r"\bhalf\s+(?P<H>\d{1,2})\b")
C_UHR = _c(r"\b(?P<H>\d{1,2})\s*uhr\b(?:\s+(?P<M>\d{1,2})\b(?!\s*(?:uhr|[.:]\d)))?")
C_MERIDIEM = _c(r"\b(?P<H>\d{1,2})(?:[\s.](?P<M>\d{2}))?\s*" + _MER)
C_OCLOCK = _c(r"\b(?P<H>\d{1,2})\s*oclock\b")
PART = _c(r"""\b(?P<this>this\s+)?(?:(?:am|in\s+the|at|im\s+laufe\s+des|den\s+ganzen)\s+)?
    (?P<p>in\s+aller\s+frueh|frueh(?:morgens)?|early\s+(?:in\s+the\s+)?morning|vormittags?|vormorgens|morgens
    |mornings?|ueber\s+(?:die\s+)?mittag(?:szeit)?|mittags(?:zeit|pause)?|zur\s+mittagszeit|lunch\s*time|lunch
    |nachmittags?|afternoons?|after\s+lunch|nach\s+dem\s+mittagessen|abends?|evenings?|tonight
    |heute\s+nacht|nachts|at\s+night|night)\b""")
NOON = _c(r"\b(?:mittag|noon(?:ish)?|midday|12\s+mittags)\b")
MIDNIGHT = _c(r"\b(?:midnight|mitternacht)\b")
OFFSET = _c(r"""\b(?:in|within|innerhalb(?:\s+von)?)\s+(?:(?P<n>\d+(?:\.5)?|a|an)\s+)?
    (?P<half>halben?\s+|half\s+(?:an?\s+)?)?(?P<u>stunden?|std|hours?|minuten?|min|mins|minutes?|viertelstunde)\b
    (?P<andhalf>\s+and\s+a\s+half)?""")
_FILLER = r"(?:(?:like|so|etwa|ca\.?|circa|ungefaehr|about|around|approximately|gegen|um|at|erst|so)\s+)*"
_NOT_AFTER_NUMBER = (r"(?![.:]\d|\s*(?:tag|tage|tagen|days?|wochen?|weeks?|monat|monaten|monate|months?"
                     r"|jahre?n?|years?|stunden?|hours?|minuten|minutes?|mins?|mal|times|personen|leute"
                     r"|people|euro|eur|prozent)\b)")
C_TRIGGER = _c(r"\b(?:um|gegen|punkt|ca\.?|circa|etwa|ungefaehr|at|around|about|approximately|by|ab|bis|zwischen"
               r"|von|from|between|after|before|till|until|nach|vor|like|fruehestens|spaetestens)\s+"
               + _FILLER + r"(?P<H>\d{1,2})(?:[\s.](?P<M>\d{2}))?\b" + _NOT_AFTER_NUMBER)
C_AFTER_CONN = _c(r"\s*(?:und|and|bis|to|till|until|oder|or|-)\s*(?:um\s+|at\s+)?(?P<H>\d{1,2})(?::(?P<M>\d{2}))?\b"
                  + _NOT_AFTER_NUMBER)
C_BEFORE_CONN = _c(r"\b(?P<H>\d{1,2})(?::(?P<M>\d{2}))?\s*(?:und|and|bis|to|till|until|oder|or|-)\s*(?:um\s+|at\s+)?$")
C_WHOLE = _c(r"^\s*(?:um\s+|at\s+)?(?P<H>\d{1,2})(?:[\s.](?P<M>\d{2}))?\s*$")

_PART_NAMES = (
    ("early", ("frueh", "in aller frueh", "fruehmorgens", "early morning", "early in the morning")),
    ("midday", ("ueber mittag", "ueber die mittag", "mittags", "mittagszeit", "mittagspause",
                "zur mittagszeit", "lunch", "lunchtime", "lunch time", "ueber mittagszeit",
                "ueber die mittagszeit")),
    ("afternoon", ("nachmittag", "nachmittags", "afternoon", "afternoons", "after lunch",
                   "nach dem mittagessen")),
    ("evening", ("abend", "abends", "evening", "evenings", "tonight", "heute nacht", "nachts",
                 "at night", "night")),
)


def _part_name(word: str) -> str:
    word = squash_spaces(word)
    for name, words in _PART_NAMES:
        if word in words:
            return name
    return "morning"


class _Work:
    """The working copy of the text: hits are blanked so later patterns skip them."""

    __slots__ = ("orig", "buf", "days", "times")

    def __init__(self, text: str) -> None:
        self.orig = text
        self.buf = text
        self.days: list[Mention] = []
        self.times: list[Mention] = []

    def take(self, cat: str, type_: str, m: re.Match[str], data: dict,
             start: int | None = None, end: int | None = None) -> Mention:
        s = m.start() if start is None else start
        e = m.end() if end is None else end
        self.buf = self.buf[:s] + " " * (e - s) + self.buf[e:]
        mention = Mention(cat, type_, s, e, data)
        (self.days if cat == "day" else self.times).append(mention)
        return mention

    def run(self, pattern: re.Pattern[str], handler) -> None:
        pos = 0
        while True:
            m = pattern.search(self.buf, pos)
            if m is None:
                return
            if m.end() == m.start() or not self.buf[m.start():m.end()].strip():
                pos = m.end() + 1
                continue
            if not handler(self, m):
                pos = m.start() + 1
            else:
                pos = m.end()
            if pos > len(self.buf):
                return


def _int(value: str | None) -> int | None:
    if value is None or value in ("a", "an"):
        return 1 if value else None
    try:
        return int(value)
    except ValueError:
        return None


def _weeks_count(m: re.Match[str]) -> int:
    if m.group("pre_n"):
        return _int(m.group("pre_n")) or 1
    if m.group("post_n"):
        return _int(m.group("post_n")) or 1
    if m.group("bweek"):
        return 1
    return 0


def _mod_kind(mod: str | None) -> str:
    if not mod:
        return "bare"
    if mod.startswith("uebernaechst"):
        return "afternext"
    if mod.startswith(("diese", "this")):
        return "this"
    return "next"


# --- handlers: each reads one match into a mention; returning False leaves the text untouched -

def _h_iso(w: _Work, m: re.Match[str]) -> bool:
    data = {"y": int(m.group("y")), "m": int(m.group("m")), "d": int(m.group("d"))}
    if m.group("H") is not None:
        w.take("day", "dm", m, data, end=m.start("H") - 1)
        w.take("time", "clock", m, {"h": int(m.group("H")), "m": int(m.group("M")), "formal": True,
                                    "tz": m.group("tz")}, start=m.start("H"))
    else:
        w.take("day", "dm", m, data)
    return True


def _h_ymd_slash(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "dm", m, {"y": int(m.group("y")), "m": int(m.group("m")), "d": int(m.group("d"))})
    return True


def _h_wd_abbr(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "weekday", m, {"wd": WEEKDAY_ABBR[m.group("wd")], "mode": "bare", "weeks": 0})
    return True


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    y = int(value)
    return y + 2000 if len(value) == 2 else y


def _h_dmy(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "dm", m, {"y": _year(m.group("y") or m.group("y2")), "m": int(m.group("m")),
                            "d": int(m.group("d"))})
    return True


def _h_dm_nodot(w: _Work, m: re.Match[str]) -> bool:
    d, mo = int(m.group("d")), int(m.group("m"))
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return False
    w.take("day", "dm", m, {"y": None, "m": mo, "d": d})
    return True


def _h_slash(w: _Work, m: re.Match[str], day_first: bool = True) -> bool:
    a, b = int(m.group("a")), int(m.group("b"))
    d, mo = (a, b) if day_first else (b, a)
    if mo > 12 and d <= 12:
        d, mo = mo, d
    w.take("day", "dm", m, {"y": _year(m.group("y")), "m": mo, "d": d})
    return True


def _h_named_date(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "dm", m, {"y": _year(m.group("y")), "m": MONTHS[m.group("mon")], "d": int(m.group("d"))})
    return True


def _h_rel(w: _Work, m: re.Match[str]) -> bool:
    rel = m.group("rel")
    offset = 0 if rel in ("heute", "today") else 1 if rel in ("morgen", "tomorrow", "tmrw") else 2
    w.take("day", "rel", m, {"offset": offset, "weeks": _weeks_count(m)})
    return True


def _h_weekday(w: _Work, m: re.Match[str]) -> bool:
    mode = "afternext" if m.group("after") else _mod_kind(m.group("mod"))
    weeks = _weeks_count(m)
    w.take("day", "weekday", m, {"wd": WEEKDAYS[m.group("wd")], "mode": mode, "weeks": weeks})
    return True


def _h_in_n(w: _Work, m: re.Match[str]) -> bool:
    if m.group("fortnight"):
        n, unit = 14, "d"
    else:
        n = _int(m.group("n") or m.group("n2")) or 0
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


def _h_weekend(w: _Work, m: re.Match[str]) -> bool:
    which = m.group("which")
    w.take("day", "weekend", m, {"offset": None if not which else _which(which)})
    return True


def _h_week(w: _Work, m: re.Match[str]) -> bool:
    if not (m.group("part") or m.group("which") or m.group("after")):
        return False
    w.take("day", "week", m, {"offset": _which(m.group("which"), bool(m.group("after"))),
                              "part": _part_of_period(m.group("part"))})
    return True


def _h_month_rel(w: _Work, m: re.Match[str]) -> bool:
    if m.group("part2"):
        w.take("day", "month", m, {"offset": 0, "month": None, "part": _part_of_period(m.group("part2"))})
        return True
    if not (m.group("part") or m.group("which") or m.group("after")):
        return False
    w.take("day", "month", m, {"offset": _which(m.group("which"), bool(m.group("after"))), "month": None,
                               "part": _part_of_period(m.group("part"))})
    return True


def _h_month_named(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "month", m, {"offset": None, "month": MONTHS[m.group("mon")], "year": _year(m.group("y")),
                               "part": _part_of_period(m.group("part"))})
    return True


def _h_dom(w: _Work, m: re.Match[str]) -> bool:
    d = int(m.group("d"))
    if not 1 <= d <= 31:
        return False
    w.take("day", "dm", m, {"y": None, "m": None, "d": d})
    return True


def _h_asap(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "asap", m, {})
    return True


def _h_now(w: _Work, m: re.Match[str]) -> bool:
    w.take("day", "now", m, {})
    return True


def _clock(w: _Work, m: re.Match[str], h: int, minute: int, **extra) -> bool:
    data = {"h": h, "m": minute, "formal": False}
    data.update(extra)
    w.take("time", "clock", m, data)
    return True


def _h_colon(w: _Work, m: re.Match[str]) -> bool:
    hs = m.group("H")
    # Zero-padded or two-digit hours ("07:00", "14:30") are formal values: no bare-hour rule.
    return _clock(w, m, int(hs), int(m.group("M")), formal=len(hs) == 2 and not m.group("mer"),
                  mer=m.group("mer"))


def _h_dot_uhr(w: _Work, m: re.Match[str]) -> bool:
    if m.group("H") is not None:
        return _clock(w, m, int(m.group("H")), int(m.group("M")))
    return _clock(w, m, int(m.group("H2")), int(m.group("M2")))


def _h_half_rel(w: _Work, m: re.Match[str]) -> bool:
    n = 5 if m.group("N") == "kurz" else int(m.group("N"))
    if n >= 30:
        return False
    base = (int(m.group("H")) - 1) * 60 + 30  # "halb drei" is 2:30
    total = base - n if m.group("dir") == "vor" else base + n
    return _clock(w, m, total // 60 % 24, total % 60, spoken12=True)


def _h_halb(w: _Work, m: re.Match[str]) -> bool:
    # German "halb drei" = half *to* three = 2:30 (unlike English "half three" = 3:30).
    return _clock(w, m, (int(m.group("H")) - 1) % 24, 30, spoken12=True)


def _h_dreiviertel(w: _Work, m: re.Match[str]) -> bool:
    return _clock(w, m, (int(m.group("H")) - 1) % 24, 45, spoken12=True)  # "dreiviertel drei" = 2:45


def _h_viertel_rel(w: _Work, m: re.Match[str]) -> bool:
    h = int(m.group("H"))
    if m.group("dir") == "vor":
        return _clock(w, m, (h - 1) % 24, 45, spoken12=True)
    return _clock(w, m, h, 15, spoken12=True)


def _h_viertel(w: _Work, m: re.Match[str]) -> bool:
    return _clock(w, m, (int(m.group("H")) - 1) % 24, 15, spoken12=True)  # regional "viertel drei" = 2:15


def _h_min_rel(w: _Work, m: re.Match[str]) -> bool:
    n = 5 if m.group("N") == "kurz" else int(m.group("N"))
    h = int(m.group("H"))
    if not 1 <= n <= 30 or h > 24:
        return False
    total = h * 60 - n if m.group("dir") == "vor" else h * 60 + n
    return _clock(w, m, total // 60 % 24, total % 60, spoken12=True)


def _en_minutes(token: str) -> int:
    token = token.replace("a ", "")
    return 30 if token == "half" else 15 if token == "quarter" else int(token)


def _h_en_past(w: _Work, m: re.Match[str]) -> bool:
    n = _en_minutes(m.group("N"))
    if not 1 <= n <= 30:
        return False
    return _clock(w, m, int(m.group("H")), n, spoken12=True)


_RANGE_LEADS = ("from", "between", "von", "zwischen")


def _h_en_to(w: _Work, m: re.Match[str]) -> bool:
    n = _en_minutes(m.group("N"))
    before = w.orig[:m.start()].split()
    if n not in (5, 10, 15, 20, 25) or (before and before[-1] in _RANGE_LEADS):
        return False  # "from 10 to 12" is a range, not 11:50
    total = int(m.group("H")) * 60 - n
    return _clock(w, m, total // 60 % 24, total % 60, spoken12=True)


def _h_en_half(w: _Work, m: re.Match[str]) -> bool:
    return _clock(w, m, int(m.group("H")), 30, spoken12=True)  # British "half two" = 2:30


def _h_uhr(w: _Work, m: re.Match[str]) -> bool:
    minute = int(m.group("M")) if m.group("M") else 0
    return _clock(w, m, int(m.group("H")), minute)


def _h_meridiem(w: _Work, m: re.Match[str]) -> bool:
    if m.group("mer") == "am":
        # German "um 9 am Montag": "am" is a preposition when a day follows.
        rest = w.orig[m.end():].split()
        if rest and (rest[0] in WEEKDAYS or rest[0] in ("dem", "den", "wochenende", "morgen", "vormittag",
                                                        "nachmittag", "abend") or rest[0][:1].isdigit()):
            return False
    minute = int(m.group("M")) if m.group("M") else 0
    return _clock(w, m, int(m.group("H")), minute, mer=m.group("mer"))


def _h_oclock(w: _Work, m: re.Match[str]) -> bool:
    return _clock(w, m, int(m.group("H")), 0)


def _h_part(w: _Work, m: re.Match[str]) -> bool:
    p = m.group("p")
    name = _part_name(p)
    today = p in ("tonight", "heute nacht") or bool(m.group("this"))  # "this afternoon" = today
    w.take("time", "part", m, {"part": name, "today": today})
    return True


def _h_noon(w: _Work, m: re.Match[str]) -> bool:
    # "Mittag" as a point ("morgen Mittag", "gegen Mittag", "around noon") is 12:00; "mittags" /
    # "über Mittag" / "lunchtime" are the 11-14 window (PART).
    w.take("time", "clock", m, {"h": 12, "m": 0, "formal": True, "noon": True})
    return True


def _h_midnight(w: _Work, m: re.Match[str]) -> bool:
    w.take("time", "clock", m, {"h": 0, "m": 0, "formal": True, "noon": True})
    return True


def _h_offset(w: _Work, m: re.Match[str]) -> bool:
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


def _h_trigger(w: _Work, m: re.Match[str]) -> bool:
    minute = int(m.group("M")) if m.group("M") else 0
    data = {"h": int(m.group("H")), "m": minute, "formal": False}
    w.take("time", "clock", m, data, start=m.start("H"))
    return True


def _h_whole(w: _Work, m: re.Match[str]) -> bool:
    minute = int(m.group("M")) if m.group("M") else 0
    w.take("time", "clock", m, {"h": int(m.group("H")), "m": minute, "formal": False}, start=m.start("H"))
    return True


_DAY_PASSES: tuple[tuple[re.Pattern[str], object], ...] = (
    (OFFSET, _h_offset),  # first: "in 1.5 stunden" is not the 1st of May
    (ISO, _h_iso),
    (YMD_SLASH, _h_ymd_slash),
    (WD_ABBR, _h_wd_abbr),
    (DMY, _h_dmy),
    (D_MONTH, _h_named_date),
    (MONTH_D, _h_named_date),
    (DM_NODOT, _h_dm_nodot),
    (REL, _h_rel),
    (WEEKDAY, _h_weekday),
    (IN_N, _h_in_n),
    (WEEKEND, _h_weekend),
    (WEEK, _h_week),
    (MONTH_REL, _h_month_rel),
    (MONTH_NAMED, _h_month_named),
    (DOM, _h_dom),
    (DOM_NODOT, _h_dom),
    (ASAP, _h_asap),
)

_TIME_PASSES: tuple[tuple[re.Pattern[str], object], ...] = (
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
)


def _connect_bare_numbers(w: _Work) -> None:
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
                w.take("time", "clock", after, {"h": int(after.group("H")), "m": minute, "formal": False},
                       start=after.start("H"))
                changed = True
                break
            before = C_BEFORE_CONN.search(w.buf, 0, clock.start)
            if before is not None:
                minute = int(before.group("M")) if before.group("M") else 0
                w.take("time", "clock", before, {"h": int(before.group("H")), "m": minute, "formal": False},
                       end=before.end("M") if before.group("M") else before.end("H"))
                changed = True
                break


def scan(text: object, lang: str = "de") -> Scan:
    """Prepare ``text`` and read every date/time mention in it."""
    prepared = prepare(text)
    w = _Work(prepared)
    for pattern, handler in _DAY_PASSES:
        if pattern is DM_NODOT and lang == "en":
            continue
        w.run(pattern, handler)
    w.run(SLASH, (lambda ww, mm: _h_slash(ww, mm, day_first=True)))
    for pattern, handler in _TIME_PASSES:
        w.run(pattern, handler)
    if w.times:
        _connect_bare_numbers(w)
    if not w.times and not w.days:
        w.run(C_WHOLE, _h_whole)
    if not w.days and not w.times:
        w.run(NOW, _h_now)
    w.days.sort(key=lambda x: x.start)
    w.times.sort(key=lambda x: x.start)
    return Scan(prepared, w.days, w.times)
