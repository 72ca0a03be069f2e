"""Call records from Retell's lifecycle webhooks, pure: cleaning payloads, merging deliveries, deriving
the record's columns (CONTRACT section 7).

Merge rules:
- Every event's payload is kept as received (transcripts dropped) under its event name; the row's
  columns are then derived from all kept payloads, each field from the highest-ranked event that
  carried it (call_started < call_ended < call_analyzed). Arrival order therefore does not matter.
  A re-delivered event is a duplicate: it only fills fields its first delivery lacked, so it changes
  nothing unless it brings something new.
- Cost comes from the highest-ranked event that carried a usable `call_cost`, so `call_analyzed`'s cost
  wins over `call_ended`'s even when it arrives first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from booking_core.costs.ledger import parse_call_cost
from booking_core.vocabulary import CallEvent, CallStatus

__all__ = [
    "EVENTS",
    "KEEP",
    "RANK",
    "CallEventError",
    "CallFacts",
    "clean_payload",
    "cost_source",
    "derive",
    "merge_event",
    "pick",
]

RANK: dict[str, int] = {CallEvent.CALL_STARTED: 1, CallEvent.CALL_ENDED: 2, CallEvent.CALL_ANALYZED: 3}
EVENTS: tuple[CallEvent, ...] = tuple(CallEvent)
# What we keep of a call object: enough to derive the record and its cost, no transcripts or recordings.
KEEP = (
    "call_id",
    "agent_id",
    "call_type",
    "call_status",
    "direction",
    "from_number",
    "to_number",
    "start_timestamp",
    "end_timestamp",
    "duration_ms",
    "disconnection_reason",
    "call_cost",
    "llm_token_usage",
    "llm_model",
    "metadata",
    "telephony_identifier",
)
ANALYSIS_KEEP = ("call_successful", "in_voicemail", "user_sentiment")


class CallEventError(ValueError):
    """The payload cannot be recorded (no call id, unknown event); the message says why."""


# --- the pure part: cleaning payloads and deriving the record from them --------------------------


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    """Payloads as plain JSON (Decimals from a parse_float=Decimal body become exact strings)."""
    plain: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return plain


def clean_payload(call: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: call[k] for k in KEEP if k in call and call[k] is not None}
    analysis = call.get("call_analysis")
    if isinstance(analysis, Mapping):
        small = {k: analysis[k] for k in ANALYSIS_KEEP if k in analysis}
        if small:
            kept["call_analysis"] = small
    return _jsonable(kept)


# Bounds on what a webhook may claim: beyond them a value is garbage and reads as unknown. Without them
# a huge duration overflows `timedelta` (or PostgreSQL's integer column) and the event is lost in a 500.
MAX_CALL_MS = 24 * 3600 * 1000
MAX_TIMESTAMP_MS = 7258118400000  # 2200-01-01T00:00:00Z


def _ms_to_dt(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < MAX_TIMESTAMP_MS:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _received(entry: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(entry["received_at"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class CallFacts:
    """The call record's columns as derived from its kept events (instants aware UTC)."""

    status: CallStatus
    last_event: str
    started_at: datetime
    ended_at: datetime | None
    duration_ms: int | None
    disconnection_reason: str | None
    from_number: str | None
    to_number: str | None
    direction: str | None
    agent_id: str | None
    cost_event: str | None


def _by_rank(events: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(event, payload) highest rank first."""
    known = [
        (name, entry.get("call", {})) for name, entry in events.items() if name in RANK and isinstance(entry, Mapping)
    ]
    return sorted(known, key=lambda pair: -RANK[pair[0]])


def pick(events: Mapping[str, Any], key: str) -> Any:
    """A field from the highest-ranked event that carried it."""
    for _name, payload in _by_rank(events):
        value = payload.get(key)
        if value is not None:
            return value
    return None


def cost_source(events: Mapping[str, Any]) -> tuple[str | None, Any]:
    """(event, call_cost) of the highest-ranked event with a usable call_cost."""
    for name, payload in _by_rank(events):
        if parse_call_cost(payload.get("call_cost")) is not None:
            return name, payload["call_cost"]
    return None, None


def derive(events: Mapping[str, Any]) -> CallFacts:
    ranked = _by_rank(events)
    if not ranked:
        raise CallEventError("no lifecycle event recorded")
    start_ts = _ms_to_dt(pick(events, "start_timestamp"))
    end_ts = _ms_to_dt(pick(events, "end_timestamp"))
    duration_ms = _duration_ms(pick(events, "duration_ms"))
    if duration_ms is None and start_ts and end_ts and end_ts >= start_ts:
        duration_ms = _duration_ms((end_ts - start_ts).total_seconds() * 1000)
    if duration_ms is None:
        cost = parse_call_cost(cost_source(events)[1])
        if cost is not None and cost.total_duration_seconds is not None:
            duration_ms = _duration_ms(cost.total_duration_seconds * 1000)
    span = timedelta(milliseconds=duration_ms or 0)
    received = {name: _received(entry) for name, entry in events.items() if isinstance(entry, Mapping)}
    end_received = received.get(CallEvent.CALL_ENDED) or received.get(CallEvent.CALL_ANALYZED)
    started_at = (
        start_ts
        or (end_ts - span if end_ts else None)
        or (end_received - span if end_received else None)
        or received.get(CallEvent.CALL_STARTED)
        or min(r for r in received.values() if r is not None)
    )
    ended = CallEvent.CALL_ENDED in events or CallEvent.CALL_ANALYZED in events
    ended_at = (
        end_ts
        or ((started_at + span) if ended and duration_ms is not None else None)
        or (end_received if ended else None)
    )
    status = CallStatus.ENDED if ended else CallStatus.ONGOING
    if pick(events, "call_status") == "error":  # Retell's own call_status
        status = CallStatus.ERROR
    return CallFacts(
        status=status,
        last_event=ranked[0][0],
        started_at=started_at,
        ended_at=ended_at,
        duration_ms=duration_ms,
        disconnection_reason=_str(pick(events, "disconnection_reason"), 100),
        from_number=_str(pick(events, "from_number"), 32),
        to_number=_str(pick(events, "to_number"), 32),
        direction=_str(pick(events, "direction"), 16),
        agent_id=_str(pick(events, "agent_id"), 100),
        cost_event=cost_source(events)[0],
    )


def _duration_ms(value: Any) -> int | None:
    """A duration in ms a phone call can have (0 to a day), else None (NaN and infinity included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return int(value) if 0 <= value <= MAX_CALL_MS else None


def _str(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def merge_event(events: Mapping[str, Any], event: str, payload: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The events map after one delivery. A repeated event only fills fields the first delivery lacked
    (a re-delivery is a duplicate, not a correction), and the first arrival time is kept."""
    merged = {k: v for k, v in events.items()}
    entry = merged.get(event)
    if isinstance(entry, Mapping):
        call = dict(entry.get("call", {}))
        for key, value in payload.items():
            if value is not None and call.get(key) is None:
                call[key] = value
        merged[event] = {"received_at": entry.get("received_at") or now.isoformat(), "call": call}
    else:
        merged[event] = {"received_at": now.astimezone(UTC).isoformat(), "call": dict(payload)}
    return merged
