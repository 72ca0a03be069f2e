"""A fake Stripe API for the `stripe` SDK (pointed at it with base_addresses / SLOTLINE_STRIPE_API_BASE).

Endpoints: `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}`, `POST /v1/payment_intents`
(off-session confirm). Bodies are form-encoded the SDK's way (`metadata[tenant]=...`,
`line_items[0][price_data][unit_amount]=...`) and parsed into nested dicts; Bearer auth; an
`Idempotency-Key` answers a repeated request with the first answer (Stripe's rule). `decline_next`
makes the next off-session charges fail with a card error (HTTP 402). Helpers build the webhook events
Stripe would send (`complete_checkout`, `refund`) and sign them with the SDK's scheme (`sign`).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

import stripe
from aiohttp import web

from tests.fakes.base import FakeServer


def parse_form(raw: str) -> dict[str, Any]:
    """`a[b][0][c]=1` → {"a": {"b": [{"c": "1"}]}}."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt: Any = value if last else ([] if parts[i + 1].isdigit() else {})
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                if node[index] is None or last:
                    node[index] = nxt
                node = node[index]
            else:
                if part not in node or last:
                    node[part] = nxt
                node = node[part]
    return root


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`, as Stripe computes it (the SDK's own HMAC)."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = stripe.WebhookSignature._compute_signature(f"{ts}.{payload.decode()}", secret)
    return f"t={ts},v1={digest}"


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(8)}"


class FakeStripe(FakeServer):
    def __init__(self, api_key: str = "sk_test_fake", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_key = api_key
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.decline_next: list[str] = []  # decline codes for the next off-session charges
        self._answers: dict[str, tuple[int, dict[str, Any]]] = {}

    def build_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/checkout/sessions", self._create_session)
        app.router.add_get("/v1/checkout/sessions/{id}", self._get_session)
        app.router.add_post("/v1/payment_intents", self._create_intent)

    def _refused(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response(
                {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}, status=401
            )
        return None

    async def _remembered(self, request: web.Request, make: Any) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        key = request.headers.get("Idempotency-Key")
        if key and key in self._answers:
            status, body = self._answers[key]
        else:
            status, body = make(parse_form(await request.text()))
            if key:
                self._answers[key] = (status, body)
        return web.json_response(body, status=status)

    async def _create_session(self, request: web.Request) -> web.Response:
        def make(form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            item = form["line_items"][0]
            sid = _id("cs")
            session = {
                "id": sid,
                "object": "checkout.session",
                "mode": form.get("mode"),
                "status": "open",
                "payment_status": "unpaid",
                "currency": item["price_data"]["currency"],
                "amount_total": int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)),
                "client_reference_id": form.get("client_reference_id"),
                "metadata": form.get("metadata", {}),
                "payment_intent_data": form.get("payment_intent_data", {}),
                "customer": None,
                "payment_intent": None,
                "url": f"{self.url}/pay/{sid}",
                "success_url": form.get("success_url"),
                "cancel_url": form.get("cancel_url"),
            }
            self.sessions[sid] = session
            return 200, {k: v for k, v in session.items() if k != "payment_intent_data"}

        return await self._remembered(request, make)

    async def _get_session(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        session = self.sessions.get(request.match_info["id"])
        if session is None:
            return web.json_response(
                {"error": {"type": "invalid_request_error", "message": "No such checkout.session"}}, status=404
            )
        return web.json_response({k: v for k, v in session.items() if k != "payment_intent_data"})

    async def _create_intent(self, request: web.Request) -> web.Response:
        def make(form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            intent = {
                "id": _id("pi"),
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "customer": form.get("customer"),
                "payment_method": form.get("payment_method"),
                "metadata": form.get("metadata", {}),
                "status": "succeeded",
                "amount_received": int(form["amount"]),
            }
            if self.decline_next:
                code = self.decline_next.pop(0)
                intent.update(status="requires_payment_method", amount_received=0)
                self.intents[intent["id"]] = intent
                return 402, {
                    "error": {
                        "type": "card_error",
                        "code": "card_declined",
                        "decline_code": code,
                        "message": "Your card was declined.",
                        "payment_intent": intent,
                    }
                }
            self.intents[intent["id"]] = intent
            return 200, intent

        return await self._remembered(request, make)

    # --- what Stripe would send to the webhook ------------------------------------------------------

    @staticmethod
    def event(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": _id("evt"),
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2024-06-20",
            "data": {"object": obj},
        }

    def complete_checkout(self, session_id: str, payment_method: str = "pm_card_visa") -> list[dict[str, Any]]:
        """The payer paid: `checkout.session.completed` and `payment_intent.succeeded` (in that order)."""
        session = self.sessions[session_id]
        customer, pi = _id("cus"), _id("pi")
        intent = {
            "id": pi,
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": session["amount_total"],
            "currency": session["currency"],
            "status": "succeeded",
            "customer": customer,
            "payment_method": payment_method,
            "metadata": session["payment_intent_data"].get("metadata", {}),
        }
        self.intents[pi] = intent
        session.update(status="complete", payment_status="paid", customer=customer, payment_intent=pi)
        public = {k: v for k, v in session.items() if k != "payment_intent_data"}
        return [
            self.event("checkout.session.completed", dict(public)),
            self.event("payment_intent.succeeded", dict(intent)),
        ]

    def refund(self, payment_intent: str, refunded_total_cents: int) -> dict[str, Any]:
        """`charge.refunded` with Stripe's cumulative `amount_refunded` of the payment's charge."""
        intent = self.intents[payment_intent]
        charge = {
            "id": "ch_" + payment_intent[3:],
            "object": "charge",
            "payment_intent": payment_intent,
            "amount": intent["amount"],
            "amount_refunded": refunded_total_cents,
            "refunded": refunded_total_cents >= intent["amount"],
            "currency": intent["currency"],
            "metadata": intent["metadata"],
        }
        return self.event("charge.refunded", charge)


def body_of(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()
