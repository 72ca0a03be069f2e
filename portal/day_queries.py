"""Reads for the day view: one tenant's appointments, segments, holds and absences on one local day.

Only rows of ``config.id`` are read (every query filters by tenant), so a day view can never show
another business's appointments whatever the URL says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from booking_core.availability import calendar_for
from booking_core.opening import day_hours
from booking_core.storage.db import Database
from booking_core.storage.models import Appointment, AppointmentSegment, Customer, Hold
from booking_core.tenant_config import TenantConfig
from portal.day_board import AppointmentIn, Board, HoldIn, SegmentIn, lay_out

__all__ = ["day_board"]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


async def day_board(db: Database, config: TenantConfig, day: date, now: datetime, lang: str = "de") -> Board:
    """The laid-out board of ``day`` (the tenant's local date) as of ``now`` (holds still live then)."""
    zone = ZoneInfo(config.timezone)
    first = datetime.combine(day, time(0), zone).astimezone(UTC)
    last = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    async with db.read_connection() as session:
        # Plain columns on a plain connection, no ORM entities or session: 600 appointments load in a few ms
        # instead of ~80 (benchmarks/README.md).
        rows = (
            await session.execute(
                select(
                    Appointment.id,
                    Appointment.reference,
                    Appointment.staff_id,
                    Appointment.service_id,
                    Appointment.status,
                    Customer.name,
                    AppointmentSegment.name,
                    AppointmentSegment.start,
                    AppointmentSegment.end,
                    AppointmentSegment.staff_busy,
                )
                .join(AppointmentSegment, AppointmentSegment.appointment_id == Appointment.id)
                .outerjoin(Customer, Customer.id == Appointment.customer_id)
                .where(
                    Appointment.tenant_id == config.id,
                    AppointmentSegment.tenant_id == config.id,
                    AppointmentSegment.live.is_(True),
                    AppointmentSegment.start < last,
                    AppointmentSegment.end > first,
                )
                .order_by(Appointment.start, AppointmentSegment.position)
            )
        ).all()
        holds = (
            await session.execute(
                select(Hold.staff_id, Hold.service_id, Hold.start, Hold.end).where(
                    Hold.tenant_id == config.id, Hold.start < last, Hold.end > first, Hold.expires_at > now
                )
            )
        ).all()
    services = {s.id: s.name for s in config.services}
    grouped: dict[str, tuple[tuple[str, str, str, str, str], str, list[SegmentIn]]] = {}
    for appt_id, reference, staff_id, service_id, status, customer, seg_name, seg_start, seg_end, busy in rows:
        entry = grouped.setdefault(appt_id, ((appt_id, reference, staff_id, service_id, status), customer or "?", []))
        entry[2].append(SegmentIn(seg_name, _local(seg_start, zone), _local(seg_end, zone), busy))
    appointments = [
        AppointmentIn(a_id, ref, staff_id, services.get(service_id, service_id), who, status, tuple(segs))
        for (a_id, ref, staff_id, service_id, status), who, segs in grouped.values()
    ]
    hold_list = [
        HoldIn(staff_id, services.get(service_id, service_id), _local(start, zone), _local(end, zone))
        for staff_id, service_id, start, end in holds
    ]
    cal = calendar_for(config)
    absences: dict[str, list[tuple[time, time]]] = {}
    for member in config.staff:
        if day in cal.absent_days[member.id]:
            absences[member.id] = [(time(0), time(23, 59))]
        else:
            for absence in member.absences:
                if absence.date == day and absence.start and absence.end:
                    absences.setdefault(member.id, []).append((absence.start, absence.end))
    hours = day_hours(config, day)
    opening = [(time.fromisoformat(a), time(23, 59) if b == "24:00" else time.fromisoformat(b)) for a, b in hours.hours]
    closed = None
    if hours.closed is not None:
        closed = hours.closed.name or hours.closed.kind
    staff = [(m.id, m.name) for m in config.staff]
    return lay_out(staff, opening, appointments, hold_list, absences, closed)
