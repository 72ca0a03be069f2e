"""Cancelling an appointment for a caller (CONTRACT section 3, `cancel_appointment`), under the
tenant's cancel policy. A cancelled appointment frees its staff at once (its segments stop being
live) and keeps its row, reference and audit history."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import appointments, lifecycle, package_credits
from booking_core.booking_store import parts, row_and_parts, view, views
from booking_core.changes import versions
from booking_core.changes.allowance import decide
from booking_core.changes.status import set_status
from booking_core.domain import AppointmentView, PolicyDecision, appointment_to_dict
from booking_core.errors import InvalidTransition, PolicyDenied
from booking_core.records import audit, outbox
from booking_core.request import BookingContext
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.vocabulary import AppointmentStatus, AuditAction, OutboxTopic
from booking_core.waitlist_offer import freed_by, offer_freed

__all__ = ["cancel", "cancel_row", "cancelled_by"]


async def cancel(
    ctx: BookingContext,
    appointment_id: str,
    reason: str | None,
    *,
    expected_version: int | None = None,
    override_policy: bool = False,
) -> tuple[AppointmentView, PolicyDecision]:
    """Cancel the appointment (id or reference): (the cancelled appointment, the policy decision with
    its fee). A retry by the call that cancelled it answers the same again. With `expected_version`
    the change is refused unless the stored version is that one (`changes.versions`); with
    `override_policy` a policy refusal is overridden (see `cancel_row`).

    Raises NotFound, ChangedMeanwhile, InvalidTransition (not cancellable), PolicyDenied, ValueError
    (an override without a reason)."""
    async with versions.compare_and_set(expected_version), ctx.db.write() as session:
        appt, segments, customer = await row_and_parts(session, ctx.tenant.id, appointment_id)
        versions.check(appt, expected_version)
        return await cancel_row(session, ctx, appt, reason, override_policy=override_policy, read=(segments, customer))


async def cancel_row(
    session: AsyncSession,
    ctx: BookingContext,
    appt: m.Appointment,
    reason: str | None,
    *,
    override_policy: bool = False,
    offer: bool = True,
    read: tuple[list[m.AppointmentSegment], m.Customer | None] | None = None,
) -> tuple[AppointmentView, PolicyDecision]:
    """`cancel` of a row already read in the write `session` (the series cancel uses it for each
    occurrence): status, audit row and outbox message, or the earlier answer of this call's retry.
    A package credit the appointment used is given back when the policy allows the cancel without a
    fee, and stays used when it asks one or refused it (`AppointmentView.package` says which).
    `offer`: offer the freed time to the waitlist now (a group cancel offers once, after all of it).
    `read`: the appointment's segments and customer when read with it (else read here).

    `override_policy`: an owner cancels although the policy refuses (issue 21). It needs a `reason`;
    the audit row keeps the reason, the actor (`ctx.actor`) and the refused decision marked
    ``"overridden": true``. Who may override is the edge's rule (the portal allows owners only).

    Raises InvalidTransition (not cancellable), PolicyDenied, ValueError (override without a reason)."""
    if override_policy and not (reason or "").strip():
        raise ValueError("a policy override needs a reason")
    if not lifecycle.can(appt.status, AppointmentStatus.CANCELLED):
        earlier = await _cancelled_by(session, ctx.tenant.id, appt, ctx.call_id)
        if earlier is not None:  # this call cancelled it already: a retry after a lost answer
            return (await views(session, ctx.cal, [appt]))[0], earlier
        raise InvalidTransition(appt.status, AppointmentStatus.CANCELLED)
    decision = await decide(session, ctx, appt, "cancel")
    overridden = override_policy and not decision.allowed
    if not decision.allowed and not overridden:
        raise PolicyDenied(decision)
    segments, customer = read if read is not None else await parts(session, appt)
    old = view(ctx.cal, appt, segments, customer)
    await set_status(session, appt, AppointmentStatus.CANCELLED, ctx.now)
    new = view(ctx.cal, appt, segments, customer)  # the same rows (segments only stop being live) read once
    if ctx.tenant.packages_for(appt.service_id):  # a credit it used comes back when the policy allows it free
        free = decision.allowed and decision.fee == 0  # (an owner's override of a refusal keeps it used)
        card = await package_credits.refund_credit(session, ctx, appt.id, free=free)
        new = replace(new, package=card)
    audit(
        session,
        ctx,
        appt.id,
        AuditAction.CANCELLED,
        old=appointment_to_dict(old),
        new=appointment_to_dict(new),
        reason=reason,
        policy={**decision.to_dict(), "overridden": True} if overridden else decision.to_dict(),
    )
    await outbox(
        session, ctx, OutboxTopic.APPOINTMENT_CANCELLED, {**appointment_to_dict(new), "fee": str(decision.fee)}
    )
    if offer:
        await offer_freed(session, ctx, freed_by([old]))
    return new, decision


async def cancelled_by(db: Database, tenant: TenantConfig, appointment_id: str, call_id: str | None) -> bool:
    """Whether `call_id` is the call that cancelled this appointment (id or reference)."""
    async with db.read() as session:
        appt = await appointments.row(session, tenant.id, appointment_id)
        return appt is not None and await _cancelled_by(session, tenant.id, appt, call_id) is not None


async def _cancelled_by(
    session: AsyncSession, tenant_id: str, appt: m.Appointment, call_id: str | None
) -> PolicyDecision | None:
    """The policy decision under which `call_id` cancelled `appt`, if it did.

    The per-call answer cache makes retries harmless, but a process killed between the commit and
    storing the answer leaves the retry to run again; it must then hear "cancelled", not "there is
    no open appointment"."""
    if appt.status != AppointmentStatus.CANCELLED or not call_id:
        return None
    policy = await session.scalar(
        select(m.AuditEntry.policy)
        .where(
            m.AuditEntry.tenant_id == tenant_id,
            m.AuditEntry.entity == "appointment",
            m.AuditEntry.entity_id == appt.id,
            m.AuditEntry.action == AuditAction.CANCELLED,
            m.AuditEntry.call_id == call_id,
        )
        .order_by(m.AuditEntry.at.desc())
        .limit(1)
    )
    return PolicyDecision.from_dict(policy) if policy else None
