"""Reading appointments: one by id or reference, a caller's by phone or spoken name, a day's, a
tenant's (CONTRACT section 3, `find_appointments`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import calendar_for, from_minute
from booking_core.booking_store import views
from booking_core.customers import customer_ids, name_matches
from booking_core.domain import AppointmentView
from booking_core.errors import NotFound
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.vocabulary import AppointmentStatus

__all__ = ["CallerRecord", "all_of_tenant", "caller_record", "find", "get", "row", "row_or_raise"]


async def row(session: AsyncSession, tenant_id: str, id_or_reference: str) -> m.Appointment | None:
    """The tenant's appointment with this id, or this reference (any case); None for blank input."""
    key = (id_or_reference or "").strip()
    if not key:
        return None
    return (
        await session.scalars(
            select(m.Appointment)
            .where(
                m.Appointment.tenant_id == tenant_id,
                or_(m.Appointment.id == key, m.Appointment.reference == key.upper()),
            )
            .limit(1)
        )
    ).first()


async def row_or_raise(session: AsyncSession, tenant_id: str, id_or_reference: str) -> m.Appointment:
    """`row`, raising NotFound when there is none."""
    appt = await row(session, tenant_id, id_or_reference)
    if appt is None:
        raise NotFound("unknown appointment", kind="appointment", id=id_or_reference)
    return appt


async def get(db: Database, tenant: TenantConfig, id_or_reference: str) -> AppointmentView | None:
    """One appointment as the caller is told it, or None."""
    cal = calendar_for(tenant)
    async with db.read() as session:
        appt = await row(session, tenant.id, id_or_reference)
        return (await views(session, cal, [appt]))[0] if appt else None


async def find(
    db: Database,
    tenant: TenantConfig,
    now: datetime,
    *,
    phone: str | None = None,
    name: str | None = None,
    day: date | None = None,
    upcoming_only: bool = True,
) -> list[AppointmentView]:
    """Appointments not cancelled, in start order: the caller's (by phone, else by spoken name) and/or
    those starting on the local `day`; only those not yet over at `now` when `upcoming_only`. Nothing
    when neither phone, name nor day is given."""
    cal = calendar_for(tenant)
    q = select(m.Appointment).where(m.Appointment.status != AppointmentStatus.CANCELLED)
    if upcoming_only:
        q = q.where(m.Appointment.end > now)
    if day is not None:
        q = q.where(
            m.Appointment.start >= from_minute(cal.local_minute(day, 0)),
            m.Appointment.start < from_minute(cal.local_minute(day + timedelta(days=1), 0)),
        )
    if not phone and not name and day is None:
        return []
    async with db.read() as session:
        if phone or name:
            # The caller's customer rows first (they belong to this tenant), then their appointments by
            # the customer index. Filtering by tenant here as well would let SQLite's planner walk every
            # appointment of the tenant by start time instead (10 ms at 20,000 appointments).
            ids = await customer_ids(session, tenant.id, phone, name)
            if not ids:
                return []
            q = q.where(m.Appointment.customer_id.in_(ids))
        else:
            q = q.where(m.Appointment.tenant_id == tenant.id)
        rows = (await session.scalars(q.order_by(m.Appointment.start))).all()
        out = await views(session, cal, rows)
    if name:
        out = [v for v in out if name_matches(name, v.customer_name)]
    return out


async def all_of_tenant(db: Database, tenant: TenantConfig) -> list[AppointmentView]:
    """Every appointment of the tenant, any status, by start."""
    cal = calendar_for(tenant)
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(m.Appointment)
                .where(m.Appointment.tenant_id == tenant.id)
                .order_by(m.Appointment.start, m.Appointment.id)
            )
        ).all()
        return await views(session, cal, rows)


@dataclass(frozen=True)
class CallerRecord:
    """What the tenant knows of a phone number: the named customers on it (the number's first customer
    first), whether anyone is on it at all, how many of their appointments were no-shows, and their
    appointments not cancelled and not yet over, soonest first."""

    names: list[str]
    known: bool
    no_shows: int
    upcoming: list[AppointmentView]


async def caller_record(db: Database, tenant: TenantConfig, phone: str, now: datetime) -> CallerRecord:
    """The caller behind `phone` (E.164) at `now`, in one read: the customers on the number, and for a
    known number one query for their appointments that are ahead or were no-shows (plus `views`'
    segments and names). Answers what `customer_names_by_phone`, `find(phone=...)`, `is_known` and
    `no_show_count` answer together: 1 round trip for a stranger instead of 3.

    Both queries are led by an index on an equality the planner cannot pass over (customers by
    tenant and phone, appointments by customer id): a correlated no-show count was planned over the
    status index on both engines, i.e. over every tenant's no-shows."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(m.Customer.id, m.Customer.name)
                .where(m.Customer.tenant_id == tenant.id, m.Customer.phone == phone)
                .order_by(m.Customer.created_at, m.Customer.id)
            )
        ).all()
        if not rows:
            return CallerRecord([], False, 0, [])
        ahead = (m.Appointment.status != AppointmentStatus.CANCELLED) & (m.Appointment.end > now)
        found = (
            await session.scalars(
                select(m.Appointment)
                .where(
                    m.Appointment.customer_id.in_([cid for cid, _ in rows]),
                    ahead | (m.Appointment.status == AppointmentStatus.NO_SHOW),
                )
                .order_by(m.Appointment.start)
            )
        ).all()
        upcoming = [a for a in found if a.status != AppointmentStatus.CANCELLED and a.end > now]
        out = await views(session, calendar_for(tenant), upcoming)
    no_shows = sum(1 for a in found if a.status == AppointmentStatus.NO_SHOW and a.tenant_id == tenant.id)
    return CallerRecord([name for _, name in rows if name is not None], True, no_shows, out)
