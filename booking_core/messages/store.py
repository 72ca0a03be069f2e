"""Planned messages into the outbox, inside the caller's transaction (the change and its messages
commit together or not at all).

Rows: target = the channel (`sms` | `email`), topic `message.<kind>`, `next_attempt_at` = when due,
`idempotency_key` = the message's key (a second write of the same key does nothing), `subject` = the
appointment or callback it is about. Withdrawing marks that subject's pending messages `withdrawn`
with the reason, so `slotline messages list` shows why a reminder never went out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.messages.planner import Plan, plan_change
from booking_core.storage.db import Database, affected_rows, dialect_insert
from booking_core.storage.models import OutboxMessage as O
from booking_core.tenant_config import TenantConfig

__all__ = [
    "CHANNELS",
    "SHOWN_STATUS",
    "STORED_STATUS",
    "list_messages",
    "message_dict",
    "record_change_messages",
    "write_plan",
]

CHANNELS = ("sms", "email")


async def write_plan(session: AsyncSession, tenant_id: str, plan: Plan, now: datetime) -> int:
    """Withdraw what the plan says no longer applies, then insert its messages; how many were new."""
    if plan.withdraw:
        await session.execute(
            update(O)
            .where(O.tenant_id == tenant_id, O.subject == plan.withdraw, O.status == "pending", O.target.in_(CHANNELS))
            .values(status="withdrawn", locked_until=None, last_error=f"withdrawn: {plan.withdraw_reason}")
        )
    if not plan.messages:
        return 0
    rows: list[dict[str, Any]] = [
        {
            "tenant_id": tenant_id,
            "topic": f"message.{p.kind}",
            "target": p.channel,
            "payload": p.payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": p.due,
            "created_at": now,
            "idempotency_key": p.key,
            "subject": p.subject,
        }
        for p in plan.messages
    ]
    connection = await session.connection()
    insert = dialect_insert(connection.dialect.name, O)
    result = await session.execute(
        insert.values(rows).on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
    )
    return affected_rows(result)


async def record_change_messages(
    session: AsyncSession, tenant: TenantConfig, topic: str, appointment: dict[str, Any], now: datetime
) -> int:
    """The booking engine's hook: the messages of this change (`topic`, `appointment_to_dict` shape)."""
    return await write_plan(session, tenant.id, plan_change(tenant, topic, appointment, now), now)


# Outbox statuses as the admin views name them (CONTRACT section 9: sent, queued, dead).
SHOWN_STATUS = {"pending": "queued", "sent": "sent", "dead": "dead", "withdrawn": "withdrawn"}
STORED_STATUS = {v: k for k, v in SHOWN_STATUS.items()}


def message_dict(row: O) -> dict[str, Any]:
    """One message for `GET /admin/messages` and `slotline messages list`."""
    p = row.payload or {}
    return {
        "id": row.id,
        "kind": p.get("kind") or row.topic.removeprefix("message."),
        "channel": row.target,
        "to": p.get("to"),
        "status": SHOWN_STATUS.get(row.status, row.status),
        "reason": row.last_error,
        "attempts": row.attempts,
        "due_at": row.next_attempt_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "created_at": row.created_at.isoformat(),
        "appointment_id": p.get("appointment_id"),
        "callback_id": p.get("callback_id"),
        "call_id": p.get("call_id"),
        "reference": p.get("reference"),
        "subject": p.get("subject"),
        "text": p.get("text"),
    }


async def list_messages(
    db: Database, tenant_id: str, *, call_id: str | None = None, status: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The tenant's messages (SMS and email rows, any writer), newest first. `status`: queued | sent |
    dead | withdrawn."""
    query = select(O).where(O.tenant_id == tenant_id, O.target.in_(CHANNELS)).order_by(O.id.desc()).limit(limit)
    if call_id:
        query = query.where(O.payload["call_id"].as_string() == call_id)
    if status:
        query = query.where(O.status == STORED_STATUS.get(status, status))
    async with db.read() as session:
        return [message_dict(r) for r in (await session.scalars(query)).all()]
