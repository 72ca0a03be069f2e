"""Fixture setup: appointments written as a fixture (or a test) states them, bypassing the booking
rules (no notice, advance, opening hours or holds are checked; overlaps are the fixture's business).

Used by `replay.state.prepare` for a fixture's `setup.appointments` (CONTRACT section 5) and by tests
that need a calendar in a given state. Every appointment gets its `created` audit row (actor `setup`).
"""

from __future__ import annotations

from datetime import datetime

from booking_core import lifecycle
from booking_core.appointment_rows import insert_appointment as insert_rows
from booking_core.availability import to_minute
from booking_core.booking_store import view
from booking_core.clock import Clock
from booking_core.customers import customer_for
from booking_core.domain import AppointmentView, CustomerInput, appointment_to_dict
from booking_core.errors import InvalidTransition
from booking_core.layout import layout
from booking_core.packages import Sale, sell
from booking_core.records import audit
from booking_core.request import open_context, wish_for
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.vocabulary import Actor, AppointmentStatus, AuditAction

__all__ = ["insert_appointment", "sell_package"]


async def insert_appointment(
    db: Database,
    clock: Clock,
    tenant: TenantConfig,
    *,
    service_id: str,
    staff_id: str,
    start: datetime,
    customer: CustomerInput,
    status: str = "scheduled",
    reference: str | None = None,
    call_id: str | None = None,
    notes: str | None = None,
) -> AppointmentView:
    """Write one appointment of `service_id` by `staff_id` from `start` (aware), every segment by
    that person. Raises NotFound for an unknown service or staff member, InvalidTransition for an
    unknown status."""
    ctx = open_context(db, clock, tenant, call_id=call_id, actor=Actor.SETUP)
    service = wish_for(ctx.cal, service_id, staff_id).service
    if status not in lifecycle.STATUSES:
        raise InvalidTransition("new", status)
    plan = layout(service, to_minute(start), [staff_id], lambda *_: True)
    assert plan is not None  # everything fits when nothing is checked
    async with db.write() as session:
        cust = await customer_for(session, tenant.id, customer, ctx.now)
        appt, rows = await insert_rows(
            session,
            ctx,
            service,
            plan,
            cust,
            status=AppointmentStatus(status),
            reference=reference.upper() if reference else None,
            notes=notes,
            idempotent=False,
        )
        v = view(ctx.cal, appt, rows, cust)
        audit(session, ctx, appt.id, AuditAction.CREATED, old=None, new=appointment_to_dict(v), reason="setup")
    return v


async def sell_package(db: Database, clock: Clock, tenant: TenantConfig, item: dict[str, object]) -> Sale:
    """A fixture's `setup.packages[]` item: `{"package", "phone", "name"?, "sold_at"?}` (ISO, default the
    fixture's now), sold as `slotline packages sell` would. Raises UnknownPackage, BadPhone."""
    sold_at = item.get("sold_at")
    at = datetime.fromisoformat(sold_at) if isinstance(sold_at, str) else clock.now()
    name = item.get("name")
    return await sell(
        db,
        tenant,
        at,
        phone=str(item.get("phone") or ""),
        package_id=str(item.get("package") or ""),
        name=name if isinstance(name, str) else None,
    )
