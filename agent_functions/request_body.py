"""A webhook body as JSON we can store and answer: read once, decoded only as far as we use it.

Size (CONTRACT section 14): bodies up to 16 MiB are accepted, because Retell sends the whole call
object, transcript included, with every function call and event: a 21-minute call's body is ~380 kB,
and a long one with tool calls and word timings runs to megabytes. The body is read into one buffer
(`read_body`, sized from Content-Length), signed over in place (`signature.verify`) and decoded from
that buffer without a text copy (msgspec reads bytes). Of a top-level `call` object only the fields
the system uses are materialised (`CALL_FIELDS`: the envelope's and those `booking_core.calls` keeps);
transcripts, word timings and latency arrays are validated as JSON and skipped, never built as Python
objects. Measured on a 10 MB call body: benchmarks/README.md ("Webhook bodies").

Guards, found by fuzzing: nesting deep enough to exhaust recursion (in the parser, or later when a
stored payload is read back) is refused past `MAX_DEPTH`; NaN, Infinity and numbers out of a double's
range are refused (PostgreSQL's json type rejects them); NUL characters are dropped (PostgreSQL text
rejects them).
"""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from booking_core.calls.merge import KEEP

MAX_BODY = 16 * 1024 * 1024  # bytes
# Real webhooks nest a handful of levels.
MAX_DEPTH = 64
# What is read of a call object: CallInfo's fields (envelope.py) and what call records keep (calls.KEEP).
CALL_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "call_id",
            "call_type",
            "from_number",
            "to_number",
            "direction",
            "agent_id",
            "metadata",
            "retell_llm_dynamic_variables",
            *KEEP,
            "call_analysis",
        )
    )
)  # of call_analysis, calls keeps ANALYSIS_KEEP

_CallObject = msgspec.defstruct("CallObject", [(name, Any, msgspec.UNSET) for name in CALL_FIELDS])
# A top-level object is split into its members as raw slices of the buffer (no copy), each decoded on its own.
_TOP = msgspec.json.Decoder(dict[str, msgspec.Raw] | list[Any] | str | int | float | bool | None)
_ANY = msgspec.json.Decoder()
_CALL = msgspec.json.Decoder(_CallObject)
_DECODE_ERRORS = (msgspec.DecodeError, RecursionError, UnicodeDecodeError)


class BadBody(ValueError):
    """The body is not JSON we accept; the message says why, for the 400 answer."""


class BodyTooLarge(ValueError):
    """The body is larger than `MAX_BODY`: answered 413."""


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytearray:
    """The raw body in one buffer; BodyTooLarge (before reading, when Content-Length says so) past `limit` bytes."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise BodyTooLarge(f"request bodies are limited to {limit} bytes")
    buffer = bytearray(declared or 0)
    size = 0
    async for chunk in request.content.iter_any():
        end = size + len(chunk)
        if end > limit:
            raise BodyTooLarge(f"request bodies are limited to {limit} bytes")
        if end <= len(buffer):
            buffer[size:end] = chunk
        else:
            del buffer[size:]
            buffer += chunk
        size = end
    del buffer[size:]
    return buffer


def parse_body(body: bytes | bytearray | memoryview) -> Any:
    """The parsed body, a top-level `call` object cut to `CALL_FIELDS`, NUL characters dropped;
    BadBody when it is not JSON we accept (module docstring)."""
    try:
        top = _TOP.decode(body)
        payload = top
        if isinstance(top, dict):
            payload = {key: _call(raw) if key == "call" else _ANY.decode(raw) for key, raw in top.items()}
    except _DECODE_ERRORS as exc:
        raise BadBody(f"the body is not JSON we accept ({_reason(exc)})") from None
    return _guarded(payload, b"\\u0000" in body)


def parse_json_text(text: str) -> Any:
    """JSON inside a string (arguments sent as a JSON string), with the body's guards; BadBody if it is not."""
    try:
        return _guarded(_ANY.decode(text.encode("utf-8", "surrogatepass")), "\x00" in text or "\\u0000" in text)
    except _DECODE_ERRORS as exc:
        raise BadBody(f"not JSON ({_reason(exc)})") from None


def _call(raw: msgspec.Raw) -> Any:
    """A call object with only the fields we use; anything that is not an object as it is."""
    if memoryview(raw)[:1] != b"{":  # a raw member starts at its value's first byte: "{" for an object
        return _ANY.decode(raw)
    call = _CALL.decode(raw)
    return {name: value for name in CALL_FIELDS if (value := getattr(call, name)) is not msgspec.UNSET}


def _guarded(payload: Any, may_hold_nul: bool) -> Any:
    if _deeper_than(payload, MAX_DEPTH):
        raise BadBody(f"the body is nested deeper than {MAX_DEPTH} levels")
    return _without_nul(payload) if may_hold_nul else payload


def _reason(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:120]


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
