"""A voice platform's side of the webhook: signed function calls over real HTTP.

Used wherever something must talk to a running server the way Retell does: `slotline call`, the
benchmark and the reliability suite. It signs every send anew (a retry too) and never raises on an
HTTP status: the caller gets status, body and elapsed time, and decides what counts as failure.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from agent_functions.signature import Signer
from booking_core.clock import Clock, SystemClock

SALON_NUMBER = "+4930555000100"


@dataclass(frozen=True)
class Answer:
    status: int  # HTTP status
    body: Any  # parsed JSON, or the raw text when it was not JSON
    ms: float  # round trip as the platform sees it

    @property
    def outcome(self) -> str | None:
        """The response's `status` field (CONTRACT section 3) on HTTP 200, else None."""
        return self.body.get("status") if self.status == 200 and isinstance(self.body, dict) else None


class FunctionClient:
    """Signed calls to one server. Share one per process: it holds the connection pool."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Clock | None = None,
        timeout_s: float = 30,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signer = Signer(key, (clock or SystemClock()).now)
        self._own_session = session is None
        self.session = session or aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout_s), connector=aiohttp.TCPConnector(limit=0)
        )

    async def __aenter__(self) -> FunctionClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session:
            await self.session.close()

    async def post(self, path: str, body: bytes, *, sign: bool = True, headers: dict[str, str] | None = None) -> Answer:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if sign:
            all_headers["X-Retell-Signature"] = self.signer.header(body)
        started = time.perf_counter()
        async with self.session.post(self.base_url + path, data=body, headers=all_headers) as response:
            text = await response.text()
        ms = (time.perf_counter() - started) * 1000
        try:
            return Answer(response.status, json.loads(text), ms)
        except ValueError:
            return Answer(response.status, text, ms)

    async def call(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        call_id: str = "call_client",
        from_number: str | None = None,
        to_number: str = SALON_NUMBER,
    ) -> Answer:
        """One function call in Retell's default envelope `{"name", "args", "call"}`."""
        envelope = {
            "name": name,
            "args": args or {},
            "call": {"call_id": call_id, "from_number": from_number, "to_number": to_number, "direction": "inbound"},
        }
        return await self.post("/retell/functions", json.dumps(envelope, ensure_ascii=False).encode())
