"""Phone numbers said as words -> digits, German and English.

Speech recognisers often hand a dictated number over as words: "null eins sechs null, zwo drei vier",
"null eins sieben doppel drei, vierundfünfzig" (Germans group digits in pairs), "oh seven seven
double nine, triple one". :func:`spoken_digits` turns such a phrase into the digits said, in order,
so that the edge can read it as a phone number; what is not a number word ("meine Nummer ist") is
dropped. Text without number words (or with fewer than three digits) is returned unchanged:
"0151 2345678" stays as written, and "die Nummer, von der ich anrufe" has no digits at all (the
edge then uses the caller's number).
"""

from __future__ import annotations

import re

from nlu.normalize import clean_input, fold
from nlu.numbers import words_to_digits

#: Words for the digit 0 that the number grammar does not convert (it has no use for zero).
_ZERO = frozenset({"null", "zero", "oh", "o", "nil"})
#: "doppel drei" = 33, "triple one" = 111.
_REPEAT = {"doppel": 2, "doppelt": 2, "double": 2, "dreifach": 3, "triple": 3}
#: Fewer digits than this said as words are no number being dictated.
MIN_DIGITS = 3
_PLUS = frozenset({"plus", "+"})
_TOKEN = re.compile(r"\+|\d+|[a-z]+")
_NUMBER_WORD = re.compile(r"[a-z]")


def spoken_digits(text: object) -> str | None:
    """The digits of a number said as words ("null eins fünf eins" -> "0151"; a leading "plus" is
    kept as "+"), or ``text`` unchanged when it holds no number words. None for a non-string."""
    if not isinstance(text, str):
        return str(text) if isinstance(text, int) and not isinstance(text, bool) else None
    folded = fold(clean_input(text))
    if not _NUMBER_WORD.search(folded):
        return text  # digits and punctuation only: as written
    converted = words_to_digits(folded)
    out: list[str] = []
    repeat = 1
    spoken = False
    for token in _TOKEN.findall(converted):
        if token in _REPEAT:
            repeat = _REPEAT[token]
            continue
        if token in _ZERO:
            token, spoken = "0", True
        elif token in _PLUS:
            if not out:
                out.append("+")
            continue
        elif not token.isdigit():
            repeat = 1
            continue
        elif token not in folded.split():
            spoken = True  # a number word the grammar made digits
        out.append(token * repeat if len(token) == 1 else token)
        repeat = 1
    digits = "".join(out)
    if not spoken or sum(ch.isdigit() for ch in digits) < MIN_DIGITS:
        return text  # "the one I'm calling from": a word, not a number said
    return digits


__all__ = ["spoken_digits"]
