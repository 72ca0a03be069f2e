"""Customers as the edge needs them: who is calling, by the number they call from."""

from __future__ import annotations

from sqlalchemy import func, select

from booking_core.storage import models as m
from booking_core.storage.db import Database


async def customer_name_by_phone(db: Database, tenant_id: str, phone: str) -> str | None:
    """The stored name of a known caller, None for strangers (or known numbers without a name)."""
    async with db.read() as session:
        return await session.scalar(
            select(m.Customer.name).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        )


async def is_known(db: Database, tenant_id: str, phone: str) -> bool:
    async with db.read() as session:
        found = await session.scalar(
            select(m.Customer.id).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        )
    return found is not None


async def no_show_count(db: Database, tenant_id: str, phone: str) -> int:
    """How many appointments of the customers with this number were no-shows (kept for reports, and
    so the agent knows a caller who did not come twice or more; CONTRACT section 9)."""
    async with db.read() as session:
        customers = select(m.Customer.id).where(m.Customer.tenant_id == tenant_id, m.Customer.phone == phone)
        return int(await session.scalar(select(func.count()).select_from(m.Appointment).where(
            m.Appointment.tenant_id == tenant_id, m.Appointment.customer_id.in_(customers),
            m.Appointment.status == "no_show")) or 0)
