"""A webhook body as JSON we can store and answer: what `json.loads` accepts is not quite that.

Found by fuzzing: nesting deep enough to exhaust recursion (in the parser, or later when a stored
payload is read back), NaN and Infinity (Python's extension; PostgreSQL's json type refuses them) and
NUL characters (PostgreSQL refuses them in text) each turned a bad request into an internal fault.
"""

from __future__ import annotations

import json
from typing import Any

# Real webhooks nest a handful of levels.
MAX_DEPTH = 64


class BadBody(ValueError):
    """The body is not JSON we accept; the message says why, for the 400 answer."""


def parse_body(body: bytes) -> Any:
    """The parsed body, NUL characters dropped; BadBody when it is not JSON or nests too deeply."""
    try:
        payload = json.loads(body, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadBody("the body is not JSON (or nested too deeply)") from None
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _deeper_than(payload, MAX_DEPTH):
        raise BadBody(f"the body is nested deeper than {MAX_DEPTH} levels")
    if b"\\u0000" in body:
        payload = _without_nul(payload)
    return payload


def _not_json(constant: str) -> Any:
    """NaN and Infinity are Python's extension, not JSON; stored, PostgreSQL's json type refuses them."""
    raise ValueError(f"{constant} is not JSON")


def _without_nul(value: Any) -> Any:
    """The payload with NUL characters dropped from every string: no caller means one, and PostgreSQL
    refuses them in text, which would turn a call id or a name containing one into an internal fault."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels; iterative, so it cannot overflow itself."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
