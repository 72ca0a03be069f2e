"""Retell call objects as a long call sends them: transcript, word timings, tool calls, latency, costs.

Shaped like the official SDK's `PhoneCallResponse` / `WebCallResponse` (retell-sdk; the tests validate
every body built here against those types). Retell sends the whole object with every function call and
lifecycle event, so a long call's requests are large: about 20 kB per minute of talk here (a 21-minute
call ~400 kB; real traffic measured ~380 kB), and `call_object(target_bytes=...)` keeps talking until the
body reaches a size. Deterministic per seed.
"""

from __future__ import annotations

import json
import random
from typing import Any

# A salon call's turns (role, words); the conversation cycles through them.
TURNS: tuple[tuple[str, str], ...] = (
    ("agent", "Salon Sonnenschein, guten Tag, Sie sprechen mit der digitalen Assistentin. Wie kann ich Ihnen helfen?"),
    ("user", "Ja hallo, ich hätte gern einen Termin zum Ansatz färben, am liebsten bei Fabian."),
    ("agent", "Sehr gern. An welchem Tag passt es Ihnen denn am besten?"),
    ("user", "Äh, nächste Woche Dienstag, so gegen halb drei, wenn das geht."),
    ("agent", "Einen Moment, ich schaue kurz nach, ob Fabian am Dienstag um halb drei frei ist."),
    ("user", "Ja, danke. Und wie lange dauert das ungefähr mit dem Föhnen?"),
    ("agent", "Die Ansatzfärbung dauert etwa zweieinhalb Stunden und kostet 58 Euro, Föhnen inklusive."),
    ("user", "Okay, das passt. Mein Name ist Lena Vogel, V wie Viktor, O, G, E, L."),
    ("agent", "Danke, Frau Vogel. Ich habe Sie für Dienstag um halb drei bei Fabian eingetragen."),
    ("user", "Super, und falls ich doch absagen muss, geht das noch kurzfristig?"),
    ("agent", "Bis 24 Stunden vorher ist eine Absage kostenlos, danach berechnen wir eine kleine Gebühr."),
    ("user", "Alles klar, dann vielen Dank und bis Dienstag."),
)
TOOL_CALLS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "check_availability",
        {"service": "Ansatz färben", "date": "nächste Woche Dienstag", "time": "halb drei", "staff": "Fabian"},
    ),
    (
        "book_appointment",
        {"service": "Ansatzfärbung", "when": "Dienstag um halb drei", "staff": "Fabian", "customer_name": "Lena Vogel"},
    ),
)
SECONDS_PER_WORD = 0.34


def _utterance(role: str, text: str, clock: float, rng: random.Random) -> tuple[dict[str, Any], float]:
    words = []
    for word in text.split():
        length = SECONDS_PER_WORD * rng.uniform(0.7, 1.3)
        words.append({"word": word, "start": round(clock, 3), "end": round(clock + length, 3)})
        clock += length
    return {"role": role, "content": text, "words": words}, clock + rng.uniform(0.4, 1.2)


def call_object(
    *,
    call_id: str = "call_long_0001",
    call_type: str = "phone_call",
    target_bytes: int = 400_000,
    from_number: str = "+4915100000017",
    to_number: str = "+4930555000100",
    agent_id: str = "agent_demo_salon",
    start_ms: int = 1_795_683_600_000,
    ended: bool = True,
    seed: int = 15,
) -> dict[str, Any]:
    """A call object whose JSON is at least `target_bytes` long (transcripts grow until it is).

    `call_type` "web_call" drops the numbers and adds an `access_token`, as WebCallResponse has it.
    `ended` adds end time, duration, disconnection reason, cost, token usage and analysis.
    """
    rng = random.Random(seed)
    transcript_object: list[dict[str, Any]] = []
    with_tools: list[dict[str, Any]] = []
    clock, size, turn = 0.0, 2_000, 0
    while size < target_bytes:
        role, text = TURNS[turn % len(TURNS)]
        utterance, clock = _utterance(role, text, clock, rng)
        transcript_object.append(utterance)
        with_tools.append(utterance)
        size += 2 * len(json.dumps(utterance, ensure_ascii=False).encode()) + len(text) + 8
        if turn % len(TURNS) in (4, 8):
            name, args = TOOL_CALLS[0 if turn % len(TURNS) == 4 else 1]
            tool_call_id = f"tool_{turn:05d}"
            with_tools.append(
                {
                    "role": "tool_call_invocation",
                    "tool_call_id": tool_call_id,
                    "name": name,
                    "arguments": json.dumps(args, ensure_ascii=False),
                }
            )
            with_tools.append(
                {
                    "role": "tool_call_result",
                    "tool_call_id": tool_call_id,
                    "successful": True,
                    "content": json.dumps(
                        {"status": "available", "message": "Dienstag um halb drei ist frei."}, ensure_ascii=False
                    ),
                }
            )
            size += 400
        turn += 1
    duration_ms = int(clock * 1000)
    call: dict[str, Any] = {
        "call_id": call_id,
        "call_type": call_type,
        "agent_id": agent_id,
        "agent_version": 3,
        "agent_name": "Salon Sonnenschein",
        "call_status": "ended" if ended else "ongoing",
        "start_timestamp": start_ms,
        "metadata": {},
        "retell_llm_dynamic_variables": {"current_date": "2026-11-20"},
        "data_storage_setting": "everything",
        "opt_in_signed_url": False,
        "transcript": "\n".join(
            f"{'Agent' if u['role'] == 'agent' else 'User'}: {u['content']}" for u in transcript_object
        ),
        "transcript_object": transcript_object,
        "transcript_with_tool_calls": with_tools,
        "recording_url": f"https://dxc03zgurdly9.cloudfront.net/{call_id}/recording.wav",
        "public_log_url": f"https://dxc03zgurdly9.cloudfront.net/{call_id}/public.log",
        "latency": {name: _latency(rng) for name in ("e2e", "llm", "tts", "asr")},
    }
    if call_type == "web_call":
        call["access_token"] = "eyJhbGciOiJIUzI1NiJ9.web-call-access-token"
    else:
        call.update({"direction": "inbound", "from_number": from_number, "to_number": to_number})
    if ended:
        minutes = duration_ms / 60_000
        product_costs: list[dict[str, Any]] = [
            {"product": "elevenlabs_tts", "unit_price": 0.1166667, "cost": round(7 * minutes, 4)},
            {"product": "gpt_4o_mini", "unit_price": 0.0083333, "cost": round(0.5 * minutes, 4)},
        ]
        if call_type == "phone_call":
            product_costs.append(
                {"product": "retell_twilio_telephony", "unit_price": 0.0166667, "cost": round(minutes, 4)}
            )
        call.update(
            {
                "end_timestamp": start_ms + duration_ms,
                "duration_ms": duration_ms,
                "disconnection_reason": "user_hangup",
                "call_cost": {
                    "product_costs": product_costs,
                    "combined_cost": round(sum(p["cost"] for p in product_costs), 4),
                    "total_duration_seconds": round(duration_ms / 1000),
                    "total_duration_unit_price": 0.1416667,
                },
                "llm_token_usage": {
                    "values": [rng.randint(900, 2400) for _ in range(min(turn, 200))],
                    "average": 1650.0,
                    "num_requests": float(min(turn, 200)),
                },
                "call_analysis": {
                    "call_summary": "Die Anruferin hat eine Ansatzfärbung bei Fabian gebucht.",
                    "in_voicemail": False,
                    "user_sentiment": "Positive",
                    "call_successful": True,
                    "custom_analysis_data": {},
                },
            }
        )
    return call


def _latency(rng: random.Random) -> dict[str, Any]:
    values = [round(rng.uniform(400, 1400), 1) for _ in range(40)]
    ordered = sorted(values)
    return {
        "p50": ordered[20],
        "p90": ordered[36],
        "p95": ordered[38],
        "p99": ordered[39],
        "max": ordered[-1],
        "min": ordered[0],
        "num": float(len(values)),
        "values": values,
    }


def event_body(event: str, call: dict[str, Any]) -> bytes:
    """A lifecycle webhook body as Retell sends it: `{"event", "call"}`, UTF-8 JSON."""
    return json.dumps({"event": event, "call": call}, ensure_ascii=False).encode()


def function_body(name: str, args: dict[str, Any] | str, call: dict[str, Any]) -> bytes:
    """A custom-function request as Retell sends it: `{"name", "args", "call"}` with the whole call."""
    return json.dumps({"name": name, "args": args, "call": call}, ensure_ascii=False).encode()
