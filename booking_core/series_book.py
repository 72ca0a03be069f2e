"""Booking and cancelling a series (CONTRACT section 10).

Booking writes every occurrence the caller was told in one write transaction, all or nothing: under
the staff locks each occurrence is re-checked with the single booking's guard (`slots.bookable_plan`,
with the staff member it was offered with), and one refusal rolls back the whole series. On
PostgreSQL the exclusion constraint on staff-busy segments stays the last guard; its IntegrityError
refuses the series too. Every appointment carries the same `series_id`; each has its own reference.

Cancelling "alle weiteren Termine" cancels the chosen occurrence and the later ones of its series
that have not started, each under the cancel policy (`changes.cancel.cancel_row`); occurrences the
policy refuses stay booked and are returned as refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import appointments, holds
from booking_core.appointment_rows import insert_recorded
from booking_core.availability import to_minute
from booking_core.booking_store import views
from booking_core.changes.cancel_group import GroupCancellation, cancel_group
from booking_core.customers import customer_for
from booking_core.domain import AppointmentView, CustomerInput, Slot
from booking_core.errors import DomainError
from booking_core.refusals import Refusal
from booking_core.request import BookingContext, Wish
from booking_core.search import refusal, why_not
from booking_core.slots import bookable_plan
from booking_core.storage import models as m
from booking_core.vocabulary import AppointmentStatus

__all__ = ["book_series", "booked_by_call", "cancel_series", "remaining"]


class _OccurrenceRefused(Exception):
    """One occurrence failed its re-check inside the transaction (which is rolled back)."""

    def __init__(self, why: Refusal, at: int, staff_id: str) -> None:
        super().__init__(why.code)
        self.why, self.at, self.staff_id = why, at, staff_id


async def book_series(
    ctx: BookingContext, wish: Wish, occurrences: Sequence[Slot], customer: CustomerInput, notes: str | None = None
) -> tuple[list[AppointmentView], bool]:
    """Book every slot of `occurrences` (from `series_search.check_series`) as one series: (the
    appointments in date order, True when written now; False when this call had booked the series
    already). Raises DomainError for no occurrences, SlotUnavailable / NotQualified (with the
    alternatives near the occurrence that failed) when any occurrence cannot be booked; then
    nothing is written."""
    if not occurrences:
        raise DomainError("a series needs at least one free occurrence")
    ordered = sorted(occurrences, key=lambda s: s.start)
    try:
        return await _book_all(ctx, wish, ordered, customer, notes)
    except _OccurrenceRefused as refused:
        async with ctx.db.read() as session:
            raise await refusal(session, ctx, wish, refused.at, refused.staff_id, refused.why) from None
    except IntegrityError:
        async with ctx.db.read() as session:
            existing = await _series_booked_by_call(session, ctx, wish, [ordered[0].start])
            if existing:
                return existing, False
            first = to_minute(ordered[0].start)
            raise await refusal(session, ctx, wish, first, ordered[0].staff_id, Refusal("taken")) from None


async def _book_all(
    ctx: BookingContext, wish: Wish, ordered: Sequence[Slot], customer: CustomerInput, notes: str | None
) -> tuple[list[AppointmentView], bool]:
    tenant, service = ctx.tenant, wish.service
    lock = sorted(set(wish.staff_try) | set(wish.others or ()) | {s.staff_id for s in ordered})
    out: list[AppointmentView] = []
    async with ctx.db.write() as session:
        await ctx.db.lock_staff(session, tenant.id, lock)
        existing = await _series_booked_by_call(session, ctx, wish, [ordered[0].start])
        if existing:
            return existing, False
        if wish.not_qualified:
            raise _OccurrenceRefused(Refusal("not_qualified"), to_minute(ordered[0].start), ordered[0].staff_id)
        series_id = str(uuid.uuid4())
        cust = await customer_for(session, tenant.id, customer, ctx.now)
        for slot in ordered:
            at = to_minute(slot.start)
            day = ctx.cal.day_of(at)
            board = await ctx.board(session, lock, day, day)
            plan = bookable_plan(board, service, at, [slot.staff_id], ctx.rules, wish.others)
            if plan is None:
                raise _OccurrenceRefused(why_not(ctx, wish, at), at, slot.staff_id)
            out.append(await insert_recorded(session, ctx, service, plan, cust, notes=notes, series_id=series_id))
        if ctx.call_id:
            await holds.drop(session, tenant.id, ctx.call_id)
    return out, True


async def booked_by_call(ctx: BookingContext, wish: Wish, starts: Sequence[datetime]) -> list[AppointmentView]:
    """The series this call booked for the service with an occurrence at one of `starts` (a retry of
    the booking), in date order; empty when there is none."""
    async with ctx.db.read() as session:
        return await _series_booked_by_call(session, ctx, wish, starts)


async def _series_booked_by_call(
    session: AsyncSession, ctx: BookingContext, wish: Wish, starts: Sequence[datetime]
) -> list[AppointmentView]:
    if not ctx.call_id or not starts:
        return []
    series_id = await session.scalar(
        select(m.Appointment.series_id)
        .where(
            m.Appointment.tenant_id == ctx.tenant.id,
            m.Appointment.call_id == ctx.call_id,
            m.Appointment.service_id == wish.service.id,
            m.Appointment.start.in_(list(starts)),
            m.Appointment.series_id.is_not(None),
            m.Appointment.status != AppointmentStatus.CANCELLED,
        )
        .limit(1)
    )
    if series_id is None:
        return []
    rows = (
        await session.scalars(
            select(m.Appointment)
            .where(
                m.Appointment.tenant_id == ctx.tenant.id,
                m.Appointment.series_id == series_id,
            )
            .order_by(m.Appointment.start)
        )
    ).all()
    return await views(session, ctx.cal, rows)


async def cancel_series(ctx: BookingContext, appointment_id: str, reason: str | None) -> GroupCancellation:
    """Cancel the appointment (id or reference) and the later occurrences of its series that have not
    started, the policy applied to each, in one transaction. An appointment of no series is
    cancelled alone. Raises NotFound; InvalidTransition when nothing of it can be cancelled."""
    return await cancel_group(ctx, appointment_id, reason, _from_here_on)


async def remaining(ctx: BookingContext, appointment_id: str) -> list[AppointmentView]:
    """The occurrences `cancel_series` would act on (the appointment and its series' later ones that
    have not started, not yet cancelled), in date order. Raises NotFound."""
    async with ctx.db.read() as session:
        picked = await appointments.row_or_raise(session, ctx.tenant.id, appointment_id)
        rows = [r for r in await _from_here_on(session, ctx, picked) if r.status != AppointmentStatus.CANCELLED]
        return await views(session, ctx.cal, rows)


async def _from_here_on(session: AsyncSession, ctx: BookingContext, picked: m.Appointment) -> list[m.Appointment]:
    """`picked` and the later occurrences of its series that start after now; `picked` alone when
    it belongs to no series."""
    if picked.series_id is None:
        return [picked]
    rows = (
        await session.scalars(
            select(m.Appointment)
            .where(
                m.Appointment.tenant_id == ctx.tenant.id,
                m.Appointment.series_id == picked.series_id,
                m.Appointment.start >= picked.start,
                m.Appointment.start > ctx.now,
            )
            .order_by(m.Appointment.start)
        )
    ).all()
    return list(rows) or [picked]
