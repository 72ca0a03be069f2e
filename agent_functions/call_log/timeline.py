"""One call as the admin sees it: what was asked and answered, its lifecycle events and its cost.

`call_view` is CONTRACT section 13's JSON (`GET /admin/calls/{id}`, `slotline calls show --json`, and
what `slotline fixtures capture` starts from); `render_timeline` the readable form of the same.
Times are ISO 8601 in the tenant's zone, like every time in a response (section 3).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from agent_functions.call_log.store import call_events, records_of_call
from booking_core.calls import call_record
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

ASKED_CHARS = 160


async def call_view(db: Database, tenant: TenantConfig, call_id: str) -> dict[str, Any] | None:
    """`{"call": the section-7 record or None, "functions": [...], "events": [...]}` of one call of
    `tenant`; None when the tenant has no function call and no event of that id.

    Each function: `{"seq", "at", "name", "function", "args", "status", "message", "ms", "call", "response"}`
    (`name` and `args` as sent; `call` the envelope's routing part; `response` the whole answer).
    Each event: `{"event", "at", "call"}` (the payload as stored, transcripts dropped).
    """
    records = await records_of_call(db, tenant.id, call_id)
    events = await call_events(db, tenant.id, call_id)
    if not records and not events:
        return None
    zone = tenant.zone
    functions = [
        {
            "seq": seq,
            "at": r["at"].astimezone(zone).isoformat(),
            "name": r["name"],
            "function": r["function"],
            "args": r["args"],
            "status": r["status"],
            "message": (r["response"] or {}).get("message"),
            "ms": r["ms"],
            "call": r["call"],
            "response": r["response"],
        }
        for seq, r in enumerate(records, start=1)
    ]
    return {
        "call": await call_record(db, tenant.id, call_id) if events else None,
        "functions": functions,
        "events": _events(events or {}, tenant),
    }


def _events(events: dict[str, Any], tenant: TenantConfig) -> list[dict[str, Any]]:
    out = []
    for name, entry in events.items():
        if not isinstance(entry, dict):
            continue
        try:
            at = datetime.fromisoformat(entry["received_at"]).astimezone(tenant.zone).isoformat()
        except (KeyError, TypeError, ValueError):
            at = None
        out.append({"event": name, "at": at, "call": entry.get("call") or {}})
    return sorted(out, key=lambda e: e["at"] or "")


def _asked(args: Any) -> str:
    if not isinstance(args, dict) or not args:
        return "–"
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
    return text if len(text) <= ASKED_CHARS else text[: ASKED_CHARS - 1] + "…"


def _instant(at: str | None) -> float:
    return datetime.fromisoformat(at).timestamp() if at else float("-inf")


def _clock(at: str | None) -> str:
    return "?" if at is None else datetime.fromisoformat(at).strftime("%H:%M:%S")


def render_timeline(view: dict[str, Any], tenant: TenantConfig, call_id: str) -> str:
    """The call as lines a person reads: when, which function (as sent → canonical), what was asked,
    the status, what the caller heard, how long it took; events in between; the cost at the end."""
    items: list[tuple[str, int, list[str]]] = []
    for f in view["functions"]:
        name = f["name"] or "?"
        function = name if name == f["function"] else f"{name} → {f['function']}"
        items.append(
            (
                f["at"],
                1,
                [
                    f"{_clock(f['at'])}  #{f['seq']} {function}  [{f['status']}]  {f['ms']:.0f} ms",
                    f"          asked: {_asked(f['args'])}",
                    f"          heard: {f['message'] or '–'}",
                ],
            )
        )
    for e in view["events"]:
        items.append((e["at"] or "", 0, [f"{_clock(e['at'])}  event {e['event']}"]))
    first = min((at for at, _, _ in items if at), default=None)
    head = f"call {call_id} · {tenant.name} ({tenant.id})"
    if first:
        head += f" · {datetime.fromisoformat(first).strftime('%Y-%m-%d')} ({tenant.timezone})"
    lines = [head, f"{len(view['functions'])} function call(s), {len(view['events'])} event(s)", ""]
    for _at, _order, block in sorted(items, key=lambda item: (_instant(item[0]), item[1])):
        lines.extend(block)
    lines.extend(["", _cost_line(view.get("call"))])
    return "\n".join(lines)


def _cost_line(record: dict[str, Any] | None) -> str:
    if record is None:
        return "cost: unknown (no call event arrived)"
    cost = record["cost"]
    duration = "?" if record.get("duration_s") is None else f"{record['duration_s']} s"
    return (
        f"cost ({cost['state']}): Retell {cost['retell_usd']} USD, telephony {cost['telephony_usd']} USD, "
        f"LLM {cost['llm_usd']} USD = {cost['total_usd']} USD = {cost['total_eur']} EUR "
        f"(rate {cost['fx_rate'] or 'unknown'}); "
        f"billed {cost['billed_eur']} EUR · {record['status']}, {duration}, "
        f"{len(record.get('appointments') or [])} appointment(s)"
    )
