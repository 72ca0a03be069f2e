"""Outbound webhooks: each appointment change POSTed as JSON to the tenant's URLs, HMAC-signed.

Headers: `X-Slotline-Event` (topic), `X-Slotline-Delivery` (the outbox id: the same on every retry, so
receivers can drop duplicates) and `X-Slotline-Signature: t=<unix seconds>,v1=<hex>` where hex is
HMAC-SHA256(secret, "<t>." + raw body). The secret comes from the environment variable the tenant
file names (`integrations.webhook_secret_env`). Any 2xx is success.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import httpx

from integrations.errors import NotConfigured, PermanentError, raise_for_response, transport_error
from integrations.outbox import Claimed


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: datetime, tolerance_s: int = 300) -> bool:
    """The receiver's check (documented for integrators, used by our tests)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={fields.get('v1', '')}")


def body_for(message: Claimed) -> bytes:
    data: dict[str, Any] = {k: v for k, v in message.payload.items() if k != "url"}
    envelope = {
        "event": message.topic,
        "delivery_id": message.id,
        "tenant": message.tenant_id,
        "created_at": message.created_at.isoformat(),
        "data": data,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


class WebhookSender:
    """Outbox sender for target "webhook"."""

    timeout_s = 10.0

    async def send(self, message: Claimed, ctx) -> str | None:
        url = message.payload.get("url")
        if not url or not str(url).startswith(("http://", "https://")):
            raise PermanentError(f"webhook row without a valid url: {url!r}")
        env_name = ctx.tenant.integrations.webhook_secret_env if ctx.tenant else "SLOTLINE_WEBHOOK_SECRET"
        secret = ctx.env.get(env_name)
        if not secret:
            raise NotConfigured(f"webhook signing secret missing: environment variable {env_name} is not set")
        body = body_for(message)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Slotline-Webhooks/1",
            "X-Slotline-Event": message.topic,
            "X-Slotline-Delivery": str(message.id),
            "X-Slotline-Signature": sign(secret, int(ctx.clock.now().timestamp()), body),
        }
        try:
            response = await ctx.http.post(
                str(url), content=body, headers=headers, timeout=httpx.Timeout(self.timeout_s, connect=5.0)
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, "webhook") from None
        raise_for_response(response, "webhook")
        return None
