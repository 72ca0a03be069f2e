"""The ledger: `balance_transactions`, append-only, and the running balance beside it.

Every money movement is one `append` inside the caller's transaction:
1. the tenant's `tenant_balances` row is locked (PostgreSQL: `SELECT ... FOR UPDATE` after an
   `INSERT ... ON CONFLICT DO NOTHING` creates it; SQLite: writers are serialised by BEGIN IMMEDIATE),
   so concurrent movements of one tenant queue and none is lost;
2. a row with a `ref` that the tenant's ledger already holds for that kind is refused (returns None):
   the same Stripe payment credits once, whatever number of webhooks report it;
3. the row is inserted with `balance_after`, and the running total and its version are updated.
The balance is therefore the sum of the ledger at every commit (tests check it), read with one
primary-key lookup. Rows are never updated or deleted: the database refuses it (migration 0009).
Sign: a positive amount credits the tenant (topup, bonus), a negative one debits (call_charge, refund).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.storage.billing_models import BalanceTransaction, TenantBalance
from booking_core.storage.db import Database

__all__ = [
    "ZERO",
    "Balance",
    "Posted",
    "append",
    "balance",
    "balance_before",
    "charged_for_call",
    "ledger_sum",
    "transactions",
]

Kind = Literal["topup", "bonus", "call_charge", "refund", "adjustment"]
KINDS: tuple[str, ...] = ("topup", "bonus", "call_charge", "refund", "adjustment")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Posted:
    """One appended row: its id and the balance before and after it (EUR, unrounded)."""

    transaction_id: int
    kind: str
    amount: Decimal
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class Balance:
    tenant_id: str
    balance: Decimal  # EUR, unrounded
    version: int  # ledger rows so far; changes with every movement
    updated_at: datetime | None


async def _locked_total(session: AsyncSession, tenant_id: str, now: datetime) -> TenantBalance:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            postgresql.insert(TenantBalance)
            .values(tenant_id=tenant_id, balance=ZERO, version=0, updated_at=now)
            .on_conflict_do_nothing()
        )
        row = await session.get(TenantBalance, tenant_id, with_for_update=True, populate_existing=True)
        assert row is not None
        return row
    row = await session.get(TenantBalance, tenant_id)
    if row is None:
        row = TenantBalance(tenant_id=tenant_id, balance=ZERO, version=0, updated_at=now)
        session.add(row)
    return row


async def append(
    session: AsyncSession,
    tenant_id: str,
    kind: Kind,
    amount: Decimal,
    now: datetime,
    *,
    call_id: str | None = None,
    ref: str | None = None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> Posted | None:
    """Add one row and move the running total, in the caller's transaction.

    Returns None, writing nothing, when `ref` is already in the tenant's ledger for `kind`.
    Raises ValueError for an unknown kind or a non-finite amount."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"a ledger amount is a finite Decimal, got {amount!r}")
    total = await _locked_total(session, tenant_id, now)
    if ref is not None and await session.scalar(
        select(BalanceTransaction.id).where(
            BalanceTransaction.tenant_id == tenant_id, BalanceTransaction.kind == kind, BalanceTransaction.ref == ref
        )
    ):
        return None
    before = total.balance
    after = before + amount
    # Under the lock, so a tenant's rows are in time order by id too (a writer that read the clock
    # before waiting for the lock must not date its row before the row that went in first).
    stamp = max(now, total.updated_at) if total.version else now
    row = BalanceTransaction(
        tenant_id=tenant_id,
        kind=kind,
        amount=amount,
        balance_after=after,
        call_id=call_id,
        ref=ref,
        note=note,
        details=details,
        created_at=stamp,
    )
    session.add(row)
    total.balance, total.version, total.updated_at = after, total.version + 1, stamp
    await session.flush()
    return Posted(row.id, kind, amount, before, after)


async def balance(db: Database, tenant_id: str) -> Balance:
    """The running total (one primary-key read); a tenant without movements has 0."""
    async with db.read() as session:
        row = await session.get(TenantBalance, tenant_id)
    if row is None:
        return Balance(tenant_id, ZERO, 0, None)
    return Balance(tenant_id, row.balance, row.version, row.updated_at)


async def charged_for_call(session: AsyncSession, tenant_id: str, call_id: str) -> Decimal:
    """What a call has been charged so far, as a positive amount (the sum of its call_charge rows)."""
    amounts = (
        await session.scalars(
            select(BalanceTransaction.amount).where(
                BalanceTransaction.tenant_id == tenant_id,
                BalanceTransaction.call_id == call_id,
                BalanceTransaction.kind == "call_charge",
            )
        )
    ).all()
    return -sum(amounts, ZERO)


async def transactions(
    session: AsyncSession,
    tenant_id: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = None,
) -> Sequence[BalanceTransaction]:
    """Rows of a tenant with `start <= created_at < end`, oldest first (`limit`: the newest that many)."""
    query = select(BalanceTransaction).where(BalanceTransaction.tenant_id == tenant_id)
    if start is not None:
        query = query.where(BalanceTransaction.created_at >= start)
    if end is not None:
        query = query.where(BalanceTransaction.created_at < end)
    if limit is not None:
        newest = (await session.scalars(query.order_by(BalanceTransaction.id.desc()).limit(limit))).all()
        return list(reversed(newest))
    return (await session.scalars(query.order_by(BalanceTransaction.id))).all()


async def balance_before(session: AsyncSession, tenant_id: str, instant: datetime) -> Decimal:
    """The balance just before `instant`: the `balance_after` of the last earlier row, else 0."""
    value = await session.scalar(
        select(BalanceTransaction.balance_after)
        .where(BalanceTransaction.tenant_id == tenant_id, BalanceTransaction.created_at < instant)
        .order_by(BalanceTransaction.id.desc())
        .limit(1)
    )
    return value if value is not None else ZERO


def ledger_sum(rows: Sequence[BalanceTransaction]) -> Decimal:
    """The exact sum of rows' amounts (summed here: SQLite keeps amounts as text)."""
    return sum((r.amount for r in rows), ZERO)
