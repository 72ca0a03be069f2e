"""One function call, start to finish: resolve the name, run the handler, never fail the caller.

Write functions are idempotent per call: the answer to (call, function, arguments) is stored with
the first execution and returned as-is to retries, so a voice platform's retry writes nothing twice.
Copies may arrive while the first is still running, at another server process: the first copy claims
the request in the database (`stores.claims`), the others wait (bounded) for its stored answer. An answer that wrote
nothing (a clarification) is not kept: the claim is released and the next copy is evaluated afresh.
A byte-identical copy (same signature digest, `signed`) finds the answer by its digest too; the claim
checks both in one statement, and the answer is stored under both in one transaction. Functions that
only read never store an answer, so their copies are simply handled again (no lookup).
Any unexpected exception becomes `status: "error"` with an apology, and a callback request is
recorded so a human follows up: the caller is never left with silence or a stack trace.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from prometheus_client import Counter, Histogram

from agent_functions.call_log.recorder import recorded
from agent_functions.context import AppServices
from agent_functions.envelope import FunctionCall
from agent_functions.functions import HANDLERS
from agent_functions.functions.base import FunctionContext
from agent_functions.phones import mask
from agent_functions.registry import resolve
from agent_functions.replies import Reply
from agent_functions.stores import claims
from agent_functions.stores.claims import RequestId, Signed
from booking_core.call_outcomes import note_status
from booking_core.tenant_config import TenantConfig

log = structlog.get_logger("slotline.functions")

WRITE_FUNCTIONS = frozenset(
    {"book_appointment", "confirm_booking", "cancel_appointment", "reschedule_appointment", "request_callback"}
)
# Only answers that wrote something are replayed to retries; a clarification must be re-evaluated,
# because the call's state (a hold, an offer) may have changed since.
WRITTEN = frozenset({"booked", "rescheduled", "cancelled", "callback_requested"})
# A claim older than this belongs to a process that died mid-request; the next copy takes it over.
# Real time, not the injected clock: it measures whether a process is alive, and replays freeze the clock.
CLAIM_TTL = timedelta(seconds=10)
# How long a copy waits for the first one's answer: longer than CLAIM_TTL, so a waiting copy outlives
# the claim of a crashed process and executes the request itself.
DUPLICATE_WAIT_S = 12.0
POLL_S = 0.05
LATENCY = Histogram(
    "slotline_function_seconds",
    "Function handling time",
    ["function"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
OUTCOMES = Counter("slotline_function_outcomes_total", "Function outcomes by status", ["function", "status"])


def request_key(function: str, args: dict[str, Any], mode: str | None) -> str:
    canonical = json.dumps({"f": function, "m": mode, "a": args}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@recorded  # the call log (CONTRACT section 13): queued here, written after the answer has gone out
async def dispatch(
    services: AppServices, tenant: TenantConfig, fc: FunctionCall, signed: Signed | None = None
) -> dict[str, Any]:
    """The answer to `fc`; `signed`: the request's signature, when copies of it are answered by digest."""
    started = time.perf_counter()
    resolved = resolve(fc.name, fc.args)
    function = resolved.function or "unknown"
    bound = log.bind(call_id=fc.call.call_id, tenant=tenant.id, function=function)
    if resolved.ignored:
        bound.debug("arguments ignored", keys=list(resolved.ignored))
    ctx = FunctionContext(services, tenant, fc.call, resolved.mode)
    args = resolved.args or {}
    if resolved.function is None:
        reply = Reply(
            "error",
            ctx.say(
                "Das kann ich leider nicht erledigen. Kann ich Ihnen anders helfen?",
                "Sorry, I can't do that. Can I help you with something else?",
            ),
            {"error": "unknown_function", "function": (fc.name or "")[:80]},
        )
        return _finish(bound, function, reply.to_json(), started)
    if fc.args_problem is not None:  # "args" was neither an object nor a string holding one
        bound.info("arguments unreadable", problem=fc.args_problem)
        return _finish(bound, function, _unreadable(ctx).to_json(), started)

    if function not in WRITE_FUNCTIONS:
        return _finish(bound, function, await _execute(ctx, function, args, bound), started)
    if not fc.call.call_id:  # no call to key the answer by: only by the signature's digest
        return _finish(bound, function, await _by_digest(ctx, function, args, bound, signed), started)

    request = RequestId(tenant.id, fc.call.call_id, request_key(function, args, resolved.mode))
    first = await _first_copy(services, request, signed)
    if first.answer is not None:
        if first.identical:
            bound.info("byte-identical copy answered as a retry")
        bound.info("retry answered from the first execution", waited=first.waited)
        return _finish(bound, function, first.answer, started)
    if first.token is None:
        bound.warning("retry gave up waiting for the first execution")
        return _finish(bound, function, _busy(ctx).to_json(), started)
    body: dict[str, Any] | None = None
    try:
        body = await _execute(ctx, function, args, bound)
    finally:  # the claim is given up whatever happened, so no copy waits for an answer that never comes
        kept = body if body is not None and body["status"] in WRITTEN else None
        await _settle(services, request, first.token, kept, signed, bound)
    return _finish(bound, function, body, started)


async def _settle(
    services: AppServices,
    request: RequestId,
    token: str,
    kept: dict[str, Any] | None,
    signed: Signed | None,
    bound: Any,
) -> None:
    """Store the answer for copies (or release the claim). Best effort once the caller has an answer:
    a failure leaves the claim to expire, and a later copy is then handled afresh."""
    try:
        await claims.settle(services.db, request, token, kept, services.clock.now(), signed)
    except Exception:
        if kept is None:
            raise
        bound.warning("answer not kept for retries", exc_info=True)


async def _by_digest(
    ctx: FunctionContext, function: str, args: dict[str, Any], bound: Any, signed: Signed | None
) -> dict[str, Any]:
    """A write without a call id: a byte-identical copy gets the answer kept under the signature's digest."""
    signatures = ctx.services.signatures
    if signed is not None and (stored := await signatures.answer_for(signed.digest)) is not None:
        bound.info("byte-identical copy answered as a retry")
        return stored[1]
    body = await _execute(ctx, function, args, bound)
    if signed is not None:
        await signatures.remember(signed.digest, signed.signed_at, 200, body)
    return body


async def _execute(ctx: FunctionContext, function: str, args: dict[str, Any], bound: Any) -> dict[str, Any]:
    """Run the handler; any failure becomes an apology (and a callback request), never an exception."""
    try:
        body = (await HANDLERS[function](ctx, args)).to_json()
    except Exception:  # noqa: BLE001 - the one place where every failure becomes a speakable answer
        bound.exception("function failed", caller=mask(ctx.call.from_number))
        body = (await _apologise(ctx, function, args)).to_json()
    await _count_outcome(ctx, body["status"], bound)
    return body


async def _count_outcome(ctx: FunctionContext, status: str, bound: Any) -> None:
    """Policy refusals per call, for the cost report's outcome counts (never fails the call)."""
    try:
        await note_status(ctx.services.db, ctx.tenant.id, ctx.call.call_id, status, ctx.services.clock.now())
    except Exception:  # noqa: BLE001 - a report counter must not cost the caller their answer
        bound.warning("call outcome not counted", status=status)


def _finish(bound: Any, function: str, body: dict[str, Any], started: float) -> dict[str, Any]:
    elapsed = time.perf_counter() - started
    LATENCY.labels(function).observe(elapsed)
    OUTCOMES.labels(function, body.get("status", "?")).inc()
    bound.info("function answered", status=body.get("status"), ms=round(elapsed * 1000, 1), pid=os.getpid())
    return body


@dataclass(frozen=True)
class FirstCopy:
    """What a copy learns on arrival: the first copy's answer, or a claim to execute it (`token`);
    neither when it waited in vain."""

    answer: dict[str, Any] | None = None
    token: str | None = None
    waited: bool = False
    identical: bool = False  # the answer was kept under this request's signature digest: a byte-identical copy


async def _first_copy(services: AppServices, request: RequestId, signed: Signed | None) -> FirstCopy:
    """The stored answer to `request` (or to `signed`'s digest), or the claim to execute it, waiting while
    another copy holds a live claim. A first copy costs one statement (the claim)."""
    deadline = time.monotonic() + DUPLICATE_WAIT_S
    waited = False
    token = secrets.token_hex(16)
    while True:
        claimed = await claims.claim_unanswered(services.db, request, signed, token, _wall_clock(), CLAIM_TTL)
        if claimed.token is not None or claimed.answer is not None:
            return FirstCopy(claimed.answer, claimed.token, waited)
        answer, claimed_until, identical = await claims.peek(services.db, request, signed)
        if answer is not None:
            return FirstCopy(answer=answer, waited=waited, identical=identical)
        if time.monotonic() >= deadline:
            return FirstCopy(waited=True)
        if claimed_until is not None and claimed_until > _wall_clock():  # another copy is at work: wait
            waited = True
            await asyncio.sleep(POLL_S)


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def _unreadable(ctx: FunctionContext) -> Reply:
    """The arguments could not be read at all: ask again rather than guess (nothing was written)."""
    return Reply(
        "needs_clarification",
        ctx.say(
            "Entschuldigung, das habe ich nicht richtig verstanden. Können Sie mir das bitte noch einmal sagen?",
            "Sorry, I didn't quite catch that. Could you tell me again, please?",
        ),
        {"missing": [], "error": "unreadable_arguments"},
    )


def _busy(ctx: FunctionContext) -> Reply:
    """The first copy is still at work after the whole wait: nothing was written by this copy; ask for a moment."""
    return Reply(
        "error",
        ctx.say(
            "Einen Moment bitte, das dauert gerade etwas länger. Bitte versuchen Sie es gleich noch einmal.",
            "One moment please, this is taking a little longer. Please try again in a moment.",
        ),
        {"error": "busy"},
    )


async def _apologise(ctx: FunctionContext, function: str, args: dict[str, Any]) -> Reply:
    data: dict[str, Any] = {"error": "internal"}
    try:
        data["callback_id"] = await ctx.services.booking.create_callback(
            ctx.tenant,
            call_id=ctx.call.call_id,
            customer_name=None,
            phone=ctx.call.from_number,
            reason=f"technical fault during {function}",
            details={"function": function, "args": {k: str(v)[:200] for k, v in args.items()}},
        )
    except Exception:  # noqa: BLE001 - the database may be what failed; the apology still goes out
        log.bind(call_id=ctx.call.call_id, tenant=ctx.tenant.id).exception("callback request could not be recorded")
        if ctx.services.callback_spool is not None:  # written as soon as the database answers again
            queued = ctx.services.callback_spool.add(FunctionCall(function, args, ctx.call))
            if queued is not None:
                data["callback_id"] = queued
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
