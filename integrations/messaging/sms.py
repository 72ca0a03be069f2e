"""SMS through Twilio's Messages resource: one form POST per message, with httpx.

`POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP basic auth (Account SID, Auth
Token), form fields `To`, `From`, `Body`. Configuration from the environment: SLOTLINE_TWILIO_ACCOUNT_SID,
SLOTLINE_TWILIO_AUTH_TOKEN, SLOTLINE_TWILIO_FROM, SLOTLINE_TWILIO_BASE_URL (default the real API).

Outcomes: 2xx sent (the message SID is kept as the row's note); 400 and other 4xx permanent, dead at
once (Twilio answers 400 with code 21211 for an invalid 'To' number, 21614 for a number that cannot
receive SMS); 401/403 a configuration problem (retried: an operator can fix the credentials); 429,
5xx, timeouts and refused connections temporary (retried). The header `I-Twilio-Idempotency-Token`
carries the outbox row's id, so a retry after a lost answer is recognised as the same message.
Error texts keep only the last four digits of any number in them (they are logged and listed).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from integrations.errors import IntegrationError, NotConfigured, PermanentError, raise_for_response, transport_error
from integrations.messaging import MESSAGE_RETRY_DELAYS_S
from integrations.outbox import Claimed

DEFAULT_BASE_URL = "https://api.twilio.com"
ENV = ("SLOTLINE_TWILIO_ACCOUNT_SID", "SLOTLINE_TWILIO_AUTH_TOKEN", "SLOTLINE_TWILIO_FROM")


NUMBER = re.compile(r"\+?\d[\d ]{5,}\d")


def masked(text: str) -> str:
    """`text` with phone numbers cut to their last four digits ('+49*******0017'): errors are logged."""
    return NUMBER.sub(lambda m: m.group()[:3] + "*" * max(0, len(m.group()) - 7) + m.group()[-4:], text)


def idempotency_token(message: Claimed) -> str:
    return f"slotline-{message.tenant_id}-{message.id}"


class TwilioSms:
    """Outbox sender for target "sms"."""

    timeout_s = 10.0
    retry_delays_s = MESSAGE_RETRY_DELAYS_S

    async def send(self, message: Claimed, ctx: Any) -> str | None:
        to, text = message.payload.get("to"), message.payload.get("text")
        if not to or not text:
            raise PermanentError("sms row without 'to' or 'text'")
        missing = [name for name in ENV if not ctx.env.get(name)]
        if missing:
            raise NotConfigured(f"SMS not configured: {', '.join(missing)} not set")
        sid, token, sender = (ctx.env[name] for name in ENV)
        base = (ctx.env.get("SLOTLINE_TWILIO_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        try:
            response = await ctx.http.post(
                f"{base}/2010-04-01/Accounts/{sid}/Messages.json",
                auth=(sid, token),
                data={"To": to, "From": sender, "Body": text},
                headers={"I-Twilio-Idempotency-Token": idempotency_token(message), "User-Agent": "Slotline-Messages/1"},
                timeout=httpx.Timeout(self.timeout_s, connect=5.0),
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, "sms") from None
        if response.status_code in (401, 403):
            raise NotConfigured(f"sms HTTP {response.status_code}: the provider refused our credentials")
        try:
            raise_for_response(response, "sms")
        except IntegrationError as exc:  # the provider's text names the number: keep it out of logs
            raise type(exc)(masked(str(exc)), status=exc.status, retry_after_s=exc.retry_after_s) from None
        try:
            return f"sid {response.json().get('sid')}"
        except ValueError:
            return None
