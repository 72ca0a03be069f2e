"""The aiohttp application: one factory, every route in one place.

Transport faults answer 4xx with a JSON error (bad signature 401, body not JSON 400, body too large
413, unknown tenant 404); every domain outcome, including internal failures, is HTTP 200 with a
speakable body, because a voice agent can say a sentence but not a status code. The exception is a
call event that could not be stored: 503, so that Retell delivers it again (it treats any 2xx as
delivered). The Retell routes share `signed_webhook` (size, signature, parsing, copies answered as
retries).
"""

from __future__ import annotations

import contextlib
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from agent_functions.admin import add_admin_routes, add_message_routes
from agent_functions.admin.calls import add_call_routes
from agent_functions.admin.packages import add_package_routes
from agent_functions.billing_routes import add_billing_routes
from agent_functions.calcom_webhook import add_calcom_routes
from agent_functions.call_events import handle_call_event, ignored_event
from agent_functions.call_log.recorder import attach_call_log
from agent_functions.callback_spool import apology_for, attach_callback_spool
from agent_functions.context import SERVICES, AppServices
from agent_functions.dispatch import dispatch
from agent_functions.envelope import CallInfo, parse_function_call
from agent_functions.housekeeping import attach_housekeeping
from agent_functions.inbound import inbound_answer, inbound_fallback
from agent_functions.phones import mask
from agent_functions.request_body import MAX_BODY
from agent_functions.signed_webhook import SIGNED, Answer, json_error, signed
from portal import add_portal_routes

log = structlog.get_logger("slotline.http")
FALLBACK_ERROR = {
    "status": "error",
    "message": "Entschuldigung, da ist gerade etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
    "data": {"error": "internal"},
}
UNKNOWN_TENANT = {"error": "unknown_tenant", "message": "no business is configured for this call's number or agent"}


@web.middleware
async def transport_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """HTTP errors as JSON; anything unexpected on a webhook path as a speakable 200 (an event: 503, so
    it is delivered again; the inbound webhook: the variables that need no database), never a traceback."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return json_error(413, "body_too_large", f"request bodies are limited to {MAX_BODY} bytes")
    except web.HTTPException as exc:
        if exc.content_type == "application/json" or exc.status < 400 or request.path.startswith("/portal/"):
            raise  # JSON errors, redirects and the portal's own pages pass through as they are
        return json_error(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    except Exception:  # noqa: BLE001 - the outermost guard
        _log_failure("unhandled error", request)
        if request.path.startswith("/retell/functions"):
            return web.json_response(await _apology(request))
        if request.path == "/retell/events":
            return json_error(503, "event_not_stored", "the event could not be stored now; deliver it again later")
        if request.path == "/retell/inbound":
            return web.json_response(inbound_fallback(request))
        if request.path.startswith("/retell/"):
            return web.json_response(FALLBACK_ERROR)
        return json_error(500, "internal", "internal error")


async def _apology(request: web.Request) -> dict[str, Any]:
    """A failed function call's answer: with a callback request queued when it was a signed call."""
    try:
        return await apology_for(request) or FALLBACK_ERROR
    except Exception:  # noqa: BLE001 - the guard of the guard: a generic apology is still an answer
        _log_failure("could not queue a callback request", request)
        return FALLBACK_ERROR


def _log_failure(event: str, request: web.Request) -> None:
    """Log the exception being handled; a log stream that fails itself (closed, full) must not turn
    the answer into a 500."""
    with contextlib.suppress(Exception):
        log.exception(event, path=request.path)


async def function_answer(request: web.Request, payload: Any) -> Answer:
    services = request.app[SERVICES]
    fc = parse_function_call(payload, request.match_info.get("name"), request.headers)
    tenant = await services.tenants.resolve(fc.call.to_number, fc.call.tenant_hint, fc.call.agent_id)
    if tenant is None:
        return 404, UNKNOWN_TENANT
    structlog.contextvars.bind_contextvars(call_id=fc.call.call_id, tenant=tenant.id)
    try:
        return 200, await dispatch(services, tenant, fc, request.get(SIGNED))
    finally:
        structlog.contextvars.unbind_contextvars("call_id", "tenant")


async def event_answer(request: web.Request, payload: Any) -> Answer:
    """A lifecycle event: recorded (`call_events`), or, when well signed but not for us to record (not an
    object, no tenant claims the call: a web call of another agent, a number no longer served), 200
    `ignored`. Retell delivers anything answered 4xx/5xx again, to the same answer, so refusing a signed
    event only multiplies it (CONTRACT section 7: unknown events are accepted and ignored)."""
    services = request.app[SERVICES]
    if not isinstance(payload, dict):
        return 200, ignored_event("the body is not a JSON object")
    call = CallInfo.from_payload(payload.get("call"), request.headers)
    tenant = await services.tenants.resolve(call.to_number, call.tenant_hint, call.agent_id)
    if tenant is None:
        log.info("call event for no tenant", to_number=mask(call.to_number), agent_id=call.agent_id)
        return 200, ignored_event(UNKNOWN_TENANT["message"])
    return 200, await handle_call_event(services, tenant, payload)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_app(services: AppServices) -> web.Application:
    """The whole HTTP surface; the test-clock routes only when asked for (they wipe the database)."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[transport_errors])
    app[SERVICES] = services
    attach_callback_spool(app)
    attach_call_log(app)
    attach_housekeeping(app)
    app.router.add_post("/retell/functions", signed(function_answer, answers_copies=True))
    app.router.add_post("/retell/functions/{name}", signed(function_answer, answers_copies=True))
    app.router.add_post("/retell/events", signed(event_answer))
    app.router.add_post("/retell/inbound", signed(inbound_answer))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    add_admin_routes(app)
    add_message_routes(app)
    add_call_routes(app)
    add_billing_routes(app)
    add_package_routes(app)
    add_calcom_routes(app)
    add_portal_routes(app)
    if services.settings.test_clock:
        from agent_functions.test_clock import add_test_routes

        add_test_routes(app)
    return app
