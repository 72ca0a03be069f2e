"""Staff setting an appointment's status by hand (CONTRACT section 9): `confirmed`, `no_show`,
`cancelled` (and the clock's statuses, where the lifecycle allows them). Shared by the admin HTTP
route and the CLI, so both refuse the same way: an illegal transition raises `InvalidTransition`
and writes nothing; the booking engine writes the audit row (and, for a cancellation, the message).
"""

from __future__ import annotations

from sqlalchemy import select

from booking_core import lifecycle
from booking_core.domain import AppointmentView
from booking_core.errors import InvalidTransition, NotFound
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.tenant_store import TenantDirectory

__all__ = ["STAFF_STATUSES", "set_status"]

STAFF_STATUSES = ("confirmed", "no_show", "cancelled", "in_progress", "paused", "completed")


async def set_status(
    booking: BookingService,
    tenants: TenantDirectory,
    appointment_id: str,
    status: str,
    *,
    reason: str | None,
    actor: str,
    tenant_id: str | None = None,
) -> AppointmentView:
    """Move one appointment (by id, or by reference when `tenant_id` is given) to `status`.

    Raises NotFound (no such appointment, or another tenant's), InvalidTransition (not allowed from
    its current status, or not a status at all)."""
    columns = (m.Appointment.tenant_id, m.Appointment.id, m.Appointment.status)
    async with booking.db.read() as session:
        query = select(*columns).where(m.Appointment.id == appointment_id)
        if tenant_id is not None:
            query = select(*columns).where(
                m.Appointment.tenant_id == tenant_id,
                (m.Appointment.id == appointment_id) | (m.Appointment.reference == appointment_id.strip().upper()),
            )
        found = (await session.execute(query.limit(1))).first()
    if found is None:
        raise NotFound("unknown appointment", kind="appointment", id=appointment_id)
    if status not in lifecycle.STATUSES or status not in STAFF_STATUSES:
        raise InvalidTransition(found.status, status)
    tenant = await tenants.get(found.tenant_id)
    if tenant is None:
        raise NotFound("unknown tenant", kind="tenant", id=found.tenant_id)
    return await booking.transition(tenant, found.id, status, actor=actor, reason=reason)
