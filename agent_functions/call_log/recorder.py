"""Recording function calls off the caller's path: an in-process queue, flushed in batches.

The dispatch hook (`recorded`) only appends what it already holds (the request, the answer, the
times) to a deque: no serialisation, no database, nothing the caller waits for. A background task
writes the queue every `FLUSH_EVERY_S` seconds, or as soon as `BATCH` records wait, in one
transaction per batch; resolving the canonical function name and making the payloads plain JSON
happen there too.

Durability, the trade-off: a record lives in this process's memory until its batch commits, so a
process that dies (SIGKILL, power loss) loses at most the last second's records, and one that stops
normally writes what it holds (the app's cleanup, bounded by `SHUTDOWN_FLUSH_S`). While the database
is unreachable records wait (retried every round) up to `MAX_PENDING`, then the oldest are dropped
and counted in a warning. Nothing else depends on these rows: bookings, their audit rows and stored
answers are written by the request itself as before, so losing a record loses a debugging aid, never
a booking. Writing each record inside the request would have made every function call wait for one
more write transaction (on SQLite, for the single writer).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import structlog
from aiohttp import web
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from agent_functions.call_log.store import insert_records
from agent_functions.context import SERVICES, AppServices
from agent_functions.envelope import CallInfo, FunctionCall
from agent_functions.registry import resolve
from agent_functions.stores.claims import Signed
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

log = structlog.get_logger("slotline.call_log")
FLUSH_EVERY_S = 1.0
BATCH = 200
MAX_PENDING = 20_000
SHUTDOWN_FLUSH_S = 5.0
# A payload larger than this is stored as a note of its size: the log is for reading calls back, and a
# multi-megabyte argument would be neither read nor replayed.
MAX_JSON_CHARS = 256 * 1024


@dataclass(frozen=True)
class Pending:
    """One answered function call, as the hook saw it; turned into a row when its batch is written."""

    tenant_id: str
    request: FunctionCall
    at: datetime  # when the request reached dispatch (the injected clock)
    response: dict[str, Any]
    ms: float


def _plain(value: Any) -> Any:
    """`value` as plain JSON (Decimals and dates as strings), or a note of its size when too large."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return json.loads(text) if len(text) <= MAX_JSON_CHARS else {"$truncated_chars": len(text)}


def call_part(call: CallInfo) -> dict[str, Any]:
    """The envelope's routing part, enough to send the request again: no transcript, no recording."""
    part: dict[str, Any] = {
        "call_id": call.call_id,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "direction": call.direction,
        "agent_id": call.agent_id,
    }
    if call.tenant_hint:
        part["metadata"] = {"tenant": call.tenant_hint}
    return {k: v for k, v in part.items() if v is not None}


def to_row(item: Pending) -> dict[str, Any]:
    """The `function_calls` row of one recorded call (columns of `FunctionCallRecord`)."""
    request = item.request
    status = item.response.get("status") if isinstance(item.response, dict) else None
    return {
        "tenant_id": item.tenant_id,
        "call_id": request.call.call_id,
        "at": item.at,
        "name": (request.name or "")[:100] or None,
        "function": resolve(request.name, request.args).function or "unknown",
        "args": _plain(request.args),
        "call": call_part(request.call),
        "status": str(status or "?")[:32],
        "response": _plain(item.response),
        "ms": round(item.ms, 2),
    }


class CallLog:
    """This process's queue of answered function calls not yet written."""

    def __init__(self, db: Database, *, max_pending: int = MAX_PENDING, batch: int = BATCH) -> None:
        self.db = db
        self.max_pending = max_pending
        self.batch = batch
        self.pending: deque[Pending] = deque()
        self.dropped = 0
        self._wake: asyncio.Event | None = None

    def add(self, item: Pending) -> None:
        """Queue one record (O(1), never raises, never waits); the oldest goes when the queue is full."""
        self.pending.append(item)
        if len(self.pending) > self.max_pending:
            self.pending.popleft()
            self.dropped += 1
        if len(self.pending) >= self.batch and self._wake is not None:
            self._wake.set()

    async def flush(self) -> int:
        """Write everything queued now, in batches; how many records were written. Records of a batch
        the database could not take go back to the queue's front for the next round."""
        written = 0
        while self.pending:
            items = [self.pending.popleft() for _ in range(min(self.batch, len(self.pending)))]
            try:
                await insert_records(self.db, [to_row(item) for item in items])
            except Exception as exc:  # noqa: BLE001 - sorted below; its text may quote arguments: never logged
                if _unreachable(exc):
                    self._requeue(items)
                    log.warning("call log waits for the database", pending=len(self.pending), error=type(exc).__name__)
                    break
                # A batch the database refuses: retrying it would block every later record.
                log.error(
                    "call log records dropped: the database refused them", records=len(items), error=type(exc).__name__
                )
                continue
            written += len(items)
        if self.dropped:
            log.warning("call log queue was full; oldest records dropped", dropped=self.dropped)
            self.dropped = 0
        return written

    def _requeue(self, items: list[Pending]) -> None:
        self.pending.extendleft(reversed(items))
        while len(self.pending) > self.max_pending:
            self.pending.popleft()  # the oldest go first, as in `add`
            self.dropped += 1

    async def run(self, every_s: float = FLUSH_EVERY_S) -> None:
        """Flush every `every_s` seconds, or at once when a full batch waits; until cancelled."""
        self._wake = asyncio.Event()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=every_s)
            self._wake.clear()
            if self.pending:
                try:
                    await self.flush()
                except Exception as exc:  # noqa: BLE001 - the recorder must never stop recording
                    log.error("call log flush failed; retrying next round", error=type(exc).__name__)


def _unreachable(exc: Exception) -> bool:
    """Whether `exc` says the database could not be reached (worth retrying), not that it refused the rows."""
    return isinstance(exc, (OSError, TimeoutError, OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


class Dispatch(Protocol):
    """`dispatch.dispatch`'s shape: the answer to a function call (`signed`: its signature, for copies)."""

    def __call__(
        self, services: AppServices, tenant: TenantConfig, request: FunctionCall, signed: Signed | None = None, /
    ) -> Awaitable[dict[str, Any]]: ...


def recorded(dispatch: Dispatch) -> Dispatch:
    """Record every call of `dispatch` in the app's call log: the hook on the request path, costing a
    clock read and a deque append."""

    @functools.wraps(dispatch)
    async def record(
        services: AppServices, tenant: TenantConfig, request: FunctionCall, signed: Signed | None = None
    ) -> dict[str, Any]:
        at = services.clock.now()
        started = time.perf_counter()
        body = await dispatch(services, tenant, request, signed)
        if services.call_log is not None:
            services.call_log.add(Pending(tenant.id, request, at, body, (time.perf_counter() - started) * 1000))
        return body

    return record


def attach_call_log(app: web.Application, every_s: float = FLUSH_EVERY_S) -> None:
    """Give the app's services a call log (`services.call_log`) with its flushing task; what is still
    queued when the app stops is written then."""
    call_log = app[SERVICES].call_log = CallLog(app[SERVICES].db)

    async def flusher(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(call_log.run(every_s))
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        try:
            await asyncio.wait_for(call_log.flush(), timeout=SHUTDOWN_FLUSH_S)
        except Exception:  # noqa: BLE001 - stopping anyway: say how much is lost (the batch in flight too)
            log.error("call log records lost at shutdown", pending=len(call_log.pending))

    app.cleanup_ctx.append(flusher)
