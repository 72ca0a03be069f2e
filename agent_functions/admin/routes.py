"""Admin cost reports over HTTP (CONTRACT section 7): the routes, their authentication and query parsing.

- `GET /admin/costs?tenant=ID&from=YYYY-MM-DD&to=YYYY-MM-DD&by=call|day|month&format=json|csv&dialect=de|plain`
- `GET /admin/costs/page?tenant=ID&from=...&to=...`: an HTML page (totals, a server-rendered SVG chart of
  daily cost vs billed, the per-call table); no scripts, no external assets.
- `GET /admin/calls?tenant=ID[&call_id=...]`: the call records themselves (section 7 shape).

Authentication: `Authorization: Bearer <SLOTLINE_ADMIN_TOKEN>`; with no admin token configured every
request is refused (401), never open. The HTML page alone also accepts `?token=` because a browser
opening a link (or headless chromium taking a screenshot) cannot send a header; the page is then
served with `Referrer-Policy: no-referrer` and `Cache-Control: no-store` so the token does not leak
through links or caches. Dates default to the current month so far, in the tenant's zone.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from aiohttp import web

from agent_functions.admin.pages import error_page, render_page, tenant_list_page
from agent_functions.context import SERVICES, AppServices
from booking_core.billing import ledger
from booking_core.calls import call_record, call_records, cost_report
from booking_core.costs.csv_export import DIALECTS, report_csv
from booking_core.costs.report import GROUPINGS, report_json
from booking_core.tenant_config import TenantConfig

MAX_DAYS = 3 * 366
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def _error(status: int, error: str, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": error, "message": message, **extra}, status=status, headers=SECURITY_HEADERS)


def _authorised(request: web.Request, allow_query_token: bool) -> bool:
    expected = request.app[SERVICES].settings.admin_token
    if not expected:
        return False
    header = request.headers.get("Authorization", "")
    given: str | None = None
    if header[:7].lower() == "bearer ":
        given = header[7:].strip()
    elif allow_query_token:
        given = request.query.get("token")
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())  # type: ignore[union-attr]


def _unauthorised() -> web.Response:
    response = _error(401, "unauthorized", "admin endpoints need 'Authorization: Bearer <admin token>'")
    response.headers["WWW-Authenticate"] = 'Bearer realm="slotline-admin"'
    return response


class BadQuery(Exception):
    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


def _date(request: web.Request, name: str, default: date) -> date:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a date YYYY-MM-DD, got {raw[:40]!r}") from None


async def _tenant(services: AppServices, request: web.Request) -> TenantConfig:
    tenant_id = request.query.get("tenant")
    known = await services.tenants.all_ids()
    if not tenant_id:
        if len(known) == 1:
            tenant_id = known[0]
        else:
            raise BadQuery("tenant is required", tenants=known)
    tenant = await services.tenants.get(tenant_id)
    if tenant is None:
        raise BadQuery(f"unknown tenant {tenant_id[:64]!r}", tenants=known)
    return tenant


def _range(services: AppServices, request: web.Request, tenant: TenantConfig) -> tuple[date, date]:
    today = services.clock.now().astimezone(tenant.zone).date()
    start = _date(request, "from", today.replace(day=1))
    end = _date(request, "to", max(today, start))
    if end < start:
        raise BadQuery("from must not be after to")
    if (end - start).days > MAX_DAYS:
        raise BadQuery(f"a report covers at most {MAX_DAYS} days")
    return start, end


def _choice(request: web.Request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.query.get(name) or default
    if value not in choices:
        raise BadQuery(f"{name} must be one of {', '.join(choices)}")
    return value


JsonRoute = Callable[[web.Request, AppServices], Awaitable[web.Response]]


def json_admin_route(handler: JsonRoute) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A JSON admin route: bearer token checked first (401), a `BadQuery` raised by `handler` answered 400."""

    async def route(request: web.Request) -> web.Response:
        if not _authorised(request, allow_query_token=False):
            return _unauthorised()
        try:
            return await handler(request, request.app[SERVICES])
        except BadQuery as exc:
            return _error(400, "bad_query", str(exc), **exc.extra)

    return route


@json_admin_route
async def costs_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await _tenant(services, request)
    start, end = _range(services, request, tenant)
    by = _choice(request, "by", GROUPINGS, "day")
    fmt = _choice(request, "format", ("json", "csv"), "json")
    dialect = _choice(request, "dialect", DIALECTS, "plain")
    report = await cost_report(services.db, tenant, start, end, by)  # type: ignore[arg-type]
    if fmt == "csv":
        text = report_csv(report.rows, report.totals, dialect)  # type: ignore[arg-type]
        filename = f"costs-{tenant.id}-{start}-{end}-{by}.csv"
        return web.Response(
            body=text.encode("utf-8"),
            headers={
                **SECURITY_HEADERS,
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )
    return web.json_response(report_json(report), headers=SECURITY_HEADERS)


@json_admin_route
async def calls_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await _tenant(services, request)
    call_id = request.query.get("call_id")
    if call_id:
        record = await call_record(services.db, tenant.id, call_id)
        if record is None:
            return _error(404, "not_found", "no such call")
        return web.json_response(record, headers=SECURITY_HEADERS)
    return web.json_response(
        {"tenant": tenant.id, "calls": await call_records(services.db, tenant.id)}, headers=SECURITY_HEADERS
    )


async def page_route(request: web.Request) -> web.Response:
    if not _authorised(request, allow_query_token=True):
        return _unauthorised()
    services = request.app[SERVICES]
    token_in_query = "Authorization" not in request.headers and request.query.get("token")
    try:
        tenant = await _tenant(services, request)
        start, end = _range(services, request, tenant)
    except BadQuery as exc:
        if "tenants" in exc.extra:
            body = tenant_list_page(
                str(exc), exc.extra["tenants"], request.query.get("token") if token_in_query else None
            )
            return _html(body, status=400 if request.query.get("tenant") else 200)
        return _html(error_page(str(exc)), status=400)
    report = await cost_report(services.db, tenant, start, end, "call")
    balance = (await ledger.balance(services.db, tenant.id)).balance
    return _html(render_page(tenant, report, request.query.get("token") if token_in_query else None, balance))


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(
        text=body,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={**SECURITY_HEADERS, "Content-Security-Policy": PAGE_CSP},
    )


def add_admin_routes(app: web.Application) -> None:
    app.router.add_get("/admin/costs", costs_route)
    app.router.add_get("/admin/costs/page", page_route)
    app.router.add_get("/admin/calls", calls_route)
