"""Tables of tenant billing (booking_core.billing, migration 0009).

`balance_transactions` is the ledger: append-only (triggers on both engines refuse UPDATE and DELETE,
like the audit log), every row carries the balance after it. `tenant_balances` is the running total,
written in the same transaction as each ledger row and locked while it is (the per-tenant lock that
serialises money movements on PostgreSQL). Amounts are EUR; ledger amounts keep 10 decimal places,
because a call's billed amount is an unrounded quotient (rounding to cents happens on documents only).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Dialect, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base
from booking_core.storage.types import Money

__all__ = [
    "BalanceTransaction",
    "BillingAccount",
    "BillingDocument",
    "CallOutcome",
    "DocumentCounter",
    "LedgerMoney",
    "StripeEvent",
    "TenantBalance",
]


class LedgerMoney(Money):
    """Exact EUR amounts with 10 decimal places: NUMERIC(28, 10) on PostgreSQL, text on SQLite."""

    impl = Numeric(28, 10)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return super().load_dialect_impl(dialect)
        return dialect.type_descriptor(Numeric(28, 10, asdecimal=True))


class BalanceTransaction(Base):
    """One money movement. kind: topup | bonus | call_charge | refund | adjustment (CONTRACT section 11).

    `ref` is the outside reference that makes a credit happen once (a Stripe PaymentIntent id for a
    top-up and its bonus, a refund's id); a call's charges carry `call_id` instead, one row per change
    of its billed amount (the first charge, then differences)."""

    __tablename__ = "balance_transactions"
    __table_args__ = (
        Index("ix_balance_transactions_tenant_created", "tenant_id", "created_at"),
        Index("ix_balance_transactions_tenant_call", "tenant_id", "call_id"),
        UniqueConstraint("tenant_id", "kind", "ref"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(LedgerMoney())
    balance_after: Mapped[Decimal] = mapped_column(LedgerMoney())
    call_id: Mapped[str | None] = mapped_column(String(100))
    ref: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]


class TenantBalance(Base):
    """The running total of a tenant's ledger (= the sum of its rows), and its version for live updates."""

    __tablename__ = "tenant_balances"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(LedgerMoney())
    version: Mapped[int] = mapped_column(Integer, default=0)  # the number of ledger rows
    updated_at: Mapped[datetime]


class BillingAccount(Base):
    """A tenant's Stripe customer and saved payment method, and the auto top-up's state."""

    __tablename__ = "billing_accounts"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255))
    payment_method_id: Mapped[str | None] = mapped_column(String(255))
    auto_last_attempt_at: Mapped[datetime | None]
    auto_failures: Mapped[int] = mapped_column(Integer, default=0)  # failures in a row
    auto_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class StripeEvent(Base):
    """A Stripe webhook event already handled: the same event id delivered again changes nothing."""

    __tablename__ = "stripe_events"
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]


class BillingDocument(Base):
    """An issued invoice (a month's statement) or credit note (a refund), with its gap-free number."""

    __tablename__ = "billing_documents"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "number"),
        UniqueConstraint("tenant_id", "kind", "period"),
        UniqueConstraint("tenant_id", "kind", "ref"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # invoice | credit_note
    number: Mapped[int] = mapped_column(Integer)
    number_text: Mapped[str] = mapped_column(String(64))
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM (invoices)
    ref: Mapped[str | None] = mapped_column(String(200))  # the refund's ledger ref (credit notes)
    net: Mapped[Decimal]
    vat: Mapped[Decimal]
    gross: Mapped[Decimal]
    vat_pct: Mapped[Decimal]
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    issued_at: Mapped[datetime]


class DocumentCounter(Base):
    """The last number issued per (tenant, kind): locked while the next is taken, so numbers never gap."""

    __tablename__ = "document_counters"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class CallOutcome(Base):
    """How often a call's functions answered a status the reseller counts that no other table keeps
    (policy_denied, error), for the cost report's outcome columns."""

    __tablename__ = "call_outcomes"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
