"""The callbacks inbox: ``GET /portal/callbacks`` (open first) and ``POST /portal/callbacks/{id}/done``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_datetime

from booking_core.callback_inbox import close_callback, list_callbacks
from portal.web import check_csrf, render, require_user, services

__all__ = ["add_callback_routes"]


async def inbox(request: web.Request) -> web.Response:
    user, csrf = await require_user(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    zone = ZoneInfo(config.timezone if config else "UTC")
    locale = "en_GB" if user.lang == "en" else "de_DE"
    items = (
        (await list_callbacks(svc.db, config, "open") + await list_callbacks(svc.db, config, "done")) if config else []
    )
    done = request.query.get("done")
    return render(
        request,
        "callbacks.html",
        lang=user.lang,
        user=user,
        csrf=csrf,
        items=items,
        done=done,
        when=lambda moment: format_datetime(
            datetime.fromisoformat(moment).astimezone(zone), format="short", locale=locale
        ),
    )


async def mark_done(request: web.Request) -> web.Response:
    user, csrf = await require_user(request)
    await check_csrf(request, csrf)
    svc = services(request)
    outcome = await close_callback(svc.db, request.match_info["id"], svc.clock.now(), tenant_id=user.tenant_id)
    if outcome is None:
        raise web.HTTPNotFound(text="unknown callback")
    raise web.HTTPFound(f"/portal/callbacks?done={'closed' if outcome == 'done' else outcome}")


def add_callback_routes(app: web.Application) -> None:
    app.router.add_get("/portal/callbacks", inbox)
    app.router.add_post("/portal/callbacks/{id}/done", mark_done)
