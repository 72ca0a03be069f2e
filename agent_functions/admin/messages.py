"""Admin routes after the call (CONTRACT section 9), bearer-authenticated like the cost reports:

- `GET /admin/callbacks?tenant=ID&status=open|done|all` -> `{"tenant", "callbacks": [...]}`
- `POST /admin/callbacks/{id}/done[?tenant=ID]` -> `{"id", "status": "done", "changed"}`; 404 unknown
- `GET /admin/messages?tenant=ID[&call_id=...][&status=queued|sent|dead|withdrawn]` -> `{"tenant", "messages"}`
- `GET /admin/waitlist?tenant=ID[&status=waiting|offered|expired|cancelled]` -> `{"tenant", "waitlist": [...]}`
  (oldest first, the order offers are made in; times in the tenant's zone; CONTRACT section 10)
- `POST /admin/appointments/{id}/status` `{"status", "reason"}` -> `{"appointment"}`; 409 with the reason
  for an illegal transition (nothing written), 404 unknown, 400 a body that is not `{"status": ...}`.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from agent_functions.admin.routes import SECURITY_HEADERS, _error, _tenant, json_admin_route
from agent_functions.context import AppServices
from agent_functions.replies import appointment_data
from booking_core import waitlist
from booking_core.callback_inbox import close_callback, list_callbacks
from booking_core.errors import InvalidTransition, NotFound
from booking_core.messages.store import STORED_STATUS, list_messages
from booking_core.staff_status import set_status
from booking_core.vocabulary import WaitlistStatus


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(
        body, status=status, headers=SECURITY_HEADERS, dumps=lambda v: json.dumps(v, ensure_ascii=False, default=str)
    )


@json_admin_route
async def callbacks_route(request: web.Request, services: AppServices) -> web.Response:
    status = request.query.get("status") or "open"
    if status not in ("open", "done", "all"):
        return _error(400, "bad_query", "status must be one of open, done, all")
    tenant = await _tenant(services, request)
    return _json({"tenant": tenant.id, "callbacks": await list_callbacks(services.db, tenant, status)})  # type: ignore[arg-type]


@json_admin_route
async def callback_done_route(request: web.Request, services: AppServices) -> web.Response:
    callback_id = request.match_info["id"][:64]
    outcome = await close_callback(services.db, callback_id, services.clock.now(), request.query.get("tenant") or None)
    if outcome is None:
        return _error(404, "not_found", "no such callback request")
    return _json({"id": callback_id, "status": "done", "changed": outcome == "done"})


@json_admin_route
async def messages_route(request: web.Request, services: AppServices) -> web.Response:
    status = request.query.get("status") or None
    if status is not None and status not in STORED_STATUS:
        return _error(400, "bad_query", f"status must be one of {', '.join(STORED_STATUS)}")
    tenant = await _tenant(services, request)
    rows = await list_messages(services.db, tenant.id, call_id=request.query.get("call_id") or None, status=status)
    return _json({"tenant": tenant.id, "messages": rows})


@json_admin_route
async def waitlist_route(request: web.Request, services: AppServices) -> web.Response:
    status = request.query.get("status") or None
    if status is not None and status not in set(WaitlistStatus):
        return _error(400, "bad_query", f"status must be one of {', '.join(WaitlistStatus)}")
    tenant = await _tenant(services, request)
    rows = [e.to_dict(tenant.zone) for e in await waitlist.entries(services.db, tenant.id, status)]
    return _json({"tenant": tenant.id, "waitlist": rows})


@json_admin_route
async def appointment_status_route(request: web.Request, services: AppServices) -> web.Response:
    try:
        body = json.loads(await request.read() or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("status"), str):
        return _error(400, "bad_body", 'expected {"status": "confirmed" | "no_show" | "cancelled", "reason": "..."}')
    reason = body.get("reason") if isinstance(body.get("reason"), str) else None
    try:
        view = await set_status(
            services.booking,
            services.tenants,
            request.match_info["id"][:64],
            body["status"][:32],
            reason=reason[:500] if reason else None,
            actor="staff:admin",
            tenant_id=request.query.get("tenant") or None,
        )
    except NotFound:
        return _error(404, "not_found", "no such appointment")
    except InvalidTransition as exc:
        return _error(
            409,
            "illegal_transition",
            f"an appointment that is {exc.old} cannot become {exc.new}",
            current=exc.old,
            requested=exc.new,
        )
    tenant = await services.tenants.get(view.tenant_id)
    assert tenant is not None
    return _json({"appointment": appointment_data(view, tenant)})


def add_message_routes(app: web.Application) -> None:
    app.router.add_get("/admin/callbacks", callbacks_route)
    app.router.add_post("/admin/callbacks/{id}/done", callback_done_route)
    app.router.add_get("/admin/messages", messages_route)
    app.router.add_get("/admin/waitlist", waitlist_route)
    app.router.add_post("/admin/appointments/{id}/status", appointment_status_route)
