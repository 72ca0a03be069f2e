"""The one rule for comparing spoken and stored words, shared by `nlu` and `booking_core`.

A leaf: imports nothing of ours, so both packages may use it without knowing each other (DESIGN: nlu
and booking_core never import one another). Callers' words arrive as a speech recogniser or an LLM
wrote them ("Müller", "MUELLER", "Mueller"); everything that matches words compares the `fold`ed
form: case folded, ä→ae ö→oe ü→ue ß→ss (the German spelling without umlauts, so "Mueller" equals
"Müller"), other accents stripped (é→e). Customer names (`name_tokens`) are compared a step looser on
top of that fold: an umlaut's "e" may be missing too ("Muller").
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "name_tokens", "nfc"]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ẞ": "ss"})


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C: "Jo\u0308rg" (o + combining diaeresis) -> "Jörg"."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, fold umlauts/ß to their ASCII spellings, strip other diacritics.

    "Ansatzfärbung" -> "ansatzfaerbung", "Fa\u0308rben" -> "faerben", "Dreißig" -> "dreissig",
    "Ombré" -> "ombre".
    """
    text = nfc(text).translate(_UMLAUTS).casefold()
    # casefold() (Unicode's caseless matching: "ΣΊΣΥΦΟΣ" and "σίσυφος" alike) may create new umlauts only
    # from upper-case forms already mapped above.
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.translate(_UMLAUTS)
    return text


_LOOSE_UMLAUTS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def name_tokens(text: str) -> list[str]:
    """The words of a person's name for comparing, punctuation dropped, and an umlaut's spelling
    loosened after folding: "Müller", "MUELLER" and "Muller" all give ["muller"] (a recogniser writing
    an English "Muller" for a German "Müller" still finds the customer). "Anne-Marie Jäger" ->
    ["anne", "marie", "jager"]."""
    folded = fold(text)
    for spelled, loose in _LOOSE_UMLAUTS:
        folded = folded.replace(spelled, loose)
    return "".join(c if c.isalnum() else " " for c in folded).split()
