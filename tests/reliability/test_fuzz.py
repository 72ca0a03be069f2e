"""Bad input over real HTTP: whatever a voice platform (or anyone holding the key) sends, the answer is
either a speakable CONTRACT section-3 response or a JSON transport error, and bad input writes nothing.

Hypothesis generates envelopes and arguments (wrong types, missing keys, huge strings, deep nesting,
control characters, unicode, SQL and HTML fragments, impossible dates, every alias of CONTRACT
section 2), both endpoint shapes, raw non-JSON bodies and lifecycle events. Every request is signed
correctly, so it reaches the code behind the signature check: the part an attacker with a leaked key,
or a confused LLM, actually exercises.

"Nothing written" is checked against the answer itself: a business table may change only when the
status announces that change (`booked` adds an appointment, `callback_requested` a callback request,
`available` a hold, ...); every other status, and every transport error, leaves appointments, holds,
callback requests, the audit log, customers, the outbox and call records exactly as they were. An
`error` status caused by input is itself a failure: bad input must get a clear answer, not the
apology for an internal fault (which also records a callback for a human to follow up). The one
`error` expected is an unknown function name (`data.error` = "unknown_function", by design).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from agent_functions import registry
from nlu.names import parse_customer_name
from tests.reliability.app_harness import (
    PHYSIO_CALLER,
    PHYSIO_NUMBER,
    PHYSIO_REF,
    SALON_CALLER,
    SALON_NUMBER,
    SALON_REF,
    WATCHED,
    Harness,
    Request,
    fuzz_settings,
)
from tests.reliability.support import CONTRACT_STATUSES, Report

TRANSPORT_ERRORS = frozenset({400, 404, 413})
MAX_BODY = 16 * 1024 * 1024  # CONTRACT section 14: bodies above this are refused with 413
LEAK = re.compile(r"Traceback|Error:|Exception|File \"|\w+\.py\b|(?:/[\w.-]+){2,}/?|\\[\w.-]+\\")
SENTENCE_END = re.compile(r"(?<![\d\s])[.!?]+(?=\s|$)")

# What each status may have changed; every other table, and every other status, must be untouched.
BOOKING_TABLES = frozenset({"appointments", "appointment_segments", "audit_log", "customers", "holds", "outbox"})
MAY_CHANGE: dict[str, frozenset[str]] = {
    "booked": BOOKING_TABLES,
    "rescheduled": BOOKING_TABLES,
    "cancelled": BOOKING_TABLES,
    "callback_requested": frozenset({"callback_requests"}),
    "available": frozenset({"holds"}),
    "needs_confirmation": frozenset({"holds"}),
    "unavailable": frozenset({"holds"}),
}


# --- what a good answer is --------------------------------------------------------------------------


def _printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()[:300]


def echoes(args: Any) -> list[str]:
    """The forms in which a message may repeat what the caller said (a service "heard", a reference
    spelled out, a name): those words are the caller's, not the server's, so they are taken out
    before looking for leaked internals."""
    if not isinstance(args, dict):
        return []
    forms: set[str] = set()
    for value in args.values():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            continue
        heard = _printable(str(value))
        if not heard:
            continue
        forms.update({heard, heard.upper(), " ".join(heard.upper()), heard.replace(" ", "").upper()})
        name = parse_customer_name(heard)
        if name:
            forms.update({name, *name.split()})
    return sorted((f for f in forms if f.strip()), key=len, reverse=True)


def sentences(message: str) -> int:
    """Sentence count that does not end a sentence at an ordinal ("Freitag, den 20. November")."""
    return len(SENTENCE_END.findall(message)) + (0 if SENTENCE_END.search(message.rstrip()[-1:] or ".") else 1)


def problems_with_answer(status: int, body: Any, args: Any) -> list[str]:
    """Why an answer to a function call breaks CONTRACT sections 1 and 3 (empty when it does not)."""
    if status in TRANSPORT_ERRORS:
        ok = isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]
        return [] if ok else [f"HTTP {status} without a JSON error body: {str(body)[:200]}"]
    if status != 200:
        return [f"HTTP {status}: {str(body)[:300]}"]
    if not isinstance(body, dict):
        return [f"body is not a JSON object: {str(body)[:200]}"]
    found = []
    if body.get("status") not in CONTRACT_STATUSES:
        found.append(f"status {body.get('status')!r} not in CONTRACT section 3")
    if body.get("status") == "error" and (body.get("data") or {}).get("error") != "unknown_function":
        found.append(f"internal fault on bad input: {body}")
    if not isinstance(body.get("data"), dict):
        found.append(f"data is not an object: {body.get('data')!r}")
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        return [*found, f"message is not a non-empty string: {message!r}"]
    own = message
    for form in echoes(args):
        own = own.replace(form, " «» ")
    if LEAK.search(own):
        found.append(f"message leaks internals: {message[:300]!r}")
    if sentences(own) > 3:
        found.append(f"message has {sentences(own)} sentences: {message[:300]!r}")
    return found


def problems_with_writes(
    status: int, body: Any, before: dict[str, Any], after: dict[str, Any], callbacks_seen: set[str]
) -> list[str]:
    """Tables that changed although the answer does not announce such a change.

    A callback request is one new row, unless the answer is a retry's (the same `callback_id` as
    an earlier answer, replayed from the per-call cache): then it is none.
    """
    outcome = body.get("status") if status == 200 and isinstance(body, dict) else None
    allowed = MAY_CHANGE.get(outcome or "", frozenset())
    changed = [table for table in WATCHED if before[table] != after[table] and table not in allowed]
    if outcome == "callback_requested":
        callback_id = str((body.get("data") or {}).get("callback_id"))
        expected = 0 if callback_id in callbacks_seen else 1
        callbacks_seen.add(callback_id)
        if after["callback_requests"] - before["callback_requests"] != expected:
            changed.append(f"callback_requests (expected {expected} new)")
    return [f"{table} changed on HTTP {status} {outcome!r}" for table in changed]


# --- generated input ----------------------------------------------------------------------------------

# Every function the registry serves, so a new one (join_waitlist, leave_waitlist) is fuzzed the day it lands.
CANONICAL_FUNCTIONS = registry.CANONICAL
ALIAS_FUNCTIONS = (
    "initialize_call",
    "get_current_context",
    "current_time_berlin",
    "check_customer",
    "get_available_services",
    "get_service_info",
    "check_availability_v17",
    "get_alternatives",
    "find_next_available",
    "parse_date",
    "collect_appointment_data",
    "book_appointment_v17",
    "start_booking",
    "query_appointment",
    "query_appointment_by_name",
    "get_customer_appointments",
)
ARG_KEYS = (
    "service",
    "date",
    "time",
    "staff",
    "when",
    "query",
    "customer_name",
    "customer_phone",
    "notes",
    "appointment",
    "old_date",
    "old_time",
    "new_date",
    "new_time",
    "reason",
    "confirm",
    "datetime",
    "dienstleistung",
    "service_name",
    "service_id",
    "datum",
    "preferred_date",
    "appointment_date",
    "uhrzeit",
    "preferred_time",
    "mitarbeiter",
    "preferred_staff_id",
    "staff_name",
    "name",
    "phone_number",
    "telefonnummer",
    "new_datum",
    "new_uhrzeit",
    "old_datum",
    "old_uhrzeit",
    "bestaetigung",
    "call_id",
    "function_name",
)
FRAGMENTS = (
    "'; DROP TABLE appointments; --",
    "1 OR 1=1",
    '" OR ""="',
    "%' UNION SELECT * FROM customers --",
    "<script>alert(1)</script>",
    "<b>fett</b>",
    "&lt;&amp;",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "C:\\Windows\\system32",
    "\x00",
    "\u202e\u200b\ufeff",
    "𝕳𝖆𝖆𝖗𝖘𝖈𝖍𝖓𝖎𝖙𝖙",
    "😀💇‍♀️",
    "ÄÖÜäöüß",
    "\r\n\t",
    "None",
    "null",
    "undefined",
    "NaN",
    "call_1",
    "dummy_call_id",
    "{}",
    "[]",
    "true",
    "-1",
    "0",
)
DATES = (
    "31.02.",
    "31.02.2026",
    "30.02.",
    "29.02.2027",
    "00.00.0000",
    "0000-01-01",
    "0001-01-01",
    "year 0",
    "9999-12-31",
    "2026-13-45",
    "2026-11-31",
    "32.11.",
    "1.1.1",
    "26.10.2023",
    "Donnerstag",
    "gestern",
    "morgen",
    "übermorgen",
    "nächste Woche Dienstag",
    "heute",
    "tomorrow",
    "yesterday",
    "next Monday",
    "2026-11-21T14:30:00+01:00",
    "2026-11-21 25:61",
    "21.11.2026 14:30",
    "24:00",
    "25 Uhr",
    "halb dreizehn",
    "-5",
    "99:99",
    "um drei",
    "16:16",
    "13th of Smarch",
    "1e308",
    "2026-W47-6",
    "Montag um halb elf",
)
ODD_IDS = ("\x00", "call\x00id", "+49\x00151", " ", "None", "x" * 101, "ä" * 40, "1e5", "<script>", "'; --")
REAL = (
    "Herrenhaarschnitt",
    "Ansatz färben",
    "Fabian",
    "Emma",
    "Sports massage",
    "Olivia",
    SALON_REF,
    PHYSIO_REF,
    "Lena Vogel",
    "mein Name ist Anna Schmidt",
    "+4915100000017",
    "0151 2345678",
    "ja",
    "nein",
)


def huge_strings() -> st.SearchStrategy[str]:
    return st.builds(lambda ch, n: ch * n, st.sampled_from("x9 .äß\u00a0"), st.sampled_from([301, 5000, 60_000]))


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], odd_in_ten: int = 2) -> st.SearchStrategy[Any]:
    """`odd` in `odd_in_ten` draws of ten, else `usual`: garbage must not hide the paths behind it."""
    return st.sampled_from(range(10)).flatmap(lambda n: odd if n >= 10 - odd_in_ten else usual)


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**20, max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8"), max_size=20),
        st.sampled_from(FRAGMENTS),
        st.sampled_from(DATES),
        st.sampled_from(REAL),
        huge_strings(),
    )


def values() -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8,
    )


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def deep_values() -> st.SearchStrategy[Any]:
    """Nesting around the limits of recursive code (Python's default recursion limit is 1000)."""
    return st.sampled_from([50, 200, 500, 900, 950, 970, 985, 995]).map(nested)


def argument_value() -> st.SearchStrategy[Any]:
    """Plausible words (a real service, a bad date) half the time, so the booking paths get reached."""
    return mostly(st.sampled_from(REAL + DATES), values() | deep_values(), odd_in_ten=5)


def arguments() -> st.SearchStrategy[dict[str, Any]]:
    keys = mostly(st.sampled_from(ARG_KEYS), st.text(max_size=12), odd_in_ten=1)
    return st.dictionaries(keys, argument_value(), max_size=6)


def function_names() -> st.SearchStrategy[Any]:
    known = st.one_of(
        st.sampled_from(CANONICAL_FUNCTIONS + ALIAS_FUNCTIONS),
        st.builds(lambda n, v: f"{n}_v{v}", st.sampled_from(CANONICAL_FUNCTIONS), st.integers(0, 99)),
    )
    return mostly(known, st.one_of(st.text(max_size=30), st.sampled_from(FRAGMENTS), scalars()))


def numbers() -> st.SearchStrategy[Any]:
    return mostly(
        st.sampled_from([SALON_CALLER, PHYSIO_CALLER, "+4915100000099", "+447700900999"]),
        st.sampled_from(ODD_IDS) | scalars(),
        odd_in_ten=3,
    )


def calls() -> st.SearchStrategy[Any]:
    call = st.fixed_dictionaries(
        {"to_number": st.sampled_from([SALON_NUMBER, PHYSIO_NUMBER])},
        optional={
            "call_id": mostly(st.uuids().map(lambda u: f"call_{u.hex}"), st.sampled_from(ODD_IDS) | scalars()),
            "from_number": numbers(),
            "direction": scalars(),
            "agent_id": scalars(),
            "metadata": values(),
            "retell_llm_dynamic_variables": values(),
        },
    )
    return mostly(call, st.one_of(call.map(lambda c: {**c, "to_number": "+4912345678"}), values()), odd_in_ten=1)


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


@st.composite
def function_requests(draw: st.DrawFn) -> Request:
    """A signed function call in one of CONTRACT section 1's shapes, with generated contents."""
    name, args = draw(function_names()), draw(arguments())
    envelope: dict[str, Any] = {"name": name, "args": args, "call": draw(calls())}
    if draw(st.sampled_from(range(10))) == 9:
        for key in draw(st.sets(st.sampled_from(["name", "args", "call"]), min_size=1, max_size=2)):
            envelope.pop(key)
    if draw(st.sampled_from(range(10))) == 9:
        envelope[draw(st.sampled_from(["args", "call"]))] = draw(values())
    shape = draw(st.sampled_from(["wrapped", "wrapped", "per_function_wrapped", "per_function_args_only"]))
    if shape == "wrapped":
        return Request("/retell/functions", _dump(envelope), args=args)
    # The path is bounded: aiohttp's own parser refuses request lines over 8 KiB (HTTP 400) before any app code.
    path = "/retell/functions/" + quote(str(name) if name is not None else "x", safe="")[:1000]
    if shape == "per_function_wrapped":
        return Request(path, _dump(envelope), args=args)
    headers = {
        "X-Call-Id": draw(st.sampled_from(["call_hdr", "None", "", "x" * 200])),
        "X-To-Number": draw(
            mostly(st.sampled_from([SALON_NUMBER, PHYSIO_NUMBER]), st.sampled_from(["+4912345678", "", "garbage"]), 1)
        ),
    }
    if draw(st.booleans()):
        headers["X-From-Number"] = draw(st.sampled_from([SALON_CALLER, PHYSIO_CALLER, "0", "anonymous"]))
    return Request(path, _dump(args), headers, args=args)


TEMPLATES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "check_availability",
        SALON_NUMBER,
        SALON_CALLER,
        {"service": "Herrenhaarschnitt", "date": "2026-11-24", "time": "11:00", "staff": "Fabian"},
    ),
    (
        "book_appointment",
        SALON_NUMBER,
        SALON_CALLER,
        {"service": "Ansatz färben", "when": "Montag um halb elf", "staff": "Emma", "customer_name": "Lena Vogel"},
    ),
    (
        "collect_appointment_data",
        SALON_NUMBER,
        SALON_CALLER,
        {
            "dienstleistung": "Herrenhaarschnitt",
            "datum": "25.11.2026",
            "uhrzeit": "14:00",
            "name": "Lena Vogel",
            "bestaetigung": False,
        },
    ),
    ("cancel_appointment", SALON_NUMBER, SALON_CALLER, {"appointment": SALON_REF}),
    (
        "reschedule_appointment",
        SALON_NUMBER,
        SALON_CALLER,
        {"appointment": SALON_REF, "new_date": "2026-11-26", "new_time": "15:00"},
    ),
    ("find_appointments", SALON_NUMBER, SALON_CALLER, {"customer_name": "Lena Vogel"}),
    ("request_callback", SALON_NUMBER, SALON_CALLER, {"customer_name": "Lena Vogel", "reason": "Frage zur Farbe"}),
    (
        "check_availability",
        PHYSIO_NUMBER,
        PHYSIO_CALLER,
        {"service": "Sports massage", "when": "next Tuesday afternoon"},
    ),
    (
        "book_appointment",
        PHYSIO_NUMBER,
        PHYSIO_CALLER,
        {
            "service": "follow up",
            "date": "2026-11-25",
            "time": "09:30",
            "staff": "Olivia",
            "customer_name": "Oliver Twist",
        },
    ),
    (
        "reschedule_appointment",
        PHYSIO_NUMBER,
        PHYSIO_CALLER,
        {"appointment": PHYSIO_REF, "new_when": "Thursday at 10am"},
    ),
    ("cancel_appointment", PHYSIO_NUMBER, PHYSIO_CALLER, {"date": "2026-11-24"}),
)
ALIASES_OF: dict[str, tuple[str, ...]] = {
    "service": ("dienstleistung", "service_name", "service_id"),
    "date": ("datum", "preferred_date", "appointment_date"),
    "time": ("uhrzeit", "preferred_time"),
    "staff": ("mitarbeiter", "preferred_staff_id", "staff_name"),
    "customer_name": ("name",),
    "new_date": ("new_datum",),
    "new_time": ("new_uhrzeit",),
    "confirm": ("bestaetigung",),
}


@st.composite
def near_valid_requests(draw: st.DrawFn) -> Request:
    """A sensible call with one to three arguments spoiled (wrong type, garbage, impossible date,
    renamed to an alias, dropped, or an unknown key added): garbage one step from the booking paths."""
    function, to_number, caller, template = draw(st.sampled_from(TEMPLATES))
    args = dict(template)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["garbage", "date", "alias", "drop", "extra", "confirm"]))
        key = draw(st.sampled_from(sorted(args))) if args else "service"
        if action == "garbage":
            args[key] = draw(values())
        elif action == "date":
            args[draw(st.sampled_from(["date", "time", "when", "datetime", "new_date", "new_time", "old_date"]))] = (
                draw(st.sampled_from(DATES))
            )
        elif action == "alias" and key in ALIASES_OF and key in args:
            args[draw(st.sampled_from(ALIASES_OF[key]))] = args.pop(key)
        elif action == "drop":
            args.pop(key, None)
        elif action == "extra":
            args[draw(st.sampled_from(["call_id", "function_name", "tenant", "to_number", "sql", "<b>"]))] = draw(
                values()
            )
        else:
            args["confirm"] = draw(st.sampled_from([False, "nein", 0, None, "maybe", [True], {"x": 1}]))
    call = {
        "call_id": f"call_{draw(st.uuids()).hex}",
        "from_number": draw(st.sampled_from([caller, None, "unbekannt"])),
        "to_number": to_number,
        "direction": "inbound",
    }
    return Request("/retell/functions", _dump({"name": function, "args": args, "call": call}), args=args)


def numbers_of_any_kind() -> st.SearchStrategy[Any]:
    """What a timestamp, duration or cost may arrive as: huge, negative, fractional, infinite, text."""
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([0, -1, 2**31, 2**63, 10**20]),
        st.sampled_from(["94000", "1e9", "NaN", "", "eleven", "1e999999", "-0", "1E-999999", "Infinity"]),
        st.none(),
        st.booleans(),
    )


def call_costs() -> st.SearchStrategy[Any]:
    line = st.fixed_dictionaries(
        {}, optional={"product": scalars(), "cost": numbers_of_any_kind(), "unit_price": numbers_of_any_kind()}
    )
    cost = st.fixed_dictionaries(
        {},
        optional={
            "product_costs": st.lists(line, max_size=3) | values(),
            "combined_cost": numbers_of_any_kind(),
            "total_duration_seconds": numbers_of_any_kind(),
        },
    )
    return mostly(cost, values())


@st.composite
def event_requests(draw: st.DrawFn) -> Request:
    """A signed lifecycle webhook (CONTRACT section 7) with generated fields."""
    call = draw(
        st.fixed_dictionaries(
            {
                "to_number": mostly(st.sampled_from([SALON_NUMBER, PHYSIO_NUMBER]), scalars(), odd_in_ten=1),
                "call_id": mostly(st.uuids().map(lambda u: f"call_{u.hex}"), st.sampled_from(ODD_IDS) | scalars()),
            },
            optional={key: numbers_of_any_kind() for key in ("start_timestamp", "end_timestamp", "duration_ms")}
            | {
                "call_cost": call_costs(),
                "llm_token_usage": values(),
                "metadata": values() | deep_values(),
                "call_status": st.sampled_from(["ended", "error", "ongoing"]) | scalars(),
                "disconnection_reason": st.sampled_from(ODD_IDS) | scalars(),
                "from_number": numbers(),
                "direction": scalars(),
                "agent_id": scalars(),
                "transcript": scalars(),
                "call_analysis": values(),
                "llm_model": scalars(),
                "telephony_identifier": values(),
            },
        )
    )
    event = draw(
        mostly(
            st.sampled_from(["call_started", "call_ended", "call_analyzed"]),
            st.one_of(st.sampled_from(["call_transferred", "", "CALL_ENDED"]), scalars()),
        )
    )
    body: Any = {"event": event, "call": call}
    if draw(st.sampled_from(range(10))) == 9:
        body = draw(
            st.sampled_from([{"event": event}, {"call": call}, [body], {"event": event, "call": draw(values())}])
        )
    return Request("/retell/events", _dump(body))


def problems_with_event_answer(status: int, body: Any) -> list[str]:
    """Events answer HTTP 200 `{"status": "ok" | "ignored", ...}` (CONTRACT section 7) or a JSON transport error."""
    if status in TRANSPORT_ERRORS:
        ok = isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]
        return [] if ok else [f"HTTP {status} without a JSON error body: {str(body)[:200]}"]
    if status != 200 or not isinstance(body, dict) or body.get("status") not in ("ok", "ignored"):
        return [f"HTTP {status}: {str(body)[:300]}"]
    return []


def problems_with_event_writes(status: int, body: Any, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """A recorded event may upsert its call record and (call_ended, call_analyzed) release the call's holds."""
    recorded = status == 200 and isinstance(body, dict) and body.get("status") == "ok"
    allowed = {"calls", "holds"} if recorded else set()
    return [
        f"{table} changed on HTTP {status} {body!s:.120}"
        for table in WATCHED
        if before[table] != after[table] and table not in allowed
    ]


def raw_bodies() -> st.SearchStrategy[bytes]:
    """Bodies that are not a function call at all: bytes, text, bare JSON values, broken UTF-8,
    nesting past any recursion limit, numbers too long to convert, and bodies over the size limit."""
    deep = st.sampled_from([65, 1000, 5000, 100_000]).flatmap(
        lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, "[" * n])
    )
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        values().map(_dump),
        deep.map(str.encode),
        st.sampled_from(
            [
                b"",
                b"null",
                b"NaN",
                b"\xef\xbb\xbf{}",
                b'{"name": "\xff\xfe"}',
                b"1" * 5000,
                b'{"a": 1, "a": 2}',
                b'{"name": "get_context", "args": {}, "call": {"to_number": "+4930555000100"}',
                b"\x00" * 100,
                b" " * (MAX_BODY + 1),
                b'{"x": "' + b"y" * MAX_BODY + b'"}',
                # NaN and Infinity: Python's json reads them, PostgreSQL's json type does not.
                b'{"event": "call_ended", "call": {"call_id": "c1", "to_number": "+4930555000100", '
                b'"start_timestamp": -Infinity}}',
                b'{"name": "request_callback", "args": {"reason": NaN}, '
                b'"call": {"call_id": "c2", "to_number": "+4930555000100"}}',
            ]
        ),
    )


def _check(harness: Harness, request: Request) -> None:
    status, body, before, after = harness.run(harness.exchange(request))
    found = problems_with_answer(status, body, request.args) + problems_with_writes(
        status, body, before, after, harness.callbacks_seen
    )
    assert not found, f"{request.path} {request.body[:400]!r} {request.headers}: " + "; ".join(found)


# --- the tests ---------------------------------------------------------------------------------------


def test_generated_function_calls_get_a_speakable_answer_and_write_only_what_it_announces(
    harness: Harness, report: Report
) -> None:
    """Envelopes of every shape with generated contents, and sensible calls with spoiled arguments."""
    tried = 0

    @fuzz_settings(150, 2000)
    @given(st.one_of(function_requests(), near_valid_requests()))
    def one(request: Request) -> None:
        nonlocal tried
        tried += 1
        _check(harness, request)

    try:
        one()
    finally:
        report.add("bad inputs tried", "function envelopes", tried)


def test_generated_call_events_are_recorded_or_ignored_and_reports_still_work(harness: Harness, report: Report) -> None:
    """Garbage in a lifecycle webhook is acknowledged (`ignored`) or recorded as far as it makes sense;
    either way the cost reports over what was stored still answer."""
    tried = 0

    @fuzz_settings(80, 1500)
    @given(event_requests())
    def one(request: Request) -> None:
        nonlocal tried
        tried += 1
        status, body, before, after = harness.run(harness.exchange(request))
        found = problems_with_event_answer(status, body) + problems_with_event_writes(status, body, before, after)
        assert not found, f"{request.body[:400]!r}: " + "; ".join(found)

    try:
        one()
    finally:
        report.add("bad inputs tried", "call events", tried)
    for tenant in ("demo-salon", "demo-physio"):
        for path in (
            f"/admin/calls?tenant={tenant}",
            f"/admin/costs?tenant={tenant}&from=1970-01-01&to=1972-12-31",
            f"/admin/costs?tenant={tenant}&by=call",
            f"/admin/costs?tenant={tenant}&format=csv",
            f"/admin/costs/page?tenant={tenant}",
        ):
            status, text_ = harness.run(harness.admin_get(path))
            assert status == 200, f"{path} after fuzzed events: HTTP {status} {text_[:300]}"


def test_raw_bodies_get_a_json_transport_error_or_an_answer_and_write_nothing(harness: Harness, report: Report) -> None:
    """Correctly signed bodies that are not a well-formed call, on every webhook path: never an internal
    fault, and nothing in the database changes (no tenant can be resolved from them)."""
    tried = 0

    @fuzz_settings(100, 1500)
    @given(raw_bodies(), st.sampled_from(["/retell/functions", "/retell/functions/book_appointment", "/retell/events"]))
    def one(body: bytes, path: str) -> None:
        nonlocal tried
        tried += 1
        status, answer, before, after = harness.run(harness.exchange(Request(path, body)))
        if path == "/retell/events":
            found = problems_with_event_answer(status, answer)
        else:
            found = problems_with_answer(status, answer, None)
        found += [f"{table} changed" for table in WATCHED if before[table] != after[table]]
        assert not found, f"{path} {body[:300]!r}: " + "; ".join(found)

    try:
        one()
    finally:
        report.add("bad inputs tried", "raw bodies", tried)
