"""Phone numbers: what callers say into E.164, and masking for logs."""

from __future__ import annotations

import re

import phonenumbers

_DIGITS = re.compile(r"\d")
_E164 = re.compile(r"\+[1-9]\d{5,14}")
_SCHEMES = ("tel:", "sip:", "sips:")


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


def dialled(text: str | None) -> str | None:
    """A number as telephony passes it on, in E.164 when it says its country; None when it does not.

    Retell sends E.164 ("+4930555000100", returned as it is, the fast path), but SIP trunks and carriers
    pass on "tel:+49-30-555000100", "sip:+4930555000100@trunk.example", "004930555000100" or
    "+49 (0)30 555000100" (RFC 3966 / RFC 3261 URIs; the ITU's 00 international prefix; the German
    "(0)" trunk-prefix habit). National forms ("030 555000100") are None here: without a tenant the
    country is unknown, and the caller's number is read in the tenant's region later (`normalise`).
    """
    if text is None or _E164.fullmatch(text):
        return text
    raw = text.strip()
    if raw.lower().startswith(_SCHEMES):
        raw = raw.split(":", 1)[1].split("@", 1)[0].split(";", 1)[0]
    if not raw.startswith(("+", "00")):
        return None
    return normalise(raw, "DE")  # "DE": whose international prefix 00 is; "+" numbers ignore the region


def mask(number: str | None) -> str | None:
    """'+4915100000017' -> '+49*******0017': enough to correlate logs, not enough to call."""
    if not number:
        return number
    if len(number) <= 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
