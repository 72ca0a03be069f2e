"""`POST /calcom/webhook/{tenant_id}` (or `/calcom/webhook?tenant=ID`): Cal.com booking webhooks.

The tenant's webhook secret comes from the environment variable its tenant file names
(`integrations.calcom.webhook_secret_env`). Answers: 401 JSON when the signature is missing or wrong
(nothing written), 404 JSON for an unknown tenant, 200 JSON otherwise (including events we ignore and
bodies we cannot use, so Cal.com does not retry them forever). Never a 5xx: an unexpected failure is
logged and answered 200 with `ok: false`.
"""

from __future__ import annotations

import json
import os

import structlog
from aiohttp import web

from agent_functions.context import SERVICES
from integrations.calcom.inbound import handle_event, verify_signature

log = structlog.get_logger("slotline.calcom_webhook")


async def calcom_webhook(request: web.Request) -> web.Response:
    try:
        return await _calcom_webhook(request)
    except Exception:  # whatever happens, Cal.com never sees a 5xx
        log.exception("calcom_webhook.unexpected")
        return web.json_response({"ok": False, "error": "not processed"}, status=200)


async def _calcom_webhook(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    tenant_id = request.match_info.get("tenant_id") or request.query.get("tenant")
    body = await request.read()
    try:
        tenant = await services.tenants.get(tenant_id) if tenant_id else None
    except Exception:
        log.exception("calcom_webhook.tenant_lookup_failed")
        return web.json_response({"ok": False, "error": "temporarily unavailable"}, status=200)
    if tenant is None:
        return web.json_response({"ok": False, "error": "unknown tenant"}, status=404)
    cfg = tenant.integrations.calcom
    secret = os.environ.get(cfg.webhook_secret_env) if cfg else None
    if not verify_signature(secret, body, request.headers.get("X-Cal-Signature-256")):
        log.warning("calcom_webhook.bad_signature", tenant=tenant.id, configured=bool(secret))
        return web.json_response({"ok": False, "error": "invalid signature"}, status=401)
    try:
        event = json.loads(body)
    except ValueError:
        return web.json_response({"ok": False, "ignored": "body is not JSON"}, status=200)
    if not isinstance(event, dict):
        return web.json_response({"ok": False, "ignored": "body is not an object"}, status=200)
    try:
        result = await handle_event(services.db, tenant, event, now=services.clock.now())
    except Exception:  # never a 5xx to Cal.com
        log.exception("calcom_webhook.failed", tenant=tenant.id, event=event.get("triggerEvent"))
        return web.json_response({"ok": False, "error": "not processed"}, status=200)
    log.info("calcom_webhook.handled", tenant=tenant.id, trigger=result.get("event"), ignored=result.get("ignored"))
    return web.json_response(result, status=200)


def add_calcom_routes(app: web.Application) -> None:
    app.router.add_post("/calcom/webhook/{tenant_id}", calcom_webhook)
    app.router.add_post("/calcom/webhook", calcom_webhook)
