"""Requests as Retell sends them, made with the official SDK (`retell-sdk`): call objects validated
against its `PhoneCallResponse` / `WebCallResponse`, signatures made and checked by its webhook helper
(`retell.lib.webhook_auth`, the scheme behind `Retell.verify`), and the inbound-call webhook in the
shape Retell documents (`{"event": "call_inbound", "call_inbound": {"agent_id", "agent_version",
"from_number", "to_number"}}`; the SDK has no type for it).
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any

from retell.lib.webhook_auth import symmetric
from retell.types import PhoneCallResponse, WebCallResponse

from agent_functions.bench.call_bodies import call_object


def phone_call(**fields: Any) -> dict[str, Any]:
    """A phone call object (`agent_functions.bench.call_bodies.call_object` arguments), checked against the SDK type."""
    call = call_object(call_type="phone_call", **fields)
    PhoneCallResponse.model_validate(call)
    return call


def web_call(**fields: Any) -> dict[str, Any]:
    """A web call object (no numbers), checked against the SDK type."""
    call = call_object(call_type="web_call", **fields)
    WebCallResponse.model_validate(call)
    return call


def inbound_body(
    *, to_number: str | None, from_number: str | None = "+4915100000017", agent_id: str | None = "agent_demo_salon"
) -> bytes:
    details = {"agent_id": agent_id, "agent_version": 3, "from_number": from_number, "to_number": to_number}
    return json.dumps(
        {"event": "call_inbound", "call_inbound": {k: v for k, v in details.items() if v is not None}}
    ).encode()


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


class RetellSigner:
    """Signs with the SDK's helper at the server's (frozen) time, one millisecond apart per request, as
    Retell signs every delivery; `verifies` checks a header the way the SDK's `Retell.verify` does."""

    def __init__(self, key: str, now: datetime) -> None:
        self.key = key
        self.base_ms = int(now.timestamp() * 1000)
        self._sends = itertools.count()

    def header(self, body: bytes, *, offset_ms: int | None = None) -> str:
        at = self.base_ms + (next(self._sends) if offset_ms is None else offset_ms)
        return str(symmetric["sign"](body.decode("utf-8"), self.key, at))

    def verifies(self, body: bytes, header: str) -> bool:
        return bool(symmetric["verify"](body.decode("utf-8"), self.key, header, {"timestamp": self.base_ms}))
