"""Real Retell traffic against `slotline serve` processes on PostgreSQL (issue 15), the way Retell
sends it: call objects shaped like the official SDK's `PhoneCallResponse` (checked against it), the
whole transcript on every request.

- Long calls under load: callers whose every request carries a 5 MB call object, among short calls;
  every answer speakable, the server's memory bounded.
- Call events during a database outage: answered 503 (never a 2xx for an event that was not stored),
  redelivered as Retell does (the same bytes, up to 3 retries), all stored once the database is back.
- Byte-identical copies of a booking and of events sent at once over fresh connections (both workers):
  one appointment, one call record, every copy the same answer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
import pytest

from agent_functions.bench.call_bodies import event_body, function_body
from agent_functions.client import Answer, FunctionClient
from agent_functions.server_process import ServerProcess
from agent_functions.signature import sign
from tests.fakes.retell_sender import phone_call
from tests.fakes.tcp_proxy import TcpProxy
from tests.reliability.support import KEY, Report, scale

pytestmark = pytest.mark.postgres

ZONE = ZoneInfo("Europe/Berlin")
SALON = "+4930555000100"
NAMES = (
    "Lena Vogel",
    "Max Muster",
    "Anna Schmidt",
    "Jonas Weber",
    "Mia Wagner",
    "Paul Becker",
    "Emma Hoffmann",
    "Felix Koch",
)
STATUSES = frozenset({"ok", "available", "unavailable", "booked", "needs_confirmation", "needs_clarification", "error"})


def next_weekday(after_days: int = 2) -> date:
    """A Tuesday to Friday at least `after_days` ahead on the real clock (the server's), not a holiday."""
    day = datetime.now(ZONE).date() + timedelta(days=after_days)
    while day.weekday() not in (1, 2, 3, 4) or (day.month, day.day) in ((12, 24), (12, 25), (12, 26), (12, 31), (1, 1)):
        day += timedelta(days=1)
    return day


def live_call(call_id: str, target_bytes: int, *, ended: bool = False) -> dict[str, Any]:
    """A call started a few minutes ago on the real clock."""
    start_ms = int((datetime.now(UTC) - timedelta(minutes=30)).timestamp() * 1000)
    return phone_call(call_id=call_id, target_bytes=target_bytes, start_ms=start_ms, ended=ended)


async def fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


# --- long calls under load ------------------------------------------------------------------------


async def test_five_megabyte_bodies_under_load(reliability_pg: str, server_log: Path, report: Report) -> None:
    long_callers, short_callers = scale(3, 8), scale(3, 10)
    day = next_weekday()
    template = live_call("call_long_template", 5_000_000)
    outcomes: Counter[str] = Counter()
    problems: list[str] = []
    short_ms: list[float] = []
    long_ms: list[float] = []
    peak_rss = 0.0

    def check(answer: Answer, what: str) -> None:
        outcomes[answer.outcome or f"HTTP {answer.status}"] += 1
        if answer.status != 200 or answer.outcome not in STATUSES or not answer.body.get("message"):
            problems.append(f"{what}: HTTP {answer.status} {str(answer.body)[:200]}")

    async def long_call(client: FunctionClient, index: int) -> None:
        call = {**template, "call_id": f"call_long_{index}"}
        args = {
            "service": "Herrenhaarschnitt",
            "date": day.isoformat(),
            "time": f"{9 + index}:00",
            "customer_name": NAMES[index % len(NAMES)],
        }
        for name, fn_args in (("get_context", {}), ("check_availability", args), ("book_appointment", args)):
            body = function_body(name, fn_args, call)
            assert len(body) > 5_000_000
            answer = await client.post("/retell/functions", body)
            long_ms.append(answer.ms)
            check(answer, f"{name} of call_long_{index}")
        answer = await client.post(
            "/retell/events",
            event_body(
                "call_ended",
                {**call, "end_timestamp": int(time.time() * 1000), "call_status": "ended", "duration_ms": 1_800_000},
            ),
        )
        if (answer.status, answer.outcome) != (200, "ok"):
            problems.append(f"call_ended of call_long_{index}: HTTP {answer.status} {str(answer.body)[:200]}")

    async def short_calls(client: FunctionClient, index: int, stop: asyncio.Event) -> None:
        while not stop.is_set():
            answer = await client.call("get_context", call_id=f"call_short_{index}", from_number="+4915100000017")
            short_ms.append(answer.ms)
            check(answer, f"get_context of call_short_{index}")

    with ServerProcess(reliability_pg, key=KEY, workers=2, log_path=server_log) as server:
        async with FunctionClient(server.url, KEY, timeout_s=60) as client:
            stop = asyncio.Event()
            background = [asyncio.create_task(short_calls(client, i, stop)) for i in range(short_callers)]

            async def sample() -> None:
                nonlocal peak_rss
                while not stop.is_set():
                    peak_rss = max(peak_rss, server.rss_mb())
                    await asyncio.sleep(0.1)

            sampler = asyncio.create_task(sample())
            await asyncio.gather(*(long_call(client, i) for i in range(long_callers)))
            stop.set()
            await asyncio.gather(*background, sampler)
    assert not problems, problems[:5]
    booked = await fetch(
        reliability_pg, "SELECT call_id FROM appointments WHERE call_id LIKE 'call_long_%' AND status = 'scheduled'"
    )
    assert sorted(r["call_id"] for r in booked) == sorted(f"call_long_{i}" for i in range(long_callers)), outcomes
    ended = await fetch(
        reliability_pg, "SELECT count(*) AS n FROM calls WHERE call_id LIKE 'call_long_%' AND status = 'ended'"
    )
    assert ended[0]["n"] == long_callers
    assert peak_rss < 700, f"server RSS peaked at {peak_rss:.0f} MiB (supervisor and 2 workers)"
    long_ms.sort()
    report.add("load held", "5 MB requests", len(long_ms) + long_callers)
    report.add("load held", "short requests beside them", len(short_ms))
    print(
        f"5 MB requests: {len(long_ms)}, p50 {long_ms[len(long_ms) // 2]:.0f} ms, max {long_ms[-1]:.0f} ms; "
        f"short requests: {len(short_ms)}; server peak RSS {peak_rss:.0f} MiB"
    )


# --- events during a database outage ----------------------------------------------------------------


async def deliver_like_retell(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes,
    signature: str,
    seen: Counter[str],
    delays: tuple[float, ...] = (1.0, 2.0, 4.0),
) -> tuple[int, Any]:
    """A Retell webhook delivery: the same signed bytes, retried up to 3 times without a 2xx."""
    for attempt in range(len(delays) + 1):
        try:
            async with session.post(
                url, data=body, headers={"Content-Type": "application/json", "X-Retell-Signature": signature}
            ) as response:
                status, answer = response.status, await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError) as exc:
            status, answer = 0, repr(exc)
        seen[f"HTTP {status}"] += 1
        if 200 <= status < 300:
            return status, answer
        if status == 503 and not (isinstance(answer, dict) and answer.get("error") == "event_not_stored"):
            seen["503 without the JSON error"] += 1
        if attempt < len(delays):
            await asyncio.sleep(delays[attempt])
    return status, answer


async def test_call_events_during_a_database_outage_are_all_stored_once_it_is_back(
    reliability_pg: str, server_log: Path, report: Report
) -> None:
    calls = scale(4, 12)
    target = urlsplit(reliability_pg)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    seen: Counter[str] = Counter()
    try:
        with ServerProcess(proxy.url_for(reliability_pg), key=KEY, workers=2, log_path=server_log) as server:
            deliveries = []
            for index in range(calls):
                call = live_call(f"call_outage_{index}", 40_000, ended=True)
                for event in ("call_started", "call_ended", "call_analyzed"):
                    body = event_body(event, call)
                    deliveries.append((f"call_outage_{index}", event, body, sign(body, KEY, datetime.now(UTC))))
            await proxy.go_down()
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
                sending = [
                    asyncio.create_task(
                        deliver_like_retell(session, server.url + "/retell/events", body, signature, seen)
                    )
                    for _, _, body, signature in deliveries
                ]
                await asyncio.sleep(2.5)  # every first delivery and first retry meet the outage
                outage_answers = sum(seen.values())
                await proxy.come_back()
                results = await asyncio.gather(*sending)
    finally:
        await proxy.stop()
    failed = [(d[0], d[1], r) for d, r in zip(deliveries, results) if r[0] != 200 or r[1].get("status") != "ok"]
    assert not failed, failed[:5]
    assert seen["HTTP 503"] >= len(deliveries), seen  # each one met the outage at least once, as a 503
    assert not seen["503 without the JSON error"] and not seen["HTTP 500"] and not seen["HTTP 0"], seen
    rows = await fetch(
        reliability_pg, "SELECT call_id, status, last_event, cost_event FROM calls WHERE call_id LIKE 'call_outage_%'"
    )
    assert len(rows) == calls and all(
        (r["status"], r["last_event"], r["cost_event"]) == ("ended", "call_analyzed", "call_analyzed") for r in rows
    ), rows
    report.add("faults injected", "database outages under call events", 1)
    report.add("load held", "call events delivered through an outage", len(deliveries))
    report.add("load held", "event deliveries answered 503 and redelivered", seen["HTTP 503"])
    print(f"{len(deliveries)} events; answers {dict(seen)}; {outage_answers} during the outage")


# --- byte-identical copies across workers -------------------------------------------------------------


async def send_copy(url: str, body: bytes, signature: str) -> tuple[int, Any]:
    """One copy over a connection of its own, so copies spread over the worker processes."""
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session,
        session.post(
            url, data=body, headers={"Content-Type": "application/json", "X-Retell-Signature": signature}
        ) as response,
    ):
        return response.status, await response.json()


async def test_byte_identical_copies_at_once_on_both_workers_write_once(
    reliability_pg: str, server_log: Path, report: Report
) -> None:
    copies = scale(8, 24)
    day = next_weekday(3)
    call = live_call("call_copies", 300_000)
    booking = function_body(
        "book_appointment",
        {"service": "Herrenhaarschnitt", "date": day.isoformat(), "time": "15:00", "customer_name": "Lena Vogel"},
        call,
    )
    started = event_body("call_started", call)
    ended = event_body(
        "call_ended",
        {**call, "call_status": "ended", "end_timestamp": int(time.time() * 1000), "duration_ms": 1_800_000},
    )
    with ServerProcess(reliability_pg, key=KEY, workers=2, log_path=server_log) as server:
        for path, body in (("/retell/functions", booking), ("/retell/events", started), ("/retell/events", ended)):
            signature = sign(body, KEY, datetime.now(UTC))
            answers = await asyncio.gather(*(send_copy(server.url + path, body, signature) for _ in range(copies)))
            later = await send_copy(server.url + path, body, signature)  # after all: the stored answer
            assert {status for status, _ in [*answers, later]} == {200}, answers[:3]
            if path == "/retell/functions":  # copies in flight wait for the first one's answer
                assert len({json.dumps(answer, sort_keys=True) for _, answer in [*answers, later]}) == 1, [
                    a for _, a in answers
                ][:4]
                assert later[1]["status"] == "booked", later
            else:  # copies in flight are upserts that change nothing; which of them says "created" may vary
                assert {(a["status"], a["call_id"]) for _, a in [*answers, later]} == {("ok", "call_copies")}, answers[
                    :3
                ]
                assert sum(a["created"] for _, a in answers) == (1 if body is started else 0), answers
        served = [line for line in server_log.read_text().splitlines() if "byte-identical copy answered" in line]
    appointments = await fetch(reliability_pg, "SELECT id FROM appointments WHERE call_id = 'call_copies'")
    rows = await fetch(reliability_pg, "SELECT status FROM calls WHERE call_id = 'call_copies'")
    assert len(appointments) == 1 and [r["status"] for r in rows] == ["ended"], (appointments, rows)
    assert served, "no copy was answered from the stored answers"
    report.add("bad inputs tried", "byte-identical copies at once across workers", 3 * (copies + 1))
