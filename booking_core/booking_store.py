"""Storage queries of the booking engine: what blocks staff, and appointments as views.

Read paths select plain columns (no ORM identity map) because the slot search reads thousands of
rows per request on busy tenants; write paths use the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import TenantCalendar, from_minute, to_minute, to_minute_ceil
from booking_core.domain import AppointmentView, SegmentSlot
from booking_core.intervals import Interval
from booking_core.storage import models as m

# Longest stretch one busy row can cover; lets the busy query use the (tenant, staff, start) index.
MAX_SEGMENT = timedelta(days=1)


async def load_busy(
    session: AsyncSession,
    tenant_id: str,
    staff_ids: Sequence[str],
    lo: int,
    hi: int,
    now: datetime,
    *,
    exclude_call_id: str | None = None,
    exclude_appointment_id: str | None = None,
) -> dict[str, list[Interval]]:
    """Blocked stretches per staff overlapping [lo, hi) epoch minutes: live staff-busy segments (to
    busy_until), other calls' unexpired holds, active external busy. Not normalized."""
    out: dict[str, list[Interval]] = {s: [] for s in staff_ids}
    if not staff_ids:
        return out
    lo_dt, hi_dt = from_minute(lo), from_minute(hi)
    seg = m.AppointmentSegment
    q = select(seg.staff_id, seg.start, seg.busy_until).where(
        seg.tenant_id == tenant_id,
        seg.staff_id.in_(list(staff_ids)) if len(staff_ids) > 1 else seg.staff_id == staff_ids[0],
        seg.start < hi_dt,
        seg.start >= lo_dt - MAX_SEGMENT,
        seg.busy_until > lo_dt,
        seg.live.is_(True),
        seg.staff_busy.is_(True),
    )
    if exclude_appointment_id is not None:
        q = q.where(seg.appointment_id != exclude_appointment_id)
    for sid, s, e in (await session.execute(q)).all():
        out[sid].append((to_minute(s), to_minute_ceil(e)))

    hq = select(m.Hold.call_id, m.Hold.segments).where(
        m.Hold.tenant_id == tenant_id, m.Hold.expires_at > now, m.Hold.start < hi_dt + MAX_SEGMENT, m.Hold.end > lo_dt - MAX_SEGMENT
    )
    for call_id, segments in (await session.execute(hq)).all():
        if call_id == exclude_call_id:
            continue
        for p in segments or ():
            sid = p.get("staff_id")
            if sid in out and p.get("staff_busy", True):
                out[sid].append((to_minute(datetime.fromisoformat(p["start"])), to_minute_ceil(datetime.fromisoformat(p["busy_until"]))))

    eq = select(m.ExternalBusy.staff_id, m.ExternalBusy.start, m.ExternalBusy.end).where(
        m.ExternalBusy.tenant_id == tenant_id,
        m.ExternalBusy.active.is_(True),
        m.ExternalBusy.start < hi_dt,
        m.ExternalBusy.end > lo_dt,
        or_(m.ExternalBusy.staff_id.is_(None), m.ExternalBusy.staff_id.in_(list(staff_ids))),
    )
    for sid, s, e in (await session.execute(eq)).all():
        iv = (to_minute(s), to_minute_ceil(e))
        if sid is None:
            for k in out:
                out[k].append(iv)
        else:
            out[sid].append(iv)
    return out


def segment_slot(cal: TenantCalendar, row: m.AppointmentSegment) -> SegmentSlot:
    member = cal.staff.get(row.staff_id)
    return SegmentSlot(
        key=row.key,
        name=row.name,
        start=row.start.astimezone(cal.zone),
        end=row.end.astimezone(cal.zone),
        staff_id=row.staff_id,
        staff_busy=row.staff_busy,
        busy_until=row.busy_until.astimezone(cal.zone),
        staff_name=member.name if member else row.staff_id,
    )


async def views(session: AsyncSession, cal: TenantCalendar, appointments: Iterable[m.Appointment]) -> list[AppointmentView]:
    appts = list(appointments)
    if not appts:
        return []
    ids = [a.id for a in appts]
    segs: dict[str, list[m.AppointmentSegment]] = {i: [] for i in ids}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start:chunk_start + 500]
        rows = (await session.scalars(select(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id.in_(chunk)))).all()
        for r in rows:
            segs[r.appointment_id].append(r)
    cids = list({a.customer_id for a in appts if a.customer_id})
    customers: dict[str, m.Customer] = {}
    for chunk_start in range(0, len(cids), 500):
        chunk = cids[chunk_start:chunk_start + 500]
        for c in (await session.scalars(select(m.Customer).where(m.Customer.id.in_(chunk)))).all():
            customers[c.id] = c
    return [view(cal, a, segs[a.id], customers.get(a.customer_id) if a.customer_id else None) for a in appts]


def view(cal: TenantCalendar, a: m.Appointment, segments: Sequence[m.AppointmentSegment], customer: m.Customer | None) -> AppointmentView:
    service = cal.services.get(a.service_id)
    member = cal.staff.get(a.staff_id)
    ordered = sorted(segments, key=lambda s: (s.position, s.start))
    return AppointmentView(
        id=a.id,
        reference=a.reference,
        status=a.status,
        start=a.start.astimezone(cal.zone),
        end=a.end.astimezone(cal.zone),
        service_id=a.service_id,
        service_name=service.name if service else a.service_id,
        staff_id=a.staff_id,
        staff_name=member.name if member else a.staff_id,
        segments=tuple(segment_slot(cal, s) for s in ordered),
        price=a.price,
        currency=a.currency,
        customer_name=customer.name if customer else None,
        customer_phone=customer.phone if customer else None,
        call_id=a.call_id,
        version=a.version,
        reschedule_count=a.reschedule_count,
        notes=a.notes,
        tenant_id=a.tenant_id,
        customer_id=a.customer_id,
    )
