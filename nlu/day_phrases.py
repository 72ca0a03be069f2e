"""Day phrases with handlers of their own, kept out of :mod:`nlu.day_grammar` (which is long enough):

* German weekday short forms outside a written date: "Do um 10", "Mo 14 Uhr", "Fr. nachmittags",
  "nächsten Di" (before a date, "Di. 8.12.", ``WD_ABBR`` in :mod:`nlu.day_patterns` reads them);
* "zwischen den Jahren" (``BETWEEN_YEARS``): a "between_years" mention, 27-31 December;
* "egal wann", "jederzeit", "any time" said alone (``ANY_TIME``): an "asap" mention;
* "in den nächsten Tagen", "die nächsten paar Tage", "in the next few days", "over the coming days"
  (``COMING_DAYS``): a "coming_days" mention of ``n`` days after today (a few 3, a couple 2, or the
  number said), resolved as today and those days; it was no day at all, so the caller was asked again.

A short form counts only where it cannot be another word: after "nächsten"/"diesen"/"übernächsten",
or right before a time ("um 10", "14 Uhr", "nachmittags"). "So" is left out (German "so um 10" is
"around 10"), and the pass runs for German calls only (English "do 10" is no Thursday).
"""

from __future__ import annotations

import re

from nlu.calendar_words import AFTERNEXT, NEXT, THIS, WEEKDAY_ABBR
from nlu.grammar_text import Work, compile_pattern

_SHORT = r"mo|di|mi|do|fr|sa"

_COMING_COUNT = {"paar": 3, "beiden": 2, "zwei": 2, "drei": 3, "couple": 2, "few": 3, "two": 2, "three": 3}
COMING_DAYS = compile_pattern(
    r"""\b(?:(?:in|an)\s+den\s+|die\s+)?(?:naechsten|kommenden|folgenden)\s+(?:(?P<de>paar|beiden|zwei|drei|[23])\s+)?tagen?\b
    |\b(?:(?:in|over|within|during)\s+)?(?:the\s+)?(?:next|coming)\s+(?:(?P<en>few|couple|two|three|[23])\s+(?:of\s+)?)?days\b"""
)
WD_SHORT_DE = compile_pattern(
    r"""\b(?P<mod>"""
    + AFTERNEXT
    + "|"
    + NEXT
    + "|"
    + THIS
    + r""")\s+(?P<wd1>"""
    + _SHORT
    + r""")\b
    |\b(?P<wd2>"""
    + _SHORT
    + r""")\b(?=\s+(?:(?:um|ab|gegen|bis|zwischen|von|so|ca)\s+)?\d
        |\s+(?:vormittags?|nachmittags?|mittags?|abends?|morgens|vormorgens|frueh)\b)"""
)


def h_wd_short_de(w: Work, m: re.Match[str]) -> bool:
    """A weekday mention from a short form (mode as for the full name)."""
    mod = m.group("mod")
    mode = (
        "bare"
        if not mod
        else "afternext"
        if mod.startswith("uebernaechst")
        else "this"
        if mod.startswith(("diese", "this"))
        else "next"
    )
    wd = WEEKDAY_ABBR[m.group("wd1") or m.group("wd2")]
    w.take("day", "weekday", m, {"wd": wd, "mode": mode, "weeks": 0})
    return True


def h_between_years(w: Work, m: re.Match[str]) -> bool:
    """ "zwischen den Jahren": the days between Christmas and New Year."""
    w.take("day", "between_years", m, {})
    return True


def h_any_time(w: Work, m: re.Match[str]) -> bool:
    """No time preference, said alone, is "as soon as possible"; said with a day ("Freitag, egal
    wann"), nothing (the day stays)."""
    said_alone = w.buf == w.orig and not w.orig[: m.start()].strip() and not w.orig[m.end() :].strip()
    if not said_alone:
        return False
    w.take("day", "asap", m, {})
    return True


def h_coming_days(w: Work, m: re.Match[str]) -> bool:
    """ "in den nächsten Tagen", "the next couple of days": today and the next ``n`` days."""
    said = m.group("de") or m.group("en")
    n = 3 if said is None else int(said) if said.isdigit() else _COMING_COUNT[said]
    w.take("day", "coming_days", m, {"n": n})
    return True
