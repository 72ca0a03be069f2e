"""Customers: who is calling (by the number they call from), creating them as they book, and finding
them by number or spoken name.

A customer is unique per (tenant, phone) when the number is known; a booking with a name but no
number creates a new customer each time. Names are compared in the one folded form of the whole code
(`textfold.name_tokens`: case, umlaut spellings and punctuation do not matter).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.domain import CustomerInput
from booking_core.storage import models as m
from booking_core.storage.db import Database
from textfold import name_tokens

__all__ = ["customer_ids", "customer_name_by_phone", "is_known", "name_matches", "upsert_customer"]


async def customer_name_by_phone(db: Database, tenant_id: str, phone: str) -> str | None:
    """The stored name of a known caller, None for strangers (or known numbers without a name)."""
    async with db.read() as session:
        return await session.scalar(
            select(m.Customer.name).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        )


async def is_known(db: Database, tenant_id: str, phone: str) -> bool:
    """Whether a customer with this number (E.164) exists for the tenant."""
    async with db.read() as session:
        found = await session.scalar(
            select(m.Customer.id).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        )
    return found is not None


async def upsert_customer(session: AsyncSession, tenant_id: str, customer: CustomerInput,
                          now: datetime) -> m.Customer | None:
    """The customer row a booking belongs to, created when new: by phone when given (a name fills a
    nameless row, never replaces a name), else a new row for a name alone; None without either.
    Two first bookings from one number at once: the loser of the unique (tenant, phone) insert reads
    the winner's row."""
    name = (customer.name or "").strip() or None
    if customer.phone:
        by_phone = select(m.Customer).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == customer.phone)
        row = await session.scalar(by_phone)
        if row is None:
            row = m.Customer(id=str(uuid.uuid4()), tenant_id=tenant_id, phone=customer.phone, name=name, created_at=now)
            try:
                async with session.begin_nested():
                    session.add(row)
                    await session.flush()
            except IntegrityError:
                row = await session.scalar(by_phone)
        elif name and not row.name:
            row.name = name
        return row
    if name:
        row = m.Customer(id=str(uuid.uuid4()), tenant_id=tenant_id, phone=None, name=name, created_at=now)
        session.add(row)
        await session.flush()
        return row
    return None


async def customer_ids(session: AsyncSession, tenant_id: str, phone: str | None, name: str | None) -> list[str]:
    """Customers by phone when given (exact), else by spoken name (`name_matches`, over the tenant's
    named customers)."""
    if phone:
        return list((await session.scalars(select(m.Customer.id).where(
            m.Customer.tenant_id == tenant_id, m.Customer.phone == phone))).all())
    rows = (await session.execute(select(m.Customer.id, m.Customer.name).where(
        m.Customer.tenant_id == tenant_id, m.Customer.name.is_not(None)))).all()
    return [cid for cid, cname in rows if name_matches(name or "", cname)]


def name_matches(query: str, name: str | None) -> bool:
    """Every word of the spoken `query` is a word of `name` ("Vogel" and "lena VOGEL" match "Lena Vogel")."""
    if not name:
        return False
    q, n = name_tokens(query), name_tokens(name)
    return bool(q) and all(t in n for t in q)
