"""Which messages a change brings, to whom, when (pure: values in, planned messages out).

- booked: a confirmation now; reminders `remind_hours_before` the start (moved out of quiet hours).
- moved: every message still pending for the appointment is withdrawn (it names the old time), then a
  change message now and the reminders for the new time.
- cancelled: every pending message withdrawn, a cancellation now. Nothing is ever planned for a
  cancelled or moved-away time.
Each goes by SMS when the tenant sends SMS and the customer's number is a mobile one, and by email when
the tenant sends email and the address is known. A callback request goes to `staff_email` at once.

Every message has an idempotency key, unique per tenant: the outbox stores it once and the senders
pass it on, so each is delivered at most once. Keys carry the appointment's version, which every
change raises, so the messages of a later change never collide with an earlier one's.
Source of the rules: CONTRACT section 9; issue 16.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from booking_core.messages import ics
from booking_core.messages.channels import display_phone, sms_number, valid_email
from booking_core.messages.staff import CallbackFacts, callback_email
from booking_core.messages.texts import Facts, Kind, Lang, email_text, sms_text
from booking_core.messages.timing import reminder_times
from booking_core.tenant_config import TenantConfig

__all__ = ["TOPIC_KIND", "Channel", "Plan", "Planned", "facts_of", "plan_callback", "plan_change"]

Channel = Literal["sms", "email"]
TOPIC_KIND: dict[str, Kind] = {
    "appointment.created": "confirmation",
    "appointment.rescheduled": "change",
    "appointment.cancelled": "cancellation",
}


@dataclass(frozen=True)
class Planned:
    """One message to write as an outbox row (target = channel, topic = "message.<kind>")."""

    kind: str  # confirmation | change | cancellation | reminder | callback_request
    channel: Channel
    to: str
    due: datetime
    key: str
    subject: str  # the appointment or callback it is about
    payload: dict[str, Any]  # what the sender sends: to, text, (email) subject and attachments


@dataclass(frozen=True)
class Plan:
    messages: tuple[Planned, ...] = ()
    withdraw: str | None = None  # a subject whose pending messages no longer apply
    withdraw_reason: str = ""
    skipped: tuple[str, ...] = field(default=())  # why a channel was not used (for logs and tests)


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def facts_of(tenant: TenantConfig, appointment: dict[str, Any]) -> Facts:
    """The message's view of an appointment in `appointment_to_dict` shape (plus `old_start` on a move)."""
    zone = tenant.zone
    segments = appointment.get("segments") or []
    start = datetime.fromisoformat(segments[0]["start"] if segments else appointment["start"]).astimezone(zone)
    end = datetime.fromisoformat(max((s["end"] for s in segments), default=appointment["end"])).astimezone(zone)
    notes = tenant.notifications
    reply = (notes.reply_phone if notes and notes.reply_phone else None) or (
        tenant.phone_numbers[0] if tenant.phone_numbers else None
    )
    old = appointment.get("old_start")
    return Facts(
        business=tenant.name,
        reference=appointment["reference"],
        start=start,
        end=end,
        service=appointment["service"]["name"],
        staff=_first_name(appointment["staff"]["name"]),
        reply_phone=display_phone(reply) if reply else None,
        customer_name=(appointment.get("customer") or {}).get("name"),
        old_start=datetime.fromisoformat(old).astimezone(zone) if old else None,
        address=notes.address if notes else None,
    )


def plan_change(tenant: TenantConfig, topic: str, appointment: dict[str, Any], now: datetime) -> Plan:
    """The messages of one booking change (`topic` as the outbox names it)."""
    kind = TOPIC_KIND.get(topic)
    notes = tenant.notifications
    if kind is None or notes is None:
        return Plan()
    appointment_id = appointment["id"]
    withdraw = appointment_id if kind in ("change", "cancellation") else None
    reason = {"change": "the appointment was moved", "cancellation": "the appointment was cancelled"}.get(kind, "")
    customer = appointment.get("customer") or {}
    targets: list[tuple[Channel, str]] = []
    skipped: list[str] = []
    for channel, wanted, address, missing in (
        ("sms", notes.sms, sms_number(customer.get("phone")), "no mobile number"),
        ("email", notes.email, valid_email(customer.get("email")), "no address"),
    ):
        if wanted and address:
            targets.append((channel, address))  # type: ignore[arg-type]
        elif wanted:
            skipped.append(f"{channel}: {missing}")
    if not targets:
        return Plan((), withdraw, reason, tuple(skipped))
    lang: Lang = tenant.language
    facts = facts_of(tenant, appointment)
    version = appointment.get("version", 1)
    base = {
        "appointment_id": appointment_id,
        "reference": facts.reference,
        "call_id": appointment.get("call_id"),
        "lang": lang,
        "starts_at": facts.start.astimezone(UTC).isoformat(),  # the worker holds back late reminders
    }
    timed: list[tuple[str, datetime]] = [(kind, now)]
    if kind != "cancellation":
        timed += [
            (f"reminder-{hours}h", due)
            for hours, due in reminder_times(facts.start, notes.remind_hours_before, now, tenant.zone, notes.quiet)
        ]
    messages: list[Planned] = []
    for label, due in timed:
        message_kind: Kind = "reminder" if label.startswith("reminder") else kind
        for channel, to in targets:
            payload: dict[str, Any] = {**base, "kind": message_kind, "channel": channel, "to": to}
            if message_kind == "reminder":  # which reminder: the worker drops one a closer one supersedes
                payload["hours_before"] = int(label.removeprefix("reminder-").removesuffix("h"))
            if channel == "sms":
                payload["text"] = sms_text(message_kind, facts, lang)
            else:
                subject, text = email_text(message_kind, facts, lang)
                payload.update(
                    subject=subject, text=text, attachments=_calendar(tenant, appointment, facts, message_kind, now)
                )
            messages.append(
                Planned(
                    message_kind,
                    channel,
                    to,
                    due,
                    f"{appointment_id}:v{version}:{label}:{channel}",
                    appointment_id,
                    payload,
                )
            )
    return Plan(tuple(messages), withdraw, reason, tuple(skipped))


def _calendar(
    tenant: TenantConfig, appointment: dict[str, Any], facts: Facts, kind: Kind, now: datetime
) -> list[dict[str, str]]:
    """The .ics attachment of an email about a booking (none for reminders: the calendar has it)."""
    if kind == "reminder":
        return []
    address = tenant.notifications.address if tenant.notifications else None
    location = f"{tenant.name}, {address}" if address else tenant.name
    summary = f"{facts.service} {'bei' if tenant.language == 'de' else 'with'} {facts.staff}"
    label = "Buchungsnummer" if tenant.language == "de" else "Reference"
    text = ics.calendar_file(
        uid=appointment["id"],
        start=facts.start,
        end=facts.end,
        summary=summary,
        location=location,
        description=f"{label}: {facts.reference}",
        sequence=int(appointment.get("version", 1)),
        stamp=now,
        cancelled=kind == "cancellation",
    )
    name = "termin.ics" if tenant.language == "de" else "appointment.ics"
    return [{"filename": name, "content_type": "text/calendar", "content": text}]


def plan_callback(tenant: TenantConfig, callback: CallbackFacts, now: datetime) -> Plan:
    """A new callback request, emailed to the team's `staff_email` at once (no address: nothing)."""
    notes = tenant.notifications
    if notes is None or not notes.staff_email:
        return Plan(skipped=("email: no staff_email",))
    subject, text = callback_email(callback, tenant.name, tenant.language)
    payload: dict[str, Any] = {
        "kind": "callback_request",
        "channel": "email",
        "to": notes.staff_email,
        "subject": subject,
        "text": text,
        "callback_id": callback.id,
        "call_id": callback.call_id,
        "lang": tenant.language,
        "attachments": [],
    }
    return Plan(
        (
            Planned(
                "callback_request",
                "email",
                notes.staff_email,
                now,
                f"callback:{callback.id}:email",
                callback.id,
                payload,
            ),
        )
    )
