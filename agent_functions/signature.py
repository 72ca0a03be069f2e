"""Retell webhook signatures (CONTRACT section 1).

Header `X-Retell-Signature: v=<unix ms>,d=<hex>`; digest = HMAC-SHA256(key = API key,
message = raw body bytes + the decimal timestamp). Verified on the raw bytes as received: re-encoding
parsed JSON would change whitespace and break honest signatures. The MAC is fed the body, then the
timestamp, so a 16 MiB body is hashed in place and never copied to append the timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from datetime import datetime

MAX_SKEW_MS = 5 * 60 * 1000
_HEADER = re.compile(r"^v=(\d{10,16}),d=([0-9a-fA-F]{64})$")


Body = bytes | bytearray | memoryview


def digest(body: Body, timestamp_ms: int, key: str) -> str:
    """Lower-case hex HMAC-SHA256 of `body` followed by the decimal timestamp, under `key`."""
    mac = hmac.new(key.encode(), body, hashlib.sha256)
    mac.update(str(timestamp_ms).encode())
    return mac.hexdigest()


def sign(body: Body, key: str, now: datetime) -> str:
    """The header value a sender puts on `body` at `now`."""
    timestamp_ms = int(now.timestamp() * 1000)
    return f"v={timestamp_ms},d={digest(body, timestamp_ms, key)}"


def parse(header: str | None) -> tuple[int, str] | None:
    """(timestamp ms, lower-case hex digest) of a well-formed header, else None."""
    match = _HEADER.match((header or "").strip())
    return (int(match.group(1)), match.group(2).lower()) if match else None


def verify(header: str | None, body: Body, keys: Sequence[str], now: datetime) -> str | None:
    """None when the signature is good under any key; otherwise the reason it is not.

    A good signature on a request already handled is a byte-identical copy (a retry): `seen_signatures`
    finds its answer, after this check.
    """
    if not header:
        return "missing signature"
    parsed = parse(header)
    if parsed is None:
        return "malformed signature"
    timestamp_ms, given = parsed
    if abs(now.timestamp() * 1000 - timestamp_ms) > MAX_SKEW_MS:
        return "stale signature"
    if any(hmac.compare_digest(given, digest(body, timestamp_ms, key)) for key in keys):
        return None
    return "wrong signature"


class Signer:
    """Signs each request anew, as a voice platform that re-signs its retries does. Timestamps never
    repeat, even under a frozen clock (replays, tests), because the server answers a repeated signature
    with the first request's stored answer: two sends of one body must not look like one request."""

    def __init__(self, key: str, now: Callable[[], datetime]) -> None:
        self.key = key
        self.now = now
        self._last_ms = 0

    def header(self, body: bytes) -> str:
        timestamp_ms = max(int(self.now().timestamp() * 1000), self._last_ms + 1)
        self._last_ms = timestamp_ms
        return f"v={timestamp_ms},d={digest(body, timestamp_ms, self.key)}"
