"""Text normalisation shared by every NLU part.

Callers' words reach us as a speech recogniser or an LLM wrote them: mixed case, umlauts or their
ASCII spellings ("Faerbung"), ß or "ss", umlauts composed ("ä", U+00E4) or decomposed ("a" + U+0308),
stray control characters, very long strings. All matching in this package works on one *folded*
form so that "Färbung", "Faerbung", "Fa\u0308rbung" and "FÄRBUNG" are equal: lower case, ä→ae ö→oe
ü→ue ß→ss, other accents stripped (é→e), no control characters.

Unicode normal form C (composed, as the Unicode standard's UAX #15 defines it) is the form every text
argument is read in: the edge applies :func:`nfc_arguments` once to the arguments of a request
(CONTRACT section 14), and :func:`clean_input` and :func:`fold` apply :func:`nfc` again so the NLU
functions are right whoever calls them. `fold` and `nfc` are the `textfold` package's (the one rule,
shared with booking_core, which may not import nlu).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from textfold import fold as fold  # the folding rule, shared with booking_core (re-exported)
from textfold import nfc as nfc

#: Inputs are capped: nothing a caller says in one field needs more, and regexes stay fast.
MAX_INPUT_CHARS = 500

_SPACES = re.compile(r"\s+")


def nfc_arguments(value: Any) -> Any:
    """Every string inside ``value`` (dict keys and values, list items, nested) in normal form C;
    anything else unchanged. For a request's arguments as parsed from JSON."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_arguments(k): nfc_arguments(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc_arguments(v) for v in value]
    return value


def clean_input(text: object, limit: int = MAX_INPUT_CHARS) -> str:
    """Return ``text`` as a safe ``str`` in normal form C: non-strings become "", control and
    format characters become spaces, length is capped at ``limit``. Never raises."""
    if not isinstance(text, str):
        return ""
    text = nfc(text[:limit])[:limit]
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
