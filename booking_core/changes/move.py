"""Moving an appointment to a new time, service or staff member (CONTRACT section 3,
`reschedule_appointment`), under the tenant's reschedule policy. The appointment keeps its id and
reference; its segments are replaced and its own old time never blocks the new one."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import appointments, holds
from booking_core.appointment_rows import segment_rows
from booking_core.availability import from_minute, to_minute
from booking_core.booking_store import row_and_parts, view
from booking_core.changes import Refused, versions
from booking_core.changes.allowance import decide
from booking_core.domain import AppointmentView, PolicyDecision, SlotRequest, appointment_to_dict
from booking_core.errors import InvalidTransition, PolicyDenied
from booking_core.policy import CHANGEABLE
from booking_core.records import audit, outbox
from booking_core.refusals import Refusal
from booking_core.request import BookingContext, Wish, first_then
from booking_core.search import refusal, why_not
from booking_core.slots import Plan, bookable_plan
from booking_core.storage import models as m
from booking_core.tenant_config import Service
from booking_core.vocabulary import AuditAction, OutboxTopic
from booking_core.waitlist_offer import freed_by, offer_freed

__all__ = ["replace_plan", "reschedule"]


async def reschedule(
    ctx: BookingContext,
    wish: Wish,
    appointment_id: str,
    new: SlotRequest,
    reason: str | None,
    expected_version: int | None = None,
) -> tuple[AppointmentView, PolicyDecision]:
    """Move the appointment (id or reference) to `new`: (the moved appointment, the policy decision).
    Moving it where it already is changes nothing and costs nothing (a retried request). With
    `expected_version` the move is refused unless the stored version is that one (`changes.versions`).

    Raises NotFound, ChangedMeanwhile, InvalidTransition (not scheduled or confirmed), PolicyDenied, NotQualified or
    SlotUnavailable (with alternatives near the new time, its staff member first)."""
    start = to_minute(new.start)
    try:
        async with versions.compare_and_set(expected_version):
            return await _move(ctx, wish, appointment_id, start, reason, expected_version)
    except (Refused, IntegrityError) as exc:
        why = exc.refusal if isinstance(exc, Refused) else Refusal("taken")
        async with ctx.db.read() as session:
            appt = await appointments.row(session, ctx.tenant.id, appointment_id)
            staff = None if wish.not_qualified else (wish.requested or (appt.staff_id if appt else None))
            moving = replace(ctx, moving=appt.id if appt else None)
            raise await refusal(session, moving, wish, start, staff, why) from None


async def _move(
    ctx: BookingContext, wish: Wish, appointment_id: str, start: int, reason: str | None, expected_version: int | None
) -> tuple[AppointmentView, PolicyDecision]:
    tenant, service, requested = ctx.tenant, wish.service, wish.requested
    async with ctx.db.write() as session:
        appt, old_segments, cust = await row_and_parts(session, tenant.id, appointment_id)
        versions.check(appt, expected_version)
        if appt.status not in CHANGEABLE:
            raise InvalidTransition(appt.status, "rescheduled")
        if to_minute(appt.start) == start and appt.service_id == service.id and requested in (None, appt.staff_id):
            # Already there (a retried request): nothing to change, nothing to charge.
            decision = PolicyDecision(True, Decimal("0"), appt.currency, Decimal("0"), None, "reschedule.unchanged")
            return view(ctx.cal, appt, old_segments, cust), decision
        decision = await decide(session, ctx, appt, "reschedule")
        if not decision.allowed:
            raise PolicyDenied(decision)
        if wish.not_qualified:
            raise Refused(Refusal("not_qualified"))
        order = [requested] if requested else first_then(appt.staff_id, wish.qualified)
        # the call's hold, consumed by the move (its DELETE is undone when the move is refused)
        order = await holds.take(session, ctx, service.id, start, [s for s in order if s in wish.qualified])
        lock = sorted(set(order) | set(wish.others or ()) | {s.staff_id for s in old_segments} | {appt.staff_id})
        await ctx.db.lock_staff(session, tenant.id, lock)
        ctx = replace(ctx, moving=appt.id)
        day = ctx.cal.day_of(start)
        board = await ctx.board(session, lock, day, day)
        plan = bookable_plan(board, service, start, order, ctx.rules, wish.others)
        if plan is None:
            raise Refused(why_not(ctx, wish, start))
        old_view = view(ctx.cal, appt, old_segments, cust)  # the rows read with the appointment, not read again
        await session.execute(delete(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id == appt.id))
        new_view = await replace_plan(session, ctx, appt, plan, cust, old_view, decision, reason, service=service)
    return new_view, decision


async def replace_plan(
    session: AsyncSession,
    ctx: BookingContext,
    appt: m.Appointment,
    plan: Plan,
    customer: m.Customer | None,
    old_view: AppointmentView,
    decision: PolicyDecision,
    reason: str | None,
    *,
    service: Service | None = None,
    offer: bool = True,
) -> AppointmentView:
    """Put `appt` (its old segments already deleted) on `plan`: staff, times, the staff member's
    price for `service` (default: its own), one more reschedule; new segment rows, the audit row
    and the outbox message; `offer`: the old time to the waitlist (a visit offers once, after all of
    its parts moved). The moved appointment as the caller is told it."""
    service = service or ctx.cal.services[appt.service_id]
    member = ctx.cal.staff[plan[0].staff_id]
    appt.service_id = service.id
    appt.staff_id = member.id
    appt.start = from_minute(plan[0].start)
    appt.end = from_minute(max(p.end for p in plan))
    appt.price = member.prices.get(service.id, service.price)
    appt.reschedule_count = (appt.reschedule_count or 0) + 1
    appt.idempotency_key = None
    appt.updated_at = ctx.now
    rows = segment_rows(ctx.tenant.id, appt.id, plan)
    session.add_all(rows)
    await session.flush()
    new_view = view(ctx.cal, appt, rows, customer)
    audit(
        session,
        ctx,
        appt.id,
        AuditAction.RESCHEDULED,
        old=appointment_to_dict(old_view),
        new=appointment_to_dict(new_view),
        reason=reason,
        policy=decision.to_dict(),
    )
    await outbox(
        session,
        ctx,
        OutboxTopic.APPOINTMENT_RESCHEDULED,
        {
            **appointment_to_dict(new_view),
            "old_start": old_view.start.isoformat(),
            "old_end": old_view.end.isoformat(),
            "fee": str(decision.fee),
        },
    )
    if offer:
        await offer_freed(session, ctx, freed_by([old_view]))
    return new_view
