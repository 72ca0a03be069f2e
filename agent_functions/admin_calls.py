"""`GET /admin/calls/{call_id}?tenant=ID`: one call's function calls, events and cost (CONTRACT section 13).

Behind the admin token like every admin route. Tenant-scoped: a call id is looked up in the named
tenant only (the only tenant when one is loaded), and a call of another tenant answers exactly like
an unknown one (404), so the endpoint does not tell which ids exist elsewhere. The answer holds what
callers said (names, numbers) and is never cached.
"""

from __future__ import annotations

from aiohttp import web

from agent_functions.admin import SECURITY_HEADERS, _error, admin_tenant
from agent_functions.call_log.timeline import call_view
from agent_functions.context import SERVICES
from agent_functions.envelope import MAX_ID_LEN


async def call_route(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    tenant = await admin_tenant(request)
    if isinstance(tenant, web.Response):
        return tenant
    call_id = request.match_info["call_id"]
    if len(call_id) > MAX_ID_LEN:
        return _error(400, "bad_query", f"a call id has at most {MAX_ID_LEN} characters")
    if services.call_log is not None:
        await services.call_log.flush()  # this process's last answers, so a call just ended shows whole
    view = await call_view(services.db, tenant, call_id)
    if view is None:
        return _error(404, "not_found", f"no call {call_id[:64]!r} for tenant {tenant.id!r}")
    return web.json_response(view, headers=SECURITY_HEADERS)


def add_call_routes(app: web.Application) -> None:
    app.router.add_get("/admin/calls/{call_id}", call_route)
