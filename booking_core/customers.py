"""Customers: who is calling, and whom a booking is for.

One phone number may stand for several people: a mother books for her sons from her mobile, a couple
shares a landline (CONTRACT section 14). A customer is therefore a (phone, name) pair, not a phone:
a different name on a known number is a new customer with the same phone, never the number's first
customer. A lone first name or surname that names exactly one of the number's customers ("Lena" on
Lena Vogel's number) is that customer, so an LLM that passes only part of a name makes no duplicate.

Names are compared in the folded form of the whole code (`textfold.name_tokens`): case, umlaut
spellings and punctuation do not matter.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.domain import CustomerInput
from booking_core.storage import models as m
from booking_core.storage.db import Database, dialect_insert
from textfold import name_tokens

__all__ = [
    "customer_for",
    "customer_ids",
    "customer_name_by_phone",
    "customer_names_by_phone",
    "existing_customer",
    "fold_name",
    "is_known",
    "name_matches",
    "no_show_count",
    "pick_customer",
    "same_name",
]


def fold_name(text: str) -> str:
    """Case- and umlaut-insensitive form of a name, its words joined by one space: "Müller", "MUELLER"
    and "Muller" all fold alike (the stored `customers.name_key`)."""
    return " ".join(name_tokens(text))


def name_matches(query: str, name: str | None) -> bool:
    """Every word of the spoken `query` is a word of `name` ("Vogel" finds "Lena Vogel")."""
    if not name:
        return False
    q, n = name_tokens(query), name_tokens(name)
    return bool(q) and all(t in n for t in q)


def same_name(a: str | None, b: str | None) -> bool:
    """The same customer name, spelled alike after folding ("Lena Vogel" = "LENA VOGEL"); a booking is
    a retry of an earlier one only for the same name (CONTRACT section 14)."""
    return fold_name(a or "") == fold_name(b or "")


def pick_customer(rows: Sequence[m.Customer], name: str | None) -> tuple[m.Customer | None, bool]:
    """Which of one number's customers (oldest first) `name` is: (row, adopt) or (None, False) for a new one.

    No name: the number's first customer. Then the same folded name; then a one-word name that is the
    first or last word of exactly one customer's name; then a customer stored without a name, which
    the booking names (`adopt`). Anything else is another person on the same phone."""
    if not rows:
        return None, False
    if not name:
        return rows[0], False
    key = fold_name(name)
    for row in rows:
        if row.name and fold_name(row.name) == key:
            return row, False
    words = key.split()
    if len(words) == 1:
        partial = [r for r in rows if r.name and words[0] in _first_and_last(fold_name(r.name))]
        if len(partial) == 1:
            return partial[0], False
    unnamed = [r for r in rows if not r.name]
    if unnamed:
        return unnamed[0], True
    return None, False


def _first_and_last(folded: str) -> list[str]:
    words = folded.split()
    return words[:1] + words[-1:]


async def customer_for(
    session: AsyncSession, tenant_id: str, customer: CustomerInput, now: datetime
) -> m.Customer | None:
    """The customer row a booking is for, created when new (inside the caller's write transaction).

    Concurrent bookings of the same new person meet at the unique (tenant, phone, name_key); the loser
    reads the winner's row."""
    name = (customer.name or "").strip() or None
    if not customer.phone:
        if not name:
            return None
        row = m.Customer(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            phone=None,
            name=name,
            name_key=fold_name(name),
            email=customer.email,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        return row
    rows = await _by_phone(session, tenant_id, customer.phone)
    found, adopt = pick_customer(rows, name)
    if found is not None and not adopt:
        return found
    if found is None:  # a new customer: one INSERT, nothing when a concurrent booking wrote the same person
        new = await _insert_new(session, tenant_id, customer.phone, name, customer.email, now)
        if new is not None:
            return new
        found, _ = pick_customer(await _by_phone(session, tenant_id, customer.phone), name)
    else:  # a stored row without a name, which the booking names
        try:
            async with session.begin_nested():
                found.name, found.name_key = name, fold_name(name or "")
                await session.flush()
        except IntegrityError:
            await session.refresh(found)
            found, _ = pick_customer(await _by_phone(session, tenant_id, customer.phone), name)
    if found is not None and customer.email:  # the address given on this call is the one to use
        found.email = customer.email
    return found


async def _insert_new(
    session: AsyncSession, tenant_id: str, phone: str, name: str | None, email: str | None, now: datetime
) -> m.Customer | None:
    """Insert a new customer of `phone` (INSERT ... ON CONFLICT DO NOTHING RETURNING: one round trip,
    no savepoint): the row as written (not in the session: callers read its columns), None when the
    same (tenant, phone, name_key) was written first by a concurrent booking."""
    values = {
        "id": str(uuid.uuid4()),
        "tenant_id": tenant_id,
        "phone": phone,
        "name": name,
        "name_key": fold_name(name or ""),
        "email": email,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    statement = dialect_insert(dialect, m.Customer).values(values).on_conflict_do_nothing().returning(m.Customer.id)
    if (await session.execute(statement)).first() is None:
        return None
    return m.Customer(**values)


async def existing_customer(session: AsyncSession, tenant_id: str, customer: CustomerInput) -> m.Customer | None:
    """The stored customer `customer_for` would book for, without writing (None: it would create one)."""
    if not customer.phone:
        return None
    return pick_customer(await _by_phone(session, tenant_id, customer.phone), (customer.name or "").strip() or None)[0]


async def _by_phone(session: AsyncSession, tenant_id: str, phone: str) -> list[m.Customer]:
    query = (
        select(m.Customer)
        .where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        .order_by(m.Customer.created_at, m.Customer.id)
    )
    return list((await session.scalars(query)).all())


async def customer_names_by_phone(db: Database, tenant_id: str, phone: str) -> list[str]:
    """The names of everyone known by this number, the number's first customer first (a family shares one)."""
    async with db.read() as session:
        names = (
            await session.scalars(
                select(m.Customer.name)
                .where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone, m.Customer.name.is_not(None))
                .order_by(m.Customer.created_at, m.Customer.id)
            )
        ).all()
    return [name for name in names if name is not None]


async def customer_name_by_phone(db: Database, tenant_id: str, phone: str) -> str | None:
    """The stored name of a known caller (the number's first named customer), None for strangers."""
    names = await customer_names_by_phone(db, tenant_id, phone)
    return names[0] if names else None


async def customer_ids(session: AsyncSession, tenant_id: str, phone: str | None, name: str | None) -> list[str]:
    """Customers by phone when given (exact; everyone on that number), else by spoken name
    (`name_matches`, over the tenant's named customers)."""
    if phone:
        return list(
            (
                await session.scalars(
                    select(m.Customer.id).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
                )
            ).all()
        )
    rows = (
        await session.execute(
            select(m.Customer.id, m.Customer.name).where(
                m.Customer.tenant_id == tenant_id, m.Customer.name.is_not(None)
            )
        )
    ).all()
    return [cid for cid, cname in rows if name_matches(name or "", cname)]


async def is_known(db: Database, tenant_id: str, phone: str) -> bool:
    """Whether anyone is known by this number (E.164) at the tenant."""
    async with db.read() as session:
        found = await session.scalar(
            select(m.Customer.id).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone).limit(1)
        )
    return found is not None


async def no_show_count(db: Database, tenant_id: str, phone: str) -> int:
    """How many appointments of the customers with this number were no-shows (kept for reports, and
    so the agent knows a caller who did not come twice or more; CONTRACT section 9)."""
    async with db.read() as session:
        customers = select(m.Customer.id).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        return int(
            await session.scalar(
                select(func.count())
                .select_from(m.Appointment)
                .where(
                    m.Appointment.tenant_id == tenant_id,
                    m.Appointment.customer_id.in_(customers),
                    m.Appointment.status == "no_show",
                )
            )
            or 0
        )
