"""The outbox worker: drains pending rows to Cal.com, outbound webhooks, SMS and email, out of the
caller's way; and once a minute moves appointments by the clock (`lifecycle_every_s`) and expires
waitlist entries whose window has ended.

`run_worker(db, clock, stop=...)` loops until `stop` is set (the `slotline worker` command and the
in-process task of `serve --with-worker`); `drain_once(db, clock)` claims and settles until nothing is
due (tests, cron-style use). Rows of one (tenant, integration) are sent in order, one at a time, behind
that pair's circuit breaker; different pairs proceed concurrently, so one slow or dead service never
holds up another tenant's mirror.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Mapping
from typing import Any

import httpx
import structlog

from booking_core.clock import Clock
from booking_core.lifecycle_clock import AdvanceReport, advance
from booking_core.messages import HeldBack
from booking_core.storage.db import Database
from booking_core.tenant_store import TenantDirectory
from booking_core.waitlist import expire
from integrations import outbox
from integrations.breaker import Breakers
from integrations.errors import IntegrationError, PermanentError, RateLimited
from integrations.outbox import Claimed
from integrations.sending import DrainReport, SendContext, Sender, WorkerConfig, default_senders, message_held_back

__all__ = [
    "DrainReport",
    "SendContext",
    "Sender",
    "Worker",
    "WorkerConfig",
    "default_senders",
    "drain_once",
    "run_worker",
]

log = structlog.get_logger("slotline.worker")


class Worker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        config: WorkerConfig | None = None,
        senders: Mapping[str, Sender] | None = None,
        env: Mapping[str, str] | None = None,
        tenants: TenantDirectory | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config or WorkerConfig()
        self.senders = dict(senders) if senders is not None else default_senders()
        self.env = env if env is not None else os.environ
        self.tenants = tenants or TenantDirectory(db)
        self.breakers = Breakers(db, self.config.breaker)
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0), follow_redirects=False)

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def drain_once(self) -> DrainReport:
        """Claim and settle batches until nothing is due now."""
        report = DrainReport()
        for _ in range(self.config.max_batches_per_drain):
            now = self.clock.now()
            blocked = await self.breakers.blocked_pairs(now)
            batch = await outbox.claim(
                self.db, now, limit=self.config.batch, lease_s=self.config.lease_s, exclude=blocked
            )
            if not batch:
                break
            report.claimed += len(batch)
            groups: dict[tuple[str, str], list[Claimed]] = {}
            for message in batch:
                groups.setdefault(message.pair, []).append(message)
            await asyncio.gather(*(self._run_group(rows, report) for rows in groups.values()))
        return report

    async def _run_group(self, rows: list[Claimed], report: DrainReport) -> None:
        for index, message in enumerate(rows):
            decision = await self.breakers.acquire(message.pair, self.clock.now())
            if decision == "blocked":
                await self._release(rows[index:], report)
                return
            outcome = await self._send_one(message, report)
            if outcome == "paused" or (decision == "probe" and outcome == "failed"):
                await self._release(rows[index + 1 :], report)
                return

    async def _release(self, rows: list[Claimed], report: DrainReport) -> None:
        for message in rows:
            if await outbox.release(self.db, message):
                report.released += 1

    async def _send_one(self, message: Claimed, report: DrainReport) -> str:
        bound = log.bind(
            outbox_id=message.id,
            tenant=message.tenant_id,
            target=message.target,
            topic=message.topic,
            attempt=message.attempt,
        )
        sender = self.senders.get(message.target)
        if sender is None:
            await self._settle(
                outbox.mark_dead(self.db, message, self.clock.now(), f"no sender for target {message.target!r}"),
                report,
                "dead",
            )
            return "dead"
        try:
            tenant = await self.tenants.get(message.tenant_id)
            held = message_held_back(message, tenant, self.clock.now())
            if held is not None:
                return await self._hold(message, held, report, bound)
            note = await sender.send(message, SendContext(self.db, self.clock, tenant, self.env, self.http))
        except PermanentError as exc:
            bound.warning("outbox.dead", error=str(exc))
            report.errors.append(str(exc))
            await self._settle(outbox.mark_dead(self.db, message, self.clock.now(), str(exc)), report, "dead")
            return "dead"
        except RateLimited as exc:
            now = self.clock.now()
            wait = exc.retry_after_s if exc.retry_after_s is not None else self.config.backoff.delay(message.attempt)
            bound.info("outbox.rate_limited", retry_after_s=wait)
            report.errors.append(str(exc))
            await self.breakers.pause(message.pair, now, wait, str(exc))
            await self._retry_or_dead(message, now, self._delay(sender, message, wait), str(exc), report, sender)
            return "paused"
        except IntegrationError as exc:
            now = self.clock.now()
            report.errors.append(str(exc))
            if exc.counts_for_breaker:
                opened = await self.breakers.failure(message.pair, now, str(exc))
                if opened:
                    bound.warning("breaker.open", error=str(exc))
            bound.info("outbox.retry", error=str(exc))
            await self._retry_or_dead(
                message, now, self._delay(sender, message, exc.retry_after_s), str(exc), report, sender
            )
            return "failed" if exc.counts_for_breaker else "retry"
        except Exception as exc:  # noqa: BLE001 - a bug in a sender must not kill the worker or lose the row
            now = self.clock.now()
            bound.exception("outbox.sender_bug")
            report.errors.append(repr(exc))
            await self._retry_or_dead(
                message, now, self._delay(sender, message, None), f"internal error: {exc!r}", report, sender
            )
            return "retry"
        now = self.clock.now()
        await self.breakers.success(message.pair, now)
        await self._settle(outbox.mark_sent(self.db, message, now, note), report, "sent")
        bound.info("outbox.sent", note=note)
        return "sent"

    async def _hold(self, message: Claimed, held: HeldBack, report: DrainReport, bound: Any) -> str:
        """A message that may not go now: given back untried until `held.until`, or dead with the reason."""
        if held.until is None:
            bound.info("outbox.too_late", reason=held.reason)
            await self._settle(outbox.mark_dead(self.db, message, self.clock.now(), held.reason), report, "dead")
            return "dead"
        bound.info("outbox.held_back", until=held.until.isoformat())
        await self._settle(outbox.release(self.db, message, not_before=held.until), report, "released")
        return "held"

    def _delay(self, sender: Sender, message: Claimed, retry_after_s: float | None) -> float:
        """Seconds until the next attempt: the sender's fixed schedule, else the worker's backoff;
        never sooner than the service's Retry-After."""
        schedule = getattr(sender, "retry_delays_s", None)
        if schedule:
            fixed = schedule[min(message.attempt, len(schedule)) - 1]
            return max(fixed, retry_after_s or 0.0)
        return self.config.backoff.delay(message.attempt, retry_after_s=retry_after_s)

    async def _retry_or_dead(
        self,
        message: Claimed,
        now,
        delay: float,
        error: str,
        report: DrainReport,
        sender: Sender | None = None,
    ) -> None:
        schedule = getattr(sender, "retry_delays_s", None)
        max_attempts = len(schedule) + 1 if schedule else self.config.max_attempts
        if message.attempt >= max_attempts:
            log.warning(
                "outbox.dead",
                outbox_id=message.id,
                tenant=message.tenant_id,
                target=message.target,
                attempts=message.attempt,
                error=error,
            )
            await self._settle(
                outbox.mark_dead(self.db, message, now, f"gave up after {message.attempt} attempts: {error}"),
                report,
                "dead",
            )
        else:
            await self._settle(outbox.schedule_retry(self.db, message, now, delay, error), report, "retried")

    @staticmethod
    async def _settle(operation, report: DrainReport, counter: str) -> None:
        if await operation:
            setattr(report, counter, getattr(report, counter) + 1)
        else:
            report.lost_lease += 1  # another worker holds the row now; it settles it

    async def advance_lifecycle(self) -> AdvanceReport:
        """Move appointments by the clock (booking_core.lifecycle_clock): safe beside other workers."""
        report = await advance(self.db, self.clock.now())
        if report.moved:
            log.info("lifecycle.advanced", moved=report.moved, transitions=report.transitions, **report.by_status)
        return report

    async def expire_waitlist(self) -> int:
        """Waitlist entries whose window has ended become expired (booking_core.waitlist; idempotent)."""
        expired = await expire(self.db, self.clock.now())
        if expired:
            log.info("waitlist.expired", entries=expired)
        return expired

    async def run(self, stop: asyncio.Event, poll_s: float = 1.0) -> None:
        log.info("worker.start", poll_s=poll_s)
        next_tick = 0.0
        try:
            while not stop.is_set():
                if self.config.lifecycle_every_s and time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + self.config.lifecycle_every_s
                    try:
                        await self.advance_lifecycle()
                    except Exception:
                        log.exception("lifecycle.advance_failed")
                    try:
                        await self.expire_waitlist()
                    except Exception:
                        log.exception("waitlist.expire_failed")
                try:
                    report = await self.drain_once()
                    if report.claimed:
                        log.info("worker.drained", **report.as_dict())
                except Exception:
                    log.exception("worker.drain_failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=poll_s)
        finally:
            log.info("worker.stop")


async def drain_once(db: Database, clock: Clock, **kwargs: Any) -> DrainReport:
    """One-shot drain (tests, cron): everything due now is sent, retried or dead-lettered."""
    worker = Worker(db, clock, **kwargs)
    try:
        return await worker.drain_once()
    finally:
        await worker.aclose()


async def run_worker(db: Database, clock: Clock, *, stop: asyncio.Event, poll_s: float = 1.0, **kwargs: Any) -> None:
    """Drain the outbox until `stop` is set. kwargs: config, senders, env, tenants, http (see Worker)."""
    worker = Worker(db, clock, **kwargs)
    try:
        await worker.run(stop, poll_s)
    finally:
        await worker.aclose()
