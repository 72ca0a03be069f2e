"""Who can be reached how: SMS only to mobile numbers, email only to a plausible address.

The mobile test is `phonenumbers`' number type (libphonenumber's metadata): MOBILE or
FIXED_LINE_OR_MOBILE (some countries, the US among them, cannot tell the two apart). A landline or a
withheld number gets no SMS (CONTRACT section 9).
"""

from __future__ import annotations

import re

import idna
import phonenumbers
from phonenumbers import PhoneNumberType

__all__ = ["MOBILE_TYPES", "display_phone", "email_ascii", "sms_number", "valid_email"]

MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# RFC 5321 limits: 64 characters before the @, 254 in all. Stricter than the RFC on purpose: what a
# caller spells on the phone is a plain address; quoted local parts and IP literals are refused.
EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$"
)
SPOKEN = (
    (re.compile(r"\s*(\(at\)|\[at\]| at | ät | et )\s*"), "@"),
    (re.compile(r"\s*( punkt | dot | \(dot\) )\s*"), "."),
    (re.compile(r"\s*( minus | bindestrich | dash | hyphen )\s*"), "-"),
    (re.compile(r"\s*( unterstrich | underscore )\s*"), "_"),
)


def sms_number(phone: str | None) -> str | None:
    """The E.164 number when it can receive an SMS (a mobile number), else None."""
    if not phone:
        return None
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def valid_email(text: str | None) -> str | None:
    """A normalised email address, or None when `text` is not one.

    Accepts what an LLM passes on from speech: surrounding spaces, capitals, "lena punkt vogel at
    example punkt de". The domain is lower-cased; so is the local part (mail providers treat it
    case-insensitively in practice, and a caller cannot speak case). A domain with umlauts is kept as
    said ("müller.de": what a caller hears read back); `email_ascii` gives the form mail goes to."""
    if not text:
        return None
    value = f" {text.strip().lower()} "
    for pattern, replacement in SPOKEN:
        value = pattern.sub(replacement, value)
    value = value.strip().rstrip(".")
    if " " in value or "@" not in value or len(value.split("@", 1)[0]) > 64:
        return None
    ascii_form = email_ascii(value)
    return value if ascii_form is not None and len(ascii_form) <= 254 and EMAIL.match(ascii_form) else None


def email_ascii(address: str | None) -> str | None:
    """The address as SMTP carries it without SMTPUTF8: an internationalised domain ("müller.de",
    "straße.de") in its IDNA 2008 / UTS 46 ASCII form ("xn--mller-kva.de", "xn--strae-oqa.de", as
    DENIC registers them since 2010); None when the domain is no valid IDN. The mailbox part is left
    as it is (`valid_email` accepts only ASCII there: a non-ASCII mailbox needs SMTPUTF8, RFC 6531,
    which many receiving servers lack)."""
    if not address or "@" not in address:
        return None
    local, _, domain = address.rpartition("@")
    if domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except (idna.IDNAError, UnicodeError):
        return None


def display_phone(phone: str) -> str:
    """'+4940555000200' -> '+49 40 555000200': readable in a message, still dialable from abroad."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(phone, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return phone
