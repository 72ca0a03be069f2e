"""Kölner Phonetik (Cologne phonetics): a German sound code for names.

Speech recognisers spell names by ear ("Mayer"/"Meier"/"Maier", "Schulz"/"Schultz"). The code maps
names that sound alike to the same digits. We use it only as a tie-breaker between candidates
the fuzzy matcher already found, never to match on its own: short codes collide too often.
"""

from __future__ import annotations

from functools import lru_cache

from nlu.normalize import fold

_GROUPS = {
    **dict.fromkeys("aeijouy", "0"),
    "h": "",
    "b": "1",
    **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"),
    "l": "5",
    **dict.fromkeys("mn", "6"),
    "r": "7",
    **dict.fromkeys("sz", "8"),
}


def _code_char(prev: str, ch: str, nxt: str) -> str:
    # prev/nxt are "" at the word's edges; "" is *in* every string, so map it to a non-letter.
    prev, nxt = prev or "#", nxt or "#"
    if ch in _GROUPS:
        return _GROUPS[ch]
    if ch == "p":
        return "3" if nxt == "h" else "1"
    if ch in "dt":
        return "8" if nxt in "csz" else "2"
    if ch == "x":
        return "8" if prev in "ckq" else "48"
    if ch == "c":
        if prev == "#":
            return "4" if nxt in "ahkloqrux" else "8"
        if prev in "sz":
            return "8"
        return "4" if nxt in "ahkoqux" else "8"
    return ""


@lru_cache(maxsize=4096)
def cologne(word: str) -> str:
    """The Kölner Phonetik code of ``word`` ("Müller" -> "657", "Meier" == "Mayer" -> "67")."""
    letters = [
        c for c in fold(word).replace("ae", "a").replace("oe", "o").replace("ue", "u").replace("ss", "s") if c.isalpha()
    ]
    raw = []
    for i, ch in enumerate(letters):
        prev = letters[i - 1] if i else ""
        nxt = letters[i + 1] if i + 1 < len(letters) else ""
        raw.append(_code_char(prev, ch, nxt))
    digits = "".join(raw)
    out: list[str] = []
    for d in digits:
        if not out or out[-1] != d:
            out.append(d)
    code = "".join(out)
    if not code:
        return ""
    return code[0] + code[1:].replace("0", "")
