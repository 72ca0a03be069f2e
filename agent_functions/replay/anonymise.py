"""`slotline fixtures capture --anonymise`: a captured fixture anyone may read, that still replays.

Callers' names, phone numbers and email addresses are replaced everywhere in the fixture but the
tenant (the business's own numbers and staff names are not personal data of callers), and
consistently: the same number, name or address always becomes the same fake one, so the caller is
still recognised by their number, a booking is still found by its name, and one family stays one
family (a shared surname stays shared).

- Phone numbers: every run of digits that `phonenumbers` reads as a valid number (written with `+`,
  `00` or a national `0`; spaces, dashes, slashes and brackets allowed) and that is not the tenant's:
  the country code and the first three national digits stay (the number stays a mobile or a landline
  of that country), the rest becomes a counter: +49 151 23456789 → +4915100000001.
- Names: the callers' names as given in the arguments and the setup customers, word by word (first
  names stay first names, surnames surnames), wherever they occur; words that are also staff,
  service or business names, and titles (Frau, Herr, Mr, ...), are kept.
- Email addresses: person1@example.org, ...
Numbers or names spoken in words ("null eins fünf eins ...") are not recognised. After replacing,
the fixture is checked for every original value and refused if one is left.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import phonenumbers

from agent_functions.replay.json_values import leaves, map_strings
from booking_core.tenant_config import TenantConfig

PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|00|0)\d[\d \-/()]{5,}\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WORD = re.compile(r"[^\W\d_]{2,}")
NAME_KEYS = frozenset({"customer_name", "name", "caller_name"})
TITLES = frozenset({"frau", "herr", "herrn", "mr", "mrs", "ms", "miss", "dr", "prof", "familie", "family"})
GIVEN = ("Alex", "Robin", "Sascha", "Toni", "Jule", "Mika", "Noa", "Luca", "Charlie", "Sam", "Eli", "Nele", "Finn")
SURNAMES = ("Beispiel", "Muster", "Probe", "Vorlage", "Platzhalter", "Exempel", "Modell", "Entwurf", "Schema", "Skizze")


class AnonymiseError(ValueError):
    """An original value survived the replacement; the fixture is not written."""


def _names(fixture: dict[str, Any]) -> list[str]:
    """The callers' names: setup customers and name arguments, in order of appearance."""
    found = [a.get("customer", {}).get("name") for a in fixture.get("setup", {}).get("appointments", [])]

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in NAME_KEYS and isinstance(item, str):
                    found.append(item)
                else:
                    visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit([s.get("args") for s in fixture.get("steps", [])])
    return [n for n in found if isinstance(n, str) and n.strip()]


class Anonymiser:
    """The replacement tables of one fixture, built as values are met (first met, first fake)."""

    def __init__(self, tenant: TenantConfig) -> None:
        self.region = self._region(tenant)
        document = json.dumps(tenant.model_dump(mode="json"), ensure_ascii=False)
        self.tenant_numbers = {self.e164(m.group(0)) for m in PHONE_RUN.finditer(document)} - {None}
        self.kept_words = {
            w.lower()
            for w in WORD.findall(
                " ".join(
                    [
                        tenant.name,
                        *(s.name for s in tenant.staff),
                        *(a for s in tenant.staff for a in s.aliases),
                        *(s.name for s in tenant.services),
                        *(a for s in tenant.services for a in s.aliases),
                    ]
                )
            )
        } | TITLES
        self.phones: dict[str, str] = {}
        self.real_phones: set[str] = set()
        self.words: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self._name_words: re.Pattern[str] | None = None

    @staticmethod
    def _region(tenant: TenantConfig) -> str:
        for number in tenant.phone_numbers:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number))
            if region:
                return region
        return "DE"

    def e164(self, text: str) -> str | None:
        try:
            number = phonenumbers.parse(text, self.region)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def _fake_phone(self, e164: str) -> str:
        if e164 not in self.phones:
            number = phonenumbers.parse(e164)
            national = str(number.national_number)
            keep, rest = national[:3], national[3:]
            n = len(self.phones) + 1
            while True:
                fake = f"+{number.country_code}{keep}{str(n).zfill(len(rest))}"
                if fake not in self.real_phones | self.tenant_numbers and fake not in self.phones.values():
                    break
                n += 1
            self.phones[e164] = fake
        return self.phones[e164]

    def _phone_run(self, match: re.Match[str]) -> str:
        text = match.group(0)
        e164 = self.e164(text)
        if e164 is None or e164 in self.tenant_numbers:
            return text
        fake = self._fake_phone(e164)
        if text.startswith("+"):
            return fake
        if text.startswith("00"):
            return "00" + fake[1:]
        parsed = phonenumbers.parse(fake)
        return "0" + str(parsed.national_number) if text.startswith("0") else fake

    def learn_phones(self, strings: Iterable[str]) -> None:
        """Note every phone number in `strings` first, so that no fake number is one of them."""
        self.real_phones |= {n for s in strings for m in PHONE_RUN.finditer(s) if (n := self.e164(m.group(0)))}

    def learn_names(self, names: list[str]) -> None:
        """Give each word of the callers' names its fake: a name's first word a first name, the others
        surnames; no fake is a word of a real name."""
        split = [[w for w in WORD.findall(name) if w.lower() not in self.kept_words] for name in names]
        real = {w.lower() for words in split for w in words}
        for words in split:
            for index, word in enumerate(words):
                if word.lower() in self.words:
                    continue
                pool = GIVEN if index == 0 and len(words) > 1 else SURNAMES
                unusable = real | self.kept_words | set(self.words.values())
                fake = next((f.lower() for f in pool if f.lower() not in unusable), None)
                self.words[word.lower()] = fake or f"{pool[0].lower()}{len(self.words) + 1}"
        if self.words:
            alternatives = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
            self._name_words = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)

    def _word(self, match: re.Match[str]) -> str:
        word = match.group(0)
        fake = self.words.get(word.lower())
        if fake is None:
            return word
        if word.isupper() and len(word) > 1:
            return fake.upper()
        return fake if word.islower() else fake.capitalize()

    def _email(self, match: re.Match[str]) -> str:
        key = match.group(0).lower()
        if key not in self.emails:
            self.emails[key] = f"person{len(self.emails) + 1}@example.org"
        return self.emails[key]

    def text(self, value: str) -> str:
        """One string with every email, phone number and known name replaced."""
        value = EMAIL.sub(self._email, value)
        value = PHONE_RUN.sub(self._phone_run, value)
        if self._name_words is not None:
            value = self._name_words.sub(self._word, value)
        return value


def anonymise(fixture: dict[str, Any], tenant: TenantConfig) -> dict[str, Any]:
    """The fixture with callers' names, numbers and email addresses replaced (see the module docstring);
    AnonymiseError when an original value would remain."""
    anonymiser = Anonymiser(tenant)
    names = _names(fixture)
    anonymiser.learn_names(names)
    personal = {k: v for k, v in fixture.items() if k != "tenant"}
    anonymiser.learn_phones(v for v in leaves(personal) if isinstance(v, str))
    changed = map_strings(personal, anonymiser.text)
    _check(changed, anonymiser, names)
    return {k: (fixture[k] if k == "tenant" else changed[k]) for k in fixture}


def _check(fixture: dict[str, Any], anonymiser: Anonymiser, names: list[str]) -> None:
    strings = [v for v in leaves(fixture) if isinstance(v, str)]
    text = "\n".join(strings).lower()
    left = []
    if any(anonymiser.e164(m.group(0)) in anonymiser.phones for s in strings for m in PHONE_RUN.finditer(s)):
        left.append("phone number")
    if any(email in text for email in anonymiser.emails):
        left.append("email address")
    personal_names = [n for n in names if {w.lower() for w in WORD.findall(n)} - anonymiser.kept_words]
    if any(w in anonymiser.words for w in WORD.findall(text)) or any(n.strip().lower() in text for n in personal_names):
        left.append("name")
    if left:
        raise AnonymiseError(f"anonymising left a {left[0]} in the fixture; it was not written")
