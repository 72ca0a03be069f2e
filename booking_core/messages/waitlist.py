"""The waitlist offer: a message to the first waiting caller when a fitting time frees up (CONTRACT
sections 9 and 10). Pure: the entry's facts in, the planned messages (or none, with why) out.

The SMS names the business, day, date, time, service, staff and the number to call, in at most 320
characters; there is no hold, so it says whoever calls first gets the time. The offer goes by every
channel that reaches the entry, as the other messages do (section 9): by SMS when the tenant sends SMS
and the entry's number is a mobile one; by email when the tenant sends email and the entry's customer
has an address (the waitlist keeps a phone number; the address is the customer's, given when booking).
An entry no channel reaches is not offered (`offer_channels` is empty): the freed time goes to the next
one waiting. Inside the quiet hours the offer waits for their end (section 9: a waitlist message is not
a confirmation of the call just made). Keys: one offer per entry and channel, so a retried change never
sends it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from booking_core.messages.channels import display_phone, sms_number, valid_email
from booking_core.messages.planner import Channel, Plan, Planned
from booking_core.messages.texts import SMS_MAX, Lang, short_when
from booking_core.messages.timing import after_quiet
from booking_core.tenant_config import TenantConfig

__all__ = [
    "OfferFacts",
    "can_offer",
    "keeps_waitlist",
    "offer_channels",
    "offer_email",
    "offer_sms",
    "plan_waitlist_offer",
    "sends_offers",
]

OFFER_SMS = {
    "de": "{b}: Ein Termin ist frei geworden: {w}, {s} bei {p}. Wer zuerst anruft, bekommt ihn.{call}",
    "en": "{b}: A time has become free: {w}, {s} with {p}. Whoever calls first gets it.{call}",
}
CALL = {"de": " Jetzt buchen: {t}", "en": " To book call {t}"}
OFFER_SUBJECT = {"de": "Ein Termin ist frei geworden: {w}", "en": "A time has become free: {w}"}


@dataclass(frozen=True)
class OfferFacts:
    """One offer as the SMS tells it: `start` local and aware, `staff` the first name."""

    entry_id: str
    start: datetime
    service: str
    staff: str
    phone: str  # the waiting caller's number (E.164)
    email: str | None = None  # the waiting customer's address, when known


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def offer_sms(tenant: TenantConfig, facts: OfferFacts) -> str:
    """The SMS text, at most SMS_MAX characters (long business and service names are shortened first)."""
    lang: Lang = tenant.language
    reply = reply_phone(tenant)
    call = CALL[lang].format(t=display_phone(reply)) if reply else ""
    text = ""
    for business_max, service_max in ((60, 80), (30, 40), (20, 24)):
        text = OFFER_SMS[lang].format(
            b=_cut(tenant.name, business_max),
            w=short_when(facts.start, lang),
            s=_cut(facts.service, service_max),
            p=_cut(facts.staff, 20),
            call=call,
        )
        if len(text) <= SMS_MAX:
            return text
    return _cut(text, SMS_MAX)


def reply_phone(tenant: TenantConfig) -> str | None:
    """The number the message tells people to call: `notifications.reply_phone`, else the first line."""
    notes = tenant.notifications
    return (notes.reply_phone if notes and notes.reply_phone else None) or (
        tenant.phone_numbers[0] if tenant.phone_numbers else None
    )


def offer_email(tenant: TenantConfig, facts: OfferFacts) -> tuple[str, str]:
    """(subject, plain-text body) of the offer by email: what the SMS says, at more length."""
    lang: Lang = tenant.language
    de = lang == "de"
    reply = reply_phone(tenant)
    subject = OFFER_SUBJECT[lang].format(w=short_when(facts.start, lang)) + f" – {facts.service}"
    lines = [
        "Guten Tag," if de else "Hello,",
        "",
        f"bei {tenant.name} ist ein Termin frei geworden, auf den Sie warten:"
        if de
        else f"a time you are waiting for has become free at {tenant.name}:",
        "",
        f"  {short_when(facts.start, lang)}",
        f"  {facts.service} {'bei' if de else 'with'} {facts.staff}",
        "",
        "Wir halten den Termin nicht für Sie frei: Wer zuerst anruft, bekommt ihn."
        if de
        else "We cannot hold it for you: whoever calls first gets it.",
    ]
    if reply:
        lines.append(f"Jetzt buchen: {display_phone(reply)}." if de else f"To book, call us on {display_phone(reply)}.")
    lines += ["", f"Ihr Team von {tenant.name}" if de else f"Your team at {tenant.name}"]
    return subject, "\n".join(lines) + "\n"


def keeps_waitlist(tenant: TenantConfig) -> bool:
    """Whether the tenant takes callers onto the waitlist: joining asks for a mobile number to text the
    offer to, so the tenant must send SMS."""
    return bool(tenant.notifications and tenant.notifications.sms)


def sends_offers(tenant: TenantConfig) -> bool:
    """Whether the tenant could send an offer to anyone at all (it sends SMS or email). When it cannot,
    freed time is not even looked up against the waitlist: no entry could be told of it."""
    notes = tenant.notifications
    return bool(notes and (notes.sms or notes.email))


def can_offer(tenant: TenantConfig, phone: str | None) -> bool:
    """Whether a waitlist offer could reach `phone` by SMS: the tenant sends SMS and the number is a mobile
    one (what joining asks for)."""
    return keeps_waitlist(tenant) and sms_number(phone) is not None


def offer_channels(
    tenant: TenantConfig, phone: str | None, email: str | None = None
) -> tuple[tuple[Channel, str], ...]:
    """The channels an offer reaches the entry by, each with its address: ("sms", E.164) when the tenant
    sends SMS and `phone` is a mobile number, ("email", address) when the tenant sends email and `email`
    is a valid address. Empty: nothing can reach it, so it must not be offered."""
    notes = tenant.notifications
    if notes is None:
        return ()
    out: list[tuple[Channel, str]] = []
    to = sms_number(phone) if notes.sms else None
    if to is not None:
        out.append(("sms", to))
    address = valid_email(email) if notes.email else None
    if address is not None:
        out.append(("email", address))
    return tuple(out)


def plan_waitlist_offer(tenant: TenantConfig, facts: OfferFacts, now: datetime) -> Plan:
    """The offer by each channel that reaches the entry (`offer_channels`), due now or at the end of the
    quiet hours; no message (with why) when none can."""
    notes = tenant.notifications
    if notes is None or not (notes.sms or notes.email):
        return Plan(skipped=("sms: the tenant sends none", "email: the tenant sends none"))
    channels = offer_channels(tenant, facts.phone, facts.email)
    if not channels:
        skipped = [
            "sms: the tenant sends none" if not notes.sms else "sms: no mobile number",
            "email: the tenant sends none" if not notes.email else "email: no address",
        ]
        return Plan(skipped=tuple(skipped))
    due = after_quiet(now, tenant.zone, notes.quiet)
    messages: list[Planned] = []
    for channel, to in channels:
        payload: dict[str, Any] = {
            "kind": "waitlist_offer",
            "channel": channel,
            "to": to,
            "waitlist_entry_id": facts.entry_id,
            "lang": tenant.language,
            "starts_at": facts.start.astimezone(UTC).isoformat(),  # the worker holds back a late offer
        }
        if channel == "sms":
            payload["text"] = offer_sms(tenant, facts)
        else:
            subject, text = offer_email(tenant, facts)
            payload.update(subject=subject, text=text, attachments=[])
        key = f"waitlist:{facts.entry_id}:offer:{channel}"
        messages.append(Planned("waitlist_offer", channel, to, due, key, facts.entry_id, payload))
    return Plan(tuple(messages))
