"""Customer names as the voice agent passes them on.

The LLM fills ``customer_name`` with whatever it has: the caller's words ("mein Name ist Anna
Schmidt"), or an invented placeholder when it has none ("User", "Unbekannt", "None", "Kunde").
A placeholder must never become a customer record, so it reads as unknown (None). A first name
alone ("Max", "John") is a name: only the stock pairs ("Max Mustermann", "John Doe") are
placeholders.
"""

from __future__ import annotations

import re

from nlu.normalize import clean_input, fold, squash_spaces

_PLACEHOLDERS = frozenset(
    """
    user users unbekannt unknown none null nil undefined nan kunde kundin customer client anrufer
    anruferin caller n/a na n.a. test tester testuser name vorname nachname firstname lastname
    anonymous anonym gast guest patient patientin person herr frau mr mrs ms - -- ? x xx xxx
    mustermann maxmustermann doe johndoe janedoe string placeholder default noname
    kein name keine angabe nicht angegeben not provided not given unbekannter anrufer
    """.split()
)
_PLACEHOLDER_PHRASES = frozenset(
    (
        "max mustermann",
        "erika mustermann",
        "john doe",
        "jane doe",
        "kein name",
        "keine angabe",
        "nicht angegeben",
        "not provided",
        "not given",
        "unbekannter anrufer",
        "unknown caller",
        "no name",
        "der kunde",
        "die kundin",
        "the customer",
        "the caller",
    )
)
_INTRO = re.compile(
    r"^(?:(?:ja|hallo|hi|hello|also|aeh|aehm|ahm|uh|um|guten tag|good morning|yes|yeah|ok|okay|gerne|sure)[\s,.!]+)*"
    r"(?:(?:ich bins(?: der| die)?|mein name ist|mein name waere|mein name lautet|ich heisse|ich bin(?: der| die)?"
    r"|hier ist|hier spricht|"
    r"am apparat ist|my name is|my names|the name is|the names|names|name is|this is|it is|its|i am|im|name)"
    r"[\s:,]+)",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:[\s,.!]+(?:hier|am apparat|speaking|here|bitte|danke|thanks|thank you|please|ja|genau|exactly|"
    r"und ich|and i|ich wollte|i wanted|i would|ich moechte|ich haette)\b.*)$",
    re.IGNORECASE,
)
_PARTICLES = frozenset("von van der den de del della di da du la le zu vom zum ten ter".split())
_VALID = re.compile(r"^[^\W\d_]+\.?(?:[ '\-][^\W\d_]+\.?)*$")


def _case(word: str, first: bool) -> str:
    if not first and fold(word) in _PARTICLES:
        return word.lower()
    if word.islower() or word.isupper():
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
    return word


def parse_customer_name(text: str | None) -> str | None:
    """The caller's name, or None when unknown.

    Strips introductions ("mein Name ist", "ich bin", "hier ist", "my name is", "this is") and
    trailing fillers ("..., hier", "speaking"); keeps the name's own capitalisation unless it is all
    lower or upper case (then title case, particles like "von" stay lower). Placeholders the LLM
    invents and anything that is not a plausible name (digits, e-mail, very long) give None.
    """
    raw = squash_spaces(clean_input(text, 200))
    if not raw:
        return None
    folded = fold(raw)
    if folded.strip(" .!?") in _PLACEHOLDERS or folded.strip(" .!?") in _PLACEHOLDER_PHRASES:
        return None
    # work on the original spelling, but find the intro on the folded text (same length for ASCII;
    # we re-find on the original with the same pattern, umlaut words are not in the intros)
    # Intros are found on the folded words; folding keeps the word count, so cut by words.
    tokens = raw.replace(",", " ").replace("’", "'").split()
    for _ in range(2):
        m = _INTRO.match(" ".join(fold(t).replace("'", "") for t in tokens))
        if not m:
            break
        tokens = tokens[len(m.group(0).split()) :]
    name = " ".join(tokens)
    name = re.sub(r"^(?:herr|herrn|frau|mr|mrs|ms|miss)\.?\s+", "", name, flags=re.IGNORECASE)
    name = _TRAILING.sub("", name)
    name = name.strip(" ,.!?:;\"'")
    name = squash_spaces(name)
    if not name:
        return None
    key = fold(name)
    if key in _PLACEHOLDERS or key in _PLACEHOLDER_PHRASES:
        return None
    words = name.split()
    if len(words) > 5 or len(name) > 60 or not _VALID.match(name):
        return None
    if all(fold(w) in _PLACEHOLDERS for w in words):
        return None
    return " ".join(_case(w, i == 0) for i, w in enumerate(words))
