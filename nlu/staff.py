"""Match a spoken staff wish ("bei Fabian", "mit Frau Schulz", "zu Emma") against the team.

Callers use first names, last names with a title, full names or nicknames; the recogniser adds
its own spellings ("Fabien", "Mikael"). Order of evidence: exact first/last/full name, alias or id;
then rapidfuzz on each name part; Kölner Phonetik only breaks a tie (or confirms a lone near miss)
when it points to exactly one person. "egal", "irgendwer", "anyone", "whoever is free", an empty
value or an LLM placeholder mean *no preference* (kind "any"). Two people named alike -> ambiguous.
A wish said negated ("nicht Fabian", "bitte nicht wieder zu Fabian", "jemand anderes als Fabian",
"anyone but James", "not with James") is kind "excluded" with that person as ``entry``: never them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from nlu.catalogue import CatalogueEntry, Match, ranked, raw_tokens
from nlu.normalize import clean_input, fold, squash_spaces
from nlu.phonetics import cologne

MIN_SCORE = 80.0
MARGIN = 8.0
CANDIDATE_SCORE = 70.0

_ANY_PHRASES = re.compile(
    r"\b(?:egal|ist mir egal|gleich(?:gueltig)?|irgendwer|irgendwen|irgendjemand\w*|irgendein\w*|beliebig\w*"
    r"|(?:wer|wem) (?:auch )?immer|keine?n? (?:praeferenz|vorliebe|wunsch|bestimmte\w*|besondere\w*)"
    r"|wer (?:auch immer|gerade )?(?:frei|zeit|da)"
    r"|wer frei ist|jede[rn]?|anyone|anybody|any(?:one| one| body)?|whoever\w*|no preference|doesnt matter|dont care"
    r"|does not matter|either|whichever|no one in particular|nobody in particular|first available|next available"
    r"|der naechste freie|die naechste freie|hauptsache)\b"
)
# "nicht Fabian", "bitte nicht wieder zu Fabian", "not James", "no, not with James"
_NOT_PERSON = re.compile(
    r"^(?:(?:aber|bitte|bloss|blos|lieber|ja|nein|no|auf\s+keinen\s+fall|please)\s+)*"
    r"(?:nicht|not|nie|never|kein|keine|keinen)\s+(?P<rest>.+)$"
)
# "jemand anderes als Fabian", "alle ausser Fabian", "anyone but James", "someone other than James"
_OTHER_THAN = re.compile(
    r"^(?:.*?\s)?(?:ausser|ausser\s+bei|anders\s+als|andere[rsn]?\s+als|but|except(?:\s+for)?|other\s+than)"
    r"\s+(?P<rest>.+)$"
)
_PLACEHOLDERS = frozenset(
    "none null nil undefined unknown unbekannt n/a na - ? any staff mitarbeiter mitarbeiterin stylist "
    "friseur friseurin therapist egal".split()
)
_FILLERS = frozenset(
    """
    bei mit zu zur zum von to with by frau herr herrn hr fr mr mrs ms miss dr doktor der die dem den das
    the am liebsten gerne gern bitte please wieder again ich i moechte wuerde haette will would like want
    want termin appointment stylist stylistin friseur friseurin therapist physio physiotherapeut
    physiotherapeutin wenn if moeglich possible geht es also ja so und and oder or mal einen einem einer
    ein a an gerade heute morgen see book buchen beim
    """.split()
)


class StaffMatcher:
    """Index the team once; ``match(text)`` -> "match" | "ambiguous" | "none" | "any"."""

    def __init__(self, entries: Iterable[CatalogueEntry]) -> None:
        self.entries: tuple[CatalogueEntry, ...] = tuple(entries)
        self._exact: dict[str, set[int]] = {}
        self._parts: list[str] = []
        self._part_entry: list[int] = []
        self._codes: list[str] = []
        for i, entry in enumerate(self.entries):
            words = raw_tokens(entry.name)
            keys = {"".join(words), *words, "".join(raw_tokens(entry.id))}
            for alias in entry.aliases:
                alias_words = raw_tokens(alias)
                keys.add("".join(alias_words))
                keys.update(alias_words)
            for key in keys:
                if key:
                    self._exact.setdefault(key, set()).add(i)
                    if len(key) >= 3:
                        self._parts.append(key)
                        self._part_entry.append(i)
                        self._codes.append(cologne(key))

    def match(self, text: object) -> Match:
        """Match a staff wish; see the module docstring for the rules."""
        folded = squash_spaces(fold(clean_input(text)).replace("'", "").replace("’", ""))
        negated = _NOT_PERSON.match(folded) or _OTHER_THAN.match(folded)
        if negated is not None:
            person = self.match(negated.group("rest"))
            if person.kind == "match" and person.entry is not None:
                return Match("excluded", person.entry, (person.entry,), person.score)
            return Match("any", score=100.0)  # "nicht so wichtig", "not fussed": no wish
        if not folded or folded in _PLACEHOLDERS or _ANY_PHRASES.search(folded):
            return Match("any", score=100.0)
        words = [w for w in raw_tokens(folded) if w not in _FILLERS]
        if not words:
            return Match("none")
        # exact: every word that names someone narrows the set ("Fabian Schulz", "Frau Schulz")
        hits: set[int] | None = None
        for word in words:
            found = self._exact.get(word)
            if found:
                hits = set(found) if hits is None else (hits & found or hits)
        joined = self._exact.get("".join(words))
        if joined:
            hits = set(joined)
        if hits:
            exact = sorted(hits)
            if len(exact) == 1:
                return Match("match", self.entries[exact[0]], (self.entries[exact[0]],), 100.0)
            return Match("ambiguous", None, tuple(self.entries[i] for i in exact[:3]), 100.0)
        # fuzzy, per word against every name part
        best: dict[int, float] = {}
        best_word: dict[int, str] = {}
        for word in words:
            if len(word) < 3:
                continue
            for _, score, k in process.extract(
                word, self._parts, scorer=fuzz.ratio, limit=8, score_cutoff=CANDIDATE_SCORE - 10
            ):
                i = self._part_entry[k]
                if score > best.get(i, 0.0):
                    best[i] = score
                    best_word[i] = word
        if not best:
            return Match("none")
        order, runner = ranked(best)
        top_i, top = order[0]
        if top >= MIN_SCORE and top - runner >= MARGIN:
            # a near miss that sounds like several people is not safe ("Meyer": Meier or Maier?)
            alike = self._sound_alikes(best_word[top_i]) if top < 90 else set()
            if len(alike) < 2 or top_i not in alike:
                return Match("match", self.entries[top_i], (self.entries[top_i],), top)
            ordered = sorted(alike, key=lambda i: (-best.get(i, 0.0), i))
            return Match("ambiguous", None, tuple(self.entries[i] for i in ordered[:3]), top)
        near = [(i, s) for i, s in order if s >= CANDIDATE_SCORE and top - s < MARGIN + 2]
        if not near:
            return Match("none", score=top)
        # Kölner Phonetik: only as a tie-breaker, and only when it singles out one person
        sounding = {i for i, _ in near if self._sounds_like(best_word[i], i)}
        if len(sounding) == 1:
            i = sounding.pop()
            return Match("match", self.entries[i], (self.entries[i],), best[i])
        return Match("ambiguous", None, tuple(self.entries[i] for i, _ in near[:3]), top)

    def _sound_alikes(self, word: str) -> set[int]:
        code = cologne(word)
        return {self._part_entry[k] for k, c in enumerate(self._codes) if code and c == code}

    def _sounds_like(self, word: str, entry: int) -> bool:
        code = cologne(word)
        return bool(code) and any(
            self._part_entry[k] == entry and self._codes[k] == code for k in range(len(self._parts))
        )
