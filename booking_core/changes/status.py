"""Status transitions (CONTRACT section 9): staff confirming, marking no-shows, cancelling; and time
moving appointments along (in progress at the start, paused in processing gaps, completed at the
end). The allowed steps are `booking_core.lifecycle`'s."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import appointments, holds, lifecycle, package_credits
from booking_core.booking_store import views
from booking_core.changes import versions
from booking_core.domain import AppointmentView, appointment_to_dict
from booking_core.lifecycle_clock import advance
from booking_core.records import audit, outbox
from booking_core.request import BookingContext
from booking_core.storage import models as m
from booking_core.vocabulary import AppointmentStatus, AuditAction, OutboxTopic
from booking_core.waitlist_offer import freed_by, offer_freed

__all__ = ["progress", "set_status", "transition"]


async def transition(
    ctx: BookingContext,
    appointment_id: str,
    new_status: str,
    reason: str | None,
    expected_version: int | None = None,
) -> AppointmentView:
    """Set the appointment's status as staff asked. Raises NotFound, ChangedMeanwhile (the stored
    version is not `expected_version`, when given; `changes.versions`), InvalidTransition (an unknown
    status or a step the lifecycle does not allow). Cancelling tells the outside world (outbox) and,
    as staff charge no fee, gives back a package credit the appointment used (a no-show keeps it)."""
    async with versions.compare_and_set(expected_version), ctx.db.write() as session:
        appt = await appointments.row_or_raise(session, ctx.tenant.id, appointment_id)
        versions.check(appt, expected_version)
        lifecycle.check(appt.status, new_status)
        status = AppointmentStatus(new_status)
        old = (await views(session, ctx.cal, [appt]))[0]
        await set_status(session, appt, status, ctx.now)
        new = (await views(session, ctx.cal, [appt]))[0]
        cancelled = status == AppointmentStatus.CANCELLED
        if cancelled and ctx.tenant.packages_for(appt.service_id):  # staff cancel without fee: the credit returns
            new = replace(new, package=await package_credits.refund_credit(session, ctx, appt.id, free=True))
        audit(
            session,
            ctx,
            appt.id,
            AuditAction.CANCELLED if cancelled else AuditAction.STATUS_CHANGED,
            old={"status": old.status, "version": old.version},
            new={"status": new.status, "version": new.version},
            reason=reason,
        )
        if cancelled:
            await outbox(session, ctx, OutboxTopic.APPOINTMENT_CANCELLED, appointment_to_dict(new))
            await offer_freed(session, ctx, freed_by([old]))
    return new


async def set_status(session: AsyncSession, appt: m.Appointment, status: AppointmentStatus, now: datetime) -> None:
    """Change the row's status and flush; a releasing status (cancelled, no-show) frees the staff
    (segments no longer live) and the idempotency key (the same call may book that time again)."""
    appt.status = status
    appt.updated_at = now
    if status in lifecycle.RELEASING:
        appt.idempotency_key = None
        await session.execute(
            update(m.AppointmentSegment).where(m.AppointmentSegment.appointment_id == appt.id).values(live=False)
        )
    await session.flush()


async def progress(ctx: BookingContext) -> int:
    """Move the tenant's appointments along with time to `ctx.now` (how many changed;
    `lifecycle_clock.advance`, safe with several workers) and drop expired holds. Idempotent: a second
    run at the same instant changes nothing."""
    async with ctx.db.write() as session:
        await holds.drop_expired(session, ctx.tenant.id, ctx.now)
    return (await advance(ctx.db, ctx.now, tenant_id=ctx.tenant.id)).moved
