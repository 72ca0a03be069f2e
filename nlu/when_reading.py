"""Shared pieces of reading a when-phrase: calendar arithmetic, the word that governs a mention
("ab", "bis", "zwischen"), negation ("nicht Montag", "Montag geht nicht"), and the values passed
between :mod:`nlu.when_days`, :mod:`nlu.when_times` and :mod:`nlu.when`.
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlu.grammar_text import Mention


def days_in(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def add_months(d: date, n: int) -> date:
    month0 = d.month - 1 + n
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    return date(year, month, min(d.day, days_in(year, month)))


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


_LEAD_FILLERS = frozenset(
    "like so etwa ca ca. circa ungefaehr about around approximately gegen um at erst dann ja mal gerne "
    "lieber dem der den the noch schon auch liebsten besten irgendwann maybe vielleicht zum zur am on "
    "also naja eher rather just only nur".split()
)
START_LEADS = frozenset("ab nach after from seit fruehestens starting since".split())
END_LEADS = frozenset("bis vor before until till til by spaetestens".split())
RANGE_LEADS = frozenset("zwischen between von vom from".split())
# "außer Montag", "except Monday", "apart from Monday", "bis auf Montag": the day is excluded, as "nicht"
_NEGATIONS = frozenset("nicht not kein keinen keine nie never statt anstatt anstelle ausser except excluding".split())
_NEGATION_PAIRS = frozenset(
    {("instead", "of"), ("rather", "than"), ("apart", "from"), ("other", "than"), ("bis", "auf"), ("but", "not")}
)


def lead_word(text: str, m: Mention) -> tuple[str | None, bool]:
    """The word that governs a mention ("ab", "bis", "zwischen"...), skipping fillers, and whether
    it is negated ("nicht vor 10" = from 10)."""
    first = text[m.start : m.end].split()[:1]
    if first and first[0] in ("vom", "von", "ab", "bis", "from"):
        return first[0], False
    words = text[: m.start].split()[-5:]
    while words and words[-1] in _LEAD_FILLERS:
        words.pop()
    if not words:
        return None, False
    lead = words[-1]
    if lead in ("als", "than") and len(words) >= 2:  # "später als 10", "earlier than 5"
        comp = words[-2]
        if comp in ("spaeter", "later"):
            return "ab", False
        if comp in ("frueher", "earlier"):
            return "bis", False
    negated = len(words) >= 2 and words[-2] in _NEGATIONS
    return lead, negated


_NEGATED_BOUND = {"vor": "ab", "before": "ab", "nach": "bis", "after": "bis"}


def bound_word(text: str, m: Mention) -> str | None:
    """The governing word of :func:`lead_word` with a negated bound turned round: "nicht vor 10"
    is "ab 10", "not after Friday" is "bis Friday"."""
    lead, negated = lead_word(text, m)
    return _NEGATED_BOUND.get(lead, lead) if negated and lead is not None else lead


_POST_NEG = re.compile(
    r"^\s*(?:geht|passt|klappt|kann\s+ich|koennte\s+ich|ist|is|works?|would\s+work)?\s*(?:leider\s+|bei\s+mir\s+)?"
    r"(?:nicht|not|doesnt|dont|cant|wont|isnt|schlecht|no)\b(?!\s+(?:vor|nach|before|after|frueher|spaeter|earlier"
    r"|later|so|zu|too))"
)


def is_negated(text: str, m: Mention) -> bool:
    """Is the mention rejected by the caller? "nicht Montag", "Montag geht nicht", "statt um 10",
    "instead of Monday"."""
    words = text[: m.start].split()[-3:]
    if words and (words[-1] in _NEGATIONS or tuple(words[-2:]) in _NEGATION_PAIRS):
        return True
    if (
        len(words) >= 2
        and words[-1] in ("am", "on", "um", "at", "den", "the")
        and (words[-2] in _NEGATIONS or tuple(words[-3:-1]) in _NEGATION_PAIRS)
    ):
        return True
    return bool(_POST_NEG.match(text, m.end))


def drop_negated(text: str, mentions: list[Mention]) -> list[Mention]:
    kept = [m for m in mentions if not is_negated(text, m)]
    return kept if kept else mentions


class Unresolvable(Exception):
    """A phrase that names an impossible or unresolvable day/time; carries the issue."""

    def __init__(self, issue: str, alternatives: tuple[date, ...] = ()) -> None:
        super().__init__(issue)
        self.issue = issue
        self.alternatives = alternatives


@dataclass
class DaySpan:
    start: date
    end: date  # exclusive
    from_now: str | None = None  # "asap" | "now"

    @property
    def single(self) -> bool:
        return self.end - self.start == timedelta(days=1) and self.from_now is None


def gap_words(text: str, a: Mention, b: Mention) -> list[str]:
    """The words between two mentions (a marker when they overlap)."""
    return text[a.end : b.start].split() if a.end <= b.start else ["<overlap>"]
