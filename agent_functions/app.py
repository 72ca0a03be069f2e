"""The aiohttp application: one factory, every route in one place.

Transport faults answer 4xx with a JSON error (bad signature 401, body not JSON 400, body too large
413, unknown tenant 404); every domain outcome, including internal failures, is HTTP 200 with a
speakable body, because a voice agent can say a sentence but not a status code.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from agent_functions.admin import add_admin_routes, add_message_routes
from agent_functions.admin.calls import add_call_routes
from agent_functions.calcom_webhook import add_calcom_routes
from agent_functions.call_events import handle_call_event
from agent_functions.call_log.recorder import attach_call_log
from agent_functions.callback_spool import apology_for, attach_callback_spool
from agent_functions.context import SERVICES, AppServices
from agent_functions.dispatch import dispatch
from agent_functions.envelope import CallInfo, parse_function_call
from agent_functions.housekeeping import attach_housekeeping
from agent_functions.request_body import BadBody, parse_body
from agent_functions.signature import parse, verify
from portal import add_portal_routes

log = structlog.get_logger("slotline.http")
MAX_BODY = 256 * 1024
FALLBACK_ERROR = {
    "status": "error",
    "message": "Entschuldigung, da ist gerade etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
    "data": {"error": "internal"},
}


def json_error(status: int, error: str, message: str) -> web.Response:
    return web.json_response({"error": error, "message": message}, status=status)


@web.middleware
async def transport_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """HTTP errors as JSON; anything unexpected on a webhook path as a speakable 200, never a traceback."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return json_error(413, "body_too_large", f"request bodies are limited to {MAX_BODY} bytes")
    except web.HTTPException as exc:
        if exc.content_type == "application/json" or exc.status < 400 or request.path.startswith("/portal/"):
            raise  # JSON errors, redirects and the portal's own pages pass through as they are
        return json_error(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    except Exception:  # noqa: BLE001 - the outermost guard
        log.exception("unhandled error", path=request.path)
        if request.path.startswith("/retell/functions"):
            return web.json_response(await _apology(request))
        if request.path.startswith("/retell/"):
            return web.json_response(FALLBACK_ERROR)
        return json_error(500, "internal", "internal error")


async def _apology(request: web.Request) -> dict[str, Any]:
    """A failed function call's answer: with a callback request queued when it was a signed call."""
    try:
        return await apology_for(request) or FALLBACK_ERROR
    except Exception:  # noqa: BLE001 - the guard of the guard: a generic apology is still an answer
        log.exception("could not queue a callback request", path=request.path)
        return FALLBACK_ERROR


async def read_signed_json(request: web.Request) -> tuple[Any, web.Response | None]:
    """The parsed body of a signed webhook, or the transport error to answer instead."""
    services = request.app[SERVICES]
    body = await request.read()
    if len(body) > MAX_BODY:
        return None, json_error(413, "body_too_large", f"request bodies are limited to {MAX_BODY} bytes")
    if not services.settings.allow_unsigned:
        header = request.headers.get("X-Retell-Signature")
        now = services.clock.now()
        problem = verify(header, body, services.settings.retell_api_keys, now)
        if problem is None:
            timestamp_ms, digest = parse(header)  # type: ignore[misc]  # verify() accepted it, so it parses
            if not await services.signatures.first_use(digest, datetime.fromtimestamp(timestamp_ms / 1000, UTC)):
                problem = "replayed signature"
        if problem is not None:
            log.warning("signature rejected", reason=problem, path=request.path)
            return None, json_error(401, "bad_signature", problem)
    try:
        return parse_body(body), None
    except BadBody as exc:
        return None, json_error(400, "bad_json", str(exc))


async def functions_route(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    payload, problem = await read_signed_json(request)
    if problem is not None:
        return problem
    fc = parse_function_call(payload, request.match_info.get("name"), request.headers)
    tenant = await services.tenants.resolve(fc.call.to_number, fc.call.tenant_hint, fc.call.agent_id)
    if tenant is None:
        return json_error(404, "unknown_tenant", "no business is configured for this call's number")
    structlog.contextvars.bind_contextvars(call_id=fc.call.call_id, tenant=tenant.id)
    try:
        return web.json_response(await dispatch(services, tenant, fc), dumps=_dumps)
    finally:
        structlog.contextvars.unbind_contextvars("call_id", "tenant")


async def events_route(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    payload, problem = await read_signed_json(request)
    if problem is not None:
        return problem
    if not isinstance(payload, dict):
        return json_error(400, "bad_event", "an event is a JSON object")
    call = CallInfo.from_payload(payload.get("call"), request.headers)
    tenant = await services.tenants.resolve(call.to_number, call.tenant_hint, call.agent_id)
    if tenant is None:
        return json_error(404, "unknown_tenant", "no business is configured for this call's number")
    return web.json_response(await handle_call_event(services, tenant, payload), dumps=_dumps)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def create_app(services: AppServices) -> web.Application:
    """The whole HTTP surface; the test-clock routes only when asked for (they wipe the database)."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[transport_errors])
    app[SERVICES] = services
    attach_callback_spool(app)
    attach_call_log(app)
    attach_housekeeping(app)
    app.router.add_post("/retell/functions", functions_route)
    app.router.add_post("/retell/functions/{name}", functions_route)
    app.router.add_post("/retell/events", events_route)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    add_admin_routes(app)
    add_message_routes(app)
    add_call_routes(app)
    add_calcom_routes(app)
    add_portal_routes(app)
    if services.settings.test_clock:
        from agent_functions.test_clock import add_test_routes

        add_test_routes(app)
    return app
