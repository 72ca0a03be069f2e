"""A local aiohttp server on 127.0.0.1 (free port) with switchable failure modes.

mode "up"     normal answers
     "down"   the listening socket is closed: connection refused, like a host that is gone
     "500"    every request answers 500
     "429"    every request answers 429 with `Retry-After: retry_after_s`
     "slow"   every request sleeps `delay_s` before answering (longer than the client timeout)
     "reset"  the connection is dropped without an answer
`fail_next(n, mode)` applies a mode to the next n requests only. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    answered: int | None = None


@dataclass
class FakeServer:
    mode: str = "up"
    retry_after_s: int = 30
    delay_s: float = 30.0
    latency_s: float = 0.0  # added to every answer in mode "up" (to interleave concurrent workers)
    requests: list[Recorded] = field(default_factory=list)
    _fail_next: list[str] = field(default_factory=list)
    port: int = 0

    def build_routes(self, app: web.Application) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def fail_next(self, n: int, mode: str) -> None:
        self._fail_next.extend([mode] * n)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeServer:
        self.port = self.port or free_port()
        self._app = web.Application(middlewares=[self._middleware])
        self.build_routes(self._app)
        self._runner = web.AppRunner(self._app)
        await self._runner.setup()
        await self._listen()
        return self

    async def _listen(self) -> None:
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await self._site.start()

    async def go_down(self) -> None:
        """Stop listening: connections are refused until `come_back()`."""
        self.mode = "down"
        await self._site.stop()

    async def come_back(self) -> None:
        self.mode = "up"
        await self._listen()

    async def stop(self) -> None:
        await self._runner.cleanup()

    def calls(self, method: str | None = None, prefix: str = "") -> list[Recorded]:
        return [r for r in self.requests if (method is None or r.method == method) and r.path.startswith(prefix)]

    @web.middleware
    async def _middleware(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        record = Recorded(request.method, request.path, dict(request.query), dict(request.headers), body)
        self.requests.append(record)
        mode = self._fail_next.pop(0) if self._fail_next else self.mode
        if mode == "slow":
            await asyncio.sleep(self.delay_s)
        elif mode == "reset":
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError()
        elif mode == "500":
            record.answered = 500
            return web.json_response(
                {"status": "error", "error": {"code": "INTERNAL_SERVER_ERROR", "message": "boom"}}, status=500
            )
        elif mode == "429":
            record.answered = 429
            return web.json_response(
                {
                    "status": "error",
                    "error": {"code": "TOO_MANY_REQUESTS", "message": "ThrottlerException: Too Many Requests"},
                },
                status=429,
                headers={"Retry-After": str(self.retry_after_s)},
            )
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        response = await handler(request)
        record.answered = response.status
        return response
