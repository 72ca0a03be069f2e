"""Top-ups: which amounts a top-up may have, crediting a payment (and its bonus) once, refunds, and
what an auto top-up attempt's outcome does to the account.

A payment is identified by its Stripe PaymentIntent id (`ref`): Checkout's `checkout.session.completed`,
`checkout.session.async_payment_succeeded` and the PaymentIntent's own `payment_intent.succeeded` all
name it, so whichever arrives first credits and the others find the ref already in the ledger.
The bonus (`billing.bonus_tiers`) is a second row with the same ref and kind `bonus`: once as well.
A refund is the difference between Stripe's cumulative `amount_refunded` and what the ledger already
refunded for that payment (so an older, smaller refund event arriving late writes nothing); it takes
back the bonus in proportion and issues a credit note with its own number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.billing import invoices, notices
from booking_core.billing.config import PrepaidSettings, bonus_for
from booking_core.billing.postings import post
from booking_core.costs import money
from booking_core.storage.billing_models import BalanceTransaction, BillingAccount, BillingDocument, TenantBalance
from booking_core.tenant_config import TenantConfig

__all__ = [
    "ZERO",
    "Payment",
    "TopupAmountError",
    "credit_payment",
    "parse_amount",
    "record_auto_topup_failure",
    "record_auto_topup_success",
    "record_refund",
    "save_payment_method",
    "tenant_of_payment",
]

ZERO = Decimal(0)


class TopupAmountError(ValueError):
    """A top-up amount that cannot be charged; `code` for the JSON error, the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_amount(raw: object, settings: PrepaidSettings) -> Decimal:
    """A top-up amount in EUR from JSON or a command line ("100", "100.00", 100): positive, at most two
    decimal places, within [topup_min, topup_max]. Raises TopupAmountError."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise TopupAmountError("bad_amount", 'amount must be a decimal amount in EUR, e.g. "100.00"')
    try:
        amount = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).strip())
    except InvalidOperation:
        raise TopupAmountError("bad_amount", f"amount must be a decimal amount in EUR, got {str(raw)[:40]!r}") from None
    if not amount.is_finite():
        raise TopupAmountError("bad_amount", "amount must be a finite decimal amount in EUR")
    if amount <= 0:
        raise TopupAmountError("amount_not_positive", "amount must be more than 0 EUR")
    if amount != amount.quantize(Decimal("0.01")):
        raise TopupAmountError("bad_amount", "amount has at most two decimal places (cents)")
    if amount < settings.topup_min:
        raise TopupAmountError("amount_too_small", f"the smallest top-up is {settings.topup_min} EUR")
    if amount > settings.topup_max:
        raise TopupAmountError("amount_too_large", f"the largest top-up is {settings.topup_max} EUR")
    return amount


@dataclass(frozen=True)
class Payment:
    """A successful payment as Stripe reports it; `amount` in EUR (minor units / 100)."""

    ref: str  # the PaymentIntent id (or the Checkout Session id when Stripe names no PaymentIntent)
    amount: Decimal
    source: str  # checkout | auto_topup
    customer: str | None = None
    payment_method: str | None = None


async def _account(session: AsyncSession, tenant_id: str, now: datetime) -> BillingAccount:
    account = await session.get(BillingAccount, tenant_id)
    if account is None:
        account = BillingAccount(tenant_id=tenant_id, auto_failures=0, auto_disabled=False, updated_at=now)
        session.add(account)
    return account


async def credit_payment(session: AsyncSession, tenant: TenantConfig, payment: Payment, now: datetime) -> bool:
    """Credit the payment and its bonus tier; False (nothing written) when it was credited before.

    A Checkout payment also saves the customer and payment method for auto top-ups and switches a
    switched-off auto top-up on again (the owner has just paid with a working card)."""
    posted = await post(
        session, tenant, "topup", payment.amount, now, ref=payment.ref, details={"source": payment.source}
    )
    if posted is None:
        return False
    bonus = bonus_for(payment.amount, tenant.billing.bonus_tiers)
    if bonus > 0:
        await post(session, tenant, "bonus", bonus, now, ref=payment.ref, details={"topup": str(payment.amount)})
        await _take_back_for_earlier_refunds(session, tenant, payment, bonus, now)
    if payment.customer or payment.payment_method:
        await save_payment_method(
            session, tenant.id, payment.customer, payment.payment_method, now, reset=payment.source == "checkout"
        )
    return True


async def _take_back_for_earlier_refunds(
    session: AsyncSession, tenant: TenantConfig, payment: Payment, bonus: Decimal, now: datetime
) -> None:
    """Refunds of this payment delivered before the payment itself (Stripe does not promise order):
    `record_refund` found no top-up then and took no bonus back, so it is taken back now, each refund's
    share in proportion under that refund's ref, as the other order would have (the ledger ends the same)."""
    refunds = (
        await session.execute(
            select(BalanceTransaction.amount, BalanceTransaction.ref).where(
                BalanceTransaction.tenant_id == tenant.id,
                BalanceTransaction.kind == "refund",
                BalanceTransaction.ref.startswith(f"{payment.ref}/refund/", autoescape=True),
            )
        )
    ).all()
    taken = ZERO
    for amount, ref in refunds:
        share = min(-amount, payment.amount - taken)
        taken += share
        if share > 0:
            details = {"payment": payment.ref, "taken_back_for_refund": str(share)}
            await post(session, tenant, "bonus", -money(bonus * share / payment.amount), now, ref=ref, details=details)


async def save_payment_method(
    session: AsyncSession,
    tenant_id: str,
    customer: str | None,
    payment_method: str | None,
    now: datetime,
    *,
    reset: bool,
) -> None:
    account = await _account(session, tenant_id, now)
    account.stripe_customer_id = customer or account.stripe_customer_id
    account.payment_method_id = payment_method or account.payment_method_id
    if reset:
        account.auto_failures, account.auto_disabled = 0, False
    account.updated_at = now


async def record_refund(
    session: AsyncSession, tenant: TenantConfig, payment_ref: str, refunded_total: Decimal, now: datetime
) -> BillingDocument | None:
    """Bring the ledger's refunds of `payment_ref` up to Stripe's cumulative `refunded_total` (EUR):
    a refund row, the bonus taken back in proportion, and a credit note. None when nothing was new."""
    prefix = f"{payment_ref}/refund/"
    rows = (
        await session.execute(
            select(BalanceTransaction.kind, BalanceTransaction.amount, BalanceTransaction.ref).where(
                BalanceTransaction.tenant_id == tenant.id,
                (BalanceTransaction.ref == payment_ref) | BalanceTransaction.ref.startswith(prefix, autoescape=True),
            )
        )
    ).all()
    refunded = -sum((amount for kind, amount, ref in rows if kind == "refund"), ZERO)
    difference = refunded_total - refunded
    if difference <= 0:
        return None
    ref = f"{prefix}{refunded_total}"
    posted = await post(session, tenant, "refund", -difference, now, ref=ref, details={"payment": payment_ref})
    if posted is None:
        return None
    topup = sum((amount for kind, amount, r in rows if kind == "topup" and r == payment_ref), ZERO)
    bonus = sum((amount for kind, amount, r in rows if kind == "bonus" and r == payment_ref), ZERO)
    if topup > 0 and bonus > 0:
        await post(
            session,
            tenant,
            "bonus",
            -money(bonus * min(difference, topup) / topup),
            now,
            ref=ref,
            details={"payment": payment_ref, "taken_back_for_refund": str(difference)},
        )
    return await invoices.issue(
        session,
        tenant.id,
        "credit_note",
        now,
        net=difference,
        vat_pct=tenant.billing.vat_pct,
        ref=ref,
        details={"payment": payment_ref, "refunded": str(difference)},
    )


async def tenant_of_payment(session: AsyncSession, payment_ref: str) -> str | None:
    """The tenant whose ledger holds the top-up `payment_ref`, if any."""
    return await session.scalar(
        select(BalanceTransaction.tenant_id)
        .where(BalanceTransaction.kind == "topup", BalanceTransaction.ref == payment_ref)
        .limit(1)
    )


async def record_auto_topup_success(
    session: AsyncSession, tenant: TenantConfig, payment: Payment, now: datetime
) -> bool:
    """An off-session charge went through: credit it (once), reset the failure count, tell the owner."""
    credited = await credit_payment(session, tenant, payment, now)
    account = await _account(session, tenant.id, now)
    account.auto_failures, account.updated_at = 0, now
    if credited:
        balance = await session.get(TenantBalance, tenant.id)
        notices.queue(
            session,
            tenant,
            "auto_topup_succeeded",
            now,
            amount=payment.amount,
            balance=balance.balance if balance else payment.amount,
        )
    return credited


async def record_auto_topup_failure(
    session: AsyncSession, tenant: TenantConfig, amount: Decimal, reason: str, now: datetime
) -> BillingAccount:
    """An off-session charge failed: count it, switch auto top-up off at the limit, tell the owner."""
    limit = tenant.billing.auto_topup.max_failures if tenant.billing.auto_topup else 3
    account = await _account(session, tenant.id, now)
    account.auto_failures += 1
    account.auto_disabled = account.auto_disabled or account.auto_failures >= limit
    account.updated_at = now
    balance = await session.get(TenantBalance, tenant.id)
    notices.queue(
        session,
        tenant,
        "auto_topup_failed",
        now,
        amount=amount,
        reason=reason[:200],
        failures=account.auto_failures,
        max_failures=limit,
        disabled=account.auto_disabled,
        balance=balance.balance if balance else ZERO,
    )
    return account
