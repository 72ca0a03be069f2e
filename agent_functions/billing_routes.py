"""Tenant billing over HTTP (CONTRACT section 11): balance, live balance, top-ups, the Stripe webhook.

- `GET /admin/billing/balance?tenant=ID` → `{"tenant", "balance", "currency": "EUR", "updated_at", "below_zero"}`
- `GET /admin/billing/balance/stream?tenant=ID`: Server-Sent Events, `event: balance` with
  `{"balance", "at"}` at connect and on every change (the balance row is read every
  `billing_stream_poll_s`, so changes made by any server process are seen), a `: ping` comment every 15 s.
- `POST /admin/billing/topups {"tenant", "amount"}` → `{"checkout_url", "id", "tenant", "amount"}`
- `POST /stripe/webhook`: `Stripe-Signature` verified by the SDK (`stripe.Webhook.construct_event`,
  300 s tolerance), then applied once per event id (booking_core.billing.stripe_events).
Statements, transactions and the reseller report: agent_functions.billing_reports.

Errors are JSON `{"error", "message"}`: 400 bad input (nothing written), 401 no admin token, 404 unknown
tenant, 502 Stripe refused or unreachable, 503 Stripe not configured. The admin routes use the admin
bearer token (agent_functions.admin); the webhook is authenticated by its signature alone.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import stripe
import structlog
from aiohttp import web
from aiohttp_sse import sse_response

from agent_functions.admin.routes import SECURITY_HEADERS, _authorised, _error, _unauthorised
from agent_functions.context import SERVICES, AppServices
from booking_core.billing import ledger, stripe_events
from booking_core.billing.topups import TopupAmountError, parse_amount
from booking_core.costs import money
from booking_core.costs.report import dec_money
from booking_core.tenant_config import TenantConfig
from integrations.stripe_payments import StripeConfig, create_checkout

log = structlog.get_logger("slotline.billing")
WEBHOOK_TOLERANCE_S = 300
MAX_WEBHOOK_BODY = 512 * 1024


class Refusal(Exception):
    """A request answered with a JSON error instead of its result."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.response = _error(status, error, message)


async def tenant_from(services: AppServices, tenant_id: object) -> TenantConfig:
    """The named tenant; Refusal 400 when none is named, 404 when it is unknown."""
    if not isinstance(tenant_id, str) or not tenant_id.strip():
        raise Refusal(400, "bad_request", "tenant is required")
    tenant = await services.tenants.get(tenant_id.strip())
    if tenant is None:
        raise Refusal(404, "unknown_tenant", f"unknown tenant {tenant_id[:64]!r}")
    return tenant


def balance_json(tenant_id: str, balance: ledger.Balance) -> dict[str, Any]:
    return {
        "tenant": tenant_id,
        "balance": dec_money(money(balance.balance)),
        "currency": "EUR",
        "updated_at": balance.updated_at.isoformat() if balance.updated_at else None,
        "below_zero": balance.balance < 0,
    }


def admin_only(handler: Any) -> Any:
    """Bearer-token check, and Refusal turned into its JSON answer."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        if not _authorised(request, allow_query_token=False):
            return _unauthorised()
        try:
            response: web.StreamResponse = await handler(request, request.app[SERVICES])
            return response
        except Refusal as refusal:
            return refusal.response

    return guarded


@admin_only
async def balance_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await tenant_from(services, request.query.get("tenant"))
    return web.json_response(
        balance_json(tenant.id, await ledger.balance(services.db, tenant.id)), headers=SECURITY_HEADERS
    )


@admin_only
async def balance_stream_route(request: web.Request, services: AppServices) -> web.StreamResponse:
    tenant = await tenant_from(services, request.query.get("tenant"))
    poll_s = services.settings.billing_stream_poll_s
    async with sse_response(request, ping_interval=15, headers={"Cache-Control": "no-store"}) as stream:
        seen: int | None = None
        while stream.is_connected():
            current = await ledger.balance(services.db, tenant.id)
            if current.version != seen:
                seen = current.version
                at = current.updated_at or services.clock.now()
                await stream.send(
                    json.dumps({"balance": dec_money(money(current.balance)), "at": at.isoformat()}), event="balance"
                )
            await asyncio.sleep(poll_s)
    return stream


@admin_only
async def topup_route(request: web.Request, services: AppServices) -> web.Response:
    try:
        body = await request.json(loads=lambda text: json.loads(text, parse_float=str))
    except ValueError:
        raise Refusal(400, "bad_json", 'the body must be a JSON object {"tenant", "amount"}') from None
    if not isinstance(body, dict):
        raise Refusal(400, "bad_json", 'the body must be a JSON object {"tenant", "amount"}')
    tenant = await tenant_from(services, body.get("tenant"))
    try:
        amount = parse_amount(body.get("amount"), tenant.billing)
    except TopupAmountError as exc:
        raise Refusal(400, exc.code, str(exc)) from None
    settings = services.settings
    if not settings.stripe_api_key:
        raise Refusal(503, "payments_not_configured", "top-ups need SLOTLINE_STRIPE_API_KEY")
    config = StripeConfig(settings.stripe_api_key, settings.stripe_api_base)
    back = settings.billing_return_url
    try:
        checkout = await create_checkout(
            config,
            tenant.id,
            amount,
            success_url=f"{back}?tenant={tenant.id}&paid=1",
            cancel_url=f"{back}?tenant={tenant.id}&paid=0",
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
    except stripe.StripeError as exc:
        log.warning("checkout session not created", tenant=tenant.id, error=str(exc)[:200])
        raise Refusal(
            502, "payment_provider_error", f"Stripe did not create the checkout: {exc.user_message or 'no answer'}"
        ) from None
    return web.json_response(
        {"checkout_url": checkout.url, "id": checkout.id, "tenant": tenant.id, "amount": dec_money(amount)},
        headers=SECURITY_HEADERS,
    )


async def stripe_webhook_route(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    body = await request.read()
    if len(body) > MAX_WEBHOOK_BODY:
        return _error(413, "body_too_large", f"webhook bodies are limited to {MAX_WEBHOOK_BODY} bytes")
    secret = services.settings.stripe_webhook_secret
    try:
        if not secret:
            raise ValueError("no webhook secret is configured (SLOTLINE_STRIPE_WEBHOOK_SECRET)")
        stripe.Webhook.construct_event(
            body, request.headers.get("Stripe-Signature"), secret, tolerance=WEBHOOK_TOLERANCE_S
        )
        event = json.loads(body)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        log.warning("stripe webhook refused", reason=str(exc)[:200])
        return _error(400, "bad_signature", f"webhook refused: {str(exc)[:200]}")
    if not isinstance(event, dict):
        return _error(400, "bad_event", "an event is a JSON object")
    try:
        result = await stripe_events.apply_event(services.db, services.tenants.get, event, services.clock.now())
    except stripe_events.UnknownTenant as exc:
        return _error(404, "unknown_tenant", str(exc))
    log.info("stripe event", event_id=result.event_id, type=result.type, outcome=result.outcome, tenant=result.tenant)
    return web.json_response({"received": True, "id": result.event_id, "outcome": result.outcome})


async def return_page(request: web.Request) -> web.Response:
    """Where Checkout sends the payer back: the payment is credited when Stripe's webhook arrives."""
    paid = request.query.get("paid") == "1"
    text = (
        "Danke! Ihre Zahlung wird gerade verbucht; das Guthaben erscheint in wenigen Augenblicken."
        if paid
        else "Die Zahlung wurde abgebrochen; es wurde nichts abgebucht."
    )
    return web.Response(
        text=f"<!DOCTYPE html><html lang=de><meta charset=utf-8><title>Slotline</title><p>{text}</p></html>",
        content_type="text/html",
        headers=SECURITY_HEADERS,
    )


def add_billing_routes(app: web.Application) -> None:
    from agent_functions.billing_reports import add_report_routes

    app.router.add_get("/admin/billing/balance", balance_route)
    app.router.add_get("/admin/billing/balance/stream", balance_stream_route)
    app.router.add_post("/admin/billing/topups", topup_route)
    app.router.add_get("/admin/billing/return", return_page)
    app.router.add_post("/stripe/webhook", stripe_webhook_route)
    add_report_routes(app)
