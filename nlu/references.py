"""Booking references as callers read them out: "K-7-M-2", "K7M2.", "k 7 m 2", "K wie Konrad,
sieben, M wie Martha, zwei", "Kilo Seven Mike Two", "Ka sieben Em zwei" -> "K7M2".

Case, spaces, dashes, dots and trailing punctuation are ignored (CONTRACT section 14). Words are read
as the characters they spell:

* the NATO/ICAO spelling alphabet (Alfa, Bravo, ... Zulu);
* the German spelling alphabets: DIN 5009 (2022, city names: Aachen, Berlin, ... Zwickau) and the
  traditional names still most used on the phone (Anton, Berta, ... Zacharias; Konrad for K as in
  Austria);
* German and English letter names ("Ka", "Em", "Ypsilon"; "Bee", "Aitch", "Zed");
* number words 0-99 in both languages (:mod:`nlu.numbers`), "doppel"/"double" repeating the next
  character;
* "K wie Konrad" / "K as in Kilo" / "K for Kilo": the letter once.

Words that only frame the reference ("Buchungsnummer", "ist", "my reference is") are dropped.
"""

from __future__ import annotations

import re

from nlu.normalize import clean_input, fold
from nlu.numbers import CARDINALS

_NATO = {
    "alfa": "A",
    "alpha": "A",
    "bravo": "B",
    "charlie": "C",
    "delta": "D",
    "echo": "E",
    "foxtrot": "F",
    "golf": "G",
    "hotel": "H",
    "india": "I",
    "juliett": "J",
    "juliet": "J",
    "kilo": "K",
    "lima": "L",
    "mike": "M",
    "november": "N",
    "oscar": "O",
    "papa": "P",
    "quebec": "Q",
    "romeo": "R",
    "sierra": "S",
    "tango": "T",
    "uniform": "U",
    "victor": "V",
    "whiskey": "W",
    "whisky": "W",
    "xray": "X",
    "yankee": "Y",
    "zulu": "Z",
}
_DIN_5009 = {
    "aachen": "A",
    "berlin": "B",
    "chemnitz": "C",
    "duesseldorf": "D",
    "essen": "E",
    "frankfurt": "F",
    "goslar": "G",
    "hamburg": "H",
    "ingelheim": "I",
    "jena": "J",
    "koeln": "K",
    "leipzig": "L",
    "muenchen": "M",
    "nuernberg": "N",
    "offenbach": "O",
    "potsdam": "P",
    "quickborn": "Q",
    "rostock": "R",
    "salzwedel": "S",
    "tuebingen": "T",
    "unna": "U",
    "voelklingen": "V",
    "wuppertal": "W",
    "xanten": "X",
    "ypsilon": "Y",
    "zwickau": "Z",
}
_GERMAN_TRADITIONAL = {
    "anton": "A",
    "berta": "B",
    "bertha": "B",
    "caesar": "C",
    "charlotte": "C",
    "dora": "D",
    "emil": "E",
    "friedrich": "F",
    "gustav": "G",
    "heinrich": "H",
    "ida": "I",
    "julius": "J",
    "kaufmann": "K",
    "konrad": "K",
    "ludwig": "L",
    "martha": "M",
    "marta": "M",
    "nordpol": "N",
    "otto": "O",
    "paula": "P",
    "quelle": "Q",
    "richard": "R",
    "samuel": "S",
    "siegfried": "S",
    "theodor": "T",
    "ulrich": "U",
    "viktor": "V",
    "wilhelm": "W",
    "xanthippe": "X",
    "zacharias": "Z",
    "zeppelin": "Z",
}
_LETTER_NAMES = {
    # German
    "ah": "A",
    "be": "B",
    "ce": "C",
    "tse": "C",
    "ze": "C",
    "de": "D",
    "eh": "E",
    "ef": "F",
    "eff": "F",
    "ge": "G",
    "ha": "H",
    "ih": "I",
    "jot": "J",
    "ka": "K",
    "el": "L",
    "em": "M",
    "en": "N",
    "pe": "P",
    "ku": "Q",
    "er": "R",
    "es": "S",
    "te": "T",
    "uh": "U",
    "vau": "V",
    "fau": "V",
    "we": "W",
    "ix": "X",
    "zett": "Z",
    "zet": "Z",
    # English
    "ay": "A",
    "bee": "B",
    "cee": "C",
    "see": "C",
    "dee": "D",
    "ee": "E",
    "gee": "G",
    "aitch": "H",
    "eye": "I",
    "jay": "J",
    "kay": "K",
    "ell": "L",
    "oh": "O",
    "pee": "P",
    "cue": "Q",
    "queue": "Q",
    "ar": "R",
    "ess": "S",
    "tee": "T",
    "you": "U",
    "vee": "V",
    "doubleyou": "W",
    "ex": "X",
    "why": "Y",
    "zed": "Z",
    "zee": "Z",
}
SPELLED: dict[str, str] = {**_LETTER_NAMES, **_GERMAN_TRADITIONAL, **_DIN_5009, **_NATO}
_FRAMING = frozenset(
    """
    buchungsnummer buchungscode buchungsreferenz referenznummer terminnummer nummer referenz reference ref
    booking code number nr no ist lautet is its it meine mein my die the das lautet und and dann then also
    aeh aehm ahm uh um bitte please ja yes ok okay genau
""".split()
)
_ZERO = frozenset({"null", "zero", "nought"})
_WIE = frozenset({"wie", "like", "for"})
_DOUBLE = frozenset({"doppel", "doppelt", "double"})
_TOKEN = re.compile(r"[a-z0-9]+")


def parse_reference(text: str | None) -> str | None:
    """The reference a caller read out, upper case without separators, or None when nothing is
    left. Never raises.

    >>> parse_reference("k-7-m-2.")
    'K7M2'
    >>> parse_reference("K wie Konrad, sieben, M wie Martha, zwei")
    'K7M2'
    """
    folded = fold(clean_input(text)).replace("x-ray", "xray").replace("double-u", "doubleyou")
    tokens = _TOKEN.findall(folded.replace("as in ", "like "))
    out: list[str] = []
    repeat = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if i + 1 < len(tokens) and tokens[i + 1] in _WIE and len(token) <= 4:
            # "K wie Konrad": one letter, said twice; the code word decides when it is one
            word = tokens[i + 2] if i + 2 < len(tokens) else ""
            token = word if word in SPELLED else token
            i += 3
        else:
            i += 1
        if token in _DOUBLE:
            repeat = True
            continue
        chars = _characters(token)
        if chars is None:
            continue
        out.append(chars * 2 if repeat and len(chars) == 1 else chars)
        repeat = False
    reference = "".join(out)
    return reference or None


def _characters(token: str) -> str | None:
    """What one token stands for: its letter or digits, itself (a chunk like "k7m2"), or None when
    it only frames the reference."""
    if token in SPELLED:
        return SPELLED[token]
    if token in _ZERO:
        return "0"
    if token in CARDINALS:
        return str(CARDINALS[token])
    if token in _FRAMING:
        return None
    return token.upper()
