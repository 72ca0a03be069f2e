"""Costs: ``GET /portal/costs?from=YYYY-MM-DD&to=YYYY-MM-DD`` — the existing cost report
(``booking_core.calls.cost_report``, CONTRACT section 7) of the user's own tenant, by day, in EUR.
Default range: this month so far in the tenant's zone; an unreadable or reversed range falls back to it."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from booking_core.calls import cost_report
from booking_core.costs.report import report_json
from portal.web import render, require_user, services

__all__ = ["add_cost_routes"]


def _range(query: dict[str, str], today: date) -> tuple[date, date]:
    """[from, to] of the query, else the month so far."""
    try:
        start = date.fromisoformat(query["from"]) if query.get("from") else today.replace(day=1)
        end = date.fromisoformat(query["to"]) if query.get("to") else max(today, start)
    except ValueError:
        return today.replace(day=1), today
    if end < start or (end - start).days > 366:
        return today.replace(day=1), today
    return start, end


async def costs_page(request: web.Request) -> web.Response:
    user, csrf = await require_user(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    if config is None:
        raise web.HTTPNotFound(text="unknown business")
    start, end = _range(dict(request.query), svc.clock.now().astimezone(config.zone).date())
    report = report_json(await cost_report(svc.db, config, start, end, "day"))
    return render(request, "costs.html", lang=user.lang, user=user, csrf=csrf, report=report)


def add_cost_routes(app: web.Application) -> None:
    app.router.add_get("/portal/costs", costs_page)
