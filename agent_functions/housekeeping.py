"""Housekeeping: rows that only matter for minutes are deleted once they can no longer matter.

- holds past their expiry (availability already ignores them; the rows would pile up, one per call
  that checked a time and hung up),
- accepted signatures older than the signature window (a stale timestamp is refused anyway),
- retry claims of a process that died, long expired (the next copy takes them over meanwhile),
- call log records older than SLOTLINE_CALL_RECORD_DAYS (retention of what callers said).

Every server process runs this once a minute; the deletes are idempotent, so several processes doing
it at once is harmless, and a failure (the database away, two processes' deletes colliding) is logged
and retried at the next round. Nothing here is needed for correctness, only to keep tables small.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import structlog
from aiohttp import web
from sqlalchemy import delete

from agent_functions.call_log.store import delete_records_before
from agent_functions.context import SERVICES, AppServices
from agent_functions.seen_signatures import WINDOW
from booking_core.storage import models as m
from booking_core.storage.edge_models import FunctionClaim, SeenSignature

log = structlog.get_logger("slotline.housekeeping")
EVERY_S = 60.0
GRACE = timedelta(minutes=1)  # keep just-expired rows a little longer: clocks of several processes differ


async def sweep(services: AppServices) -> dict[str, int]:
    """Delete what has expired; how many rows of each kind."""
    now = services.clock.now()
    async with services.db.write_connection() as conn:
        holds = (await conn.execute(delete(m.Hold).where(m.Hold.expires_at < now - GRACE))).rowcount
        signatures = (await conn.execute(delete(SeenSignature).where(SeenSignature.signed_at < now - 2 * WINDOW - GRACE))).rowcount
        # Claims run on the real clock (see dispatch), not the injectable one.
        claims = (await conn.execute(delete(FunctionClaim).where(FunctionClaim.expires_at < datetime.now(UTC) - GRACE))).rowcount
        function_calls = await delete_records_before(conn, now - timedelta(days=services.settings.call_record_days))
    return {"holds": holds or 0, "signatures": signatures or 0, "claims": claims or 0, "function_calls": function_calls}


def attach_housekeeping(app: web.Application, every_s: float = EVERY_S) -> None:
    async def housekeeper(app: web.Application) -> AsyncIterator[None]:
        async def run() -> None:
            while True:
                await asyncio.sleep(every_s)
                try:
                    deleted = await sweep(app[SERVICES])
                except Exception:  # noqa: BLE001 - best effort; the next round tries again
                    log.warning("housekeeping failed; retrying next round", exc_info=True)
                else:
                    if any(deleted.values()):
                        log.info("expired rows deleted", **deleted)

        task = asyncio.create_task(run())
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    app.cleanup_ctx.append(housekeeper)
