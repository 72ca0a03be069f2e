"""Packages, multi-session cards, for the edges (CONTRACT section 10): sell one to a customer, list a
phone's cards with their balances, let lapsed credits expire.

Using a credit at a booking and giving it back at a cancellation happen inside those transactions
(booking_core.package_credits, called by changes.book, appointment_rows and changes.cancel); the
rules of validity and of which card pays are booking_core.package_rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking_core.customers import customer_for
from booking_core.domain import CustomerInput
from booking_core.errors import DomainError
from booking_core.package_credits import append
from booking_core.package_rules import expiry_of
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.storage.package_models import PackageCredit, PackageSale
from booking_core.tenant_base import E164
from booking_core.tenant_config import Package, TenantConfig
from booking_core.vocabulary import CreditKind

__all__ = ["BadPhone", "Sale", "UnknownPackage", "balances", "expire_lapsed", "ledger_of", "sell"]


class UnknownPackage(DomainError):
    """The tenant sells no package with this id; `known`: the ids it does sell."""

    code = "unknown_package"

    def __init__(self, package_id: str, known: list[str]) -> None:
        super().__init__(f"unknown package {package_id!r}", known=known)
        self.package_id, self.known = package_id, known


class BadPhone(DomainError):
    """A card is sold to a phone number (E.164); this is none."""

    code = "bad_phone"


@dataclass(frozen=True)
class Sale:
    """A card sold: who holds it, what it is, how many credits are left (the ledger's sum) and until
    when it is valid (`expires_at`, aware UTC: appointments must start before it)."""

    id: str
    package_id: str
    package_name: str
    service_id: str
    sessions: int
    remaining: int
    price: Decimal
    currency: str
    sold_at: datetime
    expires_at: datetime
    customer_name: str | None
    customer_phone: str | None

    def to_dict(self, zone: ZoneInfo) -> dict[str, object]:
        """The JSON of `POST /admin/packages/sales` and `slotline packages list --json`: times in ISO 8601
        with `zone`'s offset (the tenant's), money as a decimal string."""
        return {
            "id": self.id,
            "package": {"id": self.package_id, "name": self.package_name},
            "service": self.service_id,
            "sessions": self.sessions,
            "credits": self.remaining,
            "price": {"amount": str(self.price), "currency": self.currency},
            "sold_at": self.sold_at.astimezone(zone).isoformat(),
            "expires_at": self.expires_at.astimezone(zone).isoformat(),
            "customer": {"name": self.customer_name, "phone": self.customer_phone},
        }


def _sale(row: PackageSale, customer: m.Customer | None) -> Sale:
    return Sale(
        row.id,
        row.package_id,
        row.package_name,
        row.service_id,
        row.sessions,
        row.remaining,
        row.price,
        row.currency,
        row.sold_at,
        row.expires_at,
        customer.name if customer else None,
        customer.phone if customer else None,
    )


async def sell(
    db: Database,
    tenant: TenantConfig,
    now: datetime,
    *,
    phone: str,
    package_id: str,
    name: str | None = None,
    call_id: str | None = None,
    ref: str | None = None,
) -> Sale:
    """Sell the tenant's package `package_id` to the customer (`phone` E.164, `name` as said; the same
    customer rules as a booking, booking_core.customers): the sale and its `purchase` row of `sessions`
    credits in one transaction. `ref`: the seller's idempotency key; a sale with the same key (a retried
    request) is answered again, not sold twice. Raises UnknownPackage, BadPhone; nothing is written then."""
    package = tenant.package(package_id)
    if package is None:
        raise UnknownPackage(package_id, [p.id for p in tenant.packages])
    if not E164.match(phone or ""):
        raise BadPhone(f"not a phone number in E.164 form: {phone[:40]!r}")
    if ref is not None:
        earlier = await _sold_as(db, tenant.id, ref[:100])
        if earlier is not None:
            return earlier
    try:
        return await _sell(db, tenant, now, package, phone, name, call_id, ref[:100] if ref else None)
    except IntegrityError:
        earlier = await _sold_as(db, tenant.id, ref[:100]) if ref else None
        if earlier is None:
            raise
        return earlier  # the same key sold meanwhile by a concurrent retry


async def _sold_as(db: Database, tenant_id: str, ref: str) -> Sale | None:
    async with db.read() as session:
        found = (
            await session.execute(
                select(PackageSale, m.Customer)
                .join(m.Customer, m.Customer.id == PackageSale.customer_id)
                .where(PackageSale.tenant_id == tenant_id, PackageSale.ref == ref)
            )
        ).first()
    return _sale(found[0], found[1]) if found is not None else None


async def _sell(
    db: Database,
    tenant: TenantConfig,
    now: datetime,
    package: Package,
    phone: str,
    name: str | None,
    call_id: str | None,
    ref: str | None,
) -> Sale:
    async with db.write() as session:
        customer = await customer_for(session, tenant.id, CustomerInput((name or "").strip() or None, phone), now)
        assert customer is not None  # a phone is given
        row = PackageSale(
            id=str(uuid.uuid4()),
            tenant_id=tenant.id,
            customer_id=customer.id,
            package_id=package.id,
            package_name=package.name,
            service_id=package.service,
            sessions=package.sessions,
            price=package.price,
            currency=tenant.currency,
            remaining=0,
            sold_at=now,
            expires_at=expiry_of(now, package.valid_days, tenant.zone),
            call_id=call_id,
            ref=ref,
        )
        session.add(row)
        await session.flush()
        await append(session, row, CreditKind.PURCHASE, package.sessions, CreditKind.PURCHASE, now, call_id=call_id)
        return _sale(row, customer)


async def balances(db: Database, tenant: TenantConfig, phone: str | None) -> list[Sale]:
    """Every card sold to anyone on this number (a family shares one; None: the tenant's every card),
    oldest first, with its credits."""
    query = (
        select(PackageSale, m.Customer)
        .join(m.Customer, m.Customer.id == PackageSale.customer_id)
        .where(PackageSale.tenant_id == tenant.id)
        .order_by(PackageSale.sold_at, PackageSale.id)
    )
    if phone is not None:
        query = query.where(m.Customer.phone == phone)
    async with db.read() as session:
        rows = (await session.execute(query)).all()
    return [_sale(sale, customer) for sale, customer in rows]


async def ledger_of(db: Database, tenant_id: str, sale_id: str) -> list[tuple[str, int, int]]:
    """A sale's credit rows in order: (kind, credits, balance after)."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(PackageCredit.kind, PackageCredit.credits, PackageCredit.balance_after)
                .where(PackageCredit.tenant_id == tenant_id, PackageCredit.sale_id == sale_id)
                .order_by(PackageCredit.id)
            )
        ).all()
    return [(str(k), int(c), int(b)) for k, c, b in rows]


async def expire_lapsed(db: Database, now: datetime, limit: int = 500) -> int:
    """Write the `expiry` row of every card whose validity ended by `now` with credits left (all tenants):
    its balance goes to zero. Idempotent, and safe with several processes (each sale is locked and
    re-read; an expired card has no credits after its row). How many cards lapsed."""
    async with db.read() as session:
        due = list(
            (
                await session.scalars(
                    select(PackageSale.id)
                    .where(PackageSale.expires_at <= now, PackageSale.remaining > 0)
                    .order_by(PackageSale.expires_at)
                    .limit(limit)
                )
            ).all()
        )
    if not due:
        return 0
    lapsed = 0
    for sale_id in due:  # one transaction and one lock each: never a lock order to fight a booking over
        async with db.write() as session:
            sale = await session.get(PackageSale, sale_id, with_for_update=True, populate_existing=True)
            if sale is None or sale.remaining <= 0 or sale.expires_at > now:
                continue
            await append(session, sale, CreditKind.EXPIRY, -sale.remaining, CreditKind.EXPIRY, now)
            lapsed += 1
    return lapsed
