"""Spoken numbers -> digits, for German and English, on folded text (see :mod:`nlu.normalize`).

Speech recognisers often leave numbers as words ("vierzehn Uhr dreißig", "the twenty-third"). The
time grammar only knows digits, so this pass rewrites cardinals 1-59 to digits and ordinals to
"N." (the German written ordinal, also used for English "23rd" -> "23."). Both languages are
converted whatever the call's language: callers mix them and no German number word is an English
word that matters here.

Articles are numbers too in German ("in einer Woche" -> "in 1 Woche"), which is what the grammar
wants; stray "1"s elsewhere are harmless because the grammar only reads numbers in context.
"""

from __future__ import annotations

import re

_DE_UNITS = {
    "ein": 1,
    "eins": 1,
    "eine": 1,
    "einer": 1,
    "einem": 1,
    "einen": 1,
    "zwei": 2,
    "zwo": 2,
    "drei": 3,
    "vier": 4,
    "fuenf": 5,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
}
_DE_TEENS = {
    "zehn": 10,
    "elf": 11,
    "zwoelf": 12,
    "zwolf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fuenfzehn": 15,
    "funfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
}
_DE_TENS = {"zwanzig": 20, "dreissig": 30, "dreisig": 30, "vierzig": 40, "fuenfzig": 50, "funfzig": 50}
_DE_UNIT_STEMS = {  # the unit as it appears inside "einundzwanzig"
    "ein": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fuenf": 5,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
}
_DE_ORD_STEMS = {
    "erst": 1,
    "zweit": 2,
    "dritt": 3,
    "viert": 4,
    "fuenft": 5,
    "funft": 5,
    "sechst": 6,
    "siebt": 7,
    "siebent": 7,
    "acht": 8,
    "neunt": 9,
    "zehnt": 10,
    "elft": 11,
    "zwoelft": 12,
    "zwolft": 12,
}
_EN_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_EN_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50}
_EN_ORD_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
_EN_ORD_OTHER = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}


def _build_tables() -> tuple[dict[str, int], dict[str, int]]:
    cardinals: dict[str, int] = {}
    ordinals: dict[str, int] = {}
    cardinals.update(_DE_UNITS)
    cardinals.update(_DE_TEENS)
    cardinals.update(_DE_TENS)
    cardinals.update(_EN_UNITS)
    cardinals.update(_EN_TEENS)
    cardinals.update(_EN_TENS)
    for unit_word, unit in _DE_UNIT_STEMS.items():
        for tens_word, tens in _DE_TENS.items():
            cardinals[f"{unit_word}und{tens_word}"] = tens + unit
    # German ordinals: stem + e/en/er/em/es ("dritten", "dreiundzwanzigsten").
    stems: dict[str, int] = dict(_DE_ORD_STEMS)
    for word, value in _DE_TEENS.items():
        if value >= 13:
            stems[word + "t"] = value
    for word, value in cardinals.items():
        if value >= 20 and word.isalpha() and not word.startswith(tuple(_EN_TENS)):
            stems[word + "st"] = value
    for stem, value in stems.items():
        for suffix in ("e", "en", "er", "em", "es"):
            ordinals[stem + suffix] = value
    ordinals.update(_EN_ORD_UNITS)
    ordinals.update(_EN_ORD_OTHER)
    for tens_word, tens in _EN_TENS.items():
        for unit_word, unit in _EN_ORD_UNITS.items():
            ordinals[f"{tens_word} {unit_word}"] = tens + unit
        for unit_word, unit in _EN_UNITS.items():
            cardinals[f"{tens_word} {unit_word}"] = tens + unit
    return cardinals, ordinals


CARDINALS, ORDINALS = _build_tables()

# Two-word forms first ("twenty three", "fuenf und zwanzig"), then single words.
_EN_COMPOUND = re.compile(
    r"\b(" + "|".join(_EN_TENS) + r")[ -](" + "|".join(list(_EN_UNITS) + list(_EN_ORD_UNITS)) + r")\b"
)
_DE_SPLIT_COMPOUND = re.compile(
    r"\b(" + "|".join(_DE_UNIT_STEMS) + r") und (" + "|".join(_DE_TENS) + r")(ste[nrms]?)?\b"
)
_DIGIT_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|te|ten|ter|tes|tem)\b")
_HALVES = re.compile(r"\b(?:eineinhalb|anderthalb|einhalb)\b")
_WORD = re.compile(r"[a-z]+(?: [a-z]+)?")
_SINGLE_WORD = re.compile(r"\b[a-z]+\b")


def _replace_word(match: re.Match[str]) -> str:
    word = match.group(0)
    value = ORDINALS.get(word)
    if value is not None:
        return f"{value}."
    value = CARDINALS.get(word)
    if value is not None:
        return str(value)
    return word


def _replace_en_compound(match: re.Match[str]) -> str:
    phrase = f"{match.group(1)} {match.group(2)}"
    if phrase in ORDINALS:
        return f"{ORDINALS[phrase]}."
    return str(CARDINALS[phrase])


def _replace_de_split(match: re.Match[str]) -> str:
    value = _DE_UNIT_STEMS[match.group(1)] + _DE_TENS[match.group(2)]
    return f"{value}." if match.group(3) else str(value)


def words_to_digits(folded: str) -> str:
    """Rewrite number words in folded text to digits; ordinals become "N.".

    >>> words_to_digits("um vierzehn uhr dreissig")
    'um 14 uhr 30'
    >>> words_to_digits("the twenty-third at nine thirty")
    'the 23. at 9 30'
    """
    text = _HALVES.sub("1.5", folded)
    text = _EN_COMPOUND.sub(_replace_en_compound, text)
    text = _DE_SPLIT_COMPOUND.sub(_replace_de_split, text)
    text = _SINGLE_WORD.sub(_replace_word, text)
    text = _DIGIT_ORDINAL.sub(r"\1.", text)
    return text
