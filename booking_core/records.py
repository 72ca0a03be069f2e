"""The rows a change leaves besides itself, in the same transaction: the audit log entry (who changed
what, from what to what, under which policy) and the outbox messages that tell the outside world
(Cal.com, the tenant's webhooks), sent later by the worker with retries (DESIGN: the outbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.messages.store import record_change_messages
from booking_core.request import BookingContext
from booking_core.storage import models as m
from booking_core.vocabulary import AuditAction, OutboxStatus, OutboxTarget, OutboxTopic

__all__ = ["audit", "audit_values", "outbox"]


def audit(
    session: AsyncSession,
    ctx: BookingContext,
    appointment_id: str,
    action: AuditAction,
    *,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None,
    policy: dict[str, Any] | None = None,
) -> None:
    """Add the audit row of one change of an appointment (actor, call and time from `ctx`)."""
    session.add(
        m.AuditEntry(**audit_values(ctx, appointment_id, action, old=old, new=new, reason=reason, policy=policy))
    )


def audit_values(
    ctx: BookingContext,
    appointment_id: str,
    action: AuditAction,
    *,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None,
    policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of `audit`'s row, for a caller that writes it in its own statement."""
    return {
        "tenant_id": ctx.tenant.id,
        "at": ctx.now,
        "actor": ctx.actor,
        "call_id": ctx.call_id,
        "entity": "appointment",
        "entity_id": appointment_id,
        "action": action,
        "old": old,
        "new": new,
        "reason": reason,
        "policy": policy,
    }


async def outbox(session: AsyncSession, ctx: BookingContext, topic: OutboxTopic, payload: dict[str, Any]) -> None:
    """Add one pending message per destination the tenant has: Cal.com when enabled, each webhook URL
    (its payload carries `url`); every payload carries `topic`. Also the messages to the customer that
    the change calls for (confirmation, change, cancellation, reminders: `messages.store`)."""
    tenant = ctx.tenant
    await record_change_messages(session, tenant, topic, payload, ctx.now)
    calcom = tenant.integrations.calcom
    rows: list[tuple[OutboxTarget, dict[str, Any]]] = []
    if calcom is not None and calcom.enabled:
        rows.append((OutboxTarget.CALCOM, payload))
    for url in tenant.integrations.webhooks:
        rows.append((OutboxTarget.WEBHOOK, {**payload, "url": url}))
    for target, body in rows:
        session.add(
            m.OutboxMessage(
                tenant_id=tenant.id,
                topic=topic,
                target=target,
                payload={**body, "topic": topic},
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=ctx.now,
                created_at=ctx.now,
            )
        )
