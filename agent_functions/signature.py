"""Retell webhook signatures (CONTRACT section 1).

Header `X-Retell-Signature: v=<unix ms>,d=<hex>`; digest = HMAC-SHA256(key = API key,
message = raw body bytes + the decimal timestamp). Verified on the raw bytes as received: re-encoding
parsed JSON would change whitespace and break honest signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import datetime

MAX_SKEW_MS = 5 * 60 * 1000
_HEADER = re.compile(r"^v=(\d{10,16}),d=([0-9a-fA-F]{64})$")


def digest(body: bytes, timestamp_ms: int, key: str) -> str:
    return hmac.new(key.encode(), body + str(timestamp_ms).encode(), hashlib.sha256).hexdigest()


def sign(body: bytes, key: str, now: datetime) -> str:
    """The header value a sender puts on `body` at `now`."""
    timestamp_ms = int(now.timestamp() * 1000)
    return f"v={timestamp_ms},d={digest(body, timestamp_ms, key)}"


def verify(header: str | None, body: bytes, keys: Sequence[str], now: datetime) -> str | None:
    """None when the signature is good under any key; otherwise the reason it is not."""
    if not header:
        return "missing signature"
    match = _HEADER.match(header.strip())
    if not match:
        return "malformed signature"
    timestamp_ms = int(match.group(1))
    if abs(now.timestamp() * 1000 - timestamp_ms) > MAX_SKEW_MS:
        return "stale signature"
    given = match.group(2).lower()
    if any(hmac.compare_digest(given, digest(body, timestamp_ms, key)) for key in keys):
        return None
    return "wrong signature"
