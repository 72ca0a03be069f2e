"""Callback requests for calls that failed because the database could not be reached.

The contract promises a caller who hears status "error" that someone calls back: a callback request
is recorded. When the failure *is* the database (a failover, a restart, a cut connection), the
request cannot be written right then, so it waits here, in the serving process, and a background task
writes it as soon as the database answers again. The apology already carries its id, so the callback
staff see is the one the call log names.

The spool is memory only and bounded: a process that dies while the database is still down loses
what it holds (the log has each failure). Only requests whose signature verified are spooled, so
nobody can fill it from outside.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from aiohttp import web
from sqlalchemy.exc import DBAPIError, IntegrityError

from agent_functions.context import SERVICES, AppServices
from agent_functions.envelope import FunctionCall, parse_function_call
from agent_functions.phones import language_of_number
from agent_functions.signed_webhook import SIGNED_PAYLOAD

log = structlog.get_logger("slotline.callbacks")
MAX_PENDING = 10_000
FLUSH_EVERY_S = 1.0


@dataclass(frozen=True)
class PendingCallback:
    id: str
    call: FunctionCall
    at: datetime


class CallbackSpool:
    """Callback requests not written yet, oldest first; `flush()` writes what it can."""

    def __init__(self, services: AppServices, max_pending: int = MAX_PENDING) -> None:
        self.services = services
        self.max_pending = max_pending
        self.pending: deque[PendingCallback] = deque()
        self._by_call: dict[str, PendingCallback] = {}

    def add(self, call: FunctionCall) -> str | None:
        """Queue a callback request for this failed call; its id, or None when the spool is full.
        Several failures of one call (each function the agent tries) share one request: one call back."""
        call_id = call.call.call_id
        if call_id and call_id in self._by_call:
            return self._by_call[call_id].id
        if len(self.pending) >= self.max_pending:
            log.error("callback spool full; callback request dropped", call_id=call_id)
            return None
        pending = PendingCallback(str(uuid.uuid4()), call, self.services.clock.now())
        self.pending.append(pending)
        if call_id:
            self._by_call[call_id] = pending
        return pending.id

    async def flush(self) -> int:
        """Write the queued requests in order until the database fails again; how many were written."""
        written = 0
        while self.pending:
            pending = self.pending[0]
            try:
                written += await self._write(pending)
            except (OSError, TimeoutError, DBAPIError):  # still unreachable: keep it, try again later
                log.warning("callback requests still waiting for the database", pending=len(self.pending))
                return written
            except Exception:  # not the database: retrying would block the others forever
                log.exception("callback request could not be recorded", call_id=pending.call.call.call_id)
            self.pending.popleft()
            self._by_call.pop(pending.call.call.call_id or "", None)
        return written

    async def _write(self, pending: PendingCallback) -> int:
        call = pending.call
        tenant = await self.services.tenants.resolve(call.call.to_number, call.call.tenant_hint, call.call.agent_id)
        if tenant is None:
            log.warning("callback request for an unknown tenant dropped", call_id=call.call.call_id)
            return 0
        try:
            await self.services.booking.create_callback(
                tenant,
                call_id=call.call.call_id,
                customer_name=None,
                phone=call.call.from_number,
                reason=f"technical fault during {call.name}",
                callback_id=pending.id,
                details={
                    "function": call.name,
                    "args": {k: str(v)[:200] for k, v in call.args.items()},
                    "failed_at": pending.at.isoformat(),
                },
            )
        except IntegrityError:
            return 0  # written by an earlier attempt whose commit we never heard of
        log.info("callback request recorded after a database fault", call_id=call.call.call_id, callback_id=pending.id)
        return 1


# What the agent says, by (language, callback queued): the words of the apology in `dispatch`.
APOLOGIES = {
    (
        "de",
        True,
    ): "Entschuldigung, da ist bei mir gerade etwas schiefgelaufen. Wir rufen Sie so bald wie möglich zurück.",
    (
        "de",
        False,
    ): "Entschuldigung, da ist bei mir gerade etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
    ("en", True): "I'm sorry, something went wrong on my side. We'll call you back as soon as possible.",
    ("en", False): "I'm sorry, something went wrong on my side. Please try again in a moment.",
}


async def apology_for(request: web.Request) -> dict[str, Any] | None:
    """The answer to a signed function call that failed outside the function (the database is the
    usual reason): an apology in the tenant's language, with a callback request queued. None when the
    request is not a verified function call (the caller answers generically then)."""
    services = request.app[SERVICES]
    payload = request.get(SIGNED_PAYLOAD, _UNREAD)  # set once the signature verified and the body parsed
    if payload is _UNREAD or services.callback_spool is None:
        return None
    call = parse_function_call(payload, request.match_info.get("name"), request.headers)
    callback_id = services.callback_spool.add(call)
    tenant = services.tenants.cached(call.call.to_number, call.call.tenant_hint, call.call.agent_id)
    lang = tenant.language if tenant is not None else language_of_number(call.call.to_number)
    message = APOLOGIES[(lang if lang == "en" else "de", callback_id is not None)]
    data = {"error": "internal", **({"callback_id": callback_id} if callback_id else {})}
    return {"status": "error", "message": message, "data": data}


_UNREAD = object()


async def _learn_tenants(services: AppServices) -> None:
    """Every tenant's config in this process's cache while the database is up, so an apology during a
    later outage speaks the caller's language even for a tenant this process has not served yet."""
    try:
        await services.tenants.warm()
    except Exception:  # noqa: BLE001 - down already: tenants are learned as calls come in
        log.warning("tenants not preloaded; until each is seen, apologies speak the dialled number's language")


def attach_callback_spool(app: web.Application) -> None:
    """A spool for this process's services (`services.callback_spool`), flushed every second while it
    holds anything, and once more when the app stops."""
    spool = app[SERVICES].callback_spool = CallbackSpool(app[SERVICES])

    async def flusher(app: web.Application) -> AsyncIterator[None]:
        async def run() -> None:
            await _learn_tenants(app[SERVICES])
            while True:
                await asyncio.sleep(FLUSH_EVERY_S)
                if spool.pending:
                    await spool.flush()

        task = asyncio.create_task(run())
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if spool.pending:
            try:
                await asyncio.wait_for(spool.flush(), timeout=5)
            except TimeoutError:
                log.error(
                    "callback requests lost at shutdown: the database is still unreachable", pending=len(spool.pending)
                )

    app.cleanup_ctx.append(flusher)
