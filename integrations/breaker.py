"""Circuit breakers, one per (tenant, integration), kept in the database so every worker agrees.

closed     everything is sent; consecutive failures are counted.
open       after `threshold` consecutive failures nothing is sent until `open_until` (the cool-down);
           rows wait without using up attempts.
half_open  after the cool-down exactly one worker wins the right to send one probe (a compare-and-set
           on the row); success closes the breaker, failure opens it for another cool-down.
A 429 pauses the pair until its Retry-After (open_until) without counting as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update

from booking_core.storage.db import Database, affected_rows
from booking_core.storage.integration_models import CircuitBreakerState as B

Pair = tuple[str, str]
Decision = Literal["closed", "probe", "blocked"]


@dataclass(frozen=True)
class BreakerPolicy:
    threshold: int = 5
    cooldown_s: float = 30.0


class Breakers:
    def __init__(self, db: Database, policy: BreakerPolicy | None = None) -> None:
        self.db = db
        self.policy = policy or BreakerPolicy()

    async def blocked_pairs(self, now: datetime) -> set[Pair]:
        """Pairs that must not be sent to right now (open or paused, cool-down not over)."""
        async with self.db.read() as session:
            rows = (
                await session.execute(
                    select(B.tenant_id, B.target).where(B.open_until.is_not(None), B.open_until > now)
                )
            ).all()
        return {(t, g) for t, g in rows}

    async def states(self) -> list[B]:
        async with self.db.read() as session:
            return list((await session.scalars(select(B).order_by(B.tenant_id, B.target))).all())

    async def _ensure(self, session, pair: Pair, now: datetime) -> None:
        values = {"tenant_id": pair[0], "target": pair[1], "state": "closed", "failures": 0, "updated_at": now}
        await session.execute(self.db.insert(B).values(**values).on_conflict_do_nothing())

    async def acquire(self, pair: Pair, now: datetime) -> Decision:
        """May this worker send for `pair` now? 'probe' means: one message, then report the outcome."""
        async with self.db.read() as session:
            row = await session.get(B, pair)
        if row is None or (row.state == "closed" and (row.open_until is None or row.open_until <= now)):
            return "closed"
        if row.open_until is not None and row.open_until > now:
            return "blocked"
        # Cool-down over (open, or a half-open probe whose worker died): one worker wins the probe.
        async with self.db.write() as session:
            result = await session.execute(
                update(B)
                .where(
                    B.tenant_id == pair[0],
                    B.target == pair[1],
                    B.state == row.state,
                    (B.open_until.is_(None)) | (B.open_until <= now),
                )
                .values(state="half_open", open_until=now + timedelta(seconds=self.policy.cooldown_s), updated_at=now)
            )
        return "probe" if affected_rows(result) == 1 else "blocked"

    async def success(self, pair: Pair, now: datetime) -> None:
        async with self.db.read() as session:
            row = await session.get(B, pair)
        if row is None or (row.state == "closed" and row.failures == 0 and row.open_until is None):
            return  # the common case writes nothing
        async with self.db.write() as session:
            await session.execute(
                update(B)
                .where(B.tenant_id == pair[0], B.target == pair[1])
                .values(state="closed", failures=0, open_until=None, last_error=None, updated_at=now)
            )

    async def failure(self, pair: Pair, now: datetime, error: str) -> bool:
        """Count a failure; returns True when the breaker is (now) open."""
        async with self.db.write() as session:
            await self._ensure(session, pair, now)
            row = (
                await session.scalars(select(B).where(B.tenant_id == pair[0], B.target == pair[1]).with_for_update())
            ).one()
            row.failures += 1
            row.last_error = error[:500]
            row.updated_at = now
            if row.state == "half_open" or row.failures >= self.policy.threshold:
                row.state = "open"
                row.open_until = now + timedelta(seconds=self.policy.cooldown_s)
            return row.state == "open"

    async def pause(self, pair: Pair, now: datetime, seconds: float, error: str) -> None:
        """Rate limited: hold every message of the pair until Retry-After, no failure counted."""
        until = now + timedelta(seconds=seconds)
        async with self.db.write() as session:
            await self._ensure(session, pair, now)
            row = (
                await session.scalars(select(B).where(B.tenant_id == pair[0], B.target == pair[1]).with_for_update())
            ).one()
            if row.open_until is None or row.open_until < until:
                row.open_until = until
            if row.state == "half_open":
                row.state = "open"
            row.last_error = error[:500]
            row.updated_at = now
