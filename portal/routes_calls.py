"""Calls: ``GET /portal/calls`` (the tenant's call records, newest first, from issue 19's ``call_records``) and
``GET /portal/calls/{id}`` (one call's function timeline: what the caller asked, what they heard, events, cost,
from ``agent_functions.call_log.timeline.call_view``). Another tenant's call id is 404."""

from __future__ import annotations

from aiohttp import web

from agent_functions.call_log.timeline import call_view
from booking_core.calls import call_records
from portal.formats import moments
from portal.web import render, require_user, services

__all__ = ["add_call_routes"]


async def calls_page(request: web.Request) -> web.Response:
    user, csrf = await require_user(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    if config is None:
        raise web.HTTPNotFound(text="unknown business")
    records = await call_records(svc.db, user.tenant_id)
    records.sort(key=lambda r: r["started_at"], reverse=True)
    when = moments(user.lang, config.zone)
    return render(request, "calls.html", lang=user.lang, user=user, csrf=csrf, calls=records[:200], when=when)


async def call_page(request: web.Request) -> web.Response:
    user, csrf = await require_user(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    view = await call_view(svc.db, config, request.match_info["id"]) if config else None
    if view is None:
        raise web.HTTPNotFound(text="unknown call")
    assert config is not None
    when = moments(user.lang, config.zone)
    return render(
        request, "call.html", lang=user.lang, user=user, csrf=csrf, call_id=request.match_info["id"], v=view, when=when
    )


def add_call_routes(app: web.Application) -> None:
    app.router.add_get("/portal/calls", calls_page)
    app.router.add_get("/portal/calls/{id}", call_page)
