"""The day view: ``GET /portal/day?date=YYYY-MM-DD`` (default: today in the tenant's zone)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_date

from portal.day_html import columns_html
from portal.day_queries import day_board
from portal.web import render, require_user, services

__all__ = ["PX_PER_MINUTE", "add_day_routes"]

#: Vertical scale of the board: 12 opening hours are about 1,000 px, readable on a phone with scrolling.
PX_PER_MINUTE = 1.4


async def day_page(request: web.Request) -> web.Response:
    user, csrf = await require_user(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    if config is None:
        raise web.HTTPNotFound(text="unknown business")
    now = svc.clock.now()
    today = now.astimezone(ZoneInfo(config.timezone)).date()
    try:
        day = date.fromisoformat(request.query["date"]) if "date" in request.query else today
    except ValueError:
        day = today
    board = await day_board(svc.db, config, day, now, user.lang)
    label = format_date(day, format="full", locale="en_GB" if user.lang == "en" else "de_DE")
    return render(
        request,
        "day.html",
        lang=user.lang,
        user=user,
        csrf=csrf,
        board=board,
        columns=columns_html(board),
        day=day,
        label=label,
        prev=(day - timedelta(days=1)).isoformat(),
        next=(day + timedelta(days=1)).isoformat(),
        today=today.isoformat(),
        px=PX_PER_MINUTE,
        business=config.name,
    )


async def home(request: web.Request) -> web.Response:
    await require_user(request)
    raise web.HTTPFound("/portal/day")


def add_day_routes(app: web.Application) -> None:
    app.router.add_get("/portal/", home)
    app.router.add_get("/portal/day", day_page)
