"""Claiming and settling outbox rows.

Claim: one short transaction selects due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent
workers never wait on or take each other's rows; SQLite serialises writers with BEGIN IMMEDIATE),
sets a lease (`locked_until`) and counts the attempt. The send happens outside any transaction. The
result is written back only if the lease is still ours (the `locked_until` value works as a token),
so a worker that outlived its lease cannot overwrite the row another worker has taken since.
A crash mid-send leaves the lease to expire; the row is then claimed again (the send is idempotent).

Order per appointment: a row is not claimed while an earlier pending row for the same appointment and
destination exists (created before rescheduled before cancelled), wherever that row is in flight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, not_, or_, select, update

from booking_core.storage.db import Database, affected_rows
from booking_core.storage.models import OutboxMessage as O

Pair = tuple[str, str]


@dataclass(frozen=True)
class Claimed:
    id: int
    tenant_id: str
    topic: str
    target: str
    payload: dict[str, Any]
    attempt: int  # 1 for the first try
    lease: datetime
    created_at: datetime

    @property
    def pair(self) -> Pair:
        return (self.tenant_id, self.target)


def _order_key(tenant_id: str, target: str, payload: dict[str, Any]) -> tuple[str, str, str, str]:
    return (tenant_id, target, str(payload.get("id") or ""), str(payload.get("url") or ""))


async def claim(
    db: Database, now: datetime, *, limit: int = 50, lease_s: float = 120.0, exclude: Iterable[Pair] = ()
) -> list[Claimed]:
    """Lease up to `limit` due rows for this worker."""
    excluded = list(exclude)
    lease = now + timedelta(seconds=lease_s)
    async with db.write() as session:
        query = (
            select(O)
            .where(O.status == "pending", O.next_attempt_at <= now, or_(O.locked_until.is_(None), O.locked_until < now))
            .order_by(O.id)
            .limit(limit)
        )
        if excluded:
            query = query.where(not_(or_(*[and_(O.tenant_id == t, O.target == g) for t, g in excluded])))
        if db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        rows = list((await session.scalars(query)).all())
        if not rows:
            return []
        # Earlier pending rows for the same appointment (claimed by someone else, waiting, or leased).
        appointment_ids = sorted({str(r.payload.get("id")) for r in rows if r.payload.get("id")})
        earlier: list[tuple[int, tuple[str, str, str, str]]] = []
        if appointment_ids:
            appt = O.payload["id"].as_string()
            found = await session.execute(
                select(O.id, O.tenant_id, O.target, O.payload).where(
                    O.status == "pending", O.id < max(r.id for r in rows), appt.in_(appointment_ids)
                )
            )
            earlier = [(i, _order_key(t, g, p)) for i, t, g, p in found.all()]
        mine = {r.id for r in rows}
        chosen: list[O] = []
        blocked_keys: set[tuple[str, str, str, str]] = set()
        for row in rows:
            key = _order_key(row.tenant_id, row.target, row.payload)
            if key[2] and (key in blocked_keys or any(k == key and i < row.id and i not in mine for i, k in earlier)):
                blocked_keys.add(key)
                continue
            chosen.append(row)
        for row in chosen:
            row.locked_until = lease
            row.attempts = row.attempts + 1
        return [
            Claimed(r.id, r.tenant_id, r.topic, r.target, dict(r.payload), r.attempts, lease, r.created_at)
            for r in chosen
        ]


def _ours(message: Claimed):
    return and_(O.id == message.id, O.status == "pending", O.locked_until == message.lease)


async def mark_sent(db: Database, message: Claimed, now: datetime, note: str | None = None) -> bool:
    async with db.write() as session:
        result = await session.execute(
            update(O).where(_ours(message)).values(status="sent", sent_at=now, locked_until=None, last_error=note)
        )
    return affected_rows(result) == 1


async def schedule_retry(db: Database, message: Claimed, now: datetime, delay_s: float, error: str) -> bool:
    async with db.write() as session:
        result = await session.execute(
            update(O)
            .where(_ours(message))
            .values(next_attempt_at=now + timedelta(seconds=delay_s), locked_until=None, last_error=error[:1000])
        )
    return affected_rows(result) == 1


async def mark_dead(db: Database, message: Claimed, now: datetime, error: str) -> bool:
    async with db.write() as session:
        result = await session.execute(
            update(O).where(_ours(message)).values(status="dead", locked_until=None, last_error=error[:1000])
        )
    return affected_rows(result) == 1


async def release(db: Database, message: Claimed, not_before: datetime | None = None) -> bool:
    """Give a claimed row back untried (its breaker is open): the attempt is not counted."""
    values: dict[str, Any] = {"locked_until": None, "attempts": O.attempts - 1}
    if not_before is not None:
        values["next_attempt_at"] = not_before
    async with db.write() as session:
        result = await session.execute(update(O).where(_ours(message)).values(**values))
    return affected_rows(result) == 1


async def requeue(db: Database, ids: Iterable[int], now: datetime) -> int:
    """Put dead rows back in the queue (after the cause is fixed): attempts start again."""
    async with db.write() as session:
        result = await session.execute(
            update(O)
            .where(O.id.in_(list(ids)), O.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, locked_until=None)
        )
    return affected_rows(result)


async def list_messages(
    db: Database, *, status: str | None = None, tenant_id: str | None = None, limit: int = 100
) -> list[O]:
    async with db.read() as session:
        query = select(O).order_by(O.id.desc()).limit(limit)
        if status:
            query = query.where(O.status == status)
        if tenant_id:
            query = query.where(O.tenant_id == tenant_id)
        return list((await session.scalars(query)).all())


async def counts(db: Database) -> dict[str, int]:
    async with db.read() as session:
        rows = (await session.execute(select(O.status, func.count()).group_by(O.status))).all()
    return {s: n for s, n in rows}
