"""Whether a cancel or move is allowed now and what it costs: the tenant's policy (pure,
`booking_core.policy`) applied with the customer's history from storage."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import policy as policy_rules
from booking_core.availability import from_minute
from booking_core.domain import PolicyDecision
from booking_core.request import BookingContext
from booking_core.storage import models as m
from booking_core.vocabulary import AuditAction, ChangeKind

__all__ = ["decide"]


async def decide(session: AsyncSession, ctx: BookingContext, appt: m.Appointment, kind: ChangeKind) -> PolicyDecision:
    """The policy outcome of `kind` for `appt` at `ctx.now`. `max_per_month` counts the customer's
    changes of this kind since the start of the tenant's local month (from the audit log);
    `max_per_appointment` the appointment's earlier moves."""
    cal = ctx.cal
    month_count = 0
    pol = cal.config.policy_for(kind, appt.service_id)
    if pol.max_per_month is not None and appt.customer_id:
        local = ctx.now.astimezone(cal.zone)
        month_start = from_minute(cal.local_minute(local.date().replace(day=1), 0))
        ids = select(m.Appointment.id).where(
            m.Appointment.tenant_id == cal.config.id, m.Appointment.customer_id == appt.customer_id
        )
        month_count = (
            await session.scalar(
                select(func.count())
                .select_from(m.AuditEntry)
                .where(
                    m.AuditEntry.tenant_id == cal.config.id,
                    m.AuditEntry.entity == "appointment",
                    m.AuditEntry.action == (AuditAction.CANCELLED if kind == "cancel" else AuditAction.RESCHEDULED),
                    m.AuditEntry.at >= month_start,
                    m.AuditEntry.entity_id.in_(ids),
                )
            )
            or 0
        )
    return policy_rules.decide(
        pol,
        kind,
        start=appt.start,
        now=ctx.now,
        status=appt.status,
        currency=appt.currency,
        month_count=month_count,
        appointment_count=appt.reschedule_count if kind == "reschedule" else 0,
    )
