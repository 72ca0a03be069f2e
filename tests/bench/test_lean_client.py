"""The bench's lean client sends what FunctionClient sends (the same envelope bytes, a valid signature,
signed anew per send) and survives a server that closes its connections."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from agent_functions.bench.lean_client import LeanClient
from agent_functions.client import FunctionClient
from agent_functions.signature import verify

KEY = "lean-key"


async def recording_server(seen: list[dict[str, Any]], close_every: int = 0) -> TestServer:
    """Answers every POST with its JSON status; `close_every`: every n-th answer closes the connection."""

    async def answer(request: web.Request) -> web.Response:
        body = await request.read()
        seen.append({"body": body, "headers": dict(request.headers), "path": request.path})
        problem = verify(request.headers.get("X-Retell-Signature"), body, [KEY], datetime.now(UTC))
        headers = {"Connection": "close"} if close_every and len(seen) % close_every == 0 else {}
        return web.json_response({"status": "ok" if problem is None else "error", "n": len(seen)}, headers=headers)

    app = web.Application()
    app.router.add_post("/retell/functions", answer)
    server = TestServer(app)
    await server.start_server()
    return server


async def test_the_same_signed_envelope_as_function_client() -> None:
    seen: list[dict[str, Any]] = []
    server = await recording_server(seen)
    try:
        url = str(server.make_url(""))
        args = {"service": "Ansatz färben", "when": "morgen um halb drei"}
        where = {"call_id": "bench_1", "from_number": "+4915100000017", "to_number": "+4930555000100"}
        async with FunctionClient(url, KEY) as reference:
            await reference.call("check_availability", args, **where)
        async with LeanClient(url, KEY) as lean:
            first = await lean.call("check_availability", args, **where)
            second = await lean.call("check_availability", args, **where)
    finally:
        await server.close()
    assert first.status == 200 and first.body["status"] == "ok" and second.body["status"] == "ok"
    assert seen[1]["body"] == seen[0]["body"] == seen[2]["body"]
    assert json.loads(seen[1]["body"])["args"] == args
    assert seen[1]["path"] == "/retell/functions" and seen[1]["headers"]["Content-Type"] == "application/json"
    # Signed anew for each send: two sends of one body are two requests, not a copy.
    assert seen[1]["headers"]["X-Retell-Signature"] != seen[2]["headers"]["X-Retell-Signature"]


async def test_a_connection_the_server_closes_is_replaced() -> None:
    seen: list[dict[str, Any]] = []
    server = await recording_server(seen, close_every=2)
    try:
        async with LeanClient(str(server.make_url("")), KEY) as lean:
            answers = [await lean.call("ping", call_id=f"c{i}", to_number="+4930555000100") for i in range(6)]
    finally:
        await server.close()
    assert [a.body["n"] for a in answers] == [1, 2, 3, 4, 5, 6]
    assert all(a.status == 200 and a.outcome == "ok" for a in answers)
