"""The booking engine's facade: one object the edges hold (the voice edge, the portal, tools), each
method a use case in its own module. It opens the request context (`booking_core.request`) from the
tenant, the injected clock and the call, and delegates:

| method | module |
|---|---|
| check | `search` (and `holds` for an exact, free time asked by a call) |
| check_series / book_series, cancel_series | `series_search` / `series_book` |
| check_visit / book_visit, cancel_visit | `visits` / `visits_book` |
| book | `changes.book` |
| reschedule / cancel, cancelled_by / decide | `changes.move` / `changes.cancel` / `changes.allowance` |
| transition, progress | `changes.status` |
| release_holds | `holds` |
| get_appointment, find_appointments, upcoming_for_phone, appointments_for_tenant | `appointments` |
| create_callback | `callbacks` |

How writes stay correct under concurrency: `booking_core.changes`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from booking_core import appointments, callbacks, holds, search, series_book, series_search, visits, visits_book
from booking_core.availability import to_minute
from booking_core.changes import book, cancel, move, status
from booking_core.changes.allowance import decide
from booking_core.changes.cancel_group import GroupCancellation
from booking_core.clock import Clock
from booking_core.domain import AppointmentView, CheckOutcome, CustomerInput, PolicyDecision, Slot, SlotRequest
from booking_core.request import open_context, wish_for
from booking_core.series import SeriesRule
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

    async def check(
        self,
        tenant: TenantConfig,
        request: SlotRequest,
        call_id: str | None,
        *,
        limit: int = 3,
        ignore_appointment_id: str | None = None,
    ) -> CheckOutcome:
        """Is the requested time free (exact), or which times are (day, window, next available)?
        An exact, free request with a call id is held for the call (replacing its previous hold).
        `ignore_appointment_id`: an appointment being moved, whose own time must not block."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, moving=ignore_appointment_id)
        return await search.check(
            ctx, wish_for(ctx.cal, request.service_id, request.staff_id, request.not_staff), request, limit
        )

    async def book(
        self,
        tenant: TenantConfig,
        request: SlotRequest,
        customer: CustomerInput,
        call_id: str | None,
        *,
        notes: str | None = None,
        actor: str = Actor.AGENT,
    ) -> tuple[AppointmentView, bool]:
        """Book an exact time: (the appointment, False when this call had booked it already)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await book.book(
            ctx, wish_for(ctx.cal, request.service_id, request.staff_id, request.not_staff), request, customer, notes
        )

    async def check_series(
        self, tenant: TenantConfig, request: SlotRequest, rule: SeriesRule, *, count: int | None, until: date | None
    ) -> series_search.SeriesOutcome:
        """Every occurrence of a series at `request.start`'s time of day (nothing held). Raises
        SeriesTooLong (more than 26), ValueError (count below 1)."""
        ctx = open_context(self.db, self.clock, tenant)
        wish = wish_for(ctx.cal, request.service_id, request.staff_id, request.not_staff)
        return await series_search.check_series(ctx, wish, request.start, rule, count, until)

    async def book_series(
        self,
        tenant: TenantConfig,
        service_id: str,
        staff_id: str | None,
        occurrences: list[Slot],
        customer: CustomerInput,
        call_id: str | None,
        *,
        notes: str | None = None,
        actor: str = Actor.AGENT,
    ) -> tuple[list[AppointmentView], bool]:
        """Book the checked occurrences as one series, all or nothing (False: this call had already)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        wish = wish_for(ctx.cal, service_id, staff_id)
        return await series_book.book_series(ctx, wish, occurrences, customer, notes)

    async def series_booked_by_call(
        self,
        tenant: TenantConfig,
        request: SlotRequest,
        rule: SeriesRule,
        *,
        count: int | None,
        until: date | None,
        call_id: str | None,
    ) -> list[AppointmentView]:
        """The series this call already booked for this wish (a retry), else []."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id)
        starts = series_search.planned_starts(ctx.cal, request.start, rule, count, until)
        return await series_book.booked_by_call(
            ctx, wish_for(ctx.cal, request.service_id, request.staff_id, request.not_staff), starts
        )

    async def cancel_series(
        self,
        tenant: TenantConfig,
        appointment_id: str,
        *,
        call_id: str | None,
        reason: str | None,
        actor: str = Actor.AGENT,
    ) -> GroupCancellation:
        """Cancel this occurrence and the later ones of its series, the cancel policy applied to each."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await series_book.cancel_series(ctx, appointment_id, reason)

    async def series_remaining(self, tenant: TenantConfig, appointment_id: str) -> list[AppointmentView]:
        """What `cancel_series` would cancel, without changing anything. Raises NotFound."""
        return await series_book.remaining(open_context(self.db, self.clock, tenant), appointment_id)

    async def check_visit(
        self, tenant: TenantConfig, service_ids: list[str], request: SlotRequest, limit: int = 3
    ) -> visits.VisitOutcome:
        """Several services in one sitting at `request` (exact), or options over a day or window."""
        ctx = open_context(self.db, self.clock, tenant)
        wishes = visits.visit_wishes(ctx.cal, service_ids, request.staff_id)
        return await visits.check_visit(ctx, wishes, request, limit)

    async def book_visit(
        self,
        tenant: TenantConfig,
        service_ids: list[str],
        staff_id: str | None,
        start: datetime,
        customer: CustomerInput,
        call_id: str | None,
        *,
        notes: str | None = None,
        actor: str = Actor.AGENT,
    ) -> tuple[list[AppointmentView], bool]:
        """Book the visit from `start`, all or nothing (False: this call had booked it already)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        wishes = visits.visit_wishes(ctx.cal, service_ids, staff_id)
        return await visits_book.book_visit(ctx, wishes, to_minute(start), customer, notes)

    async def move_visit(
        self,
        tenant: TenantConfig,
        appointment_id: str,
        new_start: datetime,
        *,
        staff_id: str | None,
        call_id: str | None,
        reason: str | None,
        actor: str = Actor.AGENT,
    ) -> tuple[list[AppointmentView], list[PolicyDecision]]:
        """Move the appointment's whole visit to start at `new_start`, under the reschedule policy each."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await visits_book.move_visit(ctx, appointment_id, to_minute(new_start), staff_id, reason)

    async def visit_parts(self, tenant: TenantConfig, appointment_id: str) -> list[AppointmentView]:
        """The live parts of the appointment's visit (what `cancel_visit` would cancel). Raises NotFound."""
        return await visits_book.parts(open_context(self.db, self.clock, tenant), appointment_id)

    async def cancel_visit(
        self,
        tenant: TenantConfig,
        appointment_id: str,
        *,
        call_id: str | None,
        reason: str | None,
        actor: str = Actor.AGENT,
    ) -> GroupCancellation:
        """Cancel every part of the appointment's visit, under the cancel policy each."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await visits_book.cancel_visit(ctx, appointment_id, reason)

    async def reschedule(
        self,
        tenant: TenantConfig,
        appointment_id: str,
        new: SlotRequest,
        *,
        call_id: str | None,
        reason: str | None,
        actor: str = Actor.AGENT,
        expected_version: int | None = None,
    ) -> tuple[AppointmentView, PolicyDecision]:
        """Move an appointment (id or reference) to `new`, under the reschedule policy; with
        `expected_version`, only if it is still that version (else ChangedMeanwhile, nothing written)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        wish = wish_for(ctx.cal, new.service_id, new.staff_id, new.not_staff)
        return await move.reschedule(ctx, wish, appointment_id, new, reason, expected_version)

    async def cancel(
        self,
        tenant: TenantConfig,
        appointment_id: str,
        *,
        call_id: str | None,
        reason: str | None,
        actor: str = Actor.AGENT,
        expected_version: int | None = None,
        override_policy: bool = False,
    ) -> tuple[AppointmentView, PolicyDecision]:
        """Cancel an appointment (id or reference), under the cancel policy; with `expected_version`,
        only if it is still that version (else ChangedMeanwhile); `override_policy` (with a reason)
        cancels although the policy refuses, audited as overridden (`changes.cancel.cancel_row`)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await cancel.cancel(
            ctx, appointment_id, reason, expected_version=expected_version, override_policy=override_policy
        )

    async def cancelled_by(self, tenant: TenantConfig, appointment_id: str, call_id: str | None) -> bool:
        """Whether `call_id` is the call that cancelled this appointment."""
        return await cancel.cancelled_by(self.db, tenant, appointment_id, call_id)

    async def decide(self, tenant: TenantConfig, appointment_id: str, kind: ChangeKind) -> PolicyDecision:
        """The policy outcome of cancelling or moving now, without changing anything. Raises NotFound."""
        ctx = open_context(self.db, self.clock, tenant)
        async with self.db.read() as session:
            return await decide(session, ctx, await appointments.row_or_raise(session, tenant.id, appointment_id), kind)

    async def transition(
        self,
        tenant: TenantConfig,
        appointment_id: str,
        new_status: str,
        *,
        actor: str,
        call_id: str | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> AppointmentView:
        """Set a status as staff asked (confirmed, no_show, cancelled, ...), as the lifecycle allows;
        with `expected_version`, only if it is still that version (else ChangedMeanwhile)."""
        ctx = open_context(self.db, self.clock, tenant, call_id=call_id, actor=actor)
        return await status.transition(ctx, appointment_id, new_status, reason, expected_version)

    async def progress(self, tenant: TenantConfig) -> int:
        """Move appointments along with time (in progress, paused, completed) and drop expired holds;
        how many appointments changed."""
        return await status.progress(open_context(self.db, self.clock, tenant, actor=Actor.SYSTEM))

    async def release_holds(self, tenant_id: str, call_id: str) -> int:
        """Give up the call's hold; how many were released (0 or 1)."""
        return await holds.release(self.db, tenant_id, call_id)

    async def create_callback(
        self,
        tenant: TenantConfig,
        *,
        call_id: str | None,
        customer_name: str | None,
        phone: str | None,
        reason: str | None,
        details: dict[str, Any] | None = None,
        callback_id: str | None = None,
    ) -> str:
        """Record a callback request and the team's email; `callback_id` when the caller was already told
        one (written late)."""
        return await callbacks.create_callback(
            self.db,
            tenant,
            self.clock.now(),
            call_id=call_id,
            customer_name=customer_name,
            phone=phone,
            reason=reason,
            details=details,
            callback_id=callback_id,
        )

    async def get_appointment(self, tenant: TenantConfig, id_or_reference: str) -> AppointmentView | None:
        return await appointments.get(self.db, tenant, id_or_reference)

    async def find_appointments(
        self,
        tenant: TenantConfig,
        *,
        phone: str | None = None,
        name: str | None = None,
        day: date | None = None,
        upcoming_only: bool = True,
    ) -> list[AppointmentView]:
        """A caller's appointments (by phone, else spoken name) and/or a day's; see `appointments.find`."""
        return await appointments.find(
            self.db, tenant, self.clock.now(), phone=phone, name=name, day=day, upcoming_only=upcoming_only
        )

    async def upcoming_for_phone(self, tenant: TenantConfig, phone: str) -> list[AppointmentView]:
        return await self.find_appointments(tenant, phone=phone, upcoming_only=True)

    async def caller(self, tenant: TenantConfig, phone: str) -> appointments.CallerRecord:
        """Who is behind `phone` now (names, known, no-shows, upcoming) in one read; see
        `appointments.caller_record`."""
        return await appointments.caller_record(self.db, tenant, phone, self.clock.now())

    async def appointments_for_tenant(self, tenant: TenantConfig) -> list[AppointmentView]:
        return await appointments.all_of_tenant(self.db, tenant)
