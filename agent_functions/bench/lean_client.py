"""The benchmark's client: the same signed function calls as `agent_functions.client.FunctionClient`,
for a fraction of its CPU, because the load generator runs on the cores it measures.

Every request is what FunctionClient sends: `POST /retell/functions`, the envelope `{"name", "args",
"call"}` as UTF-8 JSON, `Content-Type: application/json`, and `X-Retell-Signature` signed anew for each
send (`signature.Signer`). What it leaves out is aiohttp's client machinery (cookie jar, tracing,
redirects, per-request timeout objects, header multidicts): it writes the request in one buffer over a
kept-alive HTTP/1.1 connection and reads a `Content-Length` answer, which is how the server answers
(aiohttp's `json_response`). One connection per concurrent request, kept in an idle pool; a connection
the server closed is replaced. Measured on pings: 0.16 ms of client CPU per call, FunctionClient 0.28
(benchmarks/README.md, "Capacity").

Raises `ConnectionError` when the server closes a connection mid-answer or answers in a shape it does
not read (chunked), and `TimeoutError` past `timeout_s`; the bench counts both as errors.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

from agent_functions.client import Answer
from agent_functions.signature import Signer
from booking_core.clock import SystemClock

PATH = "/retell/functions"


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class LeanClient:
    """Signed function calls to one server over kept-alive connections; `call` as FunctionClient's."""

    def __init__(self, base_url: str, key: str, *, timeout_s: float = 30) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout_s = timeout_s
        self.signer = Signer(key, SystemClock().now)
        self._head = f"POST {PATH} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
        self._idle: list[_Connection] = []

    async def __aenter__(self) -> LeanClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        while self._idle:
            self._idle.pop().close()

    async def call(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        call_id: str = "call_client",
        from_number: str | None = None,
        to_number: str,
    ) -> Answer:
        """One function call in Retell's default envelope, as `FunctionClient.call` sends it."""
        envelope = {
            "name": name,
            "args": args or {},
            "call": {"call_id": call_id, "from_number": from_number, "to_number": to_number, "direction": "inbound"},
        }
        body = json.dumps(envelope, ensure_ascii=False).encode()
        request = (
            f"{self._head}X-Retell-Signature: {self.signer.header(body)}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        started = time.perf_counter()
        status, payload = await asyncio.wait_for(self._exchange(request), self.timeout_s)
        ms = (time.perf_counter() - started) * 1000
        try:
            return Answer(status, json.loads(payload), ms)
        except ValueError:
            return Answer(status, payload.decode(errors="replace"), ms)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        connection = self._idle.pop() if self._idle else None
        if connection is not None:
            try:
                return await self._send(connection, request)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass  # the server closed a kept-alive connection: send once more, fresh (as aiohttp does)
        return await self._send(_Connection(*await asyncio.open_connection(self.host, self.port)), request)

    async def _send(self, connection: _Connection, request: bytes) -> tuple[int, bytes]:
        try:
            return await self._round_trip(connection, request)
        except BaseException:  # a timeout or a broken connection: it is never used again
            connection.close()
            raise

    async def _round_trip(self, connection: _Connection, request: bytes) -> tuple[int, bytes]:
        connection.writer.write(request)
        head = await connection.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" not in headers:
            connection.close()
            raise ConnectionError(f"answer without Content-Length (HTTP {status}): not read by the bench client")
        payload = await connection.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            connection.close()
        else:
            self._idle.append(connection)
        return status, payload
