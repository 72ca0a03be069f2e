"""Booking: a new appointment at an exact time, for the call that asked (CONTRACT section 3,
`book_appointment`). A retry of the same call's booking (same service, time, staff and customer)
answers the first booking instead of writing a second; another name at the same time is another
person of the same call, a family booking together (CONTRACT section 14)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, literal, null, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import holds, package_credits
from booking_core.appointment_rows import insert_booking
from booking_core.availability import from_minute, to_minute
from booking_core.booking_store import views
from booking_core.changes import Refused
from booking_core.customers import customer_for, existing_customer, same_name
from booking_core.domain import AppointmentView, CustomerInput, SlotRequest, appointment_to_dict
from booking_core.errors import DomainError
from booking_core.records import outbox
from booking_core.refusals import Refusal
from booking_core.request import BookingContext, Wish
from booking_core.search import refusal, why_not
from booking_core.slots import bookable_plan
from booking_core.storage import models as m
from booking_core.vocabulary import AppointmentStatus, OutboxTopic

__all__ = ["book"]


async def book(
    ctx: BookingContext, wish: Wish, request: SlotRequest, customer: CustomerInput, notes: str | None = None
) -> tuple[AppointmentView, bool]:
    """Book `request` (exact) for `customer`: (the appointment, True when written now; False when
    this call had booked it already). Raises DomainError for a time that is not exact, NotQualified
    or SlotUnavailable (with alternatives) when it cannot be booked."""
    start = to_minute(request.start)
    if not request.exact:
        raise DomainError("book needs an exact time")
    try:
        return await _book(ctx, wish, start, customer, notes)
    except _Retried as retried:
        return retried.earlier, False
    except Refused as refused:
        async with ctx.db.read() as session:
            raise await refusal(session, ctx, wish, start, wish.preferred, refused.refusal) from None
    except IntegrityError:
        async with ctx.db.read() as session:
            existing = await _booked_by_call(session, ctx, wish, start, customer)
            if existing is not None:
                return existing, False
            raise await refusal(session, ctx, wish, start, wish.requested, Refusal("taken")) from None


class _Retried(Exception):
    """This call booked it already: leave the write transaction, which rolls back (the hold stays)."""

    def __init__(self, earlier: AppointmentView) -> None:
        super().__init__(earlier.id)
        self.earlier = earlier


async def _book(
    ctx: BookingContext, wish: Wish, start: int, customer: CustomerInput, notes: str | None
) -> tuple[AppointmentView, bool]:
    tenant, service = ctx.tenant, wish.service
    async with ctx.db.write() as session:
        order = [wish.requested] if wish.requested else list(wish.qualified)
        lock = sorted(set(order) | set(wish.others or ()))
        await ctx.db.lock_staff(session, tenant.id, lock)
        order, maybe_retry = await _take_hold(session, ctx, wish, start, order)
        if maybe_retry:
            existing = await _booked_by_call(session, ctx, wish, start, customer)
            if existing is not None:
                raise _Retried(existing)
        if wish.not_qualified:
            raise Refused(Refusal("not_qualified"))
        day = ctx.cal.day_of(start)
        board = await ctx.board(session, lock, day, day)
        plan = bookable_plan(board, service, start, order, ctx.rules, wish.others)
        if plan is None:
            raise Refused(why_not(ctx, wish, start))
        cust = await customer_for(session, tenant.id, customer, ctx.now)
        v = await insert_booking(session, ctx, service, plan, cust, notes)
        await outbox(session, ctx, OutboxTopic.APPOINTMENT_CREATED, appointment_to_dict(v))
    return v, True


async def _take_hold(
    session: AsyncSession, ctx: BookingContext, wish: Wish, start: int, order: list[str]
) -> tuple[list[str], bool]:
    """Consume the call's hold (`holds.take`: its staff member first in `order`; the DELETE is undone
    when the booking is not written) and say whether this call has a live booking of the service at
    `start` (epoch minute), which may make this a retry (`_booked_by_call` decides). One round trip on
    PostgreSQL (the DELETE ... RETURNING as a CTE beside the SELECT), two on SQLite."""
    if not ctx.call_id:
        return order, False
    if ctx.db.is_postgres:
        gone = holds.taking(ctx.tenant.id, ctx.call_id).cte("gone")
        rows = (
            await session.execute(
                union_all(
                    select(literal(0), gone.c.service_id, gone.c.staff_id, gone.c.start),
                    select(literal(1), m.Appointment.id, null(), null()).where(*_same_booking(ctx, wish, start)),
                )
            )
        ).all()
        held = next(((r[1], r[2], r[3]) for r in rows if r[0] == 0), None)
        return holds.first_if_held(held, wish.service.id, start, order), any(r[0] == 1 for r in rows)
    order = await holds.take(session, ctx, wish.service.id, start, order)
    earlier = await session.scalar(select(m.Appointment.id).where(*_same_booking(ctx, wish, start)).limit(1))
    return order, earlier is not None


def _same_booking(ctx: BookingContext, wish: Wish, start: int) -> list[ColumnElement[bool]]:
    """This call's live appointments of the wished service at `start` (and named staff member)."""
    assert ctx.call_id is not None
    where = [
        m.Appointment.tenant_id == ctx.tenant.id,
        m.Appointment.call_id == ctx.call_id,
        m.Appointment.service_id == wish.service.id,
        m.Appointment.start == from_minute(start),
        m.Appointment.status != AppointmentStatus.CANCELLED,
    ]
    if wish.requested:
        where.append(m.Appointment.staff_id == wish.requested)
    return where


async def _booked_by_call(
    session: AsyncSession, ctx: BookingContext, wish: Wish, start: int, customer: CustomerInput
) -> AppointmentView | None:
    """This call's earlier booking of the same service and start (and named staff) for the same
    customer (a retry), if any. Another name at the same time is another person of the same call."""
    if not ctx.call_id:
        return None
    q = select(m.Appointment).where(*_same_booking(ctx, wish, start))
    found = await views(session, ctx.cal, list((await session.scalars(q.order_by(m.Appointment.created_at))).all()))
    if not found or not customer.name:
        earlier = found[0] if found else None
    else:
        known = await existing_customer(session, ctx.tenant.id, customer)
        earlier = next(
            (
                v
                for v in found
                if (known is not None and v.customer_id == known.id) or same_name(v.customer_name, customer.name)
            ),
            None,
        )
    if earlier is not None and ctx.tenant.packages_for(earlier.service_id):  # the retry hears the card again
        earlier = replace(earlier, package=await package_credits.credit_of(session, ctx.tenant.id, earlier.id))
    return earlier
