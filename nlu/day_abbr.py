"""German weekday short forms outside a written date: "Do um 10", "Mo 14 Uhr", "Fr. nachmittags",
"nächsten Di". (Before a date, "Di. 8.12.", they are read by ``WD_ABBR`` in :mod:`nlu.day_patterns`.)

A short form counts only where it cannot be another word: after "nächsten"/"diesen"/"übernächsten",
or right before a time ("um 10", "14 Uhr", "nachmittags"). "So" is left out (German "so um 10" is
"around 10"), and the pass runs for German calls only (English "do 10" is no Thursday).
"""

from __future__ import annotations

import re

from nlu.calendar_words import AFTERNEXT, NEXT, THIS, WEEKDAY_ABBR
from nlu.grammar_text import Work, compile_pattern

_SHORT = r"mo|di|mi|do|fr|sa"
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
