"""The working text the date/time grammar reads: preparation, mentions, and the blanking scanner.

The text is folded (:mod:`nlu.normalize`), punctuation tidied, compounds split and number words made
digits (:mod:`nlu.numbers`). Patterns then run in priority order over a working copy; each hit is
recorded as a :class:`Mention` and blanked out so that a later, looser pattern cannot read it again
("5. Dezember" is a date before "5" can be an hour).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from nlu.calendar_words import GERMAN_WEEKDAYS
from nlu.day_counts import rewrite_day_counts
from nlu.normalize import clean_input, fold, squash_spaces
from nlu.numbers import words_to_digits

Category = Literal["day", "time"]


@dataclass
class Mention:
    """One recognised piece of the phrase. ``cat`` is "day" or "time"; ``type`` says which
    pattern read it ("dm", "weekday", "rel", "named", "clock", "part", ...); ``data`` holds the
    values read (numbers, modifiers); ``start``/``end`` are offsets in the prepared text."""

    cat: Category
    type: str
    start: int
    end: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scan:
    """The result of scanning one phrase: the prepared text and its mentions in text order."""

    text: str
    days: list[Mention]
    times: list[Mention]


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a grammar pattern (verbose mode: whitespace in the pattern is layout)."""
    return re.compile(pattern, re.X)


# --- preparation -------------------------------------------------------------------------------

_PUNCT = re.compile(r"[,;!?()\[\]{}\"“”„«»<>|*_=~`´]")
_APOS = re.compile(r"['’‘]")
_LETTER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])|(?<=[a-z])-(?=\s)|(?<=\s)-(?=[a-z])")
_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?(?=\s|$)")
_COMPOUND_PART = re.compile(
    r"\b(" + "|".join(GERMAN_WEEKDAYS) + r"|heute|gestern)"
    r"(morgen|vormittag|mittag|nachmittag|abend|frueh|nacht)(s?)\b"
)
# "Montag morgen", "heute Morgen", "am Morgen": the noun (morning), not the adverb (tomorrow).
_MORGEN_AS_MORNING = re.compile(r"\b(" + "|".join(GERMAN_WEEKDAYS) + r"|heute|morgen|am|jeden)\s+morgen\b")
# "3 p m", "10 30 a m": speech-to-text spells am/pm as two letters; after a number they are am/pm.
_SPACED_MERIDIEM = re.compile(r"(?<=\d)\s*\b([ap])\s+m\b")
# Comparative bounds said as the bound words the grammar reads: "nicht später als 16 Uhr" / "no later
# than 4" = "spätestens", "nicht früher als" = "frühestens", "später als 4" / "later than 4" = after 4.
_COMPARATIVE_BOUNDS = (
    (re.compile(r"\b(?:nicht|no|not)\s+(?:spaeter|later)\s+(?:als|than)\b"), "spaetestens"),
    (re.compile(r"\b(?:nicht|no|not)\s+(?:frueher|earlier)\s+(?:als|than)\b"), "fruehestens"),
    (re.compile(r"\b(?:spaeter|later)\s+(?:als|than)\b"), "nach"),
    (re.compile(r"\b(?:frueher|earlier)\s+(?:als|than)\b"), "vor"),
)
# "4ish", "tomorrow @ 3", "3 o clock": what transcripts and LLMs write for "around 4", "at 3", "3 o'clock".
_ISH = re.compile(r"\b(\d{1,2}(?::\d{2})?)\s?ish\b")
_AT_SIGN = re.compile(r"\s@\s?")
_O_CLOCK = re.compile(r"\bo\s+clock\b")
_SENTENCE_DOT = re.compile(r"(?<=[a-z])\.(?=\s|$)")


def prepare(text: object) -> str:
    """Fold, tidy punctuation, split compounds, convert number words, and say day counts in weeks
    ("in acht Tagen" -> "in 1 woche", see :mod:`nlu.day_counts`). Pure and fast."""
    s = fold(clean_input(text))
    s = _APOS.sub("", s)
    s = _O_CLOCK.sub("oclock", _AT_SIGN.sub(" at ", _ISH.sub(r"around \1", s)))
    s = _MERIDIEM.sub(r"\1m", s)
    s = _PUNCT.sub(" ", s)
    s = _LETTER_HYPHEN.sub(" ", s)
    s = _SENTENCE_DOT.sub(" ", s)
    s = _COMPOUND_PART.sub(r"\1 \2\3", s)
    s = _MORGEN_AS_MORNING.sub(r"\1 vormorgens", s)
    for pattern, bound in _COMPARATIVE_BOUNDS:
        s = pattern.sub(bound, s)
    s = words_to_digits(s)
    s = _SPACED_MERIDIEM.sub(r" \1m", s)
    s = rewrite_day_counts(s)
    return squash_spaces(s)


# --- the scanner ---------------------------------------------------------------------------------


class Work:
    """The working copy of the text: hits are blanked so later patterns skip them."""

    __slots__ = ("buf", "days", "orig", "times")

    def __init__(self, text: str) -> None:
        self.orig = text
        self.buf = text
        self.days: list[Mention] = []
        self.times: list[Mention] = []

    def take(
        self,
        cat: Category,
        type_: str,
        m: re.Match[str],
        data: dict[str, Any],
        start: int | None = None,
        end: int | None = None,
    ) -> Mention:
        """Record a mention over ``m`` (or ``start``..``end``) and blank that span."""
        s = m.start() if start is None else start
        e = m.end() if end is None else end
        self.buf = self.buf[:s] + " " * (e - s) + self.buf[e:]
        mention = Mention(cat, type_, s, e, data)
        (self.days if cat == "day" else self.times).append(mention)
        return mention

    def run(self, pattern: re.Pattern[str], handler: Handler) -> None:
        """Apply ``handler`` to every match of ``pattern`` in the (blanked) working text."""
        pos = 0
        while True:
            m = pattern.search(self.buf, pos)
            if m is None:
                return
            if m.end() == m.start() or not self.buf[m.start() : m.end()].strip():
                pos = m.end() + 1
                continue
            if not handler(self, m):
                pos = m.start() + 1
            else:
                pos = m.end()
            if pos > len(self.buf):
                return


#: Reads one match into a mention; returning False leaves the text untouched.
Handler = Callable[[Work, re.Match[str]], bool]
Passes = tuple[tuple[re.Pattern[str], Handler], ...]


def to_int(value: str | None) -> int | None:
    """A number as read: digits, or "a"/"an" (one); None when absent or not a number."""
    if value is None or value in ("a", "an"):
        return 1 if value else None
    try:
        return int(value)
    except ValueError:
        return None
