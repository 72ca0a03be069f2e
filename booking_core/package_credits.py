"""The credit ledger of packages inside a booking's or cancellation's transaction (CONTRACT section 10).

Every movement is one `_append` in the caller's write session: the sale row is locked first
(PostgreSQL: `SELECT ... FOR UPDATE`; SQLite: writers are serialised by BEGIN IMMEDIATE), so concurrent
bookings of one card queue there and each sees the credits the one before it left; then a
`package_credits` row is inserted and the sale's `remaining` moved by the same amount. The balance is
therefore the sum of the ledger at every commit, never below zero (a CHECK on the sale row is the last
guard), and a use or refund happens once per appointment (unique sale, kind and ref). Which card pays:
`booking_core.package_rules`.

The booking path calls `use_credit` only when the tenant sells a package for the service
(`TenantConfig.packages_for`): one indexed query more then, none otherwise.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.domain import PackageOutcome, PackageUse
from booking_core.package_rules import Card, choose
from booking_core.request import BookingContext
from booking_core.storage.package_models import PackageCredit, PackageSale
from booking_core.vocabulary import CreditKind

__all__ = ["append", "credit_of", "locked_sales", "refund_credit", "use_credit"]

CARDS_LOOKED_AT = 10  # a customer's latest cards of one service; older ones have long expired


async def locked_sales(session: AsyncSession, tenant_id: str, customer_id: str, service_id: str) -> list[PackageSale]:
    """The customer's latest cards of the service, locked for this transaction, in one lock order."""
    query = (
        select(PackageSale)
        .where(
            PackageSale.tenant_id == tenant_id,
            PackageSale.customer_id == customer_id,
            PackageSale.service_id == service_id,
        )
        .order_by(PackageSale.expires_at.desc(), PackageSale.id)
        .limit(CARDS_LOOKED_AT)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


async def append(
    session: AsyncSession,
    sale: PackageSale,
    kind: CreditKind,
    credits: int,
    ref: str,
    now: datetime,
    *,
    appointment_id: str | None = None,
    call_id: str | None = None,
) -> PackageCredit:
    """One ledger row for the (locked) `sale`, and its running total moved alike; flushed."""
    sale.remaining += credits
    row = PackageCredit(
        tenant_id=sale.tenant_id,
        sale_id=sale.id,
        kind=kind,
        credits=credits,
        balance_after=sale.remaining,
        ref=ref,
        appointment_id=appointment_id,
        call_id=call_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def _use(sale: PackageSale, outcome: PackageOutcome) -> PackageUse:
    return PackageUse(outcome, sale.package_id, sale.package_name, sale.id, sale.remaining, sale.expires_at)


async def use_credit(
    session: AsyncSession, ctx: BookingContext, service_id: str, customer_id: str, appointment_id: str, start: datetime
) -> PackageUse | None:
    """Use one credit of the customer's card of the service for the new appointment (`start` aware):
    `used` with what is left; `used_up` / `expired` when the customer has a card that cannot pay (the
    appointment is paid normally); None when they have none."""
    sales = await locked_sales(session, ctx.tenant.id, customer_id, service_id)
    if not sales:
        return None
    by_id = {s.id: s for s in sales}
    card, outcome = choose([Card(s.id, s.remaining, s.expires_at) for s in sales], start)
    if card is None or outcome is None:
        return None
    sale = by_id[card.sale_id]
    if outcome == "used":
        await append(
            session,
            sale,
            CreditKind.USE,
            -1,
            appointment_id,
            ctx.now,
            appointment_id=appointment_id,
            call_id=ctx.call_id,
        )
    return _use(sale, outcome)


async def _used_for(session: AsyncSession, tenant_id: str, appointment_id: str) -> PackageCredit | None:
    return await session.scalar(
        select(PackageCredit)
        .where(
            PackageCredit.tenant_id == tenant_id,
            PackageCredit.appointment_id == appointment_id,
            PackageCredit.kind == CreditKind.USE,
        )
        .limit(1)
    )


async def credit_of(session: AsyncSession, tenant_id: str, appointment_id: str) -> PackageUse | None:
    """The card that paid for the appointment (`used`, with its credits now), None when none did."""
    used = await _used_for(session, tenant_id, appointment_id)
    if used is None:
        return None
    sale = await session.get(PackageSale, used.sale_id)
    return _use(sale, "used") if sale is not None else None


async def refund_credit(
    session: AsyncSession, ctx: BookingContext, appointment_id: str, free: bool
) -> PackageUse | None:
    """The cancellation of an appointment a card paid for: `free` (no fee) gives the credit back once
    (`refunded`); with a fee it stays used (`kept`); a card that has expired meanwhile keeps it too
    (`expired`: the credit would lapse at once). None when no card paid for it."""
    used = await _used_for(session, ctx.tenant.id, appointment_id)
    if used is None:
        return None
    sale = await session.get(PackageSale, used.sale_id, with_for_update=True, populate_existing=True)
    if sale is None:
        return None
    if not free:
        return _use(sale, "kept")
    if ctx.now >= sale.expires_at:
        return _use(sale, "expired")
    done = await session.scalar(
        select(PackageCredit.id).where(
            PackageCredit.sale_id == sale.id,
            PackageCredit.kind == CreditKind.REFUND,
            PackageCredit.ref == appointment_id,
        )
    )
    if done is None:
        await append(
            session,
            sale,
            CreditKind.REFUND,
            1,
            appointment_id,
            ctx.now,
            appointment_id=appointment_id,
            call_id=ctx.call_id,
        )
    return _use(sale, "refunded")
