"""Housekeeping: rows that only matter for minutes are deleted once they can no longer matter.

- holds past their expiry (availability already ignores them; the rows would pile up, one per call
  that checked a time and hung up),
- handled signatures (and their answers) older than the signature window (a stale timestamp is refused anyway),
- retry claims of a process that died, long expired (the next copy takes them over meanwhile),
- call log records older than SLOTLINE_CALL_RECORD_DAYS (retention of what callers said);
and it writes the `expiry` rows of multi-session cards whose validity ended (booking_core.packages:
idempotent; a booking never uses an expired card even before its row is written).

Every server process runs this once a minute; the deletes are idempotent, so several processes doing
it at once is harmless, and a failure (the database away, two processes' deletes colliding) is logged
and retried at the next round. Nothing here is needed for correctness, only to keep tables small.
The deletes themselves are in `stores` and the call log's store.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import structlog
from aiohttp import web

from agent_functions.call_log.store import delete_records_before
from agent_functions.context import SERVICES, AppServices
from agent_functions.seen_signatures import WINDOW
from agent_functions.stores import claims, holds
from booking_core.packages import expire_lapsed

log = structlog.get_logger("slotline.housekeeping")
EVERY_S = 60.0
GRACE = timedelta(minutes=1)  # keep just-expired rows a little longer: clocks of several processes differ


async def sweep(services: AppServices) -> dict[str, int]:
    """Delete what has expired, and let lapsed package credits expire; how many rows of each kind."""
    now = services.clock.now()
    return {
        "holds": await holds.delete_expired(services.db, now - GRACE),
        "signatures": await services.signatures.store.delete_signed_before(now - 2 * WINDOW - GRACE),
        # Claims run on the real clock (see dispatch), not the injectable one.
        "claims": await claims.delete_expired(services.db, datetime.now(UTC) - GRACE),
        "function_calls": await _delete_call_records(
            services, now - timedelta(days=services.settings.call_record_days)
        ),
        "package_cards_lapsed": await expire_lapsed(services.db, now),
    }


async def _delete_call_records(services: AppServices, cutoff: datetime) -> int:
    """Call log records older than the retention (the call log's store deletes them)."""
    async with services.db.write_connection() as conn:
        return await delete_records_before(conn, cutoff)


def attach_housekeeping(app: web.Application, every_s: float = EVERY_S) -> None:
    async def housekeeper(app: web.Application) -> AsyncIterator[None]:
        async def run() -> None:
            while True:
                await asyncio.sleep(every_s)
                try:
                    deleted = await sweep(app[SERVICES])
                except Exception:
                    log.warning("housekeeping failed; retrying next round", exc_info=True)
                else:
                    if any(deleted.values()):
                        log.info("expired rows deleted", **deleted)

        task = asyncio.create_task(run())
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    app.cleanup_ctx.append(housekeeper)
