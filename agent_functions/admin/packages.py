"""Packages over HTTP (CONTRACT section 10): sell a multi-session card, list a phone's cards.

- `POST /admin/packages/sales {"tenant", "phone", "package", "name"?, "ref"?}` → 201 with the sale
  (`booking_core.packages.Sale.to_dict`: `id`, `package`, `credits`, `expires_at`, ...). An
  `Idempotency-Key` header (or `ref`) makes a retried request answer the first sale instead of a second.
- `GET /admin/packages/sales?tenant=ID&phone=P` → `{"tenant", "phone", "sales": [...]}` with balances.

Admin bearer token as every /admin route. Errors are JSON `{"error", "message"}` and write nothing:
400 a body that is not a JSON object, a phone that is no number, an unknown package (the known ones
listed); 404 an unknown tenant.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from agent_functions.admin.routes import SECURITY_HEADERS
from agent_functions.billing_routes import Refusal, admin_only, tenant_from
from agent_functions.context import AppServices
from agent_functions.phones import normalise, region_of
from booking_core.packages import UnknownPackage, balances, sell
from booking_core.tenant_config import TenantConfig

SHAPE = 'the body must be a JSON object {"tenant", "phone", "package", "name"?}'


def phone_of(tenant: TenantConfig, raw: object) -> str:
    """The customer's number in E.164 (read in the tenant's region); Refusal 400 when it is none."""
    phone = normalise(raw, region_of(tenant.phone_numbers))
    if phone is None:
        shown = str(raw)[:40] if raw is not None else "nothing"
        raise Refusal(400, "bad_phone", f"phone must be a phone number, got {shown!r}")
    return phone


@admin_only
async def sell_route(request: web.Request, services: AppServices) -> web.Response:
    try:
        body: Any = await request.json(loads=json.loads)
    except ValueError:
        raise Refusal(400, "bad_json", SHAPE) from None
    if not isinstance(body, dict):
        raise Refusal(400, "bad_json", SHAPE)
    tenant = await tenant_from(services, body.get("tenant"))
    phone = phone_of(tenant, body.get("phone"))
    package_id, name = body.get("package"), body.get("name")
    if not isinstance(package_id, str) or not package_id.strip():
        raise Refusal(400, "bad_request", "package is required (a package id of the tenant)")
    if name is not None and not isinstance(name, str):
        raise Refusal(400, "bad_request", "name must be text")
    ref = request.headers.get("Idempotency-Key") or body.get("ref")
    if ref is not None and not isinstance(ref, str):
        raise Refusal(400, "bad_request", "ref must be text")
    try:
        sale = await sell(
            services.db, tenant, services.clock.now(), phone=phone, package_id=package_id.strip(), name=name, ref=ref
        )
    except UnknownPackage as exc:
        known = ", ".join(exc.known) or "none"
        raise Refusal(400, "unknown_package", f"unknown package {package_id[:64]!r} (known: {known})") from None
    return web.json_response({"tenant": tenant.id, **sale.to_dict(tenant.zone)}, status=201, headers=SECURITY_HEADERS)


@admin_only
async def list_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await tenant_from(services, request.query.get("tenant"))
    phone = phone_of(tenant, request.query.get("phone"))
    sales = await balances(services.db, tenant, phone)
    return web.json_response(
        {"tenant": tenant.id, "phone": phone, "sales": [s.to_dict(tenant.zone) for s in sales]},
        headers=SECURITY_HEADERS,
    )


def add_package_routes(app: web.Application) -> None:
    app.router.add_post("/admin/packages/sales", sell_route)
    app.router.add_get("/admin/packages/sales", list_route)
