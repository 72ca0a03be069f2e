"""Text normalisation shared by every NLU part.

Callers' words reach us as a speech recogniser or an LLM wrote them: mixed case, umlauts or their
ASCII spellings ("Faerbung"), ß or "ss", stray control characters, very long strings. All matching
in this package works on one *folded* form so that "Färbung", "Faerbung" and "FÄRBUNG" are equal:
lower case, ä→ae ö→oe ü→ue ß→ss, other accents stripped (é→e), no control characters.
"""

from __future__ import annotations

import re
import unicodedata

from textfold import fold as fold  # the folding rule, shared with booking_core (re-exported)

#: Inputs are capped: nothing a caller says in one field needs more, and regexes stay fast.
MAX_INPUT_CHARS = 500

_SPACES = re.compile(r"\s+")


def clean_input(text: object, limit: int = MAX_INPUT_CHARS) -> str:
    """Return ``text`` as a safe ``str``: non-strings become "", control and format characters
    become spaces, length is capped at ``limit``. Never raises."""
    if not isinstance(text, str):
        return ""
    text = text[:limit]
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "C" or cat in ("Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def squash_spaces(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()
