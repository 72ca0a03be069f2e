"""Routes of a server started with `--test-clock`, for `slotline replay --url`: set up state, move the clock, read it.

Never mounted unless the test clock was asked for explicitly (they wipe the database).
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from agent_functions.context import SERVICES
from agent_functions.replay.state import final_state, fixture_tenant, prepare, wipe
from booking_core.clock import FrozenClock


def _clock(request: web.Request) -> FrozenClock:
    clock = request.app[SERVICES].clock
    if not isinstance(clock, FrozenClock):
        raise web.HTTPConflict(text='{"error": "no test clock"}', content_type="application/json")
    return clock


async def setup(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    body = await request.json()
    clock = _clock(request)
    clock.set(datetime.fromisoformat(body["now"]))
    await wipe(services)
    services.caches.clear()
    tenant = fixture_tenant(body["tenant"], None)
    await prepare(services, tenant, body.get("fx"), body.get("setup"))
    return web.json_response({"status": "ok", "tenant": tenant.id})


async def move_clock(request: web.Request) -> web.Response:
    body = await request.json()
    clock = _clock(request)
    if "now" in body:
        clock.set(datetime.fromisoformat(body["now"]))
    clock.advance(float(body.get("advance_s", 0)))
    return web.json_response({"now": clock.now().isoformat()})


async def state(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    tenant = await services.tenants.get(request.query.get("tenant", ""))
    if tenant is None:
        raise web.HTTPNotFound(text='{"error": "unknown tenant"}', content_type="application/json")
    return web.json_response(await final_state(services, tenant))


def add_test_routes(app: web.Application) -> None:
    app.router.add_post("/_test/setup", setup)
    app.router.add_post("/_test/clock", move_clock)
    app.router.add_get("/_test/state", state)
