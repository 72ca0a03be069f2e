"""The waitlist offer: an SMS to the first waiting caller when a fitting time frees up (CONTRACT
sections 9 and 10). Pure: the entry's facts in, one planned message (or none, with why) out.

The SMS names the business, day, date, time, service, staff and the number to call, in at most 320
characters; there is no hold, so it says whoever calls first gets the time. It goes only by SMS (the
waitlist keeps a phone number, no address), only to a mobile number, and only when the tenant sends
SMS. Inside the quiet hours it waits for their end (section 9: a waitlist SMS is not a confirmation
of the call just made). Key: one offer per entry, so a retried change never sends it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking_core.messages.channels import display_phone, sms_number
from booking_core.messages.planner import Plan, Planned
from booking_core.messages.texts import SMS_MAX, Lang, short_when
from booking_core.messages.timing import after_quiet
from booking_core.tenant_config import TenantConfig

__all__ = ["OfferFacts", "can_offer", "keeps_waitlist", "offer_sms", "plan_waitlist_offer"]

OFFER_SMS = {
    "de": "{b}: Ein Termin ist frei geworden: {w}, {s} bei {p}. Wer zuerst anruft, bekommt ihn.{call}",
    "en": "{b}: A time has become free: {w}, {s} with {p}. Whoever calls first gets it.{call}",
}
CALL = {"de": " Jetzt buchen: {t}", "en": " To book call {t}"}


@dataclass(frozen=True)
class OfferFacts:
    """One offer as the SMS tells it: `start` local and aware, `staff` the first name."""

    entry_id: str
    start: datetime
    service: str
    staff: str
    phone: str  # the waiting caller's number (E.164)


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


def keeps_waitlist(tenant: TenantConfig) -> bool:
    """Whether the tenant can keep a waitlist: its offers go by SMS, so the tenant must send SMS."""
    return bool(tenant.notifications and tenant.notifications.sms)


def can_offer(tenant: TenantConfig, phone: str | None) -> bool:
    """Whether a waitlist offer could reach `phone`: the tenant sends SMS and the number is a mobile one."""
    return keeps_waitlist(tenant) and sms_number(phone) is not None


def plan_waitlist_offer(tenant: TenantConfig, facts: OfferFacts, now: datetime) -> Plan:
    """The offer's SMS, due now or at the end of the quiet hours; no message (with why) when it cannot go."""
    notes = tenant.notifications
    to = sms_number(facts.phone)
    if notes is None or not notes.sms:
        return Plan(skipped=("sms: the tenant sends none",))
    if to is None:
        return Plan(skipped=("sms: no mobile number",))
    payload: dict[str, Any] = {
        "kind": "waitlist_offer",
        "channel": "sms",
        "to": to,
        "text": offer_sms(tenant, facts),
        "waitlist_entry_id": facts.entry_id,
        "lang": tenant.language,
    }
    due = after_quiet(now, tenant.zone, notes.quiet)
    return Plan(
        (Planned("waitlist_offer", "sms", to, due, f"waitlist:{facts.entry_id}:offer:sms", facts.entry_id, payload),)
    )
