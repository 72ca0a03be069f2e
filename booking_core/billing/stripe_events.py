"""What a verified Stripe webhook event does to the ledger (the route verifies the signature first).

Idempotent per event id: the id is stored in `stripe_events` in the transaction that applies the event,
so a second delivery of the same event finds it and changes nothing; two different events about one
payment credit once because the ledger refuses a payment's ref twice (topups). Out-of-order deliveries
are fine: every event carries the whole object, and each handler moves the ledger to what that object
says (a payment credited, a cumulative refunded amount reached), never by a relative step.

Handled types:
- `checkout.session.completed` (when `payment_status` is `paid`), `checkout.session.async_payment_succeeded`
- `payment_intent.succeeded` (a Checkout payment or an auto top-up: metadata.tenant names the tenant)
- `charge.refunded` (cumulative `amount_refunded`) → refund rows and a credit note
Anything else is recorded as `ignored`. An event for a tenant this server does not know raises
UnknownTenant, and nothing is written (Stripe retries; loading the tenant later lets the retry credit).
An event that names no tenant at all (no `metadata.tenant`, no `client_reference_id`, a refund of no
payment in the ledger) is not a top-up: another product sold through the same Stripe account. It is
recorded as `not_ours` and answered 200, because Stripe retries a refused event for three days and then
switches the endpoint off, top-ups included. (Slotline's own Checkout and auto top-ups always set
`metadata.tenant` on the PaymentIntent, whose charges carry it: `integrations.stripe_payments`.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.billing import topups
from booking_core.billing.topups import Payment
from booking_core.storage.billing_models import StripeEvent
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

__all__ = ["HUNDRED", "EventResult", "UnknownTenant", "apply_event", "checkout_payment", "intent_payment"]

HUNDRED = Decimal(100)
TenantLookup = Callable[[str], Awaitable[TenantConfig | None]]


class UnknownTenant(LookupError):
    """The event names a tenant that is not loaded (or none at all)."""


@dataclass(frozen=True)
class EventResult:
    event_id: str
    type: str
    outcome: str  # credited | already_credited | refunded | already_refunded | unpaid | ignored | not_ours | duplicate
    tenant: str | None = None


def _cents(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return Decimal(value) / HUNDRED


def _str(value: Any) -> str | None:
    if isinstance(value, Mapping):  # an expanded object
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _tenant_id(obj: Mapping[str, Any]) -> str | None:
    metadata = _metadata(obj)
    return _str(metadata.get("tenant")) or _str(obj.get("client_reference_id"))


def checkout_payment(session: Mapping[str, Any]) -> Payment | None:
    """The payment of a paid EUR Checkout Session, else None."""
    amount = _cents(session.get("amount_total"))
    if session.get("payment_status") != "paid" or amount is None or str(session.get("currency", "")).lower() != "eur":
        return None
    ref = _str(session.get("payment_intent")) or _str(session.get("id"))
    return Payment(ref, amount, "checkout", _str(session.get("customer")), None) if ref else None


def intent_payment(intent: Mapping[str, Any]) -> Payment | None:
    """The payment of a succeeded EUR PaymentIntent, else None."""
    amount = _cents(intent.get("amount_received", intent.get("amount")))
    if intent.get("status") != "succeeded" or amount is None or str(intent.get("currency", "")).lower() != "eur":
        return None
    metadata = _metadata(intent)
    source = "auto_topup" if metadata.get("kind") == "auto_topup" else "checkout"
    ref = _str(intent.get("id"))
    return (
        Payment(ref, amount, source, _str(intent.get("customer")), _str(intent.get("payment_method"))) if ref else None
    )


async def apply_event(db: Database, tenant_of: TenantLookup, event: Mapping[str, Any], now: datetime) -> EventResult:
    """Apply one verified event, exactly once per event id. Raises UnknownTenant (nothing written)."""
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    obj = (event.get("data") or {}).get("object") if isinstance(event.get("data"), Mapping) else None
    if not event_id or not isinstance(obj, Mapping):
        return EventResult(event_id, kind, "ignored")
    for attempt in (1, 2):
        try:
            async with db.write() as session:
                if await session.get(StripeEvent, event_id) is not None:
                    return EventResult(event_id, kind, "duplicate")
                tenant_id, outcome = await _apply(session, tenant_of, kind, obj, now)
                session.add(
                    StripeEvent(
                        event_id=event_id, type=kind[:100], tenant_id=tenant_id, outcome=outcome, received_at=now
                    )
                )
            return EventResult(event_id, kind, outcome, tenant_id)
        except IntegrityError:
            if attempt == 2:  # a concurrent delivery of this event committed first: the retry sees it
                raise
    raise AssertionError("unreachable")


async def _tenant(tenant_of: TenantLookup, tenant_id: str | None) -> TenantConfig:
    tenant = await tenant_of(tenant_id) if tenant_id else None
    if tenant is None:
        raise UnknownTenant(f"unknown tenant {tenant_id!r}" if tenant_id else "the event names no tenant")
    return tenant


async def _apply(
    session: AsyncSession, tenant_of: TenantLookup, kind: str, obj: Mapping[str, Any], now: datetime
) -> tuple[str | None, str]:
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded", "payment_intent.succeeded"):
        payment = checkout_payment(obj) if kind.startswith("checkout.") else intent_payment(obj)
        if _tenant_id(obj) is None:
            return None, "not_ours"
        tenant = await _tenant(tenant_of, _tenant_id(obj))
        if payment is None:
            return tenant.id, "unpaid"
        credited = await topups.credit_payment(session, tenant, payment, now)
        if not credited and payment.payment_method:  # the Checkout event came first: keep the saved card
            await topups.save_payment_method(
                session, tenant.id, payment.customer, payment.payment_method, now, reset=payment.source == "checkout"
            )
        return tenant.id, "credited" if credited else "already_credited"
    if kind == "charge.refunded":
        payment_ref = _str(obj.get("payment_intent")) or _str(obj.get("id"))
        refunded = _cents(obj.get("amount_refunded"))
        if payment_ref is None or refunded is None:
            return None, "ignored"
        tenant_id = _tenant_id(obj) or await topups.tenant_of_payment(session, payment_ref)
        if tenant_id is None:
            return None, "not_ours"
        tenant = await _tenant(tenant_of, tenant_id)
        note = await topups.record_refund(session, tenant, payment_ref, refunded, now)
        return tenant.id, "refunded" if note is not None else "already_refunded"
    return None, "ignored"
