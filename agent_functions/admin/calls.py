"""`GET /admin/calls/{call_id}?tenant=ID`: one call's function calls, events and cost (CONTRACT section 13).

Behind the admin token like every admin route. Tenant-scoped: a call id is looked up in the named
tenant only (the only tenant when one is loaded), and a call of another tenant answers exactly like
an unknown one (404), so the endpoint does not tell which ids exist elsewhere. The answer holds what
callers said (names, numbers) and is never cached.
"""

from __future__ import annotations

from aiohttp import web

from agent_functions.admin.routes import SECURITY_HEADERS, BadQuery, _error, _tenant, json_admin_route
from agent_functions.call_log.timeline import call_view
from agent_functions.context import AppServices
from agent_functions.envelope import MAX_ID_LEN


@json_admin_route
async def call_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await _tenant(services, request)
    call_id = request.match_info["call_id"]
    if len(call_id) > MAX_ID_LEN:
        raise BadQuery(f"a call id has at most {MAX_ID_LEN} characters")
    if services.call_log is not None:
        await services.call_log.flush()  # this process's last answers, so a call just ended shows whole
    view = await call_view(services.db, tenant, call_id)
    if view is None:
        return _error(404, "not_found", f"no call {call_id[:64]!r} for tenant {tenant.id!r}")
    return web.json_response(view, headers=SECURITY_HEADERS)


def add_call_routes(app: web.Application) -> None:
    app.router.add_get("/admin/calls/{call_id}", call_route)
