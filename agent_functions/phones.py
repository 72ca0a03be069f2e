"""Phone numbers: what callers say into E.164, and masking for logs."""

from __future__ import annotations

import re

import phonenumbers

_DIGITS = re.compile(r"\d")


def region_of(numbers: tuple[str, ...], default: str = "DE") -> str:
    """The region to read local numbers in: the tenant's own numbers tell it."""
    for number in numbers:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            continue
        if region:
            return region
    return default


#: Regions whose callers are answered in English when the tenant itself cannot be read (CONTRACT: tenants
#: speak "de" or "en"; English-speaking practices are in these countries).
ENGLISH_REGIONS = frozenset({"GB", "IE", "US", "CA", "AU", "NZ", "IM", "JE", "GG", "MT"})


def language_of_number(number: str | None) -> str:
    """'en' when the dialled number is in an English-speaking country, else 'de' (the first market).

    For answers given while the tenant cannot be read (the database is down and this process has not
    seen the tenant yet): the number the caller dialled is the best remaining hint.
    """
    return "en" if region_of((number,) if number else (), default="DE") in ENGLISH_REGIONS else "de"


def normalise(text: object, region: str) -> str | None:
    """E.164 for a valid number ("0151 2345 678", "+49 151 ...", "0049..."), else None."""
    if not isinstance(text, (str, int)):
        return None
    raw = str(text).strip()[:40]
    if len(_DIGITS.findall(raw)) < 6:
        return None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask(number: str | None) -> str | None:
    """'+4915100000017' -> '+49*******0017': enough to correlate logs, not enough to call."""
    if not number:
        return number
    if len(number) <= 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
