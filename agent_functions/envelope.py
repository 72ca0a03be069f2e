"""The request a voice platform sends: which function, with what arguments, from which call.

Two body shapes reach `/retell/functions/{name}` (CONTRACT section 1): the wrapped one
`{"name", "args", "call"}` and the bare args object, whose call id and dialled number then come from
the headers `X-Call-Id` / `X-To-Number`. The call id is taken from the envelope only, never from
`args.call_id`, which the LLM fills with placeholders. Every text argument is put in Unicode normal
form C here, once for all functions (CONTRACT section 14: "Fa\u0308rben" is "Färben").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nlu import nfc_arguments

MAX_ID_LEN = 100


def _text(value: Any, limit: int = MAX_ID_LEN) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] if value else None


@dataclass(frozen=True)
class CallInfo:
    call_id: str | None
    from_number: str | None
    to_number: str | None
    direction: str | None = None
    agent_id: str | None = None
    tenant_hint: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_payload(cls, call: Any, headers: Mapping[str, str] | None = None) -> CallInfo:
        call = call if isinstance(call, dict) else {}
        headers = headers or {}
        metadata = call.get("metadata") if isinstance(call.get("metadata"), dict) else {}
        dynamic = call.get("retell_llm_dynamic_variables")
        dynamic = dynamic if isinstance(dynamic, dict) else {}
        return cls(
            call_id=_text(call.get("call_id")) or _text(headers.get("X-Call-Id")),
            from_number=_text(call.get("from_number"), 32) or _text(headers.get("X-From-Number"), 32),
            to_number=_text(call.get("to_number"), 32) or _text(headers.get("X-To-Number"), 32),
            direction=_text(call.get("direction"), 16),
            agent_id=_text(call.get("agent_id")),
            tenant_hint=_text(metadata.get("tenant")) or _text(dynamic.get("tenant")) or _text(headers.get("X-Tenant")),
            raw=call,
        )


@dataclass(frozen=True)
class FunctionCall:
    name: str | None
    args: dict[str, Any]
    call: CallInfo


def parse_function_call(body: Any, path_name: str | None, headers: Mapping[str, str]) -> FunctionCall:
    """Interpret a parsed JSON body; never raises (odd shapes become empty args)."""
    if isinstance(body, dict) and ("args" in body or "call" in body) and (
        isinstance(body.get("args"), dict) or isinstance(body.get("call"), dict)
    ):
        name = _text(body.get("name")) or path_name
        args = body.get("args") if isinstance(body.get("args"), dict) else {}
        return FunctionCall(path_name or name, nfc_arguments(args), CallInfo.from_payload(body.get("call"), headers))
    if isinstance(body, dict) and path_name is None and isinstance(body.get("name"), str):
        return FunctionCall(_text(body.get("name")), {}, CallInfo.from_payload(body.get("call"), headers))
    args = nfc_arguments(body) if isinstance(body, dict) else {}
    return FunctionCall(path_name, args, CallInfo.from_payload(None, headers))
