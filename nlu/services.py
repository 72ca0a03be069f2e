"""Match a spoken service against the tenant's catalogue.

Rules, from the phone line: an exact name, alias or id (after normalisation) wins outright; split
and joined compounds are equal ("Ansatz färben" = "Ansatzfärbung"); typos and ASR slips are
scored with rapidfuzz; a phrase that is only *part* of several services ("schneiden", "färben")
is ambiguous and yields candidates to ask about; generic words ("Haare", "Termin") never match
on their own. Short aliases ("WSF", "Perm", "Glanz") count only as whole words: fuzzy matching
four letters produces nonsense. A match needs a minimum score *and* a margin over the runner-up;
otherwise we ask back instead of guessing (DESIGN.md: measured, no wrong match with margins).

The index is built once per catalogue; ``match`` runs rapidfuzz's C loops over precomputed keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from nlu.catalogue import CatalogueEntry, Match, content_tokens, ranked, raw_tokens

#: A confident match needs this score (0-100) ...
MIN_SCORE = 84.0
#: ... and this lead over the best other entry.
MARGIN = 6.0
#: Entries scoring at least this are offered as candidates when nothing is confident.
CANDIDATE_SCORE = 72.0
#: Aliases up to this many letters are matched only as whole words.
SHORT_ALIAS = 4
#: An explanation in brackets in a service's name ("Komplette Umfärbung (Blondierung)"): callers
#: say the name without it, so the name without it is a name of that service too.
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")


def _is_short(name: str, raw: str) -> bool:
    """Short aliases and acronyms ("WSF", "Perm", "WaSch") are matched as whole words only."""
    letters = name.strip()
    acronym = len(raw) <= 6 and any(ch.isupper() for ch in letters[1:]) and " " not in letters
    return len(raw) <= SHORT_ALIAS or acronym


@dataclass(frozen=True)
class _Key:
    entry: int
    tokens: frozenset[str]
    joined: str
    spaced: str


#: Answers remembered per matcher (texts as heard; the memo is emptied when full). Small: a matcher
#: lives per tenant and language, and hundreds of tenants share a worker (issue 20 point 3).
MEMO_SIZE = 32
#: Longer texts are not remembered (a service name is a few words; a pasted essay is not kept).
MEMO_TEXT_MAX = 120


class ServiceMatcher:
    """Index a service catalogue once; ``match(text)`` answers in well under a millisecond."""

    def __init__(self, entries: Iterable[CatalogueEntry]) -> None:
        self.entries: tuple[CatalogueEntry, ...] = tuple(entries)
        self._exact: dict[str, set[int]] = {}
        self._short: dict[str, set[int]] = {}
        self._keys: list[_Key] = []
        self._by_token: dict[str, list[int]] = {}
        self._memo: dict[str, Match] = {}
        for i, entry in enumerate(self.entries):
            names = [entry.name, *entry.aliases, entry.id.replace("_", " ").replace("-", " ")]
            bare = _BRACKETED.sub(" ", entry.name).strip()
            if bare and bare != entry.name:
                names.append(bare)
            for name in names:
                self._add(i, name)
        self._joined = [k.joined for k in self._keys]
        self._spaced = [k.spaced for k in self._keys]

    def _add(self, i: int, name: str) -> None:
        raw = "".join(raw_tokens(name))
        if raw and _is_short(name, raw):
            self._short.setdefault(raw, set()).add(i)
            return
        if raw:
            self._exact.setdefault(raw, set()).add(i)
        tokens = content_tokens(name, drop_generic=False)
        if not tokens:
            return
        joined = "".join(tokens)
        self._exact.setdefault(joined, set()).add(i)
        key = _Key(i, frozenset(tokens), joined, " ".join(sorted(tokens)))
        index = len(self._keys)
        self._keys.append(key)
        for tok in key.tokens:
            self._by_token.setdefault(tok, []).append(index)

    def scores(self, text: object) -> dict[int, float]:
        """Best score per entry index for ``text`` (0-100); entries below 60 are left out."""
        words = raw_tokens(text)
        if not words:
            return {}
        best: dict[int, float] = {}

        def note(i: int, score: float) -> None:
            if score > best.get(i, 0.0):
                best[i] = score

        tokens = content_tokens(text)
        for word in words:  # short aliases: whole words only
            for i in self._short.get(word, ()):
                note(i, 100.0 if len(tokens) <= 1 else 90.0)
        for i in self._exact.get("".join(words), ()):  # exact id/name/alias as written
            note(i, 100.0)
        if not tokens:
            return best
        joined = "".join(tokens)
        for i in self._exact.get(joined, ()):
            note(i, 100.0)
        spaced = " ".join(sorted(tokens))
        q_set = frozenset(tokens)
        for _, score, k in process.extract(joined, self._joined, scorer=fuzz.ratio, limit=12, score_cutoff=60):
            note(self._keys[k].entry, min(score, 97.0))
        for _, score, k in process.extract(
            spaced, self._spaced, scorer=fuzz.token_sort_ratio, limit=12, score_cutoff=60
        ):
            note(self._keys[k].entry, min(score, 97.0))
        # containment: the phrase names part of a service ("schneiden") or a service plus extras
        seen: set[int] = set()
        for tok in q_set:
            for k in self._by_token.get(tok, ()):
                if k in seen:
                    continue
                seen.add(k)
                key = self._keys[k]
                if q_set < key.tokens:
                    note(key.entry, 80.0 + 15.0 * len(q_set) / len(key.tokens))
                elif key.tokens < q_set:
                    note(key.entry, 84.0 + 10.0 * len(key.tokens) / len(q_set))
        return best

    def match(self, text: object) -> Match:
        """Match a spoken or formal service name: "match", "ambiguous" (candidates) or "none".

        Remembers the answers for up to `MEMO_SIZE` texts (a pure function of the text and this
        index): one check asks for the same words twice (is it a visit of several services, which
        service is it), and callers name the same few services all day."""
        if not isinstance(text, str) or len(text) > MEMO_TEXT_MAX:
            return self._match(text)
        hit = self._memo.get(text)
        if hit is None:
            hit = self._match(text)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = hit
        return hit

    def _match(self, text: object) -> Match:
        best = self.scores(text)
        if not best:
            return Match("none")
        order, runner = ranked(best)
        top_i, top = order[0]
        if top >= MIN_SCORE and top - runner >= MARGIN:
            return Match("match", self.entries[top_i], (self.entries[top_i],), top)
        close = [self.entries[i] for i, s in order if s >= CANDIDATE_SCORE and top - s < 10.0][:3]
        if not close:
            return Match("none", score=top)
        return Match("ambiguous", None, tuple(close), top)
