"""The booking domain's words as types: statuses, reasons, kinds, as stored and as sent.

Each is a `StrEnum`, so a member *is* its string: it compares equal to it, hashes like it, and JSON,
the database and f-strings see the plain value ("cancelled"). Values stored before these types existed
read back as plain strings and still compare equal. Sources: CONTRACT section 3 (statuses), section 7
(call events), section 9 (lifecycle). Why a time cannot be had is `booking_core.refusals.RefusalCode`
(a Literal: the codes the caller hears, with their details).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

__all__ = [
    "Actor",
    "AppointmentStatus",
    "AuditAction",
    "CallEvent",
    "CallStatus",
    "CallbackStatus",
    "ChangeKind",
    "CreditKind",
    "OutboxStatus",
    "OutboxTarget",
    "OutboxTopic",
    "WaitlistStatus",
]


class AppointmentStatus(StrEnum):
    """Where an appointment is in its life (transitions: `booking_core.lifecycle`)."""

    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"  # in a processing gap, the staff free for others
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Actor(StrEnum):
    """Who made a change, as the audit log records it."""

    AGENT = "agent"  # the voice agent, for a caller
    STAFF = "staff"
    SYSTEM = "system"  # time moving appointments along
    SETUP = "setup"  # fixture and test setup


class AuditAction(StrEnum):
    """What an audit row of an appointment records."""

    CREATED = "created"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    STATUS_CHANGED = "status_changed"


class OutboxTopic(StrEnum):
    """What an outbox message announces (outbound webhooks carry it as `topic`)."""

    APPOINTMENT_CREATED = "appointment.created"
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
    APPOINTMENT_CANCELLED = "appointment.cancelled"


class OutboxTarget(StrEnum):
    """Where an outbox message goes."""

    CALCOM = "calcom"
    WEBHOOK = "webhook"


class OutboxStatus(StrEnum):
    """An outbox message's delivery state."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # gave up after its attempts; `slotline outbox retry` revives it
    WITHDRAWN = "withdrawn"  # a planned message that no longer applies (a reminder of a moved time)


class CreditKind(StrEnum):
    """A row of a package's credit ledger (CONTRACT section 10; booking_core.package_credits): the
    sessions bought, one used by a booking, one given back by a cancellation without fee, the rest
    lapsed when the card expired. The balance is the sum of the rows' credits."""

    PURCHASE = "purchase"  # +sessions
    USE = "use"  # -1, for one appointment
    REFUND = "refund"  # +1, that appointment cancelled without fee
    EXPIRY = "expiry"  # -what was left, once the card's validity ended


class CallbackStatus(StrEnum):
    """A callback request's state: open until staff deal with it."""

    OPEN = "open"


class WaitlistStatus(StrEnum):
    """A waitlist entry's state (CONTRACT section 10): waiting until a fitting time frees up (then
    offered, by SMS), or its window ends (expired), or staff or the caller take it off (cancelled)."""

    WAITING = "waiting"
    OFFERED = "offered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class CallEvent(StrEnum):
    """Retell's call lifecycle webhooks, in rank order (a later one's fields win)."""

    CALL_STARTED = "call_started"
    CALL_ENDED = "call_ended"
    CALL_ANALYZED = "call_analyzed"


class CallStatus(StrEnum):
    """A call record's state, derived from its events."""

    ONGOING = "ongoing"
    ENDED = "ended"
    ERROR = "error"


ChangeKind = Literal["cancel", "reschedule"]
"""The two changes a caller's policy governs (CONTRACT section 4 `policies`)."""
