"""One function call, start to finish: resolve the name, run the handler, never fail the caller.

Write functions are idempotent per call: the answer to (call, function, arguments) is stored with
the first execution and returned as-is to retries, so a voice platform's retry writes nothing twice.
Any unexpected exception becomes `status: "error"` with an apology, and a callback request is
recorded so a human follows up: the caller is never left with silence or a stack trace.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from agent_functions.context import AppServices
from agent_functions.envelope import FunctionCall
from agent_functions.functions import HANDLERS
from agent_functions.functions.base import FunctionContext
from agent_functions.phones import mask
from agent_functions.registry import resolve
from agent_functions.replies import Reply
from booking_core.storage import models as m
from booking_core.tenant_config import TenantConfig

log = structlog.get_logger("slotline.functions")

WRITE_FUNCTIONS = frozenset({"book_appointment", "confirm_booking", "cancel_appointment", "reschedule_appointment", "request_callback"})
# Only answers that wrote something are replayed to retries; a clarification must be re-evaluated,
# because the call's state (a hold, an offer) may have changed since.
WRITTEN = frozenset({"booked", "rescheduled", "cancelled", "callback_requested"})
LATENCY = Histogram("slotline_function_seconds", "Function handling time", ["function"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
OUTCOMES = Counter("slotline_function_outcomes_total", "Function outcomes by status", ["function", "status"])


def request_key(function: str, args: dict[str, Any], mode: str | None) -> str:
    canonical = json.dumps({"f": function, "m": mode, "a": args}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def dispatch(services: AppServices, tenant: TenantConfig, fc: FunctionCall) -> dict[str, Any]:
    started = time.perf_counter()
    resolved = resolve(fc.name, fc.args)
    function = resolved.function or "unknown"
    bound = log.bind(call_id=fc.call.call_id, tenant=tenant.id, function=function)
    if resolved.ignored:
        bound.debug("arguments ignored", keys=list(resolved.ignored))
    ctx = FunctionContext(services, tenant, fc.call, resolved.mode)
    args = resolved.args or {}
    if resolved.function is None:
        reply = Reply("error", ctx.say(
            "Das kann ich leider nicht erledigen. Kann ich Ihnen anders helfen?",
            "Sorry, I can't do that. Can I help you with something else?",
        ), {"error": "unknown_function", "function": (fc.name or "")[:80]})
        return _finish(bound, function, reply.to_json(), started)

    cache_key = None
    if function in WRITE_FUNCTIONS and fc.call.call_id:
        cache_key = request_key(function, args, resolved.mode)
        cached = await _cached(services, tenant.id, fc.call.call_id, cache_key)
        if cached is not None:
            bound.info("retry answered from the first execution")
            return _finish(bound, function, cached, started)

    try:
        reply = await HANDLERS[function](ctx, args)
        body = reply.to_json()
    except Exception:  # noqa: BLE001 - the one place where every failure becomes a speakable answer
        bound.exception("function failed", caller=mask(fc.call.from_number))
        body = (await _apologise(ctx, function, args)).to_json()
        return _finish(bound, function, body, started)

    if cache_key is not None and body["status"] in WRITTEN:
        await _remember(services, tenant.id, fc.call.call_id or "", cache_key, body)
    return _finish(bound, function, body, started)


def _finish(bound: Any, function: str, body: dict[str, Any], started: float) -> dict[str, Any]:
    elapsed = time.perf_counter() - started
    LATENCY.labels(function).observe(elapsed)
    OUTCOMES.labels(function, body.get("status", "?")).inc()
    bound.info("function answered", status=body.get("status"), ms=round(elapsed * 1000, 1))
    return body


async def _cached(services: AppServices, tenant_id: str, call_id: str, key: str) -> dict[str, Any] | None:
    async with services.db.read() as session:
        return await session.scalar(select(m.FunctionResult.response).where(
            m.FunctionResult.tenant_id == tenant_id, m.FunctionResult.call_id == call_id, m.FunctionResult.request_key == key,
        ))


async def _remember(services: AppServices, tenant_id: str, call_id: str, key: str, body: dict[str, Any]) -> None:
    try:
        async with services.db.write() as session:
            session.add(m.FunctionResult(tenant_id=tenant_id, call_id=call_id, request_key=key, response=body,
                                         created_at=services.clock.now()))
    except IntegrityError:
        pass  # a concurrent retry stored the same answer first


async def _apologise(ctx: FunctionContext, function: str, args: dict[str, Any]) -> Reply:
    data: dict[str, Any] = {"error": "internal"}
    try:
        data["callback_id"] = await ctx.services.booking.create_callback(
            ctx.tenant.id, call_id=ctx.call.call_id, customer_name=None, phone=ctx.call.from_number,
            reason=f"technical fault during {function}",
            details={"function": function, "args": {k: str(v)[:200] for k, v in args.items()}},
        )
    except Exception:  # noqa: BLE001 - the database may be what failed; the apology still goes out
        log.bind(call_id=ctx.call.call_id, tenant=ctx.tenant.id).exception("callback request could not be recorded")
    message = ctx.say(
        "Entschuldigung, da ist bei mir gerade etwas schiefgelaufen. Wir rufen Sie so bald wie möglich zurück.",
        "I'm sorry, something went wrong on my side. We'll call you back as soon as possible.",
    )
    if "callback_id" not in data:
        message = ctx.say(
            "Entschuldigung, da ist bei mir gerade etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
            "I'm sorry, something went wrong on my side. Please try again in a moment.",
        )
    return Reply("error", message, data)
