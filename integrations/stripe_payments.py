"""Stripe through its SDK: Checkout Sessions for top-ups, off-session PaymentIntents for auto top-ups.

Configuration (environment, CONTRACT section 11): `SLOTLINE_STRIPE_API_KEY`, `SLOTLINE_STRIPE_API_BASE`
(a local fake in tests; default Stripe's API), `SLOTLINE_STRIPE_WEBHOOK_SECRET` (agent_functions).
The SDK's async methods run over httpx. Amounts go to Stripe in minor units (cents).

`AutoTopupSender` is the outbox worker's sender for target `stripe` (rows written by
booking_core.billing.auto_topup): it charges the saved payment method with the row's idempotency key
(a retried send never charges twice) and records the outcome (booking_core.billing.topups). A declined
card or a card that needs the customer (3-D Secure) is a failure of the attempt, recorded and settled;
a network fault or Stripe 5xx/429 is retried by the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe

from booking_core.billing import topups
from booking_core.billing.topups import Payment
from booking_core.storage.db import Database
from integrations.errors import NotConfigured, PermanentError, RateLimited, RetryableError
from integrations.outbox import Claimed

DEFAULT_API_BASE = "https://api.stripe.com"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StripeConfig:
    api_key: str
    api_base: str = DEFAULT_API_BASE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StripeConfig | None:
        key = env.get("SLOTLINE_STRIPE_API_KEY")
        return cls(key, env.get("SLOTLINE_STRIPE_API_BASE") or DEFAULT_API_BASE) if key else None

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.api_key,
            base_addresses={"api": self.api_base},
            max_network_retries=1,
            http_client=stripe.HTTPXClient(timeout=15),
        )


def cents(amount: Decimal) -> int:
    """EUR with at most two places as Stripe's minor units."""
    value = amount * HUNDRED
    if value != value.to_integral_value():
        raise ValueError(f"{amount} EUR is not a whole number of cents")
    return int(value)


@dataclass(frozen=True)
class Checkout:
    id: str
    url: str


async def create_checkout(
    config: StripeConfig,
    tenant_id: str,
    amount: Decimal,
    *,
    success_url: str,
    cancel_url: str,
    idempotency_key: str | None = None,
) -> Checkout:
    """A Checkout Session paying `amount` EUR onto the tenant's balance; the card is saved for auto top-ups.

    Raises stripe.StripeError (the SDK's errors) when Stripe refuses or cannot be reached."""
    params: dict[str, Any] = {
        "mode": "payment",
        "client_reference_id": tenant_id,
        "metadata": {"tenant": tenant_id, "kind": "topup"},
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": cents(amount),
                    "product_data": {"name": "Slotline Guthaben"},
                },
            }
        ],
        "payment_intent_data": {
            "metadata": {"tenant": tenant_id, "kind": "topup"},
            "setup_future_usage": "off_session",
        },
        "customer_creation": "always",
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    options: dict[str, Any] = {"idempotency_key": idempotency_key} if idempotency_key else {}
    session = await config.client().v1.checkout.sessions.create_async(params, options)  # type: ignore[arg-type]
    return Checkout(session.id, session.url or "")


async def charge_off_session(
    config: StripeConfig,
    tenant_id: str,
    amount: Decimal,
    *,
    customer: str | None,
    payment_method: str,
    idempotency_key: str,
) -> Any:
    """Confirm a PaymentIntent on the saved payment method without the customer present."""
    params: dict[str, Any] = {
        "amount": cents(amount),
        "currency": "eur",
        "payment_method": payment_method,
        "off_session": True,
        "confirm": True,
        "metadata": {"tenant": tenant_id, "kind": "auto_topup"},
    }
    if customer:
        params["customer"] = customer
    return await config.client().v1.payment_intents.create_async(params, {"idempotency_key": idempotency_key})  # type: ignore[arg-type]


class AutoTopupSender:
    """Outbox sender for target `stripe`: one auto top-up attempt per row."""

    async def send(self, message: Claimed, ctx: Any) -> str | None:
        config = StripeConfig.from_env(ctx.env)
        if config is None:
            raise NotConfigured("SLOTLINE_STRIPE_API_KEY is not set")
        tenant = ctx.tenant
        if tenant is None:
            raise PermanentError(f"unknown tenant {message.tenant_id!r}")
        payload = message.payload
        amount = Decimal(payload["amount"])
        try:
            intent = await charge_off_session(
                config,
                tenant.id,
                amount,
                customer=payload.get("customer"),
                payment_method=payload["payment_method"],
                idempotency_key=payload["idempotency_key"],
            )
        except stripe.CardError as exc:
            return await _failed(
                ctx.db, tenant, amount, exc.code or exc.user_message or "card declined", ctx.clock.now()
            )
        except stripe.RateLimitError as exc:
            raise RateLimited(f"stripe: {exc.user_message or exc}", status=429) from exc
        except (stripe.APIConnectionError, stripe.APIError) as exc:
            raise RetryableError(f"stripe: {exc.user_message or exc}", status=exc.http_status) from exc
        except stripe.StripeError as exc:  # bad key, bad request: this attempt cannot succeed
            return await _failed(
                ctx.db, tenant, amount, f"stripe refused: {exc.user_message or exc}"[:200], ctx.clock.now()
            )
        if intent.status != "succeeded":
            return await _failed(ctx.db, tenant, amount, f"payment {intent.status}", ctx.clock.now())
        async with ctx.db.write() as session:
            await topups.record_auto_topup_success(
                session,
                tenant,
                Payment(
                    intent.id,
                    Decimal(intent.amount_received or intent.amount) / HUNDRED,
                    "auto_topup",
                    payload.get("customer"),
                    payload["payment_method"],
                ),
                ctx.clock.now(),
            )
        return f"charged {intent.id}"


async def _failed(db: Database, tenant: Any, amount: Decimal, reason: str, now: Any) -> str:
    async with db.write() as session:
        account = await topups.record_auto_topup_failure(session, tenant, amount, reason, now)
    return f"failed ({reason}); {account.auto_failures} in a row" + (
        "; auto top-up off" if account.auto_disabled else ""
    )
