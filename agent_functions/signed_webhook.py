"""The path every Retell webhook takes before its own handler: read, verify, parse, answer copies.

1. Read the body into one buffer (`request_body.read_body`): over 16 MiB is 413 `body_too_large`.
2. Verify `X-Retell-Signature` (`signature.verify`): missing, malformed, wrong, stale or future is 401
   `bad_signature`, and nothing is read or written.
3. Parse (`request_body.parse_body`): not JSON we accept is 400 `bad_json`. The parsed body is kept on
   the request (`SIGNED_PAYLOAD`) for the apology of a request that fails later.
4. The route's handler answers `(HTTP status, JSON body)`. Routes built with `answers_copies` (function
   calls) get the signature on the request (`SIGNED`): a byte-identical copy of a function call that
   wrote gets that call's answer, looked up and kept by `dispatch` together with its claim on the
   request (one statement on arrival, one transaction at the end; `stores.claims`).

Copies of everything else are simply handled again, which is how they are answered as retries: call
events are idempotent upserts (`booking_core.calls`), the inbound webhook and reading functions only
read. `slotline serve --dev` skips 2 and the digest of 4 (no signature, no digest to key copies by).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp import web

from agent_functions.context import SERVICES
from agent_functions.request_body import BadBody, BodyTooLarge, parse_body, read_body
from agent_functions.signature import parse, verify
from agent_functions.stores.claims import Signed

log = structlog.get_logger("slotline.http")
# The parsed body of a request that passed steps 1-3, on the aiohttp request.
SIGNED_PAYLOAD: web.RequestKey[Any] = web.RequestKey("signed_payload", object)
# The signature of a request on a route built with `answers_copies` (absent when unsigned: --dev).
SIGNED: web.RequestKey[Signed] = web.RequestKey("signed", Signed)

Answer = tuple[int, dict[str, Any]]
Handler = Callable[[web.Request, Any], Awaitable[Answer]]


def json_error(status: int, error: str, message: str) -> web.Response:
    """A transport fault as JSON: `{"error": code, "message": why}`."""
    return web.json_response({"error": error, "message": message}, status=status)


def respond(status: int, answer: dict[str, Any]) -> web.Response:
    return web.json_response(answer, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def signed(handler: Handler, *, answers_copies: bool = False) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp route running steps 1-4 around `handler(request, parsed body)` (`SIGNED` set only with
    `answers_copies`)."""

    async def route(request: web.Request) -> web.Response:
        services = request.app[SERVICES]
        try:
            body = await read_body(request)
        except BodyTooLarge as exc:
            return json_error(413, "body_too_large", str(exc))
        digest: str | None = None  # set when copies of this request are answered from stored answers
        signed_at = services.clock.now()
        if not services.settings.allow_unsigned:
            header = request.headers.get("X-Retell-Signature")
            problem = verify(header, body, services.settings.retell_api_keys, signed_at)
            if problem is not None:
                log.warning("signature rejected", reason=problem, path=request.path)
                return json_error(401, "bad_signature", problem)
            timestamp_ms, digest = parse(header)  # type: ignore[misc]  # verify() accepted it, so it parses
            signed_at = datetime.fromtimestamp(timestamp_ms / 1000, UTC)
            digest = digest if answers_copies else None
        try:
            payload = parse_body(body)
        except BadBody as exc:
            return json_error(400, "bad_json", str(exc))
        del body  # the parsed payload is all that is needed from here on
        request[SIGNED_PAYLOAD] = payload
        if digest is not None:
            request[SIGNED] = Signed(digest, signed_at)
        return respond(*await handler(request, payload))

    return route
