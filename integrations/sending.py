"""What the outbox worker (integrations.worker) hands a sender, how it is configured, what a drain
reports, and whether a message to a person may go now. Split out of worker.py (the 300-line rule),
which re-exports every name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx

from booking_core.clock import Clock
from booking_core.messages import HeldBack, held_back
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from integrations.backoff import Backoff
from integrations.breaker import BreakerPolicy
from integrations.outbox import Claimed

__all__ = ["DrainReport", "SendContext", "Sender", "WorkerConfig", "default_senders", "message_held_back"]


@dataclass
class SendContext:
    """What a sender may use: the database (for its own mapping tables), the clock, the tenant's
    config, the environment (secrets, by the names the tenant file gives) and a shared HTTP client."""

    db: Database
    clock: Clock
    tenant: TenantConfig | None
    env: Mapping[str, str]
    http: httpx.AsyncClient


class Sender(Protocol):
    """Delivers rows of one target. A sender may fix its own retry schedule with `retry_delays_s`
    (seconds after failed attempt 1, 2, ...; dead after the last), else the worker's backoff applies."""

    async def send(self, message: Claimed, ctx: SendContext) -> str | None:
        """Deliver one message; return an optional note, raise an IntegrationError on failure."""


@dataclass(frozen=True)
class WorkerConfig:
    batch: int = 50
    lease_s: float = 120.0
    max_attempts: int = 10
    backoff: Backoff = field(default_factory=Backoff)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    max_batches_per_drain: int = 100
    # Appointments are moved by the clock this often (CONTRACT section 9: every minute); 0 turns it off.
    lifecycle_every_s: float = 60.0


def default_senders() -> dict[str, Sender]:
    from integrations.calcom.mirror import CalcomMirror
    from integrations.messaging.email import SmtpEmail
    from integrations.messaging.sms import TwilioSms
    from integrations.stripe_payments import AutoTopupSender
    from integrations.webhooks import WebhookSender

    return {
        "calcom": CalcomMirror(),
        "webhook": WebhookSender(),
        "sms": TwilioSms(),
        "email": SmtpEmail(),
        "stripe": AutoTopupSender(),
    }


@dataclass
class DrainReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0
    lost_lease: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("claimed", "sent", "retried", "dead", "released", "lost_lease")}


def message_held_back(message: Claimed, tenant: TenantConfig | None, now: datetime) -> HeldBack | None:
    """Whether a message to a person may not go now (booking_core.messages.timing.held_back): a reminder
    of an appointment that has begun never, a timed one inside the tenant's quiet hours later."""
    kind = message.payload.get("kind")
    if message.target not in ("sms", "email") or tenant is None or not isinstance(kind, str):
        return None
    try:
        starts_at: datetime | None = datetime.fromisoformat(str(message.payload["starts_at"]))
    except (KeyError, ValueError):
        starts_at = None  # a row written before rows carried it: the planned time is all there is
    if starts_at is not None and starts_at.tzinfo is None:
        starts_at = None
    notes, hours = tenant.notifications, message.payload.get("hours_before")
    quiet, reminders = (notes.quiet, notes.remind_hours_before) if notes else (None, ())
    return held_back(
        kind,
        starts_at,
        now,
        tenant.zone,
        quiet,
        hours_before=hours if isinstance(hours, int) else None,
        reminders=reminders,
    )
