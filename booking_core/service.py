"""The booking engine's facade: one object the edges hold (the voice edge, the portal, tools), each
method a use case in its own module. It opens the request context (`booking_core.request`) from the
tenant, the injected clock and the call, and delegates:

| method | module |
|---|---|
| check | `search` (and `holds` for an exact, free time asked by a call) |
| book | `changes.book` |
| reschedule / cancel, cancelled_by / decide | `changes.move` / `changes.cancel` / `changes.allowance` |
| transition, progress | `changes.status` |
| release_holds | `holds` |
| get_appointment, find_appointments, upcoming_for_phone, appointments_for_tenant | `appointments` |
| create_callback | `callbacks` |

How writes stay correct under concurrency: `booking_core.changes`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from booking_core import appointments, callbacks, holds, search
from booking_core.changes import book, cancel, move, status
from booking_core.changes.allowance import decide
from booking_core.clock import Clock
from booking_core.domain import AppointmentView, CheckOutcome, CustomerInput, PolicyDecision, SlotRequest
from booking_core.request import open_context, wish_for
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.vocabulary import Actor, ChangeKind

__all__ = ["BookingService"]


class BookingService:
    """The use cases over one database and clock. Every error it raises is a `DomainError` (the edge
    turns each into something speakable); values returned are plain (`booking_core.domain`)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def check(self, tenant: TenantConfig, request: SlotRequest, call_id: str | None, *, limit: int = 3,
                    ignore_appointment_id: str | None = None) -> CheckOutcome:
        """Is the requested time free (exact), or which times are (day, window, next available)?
        An exact, free request with a call id is held for the call (replacing its previous hold).
        `ignore_appointment_id`: an appointment being moved, whose own time must not block."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, moving=ignore_appointment_id)
        return await search.check(ctx, wish_for(ctx.cal, request.service_id, request.staff_id), request, limit)

    async def book(self, tenant: TenantConfig, request: SlotRequest, customer: CustomerInput, call_id: str | None, *,
                   notes: str | None = None, actor: str = Actor.AGENT) -> tuple[AppointmentView, bool]:
        """Book an exact time: (the appointment, False when this call had booked it already)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await book.book(ctx, wish_for(ctx.cal, request.service_id, request.staff_id), request, customer, notes)

    async def reschedule(self, tenant: TenantConfig, appointment_id: str, new: SlotRequest, *, call_id: str | None,
                         reason: str | None, actor: str = Actor.AGENT) -> tuple[AppointmentView, PolicyDecision]:
        """Move an appointment (id or reference) to `new`, under the reschedule policy."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await move.reschedule(ctx, wish_for(ctx.cal, new.service_id, new.staff_id), appointment_id, new, reason)

    async def cancel(self, tenant: TenantConfig, appointment_id: str, *, call_id: str | None, reason: str | None,
                     actor: str = Actor.AGENT) -> tuple[AppointmentView, PolicyDecision]:
        """Cancel an appointment (id or reference), under the cancel policy."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await cancel.cancel(ctx, appointment_id, reason)

    async def cancelled_by(self, tenant: TenantConfig, appointment_id: str, call_id: str | None) -> bool:
        """Whether `call_id` is the call that cancelled this appointment."""
        return await cancel.cancelled_by(self.db, tenant, appointment_id, call_id)

    async def decide(self, tenant: TenantConfig, appointment_id: str, kind: ChangeKind) -> PolicyDecision:
        """The policy outcome of cancelling or moving now, without changing anything. Raises NotFound."""
        ctx = open_context(self.db, self.clock, tenant)
        async with self.db.read() as session:
            return await decide(session, ctx, await appointments.row_or_raise(session, tenant.id, appointment_id), kind)

    async def transition(self, tenant: TenantConfig, appointment_id: str, new_status: str, *, actor: str,
                         call_id: str | None = None, reason: str | None = None) -> AppointmentView:
        """Set a status as staff asked (confirmed, no_show, cancelled, ...), as the lifecycle allows."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await status.transition(ctx, appointment_id, new_status, reason)

    async def progress(self, tenant: TenantConfig) -> int:
        """Move appointments along with time (in progress, paused, completed) and drop expired holds;
        how many appointments changed."""
        return await status.progress(open_context(self.db, self.clock, tenant, actor=Actor.SYSTEM))

    async def release_holds(self, tenant_id: str, call_id: str) -> int:
        """Give up the call's hold; how many were released (0 or 1)."""
        return await holds.release(self.db, tenant_id, call_id)

    async def create_callback(self, tenant: TenantConfig, *, call_id: str | None, customer_name: str | None,
                              phone: str | None, reason: str | None, details: dict[str, Any] | None = None,
                              callback_id: str | None = None) -> str:
        """Record a callback request and the team's email; `callback_id` when the caller was already told
        one (written late)."""
        return await callbacks.create_callback(self.db, tenant, self.clock.now(), call_id=call_id,
                                               customer_name=customer_name, phone=phone, reason=reason,
                                               details=details, callback_id=callback_id)

    async def get_appointment(self, tenant: TenantConfig, id_or_reference: str) -> AppointmentView | None:
        return await appointments.get(self.db, tenant, id_or_reference)

    async def find_appointments(self, tenant: TenantConfig, *, phone: str | None = None, name: str | None = None,
                                day: date | None = None, upcoming_only: bool = True) -> list[AppointmentView]:
        """A caller's appointments (by phone, else spoken name) and/or a day's; see `appointments.find`."""
        return await appointments.find(self.db, tenant, self.clock.now(), phone=phone, name=name, day=day,
                                       upcoming_only=upcoming_only)

    async def upcoming_for_phone(self, tenant: TenantConfig, phone: str) -> list[AppointmentView]:
        return await self.find_appointments(tenant, phone=phone, upcoming_only=True)

    async def appointments_for_tenant(self, tenant: TenantConfig) -> list[AppointmentView]:
        return await appointments.all_of_tenant(self.db, tenant)
