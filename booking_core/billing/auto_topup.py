"""Auto top-up: when to charge the saved payment method off-session (CONTRACT section 11).

`billing.auto_topup: {below: "20.00", amount: "100.00"}`. A debit that leaves the balance below
`below` claims an attempt when the tenant has a saved payment method, auto top-up is not switched off,
and no attempt was claimed in the last `cooldown_min` (60) minutes. The claim is made under the
tenant's balance lock (ledger.append holds it), in the debit's transaction: it stamps the attempt time
and writes an outbox row (topic `billing.auto_topup`, target `stripe`) that the worker turns into a
PaymentIntent (integrations.stripe_payments). The call that caused the debit never waits for Stripe.
Outcomes (topups.record_auto_topup_*): a success credits the payment and resets the failure count;
each failure counts, the `max_failures`-th (3) in a row switches auto top-up off, and every outcome
is a notice to the owner. A manual top-up through Checkout saves a fresh card and switches it on again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.billing.config import AutoTopup
from booking_core.billing.ledger import Posted
from booking_core.costs import dec_str
from booking_core.storage.billing_models import BillingAccount
from booking_core.storage.models import OutboxMessage
from booking_core.tenant_config import TenantConfig

TOPIC = "billing.auto_topup"
TARGET = "stripe"


def due(
    config: AutoTopup | None, account: BillingAccount | None, before: Decimal, after: Decimal, now: datetime
) -> bool:
    """Whether a movement from `before` to `after` EUR should start an attempt now (pure)."""
    if config is None or account is None or not account.payment_method_id or account.auto_disabled:
        return False
    if after >= before or after >= config.below:
        return False
    last = account.auto_last_attempt_at
    return last is None or now - last >= timedelta(minutes=config.cooldown_min)


async def claim_if_due(session: AsyncSession, tenant: TenantConfig, posted: Posted, now: datetime) -> bool:
    """Claim an attempt for this debit when `due`; the caller holds the tenant's balance lock."""
    config = tenant.billing.auto_topup
    if config is None or posted.amount >= 0 or posted.after >= config.below:
        return False
    account = await session.get(BillingAccount, tenant.id)
    if not due(config, account, posted.before, posted.after, now):
        return False
    assert account is not None
    account.auto_last_attempt_at, account.updated_at = now, now
    session.add(
        OutboxMessage(
            tenant_id=tenant.id,
            topic=TOPIC,
            target=TARGET,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            payload={
                "tenant": tenant.id,
                "amount": dec_str(config.amount),
                "customer": account.stripe_customer_id,
                "payment_method": account.payment_method_id,
                "balance": dec_str(posted.after),
                # Stripe's idempotency key: a retried send of this attempt never charges twice.
                "idempotency_key": f"slotline-auto-topup-{tenant.id}-{now.strftime('%Y%m%dT%H%M%S%f')}",
            },
        )
    )
    return True
