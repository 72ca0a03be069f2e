"""Shared types and text keys for matching spoken words against a tenant's catalogue.

A caller says "Ansatz färben", the catalogue says "Ansatzfärbung"; a caller says "Haare schneiden
für Herren", the alias says "Herren Haarschnitt". Both sides are reduced to *keys*: folded tokens
without filler words, each lightly stemmed (färben/färbung -> faerb), plus the tokens joined
without spaces so split and joined compounds compare equal ("ansatzfaerb").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from nlu.normalize import clean_input, fold


@dataclass(frozen=True)
class CatalogueEntry:
    """A service or staff member as the matcher sees it. ``id`` is the tenant's slug."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    composite: bool = False  # services only: a multi-segment service (colour with processing gap)


#: How a spoken service or staff name matched the catalogue (see :class:`Match`).
MatchKind = Literal["match", "ambiguous", "none", "any", "excluded"]


@dataclass(frozen=True)
class Match:
    """The answer of a matcher.

    ``kind``: "match" (``entry`` set), "ambiguous" (``candidates``, best first, up to 3: ask back),
    "none" (nothing close enough), "any" (staff only: the caller has no preference), "excluded"
    (staff only: anyone *but* ``entry``: "nicht Fabian", "jemand anderes als Fabian", "anyone but James").
    """

    kind: MatchKind
    entry: CatalogueEntry | None = None
    candidates: tuple[CatalogueEntry, ...] = ()
    score: float = 0.0

    @property
    def composite(self) -> bool:
        """Is the matched service a composite one (segments with processing gaps)?"""
        return bool(self.entry and self.entry.composite)


_SPLIT = re.compile(r"[^a-z0-9]+")

#: Words that carry no service meaning: politeness, articles, request verbs.
STOPWORDS = frozenset(
    """
    und and mit with fuer for die der das den dem des ein eine einen einem einer a an the bitte please
    ich i moechte mochte haette hatte gern gerne wuerde wurde will want would like need brauche mal
    einmal zum zur bei also ja aehm aeh aehh hm hmm mhm uh um so lassen machen mir me my mein meine
    noch nur just some etwas was auch gleich dann of to get have book buchen vereinbaren reservieren
    termin termine appointment session sitzung oder or
    """.split()
)
#: Words too generic to identify a service on their own ("Haare", "Termin").
GENERIC = frozenset("haar haare hair service dienstleistung behandlung treatment frisur".split())

_SUFFIXES = ("ungen", "ung", "ing", "en", "er", "es", "e", "n", "s")


def ranked(best: dict[int, float]) -> tuple[list[tuple[int, float]], float]:
    """Scores best first (ties by entry index) and the runner-up's score (0 when there is none).

    `best` maps an entry index to its score (0-100, rapidfuzz); a match needs a clear lead over the
    runner-up, which both the service and the staff matcher check.
    """
    order = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    return order, order[1][1] if len(order) > 1 else 0.0


@lru_cache(maxsize=8192)
def stem(token: str) -> str:
    """A light German/English stem: färben/färbung -> faerb, strähnen -> straehn, massages ->
    massag. Only strips when at least 4 letters remain, so short words stay distinct."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)]
    return token


def raw_tokens(text: object) -> list[str]:
    """Folded word tokens of ``text`` (no stemming, no stopword removal)."""
    return [t for t in _SPLIT.split(fold(clean_input(text))) if t]


def content_tokens(text: object, drop_generic: bool = True) -> list[str]:
    """Folded, stopword-free, stemmed tokens."""
    out = []
    for tok in raw_tokens(text):
        if tok in STOPWORDS or (drop_generic and tok in GENERIC):
            continue
        out.append(stem(tok))
    return out
