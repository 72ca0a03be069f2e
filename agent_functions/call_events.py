"""`POST /retell/events`: Retell's call lifecycle webhooks (CONTRACT section 7).

The route (agent_functions.app) checks the signature and finds the tenant; this records the event.
`call_started`, `call_ended` and `call_analyzed` upsert the call record (booking_core.calls: idempotent,
order-independent); `call_ended` (and `call_analyzed`, which implies the call ended, in case the
`call_ended` delivery was lost) releases the call's holds. Anything else is acknowledged and ignored:
a bad payload answers `{"status": "ignored", "reason": ...}` and never raises, because Retell would
only retry it. An event that cannot be stored (the database is down) does raise: the route answers
503 and Retell delivers it again; a redelivery changes nothing twice (`record_event` is an upsert).
"""

from __future__ import annotations

from typing import Any

import structlog

from agent_functions.context import AppServices
from booking_core.calls import RANK, CallEventError, record_event
from booking_core.service import BookingService
from booking_core.tenant_config import TenantConfig

log = structlog.get_logger("slotline.events")


def ignored_event(reason: str, **extra: Any) -> dict[str, Any]:
    """The answer to an event acknowledged but not recorded: `{"status": "ignored", "reason", ...}`."""
    return {"status": "ignored", "reason": reason, **extra}


async def release_holds(services: AppServices, tenant_id: str, call_id: str) -> None:
    """Release the call's holds through the process's booking service (one over the same database
    when the services were built without one, as some reports' tools do)."""
    booking = services.booking or BookingService(services.db, services.clock)
    await booking.release_holds(tenant_id, call_id)


async def handle_call_event(services: AppServices, tenant: TenantConfig, body: dict[str, Any]) -> dict[str, Any]:
    """Record one lifecycle event; the answer is returned as the JSON body of an HTTP 200."""
    if not isinstance(body, dict):
        return ignored_event("the body is not a JSON object")
    event = body.get("event")
    if not isinstance(event, str) or not event:
        return ignored_event("no event name")
    if event not in RANK:
        log.info("call event ignored", call_event=event[:64], tenant=tenant.id)
        return ignored_event("unknown event", event=event[:64])
    call = body.get("call")
    if not isinstance(call, dict):
        return ignored_event("no call object", event=event)
    try:
        outcome = await record_event(services.db, tenant.id, event, call, services.clock.now())
    except CallEventError as exc:
        return ignored_event(str(exc), event=event)
    if event in ("call_ended", "call_analyzed"):
        await release_holds(services, tenant.id, outcome.call_id)
    log.info(
        "call event recorded",
        call_event=event,
        call_id=outcome.call_id,
        tenant=tenant.id,
        created=outcome.created,
        changed=outcome.changed,
    )
    return {
        "status": "ok",
        "event": event,
        "call_id": outcome.call_id,
        "created": outcome.created,
        "changed": outcome.changed,
        "call_status": outcome.status,
    }
