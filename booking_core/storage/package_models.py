"""Tables of packages, multi-session cards (CONTRACT section 10; migration 0016).

`package_sales`: one row per card sold to a customer, with what it was (package id and name, the
service, the sessions, the price) copied from the tenant file at the sale, so a later change of the file
does not change a card already paid for. `remaining` is the running total of its credit rows, written in
the same transaction as each of them; the row is what a booking locks (`SELECT ... FOR UPDATE`) before it
uses a credit, so concurrent bookings of one card queue on PostgreSQL, and a CHECK keeps it between 0
and `sessions` as the last guard.

`package_credits`: the ledger, append-only (triggers on both engines refuse UPDATE and DELETE, like the
audit log): `purchase` +sessions, `use` -1, `refund` +1, `expiry` -the rest. `ref` makes each happen once:
the appointment's id for a use and a refund, the kind itself for a purchase and an expiry (unique per
sale and kind).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base

__all__ = ["PackageCredit", "PackageSale"]


class PackageSale(Base):
    """A card sold: `sessions` of `service_id`, usable for appointments that start before `expires_at`."""

    __tablename__ = "package_sales"
    __table_args__ = (
        Index("ix_package_sales_customer", "tenant_id", "customer_id", "service_id"),
        Index("ix_package_sales_lapsing", "expires_at", "remaining"),
        CheckConstraint("remaining >= 0 AND remaining <= sessions", name="remaining_in_range"),
        UniqueConstraint("tenant_id", "ref"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    package_id: Mapped[str] = mapped_column(String(64))
    package_name: Mapped[str] = mapped_column(String(80))
    service_id: Mapped[str] = mapped_column(String(64))
    sessions: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    remaining: Mapped[int] = mapped_column(Integer)  # = the sum of its credit rows, at every commit
    sold_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    call_id: Mapped[str | None] = mapped_column(String(100))
    # The seller's idempotency key (`Idempotency-Key`, `--ref`): the same key sells once.
    ref: Mapped[str | None] = mapped_column(String(100))


class PackageCredit(Base):
    """One credit movement of a sale; `credits` signed, `balance_after` the sale's balance after it."""

    __tablename__ = "package_credits"
    __table_args__ = (UniqueConstraint("sale_id", "kind", "ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    sale_id: Mapped[str] = mapped_column(ForeignKey("package_sales.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    credits: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(64))
    appointment_id: Mapped[str | None] = mapped_column(String(36), index=True)
    call_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
