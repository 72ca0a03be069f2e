"""Our grammar for spoken German and English dates and times: text -> *mentions*.

This module only finds and reads the pieces ("morgen", "nächsten Dienstag", "halb drei",
"zwischen zwei und vier", "Ende nächster Woche", "Ostermontag"); :mod:`nlu.when` decides what they
mean together (which day, which of 3 and 15 o'clock, past-date repair). Keeping the two apart keeps
each small.

How it works: the text is prepared (:mod:`nlu.grammar_text`: folded, number words as digits, day
counts in weeks), then precompiled patterns run in priority order, most specific first: an offset
from now ("in 1.5 Stunden"), the day patterns (:mod:`nlu.day_grammar`), then the clock patterns
(:mod:`nlu.clock_patterns`, read by :mod:`nlu.clock_grammar`). Each hit is blanked out of the
working text so that a later, looser pattern cannot read it again. Everything a pattern does not
know - fillers, false starts, small talk - is simply never matched.
"""

from __future__ import annotations

from nlu.calendar_words import MONTHS, WEEKDAY_ABBR, WEEKDAYS
from nlu.clock_grammar import TIME_PASSES, connect_bare_numbers, h_offset, h_whole
from nlu.clock_patterns import C_WHOLE, OFFSET
from nlu.day_grammar import DAY_PASSES, h_now, h_slash
from nlu.day_patterns import DM_NODOT, NOW, SLASH
from nlu.day_phrases import WD_SHORT_DE
from nlu.grammar_text import Mention, Scan, Work, prepare


def scan(text: object, lang: str = "de") -> Scan:
    """Prepare ``text`` and read every date/time mention in it."""
    prepared = prepare(text)
    w = Work(prepared)
    w.run(OFFSET, h_offset)  # first: "in 1.5 stunden" is not the 1st of May
    for pattern, handler in DAY_PASSES:
        if (pattern is DM_NODOT or pattern is WD_SHORT_DE) and lang == "en":
            continue
        w.run(pattern, handler)
    w.run(SLASH, h_slash)
    for pattern, handler in TIME_PASSES:
        w.run(pattern, handler)
    if w.times:
        connect_bare_numbers(w)
    if not w.times and not w.days:
        w.run(C_WHOLE, h_whole)
    if not w.days and not w.times:
        w.run(NOW, h_now)
    w.days.sort(key=lambda x: x.start)
    w.times.sort(key=lambda x: x.start)
    return Scan(prepared, w.days, w.times)


__all__ = ["MONTHS", "WEEKDAYS", "WEEKDAY_ABBR", "Mention", "Scan", "prepare", "scan"]
