"""The request a voice platform sends: which function, with what arguments, from which call.

Two body shapes reach `/retell/functions/{name}` (CONTRACT section 1): the wrapped one
`{"name", "args", "call"}` and the bare args object, whose call id and dialled number then come from
the headers `X-Call-Id` / `X-To-Number`. The call id is taken from the envelope only, never from
`args.call_id`, which the LLM fills with placeholders. Every text argument is put in Unicode normal
form C here, once for all functions (CONTRACT section 14: "Fa\u0308rben" is "Färben").

`args` may also arrive as a JSON string holding the object (`"args": "{\"datum\": \"morgen\"}"`, some
LLM set-ups send that), or under the OpenAI name `arguments`: it is parsed with the body's own
guards. Any other `args` (a list, a number, a string that is not a JSON object) is kept as
`args_problem`, and the function asks the caller again.
A web call (`call_type: "web_call"`, a browser test call from Retell's dashboard) has no numbers: its
caller counts as withheld, whatever a header says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_functions.phones import dialled
from agent_functions.request_body import BadBody, parse_json_text
from nlu import nfc_arguments

MAX_ID_LEN = 100


def _text(value: Any, limit: int = MAX_ID_LEN) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] if value else None


def _number(value: Any) -> str | None:
    """A phone number of the envelope: E.164 when it names its country in any form telephony uses
    ("tel:+49...", "sip:+49...@host", "0049...", "+49 (0)30 ..."; `phones.dialled`), else as sent
    (at most 32 characters; a national number is read in the tenant's region later)."""
    text = _text(value, 64)
    return None if text is None else (dialled(text) or text[:32])


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
        web_call = call.get("call_type") == "web_call"
        return cls(
            call_id=_text(call.get("call_id")) or _text(headers.get("X-Call-Id")),
            from_number=None
            if web_call
            else (_number(call.get("from_number")) or _number(headers.get("X-From-Number"))),
            to_number=_number(call.get("to_number")) or _number(headers.get("X-To-Number")),
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
    args_problem: str | None = None  # why `args` could not be read (then `args` is empty)


def read_args(value: Any) -> tuple[dict[str, Any], str | None]:
    """(arguments, None) from an object, a JSON string holding one, or nothing (absent, null, blank);
    ({}, why) for anything else."""
    if isinstance(value, dict):
        return dict(value), None
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}, None
    if isinstance(value, str):
        try:
            parsed = parse_json_text(value)
        except BadBody as exc:
            return {}, f"args string: {exc}"
        if isinstance(parsed, dict):
            return parsed, None
        return {}, f"args string holds a JSON {type(parsed).__name__}, not an object"
    return {}, f"args is a JSON {type(value).__name__}, not an object"


def _args_key(body: dict[str, Any]) -> str:
    """Where the arguments are: "args" (Retell), else "arguments" (the OpenAI tool-call name, which
    custom LLM bridges and hand-written agents send)."""
    return "args" if "args" in body or "arguments" not in body else "arguments"


def parse_function_call(body: Any, path_name: str | None, headers: Mapping[str, str]) -> FunctionCall:
    """Interpret a parsed JSON body; never raises (odd shapes become empty args or an `args_problem`)."""
    key = _args_key(body) if isinstance(body, dict) else "args"
    if (
        isinstance(body, dict)
        and (key in body or "call" in body)
        and (isinstance(body.get(key), (dict, str)) or isinstance(body.get("call"), dict))
    ):
        name = _text(body.get("name")) or path_name
        args, problem = read_args(body.get(key))
        call = CallInfo.from_payload(body.get("call"), headers)
        return FunctionCall(path_name or name, nfc_arguments(args), call, problem)
    if isinstance(body, dict) and path_name is None and isinstance(body.get("name"), str):
        args, problem = read_args(body.get(key))
        call = CallInfo.from_payload(body.get("call"), headers)
        return FunctionCall(_text(body.get("name")), nfc_arguments(args), call, problem)
    args = nfc_arguments(body) if isinstance(body, dict) else {}
    return FunctionCall(path_name, args, CallInfo.from_payload(None, headers))
