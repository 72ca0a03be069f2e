"""Storage queries of the booking engine: what blocks staff, and appointments as views.

Read paths select plain columns (no ORM identity map) because the slot search reads thousands of
rows per request on busy tenants; write paths use the ORM.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import TenantCalendar, from_minute, to_minute, to_minute_ceil
from booking_core.domain import AppointmentSegment, AppointmentView
from booking_core.errors import NotFound
from booking_core.intervals import Interval
from booking_core.storage import models as m
from booking_core.vocabulary import AppointmentStatus

__all__ = ["load_busy", "parts", "row_and_parts", "segment_view", "view", "views"]

# Longest stretch one busy row can cover; lets the busy query range over the start column of
# ix_appointment_segments_live_busy (migration 0013: live staff-busy rows, every column the query reads).
MAX_SEGMENT = timedelta(days=1)
END = '"end"'  # a reserved word, quoted the same way on both engines
# Whole seconds since the epoch of a stored instant: unixepoch() (SQLite 3.38+) where there is one, the
# same number as strftime('%s') at about half the cost per row.
SQLITE_SECONDS = (
    "unixepoch({col})" if sqlite3.sqlite_version_info >= (3, 38) else "CAST(strftime('%s', {col}) AS INTEGER)"
)


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
    busy_until), other calls' unexpired holds, active external busy (NULL staff: everyone). Not
    normalized.

    This is the hot read of every availability answer, so it is one round trip of hand-written SQL on
    the driver connection (the ORM's per-row result processing cost more than the query itself), with
    epoch minutes computed by the database and the covering partial index bounding the scan.
    """
    out: dict[str, list[Interval]] = {s: [] for s in staff_ids}
    if not staff_ids:
        return out
    conn = await session.connection()
    dialect = conn.dialect.name
    lo_dt, hi_dt = from_minute(lo), from_minute(hi)
    if dialect == "postgresql":

        def minute(col: str, ceil: bool = False) -> str:
            # date_part is a double (exact to well under a microsecond at today's epochs); extract()
            # is a numeric since PostgreSQL 14 and cost a third of the query on 2,700 rows
            return f"{'ceil' if ceil else 'floor'}(date_part('epoch', {col}) / 60)::bigint"

        seg_json = "segments::text"
        values: list[Any] = []

        def p(v: Any) -> str:
            values.append(v)
            return f"${len(values)}"

        def t(dt: datetime) -> Any:
            return dt  # asyncpg takes aware datetimes
    elif dialect == "sqlite":

        def minute(col: str, ceil: bool = False) -> str:
            seconds = SQLITE_SECONDS.format(col=col)
            return f"(({seconds} + 59) / 60)" if ceil else f"({seconds} / 60)"

        seg_json = "segments"
        values = []

        def p(v: Any) -> str:
            values.append(v)
            return "?"

        def t(dt: datetime) -> Any:
            return dt.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    else:  # pragma: no cover - only the two engines are supported
        raise RuntimeError(f"unsupported dialect {dialect}")

    def many(items: Sequence[Any]) -> str:
        return ", ".join(p(v) for v in items)

    # placeholders are numbered in the order p() is called: keep every p() call in text order
    seg_sql = (
        f"SELECT 0, staff_id, {minute('start')}, {minute('busy_until', True)}, NULL FROM appointment_segments "
        f"WHERE tenant_id = {p(tenant_id)} AND staff_id IN ({many(staff_ids)}) AND start < {p(t(hi_dt))} "
        f"AND start >= {p(t(lo_dt - MAX_SEGMENT))} AND busy_until > {p(t(lo_dt))} AND live AND staff_busy"
    )
    if exclude_appointment_id is not None:
        seg_sql += f" AND appointment_id <> {p(exclude_appointment_id)}"
    ext_sql = (
        f"SELECT 1, staff_id, {minute('start')}, {minute(END, True)}, NULL FROM external_busy "
        f"WHERE tenant_id = {p(tenant_id)} AND active AND start < {p(t(hi_dt))} AND {END} > {p(t(lo_dt))} "
        f"AND (staff_id IS NULL OR staff_id IN ({many(staff_ids)}))"
    )
    hold_sql = (
        f"SELECT 2, call_id, NULL, NULL, {seg_json} FROM holds WHERE tenant_id = {p(tenant_id)} "
        f"AND expires_at > {p(t(now))} AND start < {p(t(hi_dt + MAX_SEGMENT))} AND {END} > {p(t(lo_dt - MAX_SEGMENT))}"
    )
    sql = f"{seg_sql} UNION ALL {ext_sql} UNION ALL {hold_sql}"
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    if dialect == "postgresql":
        rows = await driver.fetch(sql, *values)  # type: ignore[union-attr]
    else:
        rows = await driver.execute_fetchall(sql, values)  # type: ignore[union-attr]
    for kind, sid, s, e, segments in rows:
        if kind == 0:
            out[sid].append((s, e))
        elif kind == 1:
            if sid is None:
                for k in out:
                    out[k].append((s, e))
            elif sid in out:
                out[sid].append((s, e))
        elif sid != exclude_call_id:
            for piece in json.loads(segments) if isinstance(segments, str) else (segments or ()):
                psid = piece.get("staff_id")
                if psid in out and piece.get("staff_busy", True):
                    out[psid].append(
                        (
                            to_minute(datetime.fromisoformat(piece["start"])),
                            to_minute_ceil(datetime.fromisoformat(piece["busy_until"])),
                        )
                    )
    return out


def segment_view(cal: TenantCalendar, row: m.AppointmentSegment) -> AppointmentSegment:
    """A stored segment in the tenant's zone, with its staff member's name."""
    member = cal.staff.get(row.staff_id)
    return AppointmentSegment(
        key=row.key,
        name=row.name,
        start=row.start.astimezone(cal.zone),
        end=row.end.astimezone(cal.zone),
        staff_id=row.staff_id,
        staff_busy=row.staff_busy,
        busy_until=row.busy_until.astimezone(cal.zone),
        staff_name=member.name if member else row.staff_id,
    )


async def views(
    session: AsyncSession, cal: TenantCalendar, appointments: Iterable[m.Appointment]
) -> list[AppointmentView]:
    """The appointments as the caller is told them, in the given order (segments and customers read
    in chunks of 500 ids)."""
    appts = list(appointments)
    if not appts:
        return []
    ids = [a.id for a in appts]
    segs: dict[str, list[m.AppointmentSegment]] = {i: [] for i in ids}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = (
            await session.scalars(select(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id.in_(chunk)))
        ).all()
        for r in rows:
            segs[r.appointment_id].append(r)
    cids = list({a.customer_id for a in appts if a.customer_id})
    customers: dict[str, m.Customer] = {}
    for chunk_start in range(0, len(cids), 500):
        chunk = cids[chunk_start : chunk_start + 500]
        for c in (await session.scalars(select(m.Customer).where(m.Customer.id.in_(chunk)))).all():
            customers[c.id] = c
    return [view(cal, a, segs[a.id], customers.get(a.customer_id) if a.customer_id else None) for a in appts]


async def parts(
    session: AsyncSession, appointment: m.Appointment
) -> tuple[list[m.AppointmentSegment], m.Customer | None]:
    """One appointment's segment rows and customer row (None without one), for `view`: two round trips
    at most (the customer comes from the session's identity map when it was read already)."""
    segments = list(
        (
            await session.scalars(
                select(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id == appointment.id)
            )
        ).all()
    )
    customer = await session.get(m.Customer, appointment.customer_id) if appointment.customer_id else None
    return segments, customer


async def row_and_parts(
    session: AsyncSession, tenant_id: str, id_or_reference: str
) -> tuple[m.Appointment, list[m.AppointmentSegment], m.Customer | None]:
    """`appointments.row_or_raise` with the appointment's segments and customer (`parts`)
    in one SELECT (outer joins). Raises NotFound."""
    key = (id_or_reference or "").strip()
    if not key:
        raise NotFound("unknown appointment", kind="appointment", id=id_or_reference)
    first = (
        select(m.Appointment.id)
        .where(
            m.Appointment.tenant_id == tenant_id, or_(m.Appointment.id == key, m.Appointment.reference == key.upper())
        )
        .limit(1)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(m.Appointment, m.AppointmentSegment, m.Customer)
            .outerjoin(m.AppointmentSegment, m.AppointmentSegment.appointment_id == m.Appointment.id)
            .outerjoin(m.Customer, m.Customer.id == m.Appointment.customer_id)
            .where(m.Appointment.id == first)
        )
    ).all()
    if not rows:
        raise NotFound("unknown appointment", kind="appointment", id=id_or_reference)
    return rows[0][0], [row[1] for row in rows if row[1] is not None], rows[0][2]


def view(
    cal: TenantCalendar, a: m.Appointment, segments: Sequence[m.AppointmentSegment], customer: m.Customer | None
) -> AppointmentView:
    """One appointment from its rows: local times, names from the calendar (the id when the service
    or staff member is gone from the tenant file), segments in position order."""
    service = cal.services.get(a.service_id)
    member = cal.staff.get(a.staff_id)
    ordered = sorted(segments, key=lambda s: (s.position, s.start))
    return AppointmentView(
        id=a.id,
        reference=a.reference,
        status=AppointmentStatus(a.status),
        start=a.start.astimezone(cal.zone),
        end=a.end.astimezone(cal.zone),
        service_id=a.service_id,
        service_name=service.name if service else a.service_id,
        staff_id=a.staff_id,
        staff_name=member.name if member else a.staff_id,
        segments=tuple(segment_view(cal, s) for s in ordered),
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
        series_id=a.series_id,
        visit_id=a.visit_id,
        customer_email=customer.email if customer else None,
    )
