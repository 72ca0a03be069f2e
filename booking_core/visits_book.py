"""Booking and cancelling a visit (CONTRACT section 10): several services in one sitting.

Booking lays the visit out again under the staff locks of everyone who might take a part
(`visits.fit_visit`, the single booking's guards for every part) and writes one appointment per
service with the same `visit_id`, in one transaction: all or nothing. The caller hears the first
part's reference; any part's reference finds the visit. Cancelling any part cancels the whole visit,
the cancel policy applied to each part.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import appointments, holds
from booking_core.appointment_rows import insert_recorded
from booking_core.availability import from_minute
from booking_core.booking_store import views
from booking_core.changes import Refused
from booking_core.changes.allowance import decide
from booking_core.changes.cancel_group import GroupCancellation, cancel_group
from booking_core.changes.move import replace_plan
from booking_core.customers import customer_for
from booking_core.domain import AppointmentView, CustomerInput, PolicyDecision
from booking_core.errors import InvalidTransition, PolicyDenied, SlotUnavailable
from booking_core.policy import CHANGEABLE
from booking_core.request import BookingContext, Wish
from booking_core.storage import models as m
from booking_core.visits import fit_visit, visit_reason, visit_staff, visit_wishes
from booking_core.vocabulary import AppointmentStatus
from booking_core.waitlist_offer import freed_by, offer_freed

__all__ = ["book_visit", "cancel_visit", "move_visit", "parts"]


async def book_visit(
    ctx: BookingContext, wishes: Sequence[Wish], start: int, customer: CustomerInput, notes: str | None = None
) -> tuple[list[AppointmentView], bool]:
    """Book the visit of `wishes` (services in order) from `start` (epoch minute): (its appointments
    in the order laid out, True when written now; False when this call had booked it already).
    Raises SlotUnavailable (no alternatives: the edge asks the visit check for them) when it does
    not fit any more; then nothing is written."""
    try:
        return await _book(ctx, wishes, start, customer, notes)
    except Refused as refused:
        raise SlotUnavailable(refused.refusal.code, (), refusal=refused.refusal) from None
    except IntegrityError:
        async with ctx.db.read() as session:
            existing = await _booked_by_call(session, ctx, wishes[0], start)
        if existing:
            return existing, False
        raise SlotUnavailable("taken", ()) from None


async def _book(
    ctx: BookingContext, wishes: Sequence[Wish], start: int, customer: CustomerInput, notes: str | None
) -> tuple[list[AppointmentView], bool]:
    tenant = ctx.tenant
    staff = visit_staff(wishes)
    out: list[AppointmentView] = []
    async with ctx.db.write() as session:
        await ctx.db.lock_staff(session, tenant.id, staff)
        existing = await _booked_by_call(session, ctx, wishes[0], start)
        if existing:
            return existing, False
        day = ctx.cal.day_of(start)
        board = await ctx.board(session, staff, day, day)
        plans = fit_visit(board, wishes, start, ctx.rules)
        if plans is None:
            raise Refused(visit_reason(ctx, board, wishes, start))
        visit_id = str(uuid.uuid4())
        cust = await customer_for(session, tenant.id, customer, ctx.now)
        for wish, plan in zip(wishes, plans, strict=True):
            out.append(await insert_recorded(session, ctx, wish.service, plan, cust, notes=notes, visit_id=visit_id))
        if ctx.call_id:
            await holds.drop(session, tenant.id, ctx.call_id)
    return out, True


async def _booked_by_call(session: AsyncSession, ctx: BookingContext, first: Wish, start: int) -> list[AppointmentView]:
    """The live visit this call booked whose first service starts at `start` (a retry), else []."""
    if not ctx.call_id:
        return []
    visit_id = await session.scalar(
        select(m.Appointment.visit_id)
        .where(
            m.Appointment.tenant_id == ctx.tenant.id,
            m.Appointment.call_id == ctx.call_id,
            m.Appointment.service_id == first.service.id,
            m.Appointment.start == from_minute(start),
            m.Appointment.visit_id.is_not(None),
            m.Appointment.status != AppointmentStatus.CANCELLED,
        )
        .limit(1)
    )
    if visit_id is None:
        return []
    return await views(session, ctx.cal, await _parts(session, ctx.tenant.id, visit_id))


async def _parts(session: AsyncSession, tenant_id: str, visit_id: str) -> list[m.Appointment]:
    return list(
        (
            await session.scalars(
                select(m.Appointment)
                .where(
                    m.Appointment.tenant_id == tenant_id,
                    m.Appointment.visit_id == visit_id,
                )
                .order_by(m.Appointment.start, m.Appointment.created_at)
            )
        ).all()
    )


async def _members(session: AsyncSession, ctx: BookingContext, picked: m.Appointment) -> list[m.Appointment]:
    """Every part of `picked`'s visit (`picked` alone when it is part of none)."""
    if picked.visit_id is None:
        return [picked]
    return await _parts(session, ctx.tenant.id, picked.visit_id)


async def move_visit(
    ctx: BookingContext, appointment_id: str, new_start: int, staff_id: str | None, reason: str | None
) -> tuple[list[AppointmentView], list[PolicyDecision]]:
    """Move the whole visit of the appointment (id or reference) so it starts at `new_start` (epoch
    minute), laid out afresh (`visits.fit_visit`), each part under the reschedule policy: (the moved
    parts, their policy decisions). Every part keeps its id and reference; the visit's own old time
    never blocks the new one. All or nothing.

    Raises NotFound, InvalidTransition (a part not scheduled or confirmed), PolicyDenied (the first
    part the policy refuses), SlotUnavailable (no alternatives) when the visit does not fit there."""
    try:
        return await _move(ctx, appointment_id, new_start, staff_id, reason)
    except Refused as refused:
        raise SlotUnavailable(refused.refusal.code, (), refusal=refused.refusal) from None
    except IntegrityError:
        raise SlotUnavailable("taken", ()) from None


async def _move(
    ctx: BookingContext, appointment_id: str, new_start: int, staff_id: str | None, reason: str | None
) -> tuple[list[AppointmentView], list[PolicyDecision]]:
    tenant = ctx.tenant
    async with ctx.db.write() as session:
        picked = await appointments.row_or_raise(session, tenant.id, appointment_id)
        rows = [r for r in await _members(session, ctx, picked) if r.status != AppointmentStatus.CANCELLED]
        decisions = []
        for row in rows:
            if row.status not in CHANGEABLE:
                raise InvalidTransition(row.status, "rescheduled")
            decision = await decide(session, ctx, row, "reschedule")
            if not decision.allowed:
                raise PolicyDenied(decision)
            decisions.append(decision)
        wishes = visit_wishes(ctx.cal, [r.service_id for r in rows], staff_id or picked.staff_id)
        staff = visit_staff(wishes)
        await ctx.db.lock_staff(session, tenant.id, sorted(set(staff) | {r.staff_id for r in rows}))
        old = await views(session, ctx.cal, rows)
        ids = [r.id for r in rows]
        await session.execute(delete(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id.in_(ids)))
        await session.flush()  # the visit's old time no longer blocks (rolled back if it does not fit)
        day = ctx.cal.day_of(new_start)
        board = await ctx.board(session, staff, day, day)
        plans = fit_visit(board, wishes, new_start, ctx.rules)
        if plans is None:
            raise Refused(visit_reason(ctx, board, wishes, new_start))
        cust = await session.get(m.Customer, picked.customer_id) if picked.customer_id else None
        moved = []
        for row, plan, before, decision in zip(rows, plans, old, decisions, strict=True):
            moved.append(await replace_plan(session, ctx, row, plan, cust, before, decision, reason, offer=False))
        await offer_freed(session, ctx, freed_by(old))  # the visit's old time, once all of it has moved
        if ctx.call_id:
            await holds.drop(session, tenant.id, ctx.call_id)
    return moved, decisions


async def parts(ctx: BookingContext, appointment_id: str) -> list[AppointmentView]:
    """Every part of the appointment's visit that is not cancelled (the appointment alone when it is
    part of none), in order. Raises NotFound."""
    async with ctx.db.read() as session:
        picked = await appointments.row_or_raise(session, ctx.tenant.id, appointment_id)
        rows = [r for r in await _members(session, ctx, picked) if r.status != AppointmentStatus.CANCELLED]
        return await views(session, ctx.cal, rows)


async def cancel_visit(ctx: BookingContext, appointment_id: str, reason: str | None) -> GroupCancellation:
    """Cancel the visit of the appointment (id or reference), the cancel policy applied to each part.
    Raises NotFound; InvalidTransition when nothing of it can be cancelled."""
    return await cancel_group(ctx, appointment_id, reason, _members)
